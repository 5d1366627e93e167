package dev.longwatch.local;

import dev.longwatch.core.alerting.TransitionSink;
import dev.longwatch.core.telemetry.Log;
import dev.longwatch.model.alerting.AlertTransition;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * local-dev's stand-in for the notifier's SQS queue: the evaluator's transitions wait here, in order, until the
 * notification service drains them. Each is logged (ids, states and the monitor: never a message body, which
 * may quote tenant data, nor any channel secret).
 */
public final class LocalTransitionQueue implements TransitionSink {
    private static final Log LOG = Log.get(LocalTransitionQueue.class);
    static final int CAPACITY = 100_000;

    private final LinkedBlockingQueue<AlertTransition> queue = new LinkedBlockingQueue<>(CAPACITY);

    @Override
    public void send(List<AlertTransition> transitions) {
        for (AlertTransition t : transitions) {
            LOG.info("alert transition queued", "tenant", t.tenant(), "id", t.id(), "monitorId", t.monitorId(),
                    "from", t.from().wire(), "to", t.to().wire(), "severity", t.severity().wire());
            if (!queue.offer(t)) {
                throw new IllegalStateException("the local transition queue is full (" + CAPACITY
                        + "); nothing drains it");
            }
        }
    }

    /** Takes everything queued, oldest first. */
    public List<AlertTransition> drain() {
        List<AlertTransition> out = new ArrayList<>();
        queue.drainTo(out);
        return out;
    }

    public int size() {
        return queue.size();
    }
}

package dev.longwatch.core.notify;

import dev.longwatch.core.telemetry.Log;

import java.time.Clock;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * In-process wake-ups (local-dev, the bench): the notifier run is scheduled on an executor at the due time. A run
 * already scheduled for the same time serves both requests (the notifier asks for whole seconds).
 */
public final class ExecutorWakeups implements Wakeups {
    private static final Log LOG = Log.get(ExecutorWakeups.class);
    private final ScheduledExecutorService executor;
    private final Runnable run;
    private final Clock clock;
    private final Set<Long> pending = ConcurrentHashMap.newKeySet();

    /**
     * @param run what a wake-up does (the notifier run: drain the queue, accept, tick); it must not throw
     */
    public ExecutorWakeups(ScheduledExecutorService executor, Runnable run, Clock clock) {
        this.executor = executor;
        this.run = run;
        this.clock = clock;
    }

    @Override
    public void wakeAt(long dueAt, long now) {
        long slot = dueAt;
        if (!pending.add(slot)) {
            return;
        }
        long delay = Math.max(0, Math.min(MAX_DELAY_MILLIS, slot - clock.millis()));
        try {
            executor.schedule(() -> {
                pending.remove(slot);
                run.run();
            }, delay, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException shutDown) {
            pending.remove(slot);
            LOG.info("notifier wake-up not scheduled: the executor is shut down");
        }
    }

    /** Wake-ups scheduled and not run yet. */
    public int pending() {
        return pending.size();
    }
}

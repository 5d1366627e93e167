package dev.longwatch.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.longwatch.core.notify.NotificationService;
import dev.longwatch.core.notify.Wakeups;
import dev.longwatch.core.telemetry.Log;
import dev.longwatch.core.telemetry.PlatformMetrics;
import dev.longwatch.model.PayloadException;
import dev.longwatch.model.alerting.AlertTransition;
import dev.longwatch.model.alerting.AlertTransitions;

import java.util.ArrayList;
import java.util.List;

/**
 * The notifier: an SQS batch of alert transitions (format v1) into {@link NotificationService#accept}.
 * A message that cannot be read is reported and dropped (a retry would not fix it); if the pipeline fails, every
 * message of the batch is reported as failed so SQS redelivers them (the delivery log keeps the retry from sending
 * twice), and after the queue's maxReceiveCount they go to its dead-letter queue.
 *
 * <p>The same queue carries the notifier's own wake-ups ({@link Wakeups}: attribute {@code longwatch-kind=wake},
 * delayed until a group is due): a batch with one also flushes everything due, in the same run
 * ({@link NotificationService#acceptAndTick}).
 */
public final class SqsNotifierHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {
    private static final Log LOG = Log.get(SqsNotifierHandler.class);
    private final NotificationService service;
    private final PlatformMetrics metrics;

    public SqsNotifierHandler() {
        this(AwsWiring.get().notificationService(), AwsWiring.get().metrics());
    }

    public SqsNotifierHandler(NotificationService service, PlatformMetrics metrics) {
        this.service = service;
        this.metrics = metrics;
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        List<AlertTransition> batch = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        boolean wake = false;
        for (SQSEvent.SQSMessage m : event.getRecords()) {
            if (Wakeups.isWake(kind(m), m.getBody())) {
                wake = true;
                ids.add(m.getMessageId());
                continue;
            }
            try {
                batch.add(AlertTransitions.fromJson(m.getBody()));
                ids.add(m.getMessageId());
            } catch (PayloadException e) {
                metrics.count("NotifierUnreadableMessages", 1);
                LOG.warn("alert transition cannot be read; dropped", "messageId", m.getMessageId(), "field", e.field(),
                        "reason", e.reason());
            }
        }
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        try {
            NotificationService.RunReport r = wake ? service.acceptAndTick(batch) : service.accept(batch);
            LOG.info("notifier batch done", "transitions", r.transitions(), "wake", wake, "groupsFlushed",
                    r.groupsFlushed(), "sent", r.sent(), "retrying", r.retrying(), "failed", r.failed(), "summarized",
                    r.summarized(), "duplicates", r.duplicates());
        } catch (RuntimeException e) {
            LOG.error("notifier batch failed; SQS redelivers it", e, "messages", ids.size());
            ids.forEach(id -> failures.add(new SQSBatchResponse.BatchItemFailure(id)));
        } finally {
            metrics.flush();
        }
        return new SQSBatchResponse(failures);
    }

    private static String kind(SQSEvent.SQSMessage m) {
        SQSEvent.MessageAttribute a = m.getMessageAttributes() == null ? null
                : m.getMessageAttributes().get(Wakeups.ATTRIBUTE);
        return a == null ? null : a.getStringValue();
    }
}

package dev.longwatch.aws.sqs;

import dev.longwatch.core.notify.Wakeups;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

import java.util.Map;

/**
 * Wake-ups as delayed messages on the notifier's own queue ({@code LONGWATCH_NOTIFY_WAKE_QUEUE_URL}): attribute
 * {@code longwatch-kind=wake}, body {@code {"kind":"wake","dueAt":…}}, {@code DelaySeconds} the time until the due
 * time rounded up (at most 900, SQS's limit), so the run that receives it finds the group due. Failures are
 * raised; the notifier logs them and leaves the group to the scheduled tick.
 */
public final class SqsWakeups implements Wakeups {
    static final int MAX_DELAY_SECONDS = (int) (MAX_DELAY_MILLIS / 1000);
    private final SqsClient sqs;
    private final String queueUrl;

    public SqsWakeups(SqsClient sqs, String queueUrl) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
    }

    /** Whole seconds until {@code dueAt}, rounded up, between 0 and 900. */
    static int delaySeconds(long dueAt, long now) {
        long seconds = Math.floorDiv(dueAt - now + 999, 1000);
        return (int) Math.max(0, Math.min(MAX_DELAY_SECONDS, seconds));
    }

    @Override
    public void wakeAt(long dueAt, long now) {
        sqs.sendMessage(b -> b.queueUrl(queueUrl).delaySeconds(delaySeconds(dueAt, now)).messageBody(Wakeups.body(dueAt))
                .messageAttributes(Map.of(ATTRIBUTE, MessageAttributeValue.builder().dataType("String")
                        .stringValue(KIND).build())));
    }
}

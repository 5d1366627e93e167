package dev.longwatch.aws.sqs;

import dev.longwatch.core.notify.DeadLetters;
import dev.longwatch.core.notify.Delivery;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

import java.util.Map;

/**
 * Failed notifications to the notifier's dead-letter queue ({@code LONGWATCH_NOTIFY_DLQ_URL}): the delivery record as
 * JSON (no secrets: channel ids, never URLs or tokens), with {@code tenant} and {@code channelType} attributes.
 */
public final class SqsDeadLetters implements DeadLetters {
    private final SqsClient sqs;
    private final String queueUrl;

    public SqsDeadLetters(SqsClient sqs, String queueUrl) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
    }

    @Override
    public void send(Delivery d) {
        sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(d.toStored()).messageAttributes(Map.of(
                "tenant", MessageAttributeValue.builder().dataType("String").stringValue(d.tenant()).build(),
                "channelType", MessageAttributeValue.builder().dataType("String").stringValue(d.channelType()).build())));
    }
}

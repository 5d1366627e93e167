package dev.longwatch.aws.sqs;

import dev.longwatch.testing.LocalSqs;
import dev.longwatch.core.notify.Delivery;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Dead letters on a real SQS API: ElasticMQ in-process on a free port. */
class SqsDeadLettersTest {
    final LocalSqs local = LocalSqs.start();
    final SqsClient sqs = local.client();

    @AfterEach
    void stop() {
        local.close();
    }

    @Test
    void aFailedNotificationLandsOnTheQueueWithItsTenantAndChannelType() {
        String url = sqs.createQueue(b -> b.queueName("notify-dlq")).queueUrl();
        Delivery d = new Delivery("0001-abc", "acme", "ch_1", "slack", "alert", "g_1", List.of("a1"), "[FIRING:1] x",
                Delivery.FAILED, 5, "Slack answered 503", 503, 1L, 2L, null, null, null);
        new SqsDeadLetters(sqs, url).send(d);
        List<Message> got = sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10)
                .messageAttributeNames("All")).messages();
        assertEquals(1, got.size());
        assertEquals(d, Delivery.fromStored(got.get(0).body()));
        assertEquals("acme", got.get(0).messageAttributes().get("tenant").stringValue());
        assertEquals("slack", got.get(0).messageAttributes().get("channelType").stringValue());
    }
}

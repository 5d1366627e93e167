package dev.longwatch.aws.sqs;

import dev.longwatch.testing.LocalSqs;
import dev.longwatch.core.notify.Json;
import dev.longwatch.core.notify.Wakeups;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Wake-up messages on a real queue (ElasticMQ in-process, free port). */
class SqsWakeupsTest {
    static LocalSqs local;
    static SqsClient sqs;

    @BeforeAll
    static void start() {
        local = LocalSqs.start();
        sqs = local.client();
    }

    @AfterAll
    static void stop() {
        local.close();
    }

    @Test
    void theDelayIsTheTimeUntilTheDueTimeRoundedUpAndAtMost15Minutes() {
        assertEquals(5, SqsWakeups.delaySeconds(1_000_004_001L, 1_000_000_000L));
        assertEquals(4, SqsWakeups.delaySeconds(1_000_004_000L, 1_000_000_000L));
        assertEquals(0, SqsWakeups.delaySeconds(999_999_000L, 1_000_000_000L), "already due: at once");
        assertEquals(900, SqsWakeups.delaySeconds(1_000_000_000L + 3_600_000, 1_000_000_000L));
    }

    @Test
    void aWakeUpIsADelayedMessageMarkedAsOne() {
        String url = sqs.createQueue(b -> b.queueName("wake-" + UUID.randomUUID())).queueUrl();
        new SqsWakeups(sqs, url).wakeAt(1_700_000_060_000L, 1_700_000_000_000L);
        var attrs = sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)).attributes();
        assertEquals("1", attrs.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED), attrs.toString());
        assertEquals("0", attrs.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES), "not visible before its delay");
    }

    @Test
    void theBodyAndTheAttributeEachMarkAWakeUpAndATransitionIsNone() {
        String body = Wakeups.body(1_700_000_060_000L);
        assertEquals("wake", Json.parse(body).get("kind").asText());
        assertEquals(1_700_000_060_000L, Json.parse(body).get("dueAt").asLong());
        assertTrue(Wakeups.isWake(null, body));
        assertTrue(Wakeups.isWake("wake", "anything"));
        assertFalse(Wakeups.isWake(null, "{\"v\":1,\"id\":\"m-1:x/1/FIRING\",\"monitorName\":\"wake\"}"));
        assertFalse(Wakeups.isWake(null, "not json \"wake\""));
    }

    @Test
    void aQueueThatDoesNotExistFailsTheWakeUp() {
        SqsWakeups w = new SqsWakeups(sqs, "http://127.0.0.1:1/000000000000/missing-" + UUID.randomUUID());
        assertThrows(RuntimeException.class, () -> w.wakeAt(2_000, 1_000));
    }
}

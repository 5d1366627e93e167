package dev.longwatch.aws.sqs;

import dev.longwatch.testing.LocalSqs;
import dev.longwatch.model.alerting.AlertState;
import dev.longwatch.model.alerting.AlertTransition;
import dev.longwatch.model.alerting.AlertTransitions;
import dev.longwatch.model.alerting.Severity;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The SQS transition sink against ElasticMQ, in-process on a free port. */
class SqsTransitionSinkTest {
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

    static AlertTransition transition(int i) {
        String alertId = "mon_1:service=s" + i;
        return new AlertTransition(AlertTransition.idOf(alertId, 1_700_000_040_000L, AlertState.FIRING), "acme",
                alertId, "mon_1", "CPU", Map.of("service", "s" + i), AlertState.OK, AlertState.FIRING,
                Severity.CRITICAL, 2, 1_700_000_040_000L, 1_700_000_040_000L, 95.0 + i, 90.0, "avg(cpu) > 90",
                "metric=cpu&agg=avg", "CPU is high", null, null, Map.of("severity", "critical"), List.of(), null);
    }

    @Test
    void everyTransitionBecomesOneV1MessageInBatchesOfTen() {
        String url = sqs.createQueue(b -> b.queueName("notify-" + UUID.randomUUID())).queueUrl();
        List<AlertTransition> sent = new ArrayList<>();
        for (int i = 0; i < 23; i++) {
            sent.add(transition(i));
        }
        new SqsTransitionSink(sqs, url).send(sent);

        List<AlertTransition> received = new ArrayList<>();
        for (int attempt = 0; attempt < 10 && received.size() < sent.size(); attempt++) {
            for (Message m : sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10)).messages()) {
                received.add(AlertTransitions.fromJson(m.body()));
            }
        }
        assertEquals(sent.stream().map(AlertTransition::id).sorted().toList(),
                received.stream().map(AlertTransition::id).sorted().toList());
        assertEquals(sent.get(3), received.stream().filter(t -> t.id().equals(sent.get(3).id())).findFirst()
                .orElseThrow());
    }

    @Test
    void aQueueThatDoesNotExistFailsTheSendSoTheEvaluationIsRetried() {
        SqsTransitionSink sink = new SqsTransitionSink(sqs, "http://127.0.0.1:1/000000000000/missing-"
                + UUID.randomUUID());
        assertThrows(RuntimeException.class, () -> sink.send(List.of(transition(1))));
    }
}

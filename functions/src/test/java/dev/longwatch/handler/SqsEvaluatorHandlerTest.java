package dev.longwatch.handler;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.longwatch.core.alerting.AlertInstance;
import dev.longwatch.core.alerting.AlertingFixture;
import dev.longwatch.core.alerting.evaluate.EvaluatorService;
import dev.longwatch.model.Tags;
import dev.longwatch.model.alerting.AlertState;
import dev.longwatch.model.alerting.AlertTransition;
import dev.longwatch.model.alerting.Monitor;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.longwatch.core.alerting.AlertingFixture.at;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The evaluator behind the queue of evaluator rounds, on the real Lambda event types and DynamoDB Local: a round
 * evaluates the minute it was scheduled for, SQS redelivery records and sends nothing twice, and a failed or
 * unreadable round is handed back to SQS (redelivery, then the dead-letter queue).
 */
class SqsEvaluatorHandlerTest {
    /** No evaluation settings: the defaults (delay 0m) apply. */
    static final String CPU_ABOVE_90 = """
            {"name": "CPU", "kind": "threshold", "query": {"metric": "cpu", "window": "1m"},
             "condition": {"op": "above", "critical": 90}}""";

    final AlertingFixture f = new AlertingFixture();

    static String round(int shard, int shardCount, long minute) {
        return """
                {"shard": %d, "shardCount": %d, "time": "%s"}""".formatted(shard, shardCount,
                Instant.ofEpochMilli(minute));
    }

    static SQSEvent event(String... bodies) {
        List<SQSEvent.SQSMessage> ms = new ArrayList<>();
        for (int i = 0; i < bodies.length; i++) {
            SQSEvent.SQSMessage m = new SQSEvent.SQSMessage();
            m.setMessageId("round-" + i);
            m.setBody(bodies[i]);
            ms.add(m);
        }
        SQSEvent e = new SQSEvent();
        e.setRecords(ms);
        return e;
    }

    static List<String> failed(SQSBatchResponse r) {
        return r.getBatchItemFailures().stream().map(SQSBatchResponse.BatchItemFailure::getItemIdentifier).toList();
    }

    SqsEvaluatorHandler handler(EvaluatorService evaluator) {
        return new SqsEvaluatorHandler(evaluator, f.clock, f.metrics);
    }

    @Test
    void aRoundEvaluatesTheMinuteItWasScheduledForNotTheClocks() {
        f.create("acme", CPU_ABOVE_90);
        f.gauge("acme", "cpu", Tags.of("host", "a"), 0, 95);
        f.clock.set(Instant.ofEpochMilli(at(7) + 25_000)); // delivered late

        SQSBatchResponse r = handler(f.evaluator).handleRequest(event(round(0, 1, at(1))), null);

        assertEquals(List.of(), failed(r));
        // With the default delay of 0m, the round of minute 1 reads minute 0, where the breaching point is.
        assertEquals(List.of("t=1 OK->FIRING"), f.seen());
    }

    @Test
    void aRedeliveredRoundRecordsAndSendsNoSecondTransition() {
        Monitor m = f.create("acme", CPU_ABOVE_90);
        f.gauge("acme", "cpu", Tags.of("host", "a"), 0, 95);
        f.clock.set(Instant.ofEpochMilli(at(1) + 25_000));
        SqsEvaluatorHandler h = handler(f.evaluator);

        assertEquals(List.of(), failed(h.handleRequest(event(round(0, 1, at(1))), null)));
        assertEquals(List.of(), failed(h.handleRequest(event(round(0, 1, at(1))), null)));

        assertEquals(1, f.sent.size());
        assertEquals(1, f.states.transitions("acme", AlertInstance.idOf(m.id(), Map.of()), 10).size());
    }

    @Test
    void aFailedRoundIsHandedBackToSqsAndItsRedeliverySendsTheRecordedTransitionOnce() {
        f.create("acme", CPU_ABOVE_90);
        f.gauge("acme", "cpu", Tags.of("host", "a"), 0, 95);
        f.clock.set(Instant.ofEpochMilli(at(1) + 25_000));
        List<AlertTransition> delivered = new ArrayList<>();
        boolean[] down = {true};
        SqsEvaluatorHandler h = handler(new EvaluatorService(f.monitorStore, f.states, f.index, f.rollups, f.events,
                t -> {
                    if (down[0]) {
                        throw new IllegalStateException("notification queue unavailable");
                    }
                    delivered.addAll(t);
                }, f.metrics, 2));

        assertEquals(List.of("round-0"), failed(h.handleRequest(event(round(0, 1, at(1))), null)));
        down[0] = false;
        f.clock.set(Instant.ofEpochMilli(at(3)));
        assertEquals(List.of(), failed(h.handleRequest(event(round(0, 1, at(1))), null)), "the redelivery");
        assertEquals(List.of(), failed(h.handleRequest(event(round(0, 1, at(1))), null)), "a second redelivery");

        assertEquals(1, delivered.size());
        assertEquals(AlertState.FIRING, delivered.get(0).to());
        assertEquals(at(1), delivered.get(0).at(), "dated by its minute, not by the redelivery");
    }

    @Test
    void onlyTheRoundsThatFailedOrCannotBeReadAreHandedBack() {
        f.create("acme", CPU_ABOVE_90);
        f.gauge("acme", "cpu", Tags.of("host", "a"), 0, 95);
        f.clock.set(Instant.ofEpochMilli(at(1) + 25_000));

        SQSBatchResponse r = handler(f.evaluator).handleRequest(event(
                "not json",
                "{\"shard\": 0, \"shardCount\": 1}",
                round(3, 2, at(1)),
                "{\"shard\": 0, \"shardCount\": 1, \"time\": \"yesterday\"}",
                round(0, 1, at(1))), null);

        // No time (a round must name its minute), a shard outside the count, a time that is not RFC 3339.
        assertEquals(List.of("round-0", "round-1", "round-2", "round-3"), failed(r));
        assertEquals(List.of("t=1 OK->FIRING"), f.seen());
        assertEquals(3.0, f.metrics.counter("EvaluatorUnreadableRounds"));
    }

    @Test
    void eachShardsRoundEvaluatesOnlyItsShare() {
        for (int i = 0; i < 6; i++) {
            f.create("acme", CPU_ABOVE_90);
        }
        f.gauge("acme", "cpu", Tags.of("host", "a"), 0, 95);
        f.clock.set(Instant.ofEpochMilli(at(1) + 25_000));

        SQSBatchResponse r = handler(f.evaluator).handleRequest(event(round(0, 2, at(1)), round(1, 2, at(1))),
                null);

        assertEquals(List.of(), failed(r));
        assertEquals(6, f.sent.size(), "every monitor once, by one of the two shards");
    }
}

package dev.longwatch.handler;

import dev.longwatch.core.alerting.AlertingFixture;
import dev.longwatch.core.alerting.evaluate.EvaluatorService;
import dev.longwatch.model.Tags;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The scheduled evaluator's entry point: the schedule's input picks the shard and the minute. */
class ScheduledEvaluatorHandlerTest {
    final AlertingFixture f = new AlertingFixture();

    @Test
    void theScheduledTimeNotTheClockIsTheEvaluatedMinuteSoARetryRedoesTheSameMinute() {
        f.create("acme", """
                {"name": "CPU", "kind": "threshold", "query": {"metric": "cpu", "window": "1m"},
                 "condition": {"op": "above", "critical": 90}, "evaluation": {"delay": "0m"}}""");
        f.gauge("acme", "cpu", Tags.of("host", "a"), 0, 95);
        f.clock.set(Instant.ofEpochMilli(AlertingFixture.at(7))); // the retry runs late
        ScheduledEvaluatorHandler h = new ScheduledEvaluatorHandler(f.evaluator, f.clock, f.metrics);

        Map<String, Object> report = h.handleRequest(Map.of("shard", 0, "shardCount", 1,
                "time", Instant.ofEpochMilli(AlertingFixture.at(1) + 2_000).toString()), null);

        assertEquals(AlertingFixture.at(1), report.get("minute"));
        assertEquals(1, report.get("transitions"));
        assertEquals(List.of("t=1 OK->FIRING"), f.seen());
    }

    @Test
    void theScheduledTimeUnderTheNameFunctionScheduleGivesItIsTheEvaluatedMinuteToo() {
        f.create("acme", """
                {"name": "CPU", "kind": "threshold", "query": {"metric": "cpu", "window": "1m"},
                 "condition": {"op": "above", "critical": 90}}""");
        f.gauge("acme", "cpu", Tags.of("host", "a"), 0, 95);
        f.clock.set(Instant.ofEpochMilli(AlertingFixture.at(7)));
        ScheduledEvaluatorHandler h = new ScheduledEvaluatorHandler(f.evaluator, f.clock, f.metrics);

        Map<String, Object> report = h.handleRequest(Map.of("shard", 0, "shardCount", 1,
                "scheduledTime", Instant.ofEpochMilli(AlertingFixture.at(1)).toString()), null);

        assertEquals(AlertingFixture.at(1), report.get("minute"));
        assertEquals(List.of("t=1 OK->FIRING"), f.seen());
    }

    @Test
    void aFailedTenantFailsTheInvocationSoTheSchedulerRetries() {
        f.create("acme", """
                {"name": "CPU", "kind": "threshold", "query": {"metric": "cpu", "window": "1m"},
                 "condition": {"op": "above", "critical": 90}, "evaluation": {"delay": "0m"}}""");
        f.gauge("acme", "cpu", Tags.of("host", "a"), 0, 95);
        EvaluatorService failingSink = new EvaluatorService(f.monitorStore, f.states, f.index, f.rollups, f.events,
                t -> {
                    throw new IllegalStateException("queue down");
                }, f.metrics, 2);
        ScheduledEvaluatorHandler h = new ScheduledEvaluatorHandler(failingSink, f.clock, f.metrics);
        assertThrows(IllegalStateException.class, () -> h.handleRequest(Map.of("time",
                Instant.ofEpochMilli(AlertingFixture.at(1)).toString()), null));
    }

    @Test
    void aShardOutsideTheCountIsRefused() {
        ScheduledEvaluatorHandler h = new ScheduledEvaluatorHandler(f.evaluator, f.clock, f.metrics);
        assertThrows(IllegalArgumentException.class, () -> h.handleRequest(Map.of("shard", 3, "shardCount", 3), null));
    }
}

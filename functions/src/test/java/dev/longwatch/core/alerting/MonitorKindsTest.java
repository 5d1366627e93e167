package dev.longwatch.core.alerting;

import dev.longwatch.model.Tags;
import dev.longwatch.model.alerting.AlertState;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.longwatch.core.alerting.AlertingFixture.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each monitor kind through the scheduled evaluator on DynamoDB Local (time in minutes). */
class MonitorKindsTest {
    static final Tags WEB = Tags.of("service", "web");

    final AlertingFixture f = new AlertingFixture();

    @Test
    void changeInPercentAgainstTheValueNMinutesAgoFiresOnARise() {
        f.create("acme", """
                {"name": "jump", "kind": "change", "query": {"metric": "rps", "window": "1m"},
                 "condition": {"op": "above", "mode": "percent", "ago": "5m", "critical": 50},
                 "evaluation": {"delay": "0m"}}""");
        f.gauge("acme", "rps", WEB, 0, 100, 100, 100, 100, 100, 120, 200);
        f.evaluate(6); // minute 5 (120) against minute 0 (100): +20 %
        f.evaluate(7); // minute 6 (200) against minute 1 (100): +100 %
        assertEquals(List.of("t=7 OK->FIRING"), f.seen());
        assertEquals(100.0, f.sent.get(0).value(), 1e-9);
    }

    @Test
    void changeBelowFiresOnAFallByMoreThanTheLevel() {
        f.create("acme", """
                {"name": "drop", "kind": "change", "query": {"metric": "rps", "window": "1m"},
                 "condition": {"op": "below", "mode": "absolute", "ago": "1m", "critical": 30},
                 "evaluation": {"delay": "0m"}}""");
        f.gauge("acme", "rps", WEB, 0, 100, 80, 40);
        f.evaluate(2); // 80 - 100 = -20
        f.evaluate(3); // 40 - 80 = -40
        assertEquals(List.of("t=3 OK->FIRING"), f.seen());
    }

    @Test
    void absenceFiresWhenAGroupStopsSendingForTheDuration() {
        f.create("acme", """
                {"name": "heartbeat", "kind": "absence", "query": {"metric": "beat", "groupBy": ["service"]},
                 "condition": {"for": "3m"}, "evaluation": {"delay": "0m"}}""");
        f.gauge("acme", "beat", WEB, 0, 1, 1, Double.NaN, Double.NaN, Double.NaN, 1);
        for (int m = 1; m <= 6; m++) {
            f.evaluate(m);
        }
        // Last beat in minute 1; [2, 5) is empty at t=5; the beat at minute 5 ends it at t=6.
        assertEquals(List.of("t=5 OK->FIRING", "t=6 FIRING->RESOLVED"), f.seen());
    }

    @Test
    void eventAbsenceFiresWhenNoEventOfTheKindArrivesInTime() {
        f.create("acme", """
                {"name": "backup", "kind": "absence",
                 "condition": {"for": "10m", "events": {"kind": "cron-backup", "filters": ["job:backup"]}},
                 "evaluation": {"delay": "0m"}}""");
        f.event("acme", "cron-backup", Tags.of("job", "backup"), at(1));
        f.evaluate(5);
        f.evaluate(11);
        f.evaluate(12);
        assertEquals(List.of("t=12 OK->FIRING"), f.seen());
    }

    @Test
    void eventCountFiresOnMoreMatchingEventsThanTheLevelWithinTheWindow() {
        f.create("acme", """
                {"name": "errors", "kind": "event_count",
                 "condition": {"events": {"kind": "error", "filters": ["service:checkout"]}, "window": "10m",
                               "op": "above", "critical": 2, "warning": 1},
                 "evaluation": {"delay": "0m"}}""");
        f.event("acme", "error", Tags.of("service", "checkout"), at(1));
        f.event("acme", "error", Tags.of("service", "search"), at(1) + 1);
        f.event("acme", "error", Tags.of("service", "checkout"), at(2));
        f.evaluate(3);
        f.event("acme", "error", Tags.of("service", "checkout"), at(3));
        f.evaluate(4);
        assertEquals(List.of("t=3 OK->FIRING", "t=4 FIRING->FIRING"), f.seen());
        assertEquals("warning", f.sent.get(0).severity().wire());
        assertEquals("critical", f.sent.get(1).severity().wire());
    }

    @Test
    void anomalyFiresOutsideTheBandLearnedFromTheSameMinuteOfPastDays() {
        f.create("acme", """
                {"name": "odd", "kind": "anomaly", "query": {"metric": "orders", "window": "1m"},
                 "condition": {"direction": "both", "sensitivity": "medium", "seasonality": "daily", "history": "4d"},
                 "evaluation": {"delay": "0m"}}""");
        int day = 24 * 60;
        f.clock.set(java.time.Instant.ofEpochMilli(at(4 * day)));
        double[] history = {100, 104, 98, 101};
        for (int d = 1; d <= 4; d++) {
            f.gauge("acme", "orders", WEB, 4 * day - d * day, history[d - 1], history[d - 1]);
        }
        f.gauge("acme", "orders", WEB, 4 * day, 102, 300);
        f.evaluate(4 * day + 1);
        f.evaluate(4 * day + 2);
        assertEquals(List.of("t=" + (4 * day + 2) + " OK->FIRING"), f.seen());
    }

    @Test
    void aCompositeFiresWhenItsExpressionOverTheNamedMonitorsHolds() {
        var cpu = f.create("acme", """
                {"name": "cpu", "kind": "threshold", "query": {"metric": "cpu", "window": "1m"},
                 "condition": {"op": "above", "critical": 90}, "evaluation": {"delay": "0m"}}""");
        var mem = f.create("acme", """
                {"name": "mem", "kind": "threshold", "query": {"metric": "mem", "window": "1m"},
                 "condition": {"op": "above", "critical": 90}, "evaluation": {"delay": "0m"}}""");
        var both = f.create("acme", """
                {"name": "both", "kind": "composite", "condition": {"expression": "%s && !%s"}}"""
                .formatted(cpu.id(), mem.id()));
        f.gauge("acme", "cpu", WEB, 0, 95, 95);
        f.gauge("acme", "mem", WEB, 0, 10, 95);
        f.evaluate(1);
        f.evaluate(2);
        List<String> composite = f.sent.stream().filter(t -> t.monitorId().equals(both.id()))
                .map(t -> t.from().wire() + "->" + t.to().wire() + "@" + (t.at() - AlertingFixture.T0) / 60_000)
                .toList();
        assertEquals(List.of("OK->FIRING@1", "FIRING->RESOLVED@2"), composite);
    }

    @Test
    void aPercentileOfAGaugeIsTheVisibleErrorStateNotOk() {
        f.create("acme", """
                {"name": "bad", "kind": "threshold", "query": {"metric": "cpu", "agg": "p99", "window": "1m"},
                 "condition": {"op": "above", "critical": 90}, "evaluation": {"delay": "0m"}}""");
        f.gauge("acme", "cpu", WEB, 0, 10);
        f.evaluate(1);
        assertEquals(List.of("t=1 OK->ERROR"), f.seen());
        assertTrue(f.sent.get(0).error().contains("needs a distribution metric"), f.sent.get(0).error());
        assertEquals(AlertState.ERROR, f.alerts.list("acme", new AlertService.Filter(null, null, null, null))
                .get(0).state());
    }

    @Test
    void theEvaluationDelayReadsOnlyDataOlderThanTheDelay() {
        f.create("acme", """
                {"name": "CPU", "kind": "threshold", "query": {"metric": "cpu", "window": "1m"},
                 "condition": {"op": "above", "critical": 90}, "evaluation": {"delay": "2m", "noData": "ok"}}""");
        f.gauge("acme", "cpu", WEB, 0, 95);
        f.evaluate(1); // reads minute -2
        f.evaluate(2); // reads minute -1
        f.evaluate(3); // reads minute 0
        assertEquals(List.of("t=3 OK->FIRING"), f.seen());
    }

    @Test
    void theWindowAggregatesEveryPointOfTheLastWindow() {
        f.create("acme", """
                {"name": "CPU", "kind": "threshold", "query": {"metric": "cpu", "agg": "avg", "window": "3m"},
                 "condition": {"op": "above", "critical": 90}, "evaluation": {"delay": "0m"}}""");
        f.gauge("acme", "cpu", WEB, 0, 80, 95, 99);
        f.evaluate(2); // avg(80, 95) = 87.5
        f.evaluate(3); // avg(80, 95, 99) = 91.3
        assertEquals(List.of("t=3 OK->FIRING"), f.seen());
        assertEquals(91.333, f.sent.get(0).value(), 1e-3);
    }
}

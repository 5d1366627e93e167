package dev.longwatch.core.alerting;

import dev.longwatch.core.alerting.backtest.BacktestService;
import dev.longwatch.model.PayloadException;
import dev.longwatch.model.Tags;
import dev.longwatch.model.alerting.AlertTransition;
import dev.longwatch.model.alerting.Monitor;
import dev.longwatch.model.alerting.Monitors;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.longwatch.core.alerting.AlertingFixture.at;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The backtest runs the evaluator's code over history and shows what it would have done. */
class BacktestTest {
    static final String MONITOR = """
            {"name": "CPU", "kind": "threshold", "query": {"metric": "cpu", "groupBy": ["service"], "window": "1m"},
             "condition": {"op": "above", "critical": 90, "warning": 80},
             "evaluation": {"delay": "0m", "pendingFor": "1m", "flapping": {"changes": 4, "window": "1h"}}}""";

    final AlertingFixture f = new AlertingFixture();

    @Test
    void theBacktestTimelineIsWhatTheScheduledEvaluatorDoesOnTheSameData() {
        f.gauge("acme", "cpu", Tags.of("service", "web"), 0, 10, 95, 95, 95, 10, 10, 85, 85, 10);
        Monitor saved = f.create("acme", MONITOR);
        for (int m = 1; m <= 10; m++) {
            f.evaluate(m);
        }
        BacktestService.Result r = f.backtests.run("acme", saved, at(1), at(11));

        assertEquals(1, r.instances().size());
        BacktestService.InstanceResult web = r.instances().get(0);
        assertEquals(Map.of("service", "web"), web.group());
        assertEquals(f.seen(), web.timeline().stream().map(BacktestTest::line).toList());
        // Pending holds t=2 back; the fifth change within the hour (t=8) is FLAPPING, notified once.
        assertEquals(List.of("t=3 PENDING->FIRING", "t=5 FIRING->RESOLVED", "t=8 PENDING->FLAPPING"),
                web.notifications().stream().map(BacktestTest::line).toList());
        assertEquals(Map.of("critical", 90.0, "warning", 80.0), web.thresholds());
        assertArrayEquals(new double[]{10, 95, 95, 95, 10, 10, 85, 85, 10}, web.values(), 1e-9);
        assertEquals(at(1), web.times()[0]);
        assertEquals(10, r.evaluations());
    }

    @Test
    void anUnsavedDefinitionCanBeBacktestedAndNothingIsStoredOrSent() {
        f.gauge("acme", "cpu", Tags.of("service", "web"), 0, 95, 95);
        Monitor draft = Monitors.parse(MONITOR).stored("draft", 0, 0, 0, "key:test");
        BacktestService.Result r = f.backtests.run("acme", draft, at(0), at(3));
        assertEquals(List.of("t=1 OK->PENDING", "t=2 PENDING->FIRING"),
                r.instances().get(0).timeline().stream().map(BacktestTest::line).toList());
        assertEquals(List.of(), f.sent);
        assertEquals(List.of(), f.states.instances("acme"));
    }

    @Test
    void aRangeLongerThan31DaysIsRefusedNamingFrom() {
        Monitor draft = Monitors.parse(MONITOR).stored("draft", 0, 0, 0, "key:test");
        PayloadException e = assertThrows(PayloadException.class,
                () -> f.backtests.run("acme", draft, at(0), at(32 * 24 * 60)));
        assertEquals("from", e.field());
    }

    static String line(AlertTransition t) {
        return "t=" + (t.at() - AlertingFixture.T0) / AlertingFixture.MINUTE + " " + t.from().wire() + "->"
                + t.to().wire();
    }
}

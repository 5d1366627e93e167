package dev.longwatch.core.alerting.evaluate;

import dev.longwatch.core.alerting.AlertInstance;
import dev.longwatch.model.alerting.AlertTransition;
import dev.longwatch.model.alerting.Monitor;
import dev.longwatch.model.alerting.Monitors;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A timeline test in the style of Alertmanager's acceptance tests, with time in minutes: feed one evaluation
 * result per minute ({@code at(t, value)}) and read the transitions as {@code "t=5 PENDING->FIRING"}. The results
 * go through the real condition levels ({@link MonitorEvaluator#levels}) and the real {@link StateMachine}.
 */
final class Timeline {
    static final long T0 = 1_700_000_000_000L - 1_700_000_000_000L % 60_000;
    static final long MINUTE = 60_000;

    final Monitor monitor;
    AlertInstance state;
    final List<AlertTransition> transitions = new ArrayList<>();

    Timeline(String monitorJson) {
        this.monitor = Monitors.parse(monitorJson).stored("mon_t", 1, T0, T0, "test");
        this.state = AlertInstance.fresh(AlertInstance.idOf("mon_t", Map.of()), "mon_t", monitor.name(), Map.of(),
                monitor.severity(), Map.of());
    }

    /** A threshold monitor above {@code critical} with these evaluation settings (JSON members). */
    static Timeline threshold(String condition, String evaluation) {
        return new Timeline("""
                {"name": "t", "kind": "threshold", "query": {"metric": "cpu", "window": "1m"},
                 "condition": %s, "evaluation": %s}""".formatted(condition, evaluation));
    }

    Timeline at(int minute, Double value) {
        var c = (dev.longwatch.model.alerting.Condition.Threshold) monitor.condition();
        return at(minute, value == null ? EvaluationResult.noData()
                : MonitorEvaluator.levels(c.op(), value, c.critical(), c.warning(), c.recovery()));
    }

    Timeline at(int minute, EvaluationResult r) {
        StateMachine.Step step = StateMachine.step("acme", monitor, state, r, T0 + minute * MINUTE);
        state = step.next();
        transitions.addAll(step.transitions());
        return this;
    }

    /** Values at consecutive minutes from {@code first}. */
    Timeline values(int first, double... values) {
        for (int i = 0; i < values.length; i++) {
            at(first + i, values[i]);
        }
        return this;
    }

    List<String> seen() {
        List<String> out = new ArrayList<>();
        for (AlertTransition t : transitions) {
            out.add("t=" + (t.at() - T0) / MINUTE + " " + t.from().wire() + "->" + t.to().wire());
        }
        return out;
    }
}

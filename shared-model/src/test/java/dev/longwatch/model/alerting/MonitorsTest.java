package dev.longwatch.model.alerting;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Monitor JSON: every kind reads and writes back the same, and each invalid field is named. */
class MonitorsTest {

    static List<String> fields(String json) {
        MonitorValidationException e = assertThrows(MonitorValidationException.class, () -> Monitors.parse(json));
        return e.errors().stream().map(FieldError::field).toList();
    }

    @Test
    void aMinimalThresholdMonitorGetsTheDocumentedDefaults() {
        Monitor m = Monitors.parse("""
                {"name": "cpu", "kind": "threshold", "query": {"metric": "cpu"},
                 "condition": {"op": "above", "critical": 90}}""");
        assertEquals(EvaluationSettings.DEFAULT, m.evaluation());
        assertEquals("avg", m.query().agg());
        assertEquals(Duration.ofMinutes(5), m.query().window());
        assertEquals(Severity.CRITICAL, m.severity());
        assertEquals(3, m.priority());
        assertTrue(m.enabled());
    }

    @Test
    void everyKindSurvivesAWriteAndReadBack() {
        List<String> all = List.of(
                """
                {"name": "t", "kind": "threshold", "query": {"metric": "cpu", "filters": ["env:prod", "!az:b"],
                 "groupBy": ["host"], "agg": "max", "window": "10m"},
                 "condition": {"op": "below", "critical": 5, "warning": 10, "recovery": 12},
                 "evaluation": {"every": "2m", "delay": "3m", "datapoints": 2, "outOf": 4, "pendingFor": "90s",
                 "keepFiringFor": "1h", "noData": "keep", "flapping": {"changes": 3, "window": "30m"}},
                 "severity": "warning", "priority": 1, "message": "m", "runbook": "https://r", "owner": "o",
                 "tags": {"team": "a"}, "notify": {"channels": ["ch_1"]}, "enabled": false}""",
                """
                {"name": "c", "kind": "change", "query": {"metric": "rps"},
                 "condition": {"op": "above", "mode": "percent", "ago": "1d", "critical": 50, "warning": 20}}""",
                """
                {"name": "a", "kind": "absence", "condition": {"for": "15m", "events": {"kind": "cron-backup",
                 "filters": ["job:backup"]}}}""",
                """
                {"name": "n", "kind": "anomaly", "query": {"metric": "orders"},
                 "condition": {"direction": "above", "sensitivity": "high", "seasonality": "weekly", "history": "21d"}}""",
                """
                {"name": "e", "kind": "event_count", "condition": {"events": {"kind": "error"}, "window": "10m",
                 "op": "above", "critical": 10, "warning": 5}}""",
                """
                {"name": "x", "kind": "composite", "condition": {"expression": "mon_a && (mon_b || !mon_c)"}}""");
        for (String json : all) {
            Monitor m = Monitors.parse(json).stored("mon_1", 2, 1_000, 2_000, "key:ab");
            Monitor back = Monitors.fromStored(Monitors.toJson(m).toString());
            assertEquals(m, back, json);
        }
    }

    @Test
    void eachInvalidFieldIsNamedByItsJsonPath() {
        assertEquals(List.of("name", "kind", "condition"), fields("{\"kind\": \"magic\"}"));
        assertEquals(List.of("query.metric", "query.filters[1]", "query.window"), fields("""
                {"name": "x", "kind": "threshold", "query": {"metric": "1bad", "filters": ["a:b", "nocolon"],
                 "window": "30s"}, "condition": {"op": "above", "critical": 1}}"""));
        assertEquals(List.of("condition.warning"), fields("""
                {"name": "x", "kind": "threshold", "query": {"metric": "cpu"},
                 "condition": {"op": "above", "critical": 90, "warning": 95}}"""));
        assertEquals(List.of("condition.recovery"), fields("""
                {"name": "x", "kind": "threshold", "query": {"metric": "cpu"},
                 "condition": {"op": "above", "critical": 90, "recovery": 95}}"""));
        assertEquals(List.of("condition.expression"), fields("""
                {"name": "x", "kind": "composite", "condition": {"expression": "mon_a && (mon_b"}}"""));
        assertEquals(List.of("evaluation.every", "evaluation.flapping.changes", "tags.9bad"), fields("""
                {"name": "x", "kind": "threshold", "query": {"metric": "cpu"}, "condition": {"critical": 1,
                 "op": "above"}, "evaluation": {"every": "90s", "flapping": {"changes": 1}}, "tags": {"9bad": "v"}}"""));
        assertEquals(List.of("condition.events"), fields("""
                {"name": "x", "kind": "event_count", "condition": {"window": "5m", "critical": 1}}"""));
    }

    @Test
    void anAbsenceOfEventsNeedsNoQueryButAnAbsenceOfDataDoes() {
        assertNull(Monitors.parse("""
                {"name": "a", "kind": "absence", "condition": {"for": "5m", "events": {"kind": "beat"}}}""").query());
        assertEquals(List.of("query"), fields("""
                {"name": "a", "kind": "absence", "condition": {"for": "5m"}}"""));
    }

    @Test
    void compositeExpressionsEvaluateWithPrecedenceAndNameTheirMonitors() {
        CompositeExpression e = CompositeExpression.parse("mon_a && (mon_b || !mon_c)");
        assertEquals(java.util.Set.of("mon_a", "mon_b", "mon_c"), e.ids());
        assertTrue(e.evaluate(id -> id.equals("mon_a")));
        assertFalse(e.evaluate(id -> !id.equals("mon_b")));
        assertTrue(CompositeExpression.parse("a || b && c").evaluate(id -> id.equals("a")));
        assertThrows(IllegalArgumentException.class, () -> CompositeExpression.parse("a &&"));
    }

    @Test
    void durationsReadAndWriteTheirShortestForm() {
        assertEquals(Duration.ofSeconds(90), Durations.parse("90s"));
        assertEquals(Duration.ofDays(14), Durations.parse("2w"));
        assertNull(Durations.parse("5"));
        assertNull(Durations.parse("-5m"));
        assertEquals("90s", Durations.format(Duration.ofSeconds(90)));
        assertEquals("2h", Durations.format(Duration.ofMinutes(120)));
        assertEquals("0m", Durations.format(Duration.ZERO));
        assertInstanceOf(Condition.Threshold.class, Monitors.parse("""
                {"name": "x", "kind": "threshold", "query": {"metric": "cpu"},
                 "condition": {"op": "above", "critical": 1}}""").condition());
    }
}

package dev.longwatch.model.alerting;

import dev.longwatch.model.PayloadException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class AlertTransitionsTest {
    private static AlertTransition firing() {
        String alertId = "m-1:service=checkout";
        return new AlertTransition(AlertTransition.idOf(alertId, 1_700_000_040_000L, AlertState.FIRING), "acme",
                alertId, "m-1", "Checkout latency", Map.of("service", "checkout"), AlertState.PENDING,
                AlertState.FIRING, Severity.CRITICAL, 2, 1_700_000_040_000L, 1_700_000_000_000L, 912.5, 500.0,
                "p99(http.latency) > 500 for 5m", "metric=http.latency&agg=p99", "Checkout p99 is 912.5 ms",
                "https://runbooks.example/checkout", "team-payments",
                Map.of("service", "checkout", "severity", "critical", "monitor", "m-1"), List.of("ch-slack"), null);
    }

    @Test
    void aTransitionSurvivesTheWireUnchanged() {
        AlertTransition t = firing();
        assertEquals(t, AlertTransitions.fromJson(AlertTransitions.toJson(t)));
    }

    @Test
    void aTransitionWithoutValueOrThresholdKeepsThemAbsent() {
        AlertTransition t = firing();
        AlertTransition noData = new AlertTransition(AlertTransition.idOf(t.alertId(), t.at(), AlertState.NO_DATA),
                t.tenant(), t.alertId(), t.monitorId(), t.monitorName(), t.group(), AlertState.OK, AlertState.NO_DATA,
                Severity.WARNING, 3, t.at(), t.at(), null, null, null, null, null, null, null, null, null, null);
        String json = AlertTransitions.toJson(noData);
        AlertTransition back = AlertTransitions.fromJson(json);
        assertNull(back.value());
        assertNull(back.threshold());
        assertEquals(noData, back);
    }

    @Test
    void anotherVersionIsRefusedByName() {
        String json = AlertTransitions.toJson(firing()).replace("\"v\":1", "\"v\":2");
        PayloadException e = assertThrows(PayloadException.class, () -> AlertTransitions.fromJson(json));
        assertEquals("v", e.field());
    }

    @Test
    void anUnknownStateIsRefusedByField() {
        String json = AlertTransitions.toJson(firing()).replace("\"to\":\"FIRING\"", "\"to\":\"EXPLODED\"");
        PayloadException e = assertThrows(PayloadException.class, () -> AlertTransitions.fromJson(json));
        assertEquals("to", e.field());
    }

    @Test
    void theDedupeIdIsTheSameForTheSameEvaluation() {
        assertEquals(AlertTransition.idOf("a", 60_000, AlertState.FIRING), AlertTransition.idOf("a", 60_000, AlertState.FIRING));
        assertEquals("a/60000/FIRING", AlertTransition.idOf("a", 60_000, AlertState.FIRING));
    }
}

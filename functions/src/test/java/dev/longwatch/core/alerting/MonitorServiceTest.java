package dev.longwatch.core.alerting;

import dev.longwatch.model.Tags;
import dev.longwatch.model.alerting.AlertState;
import dev.longwatch.model.alerting.AlertTransition;
import dev.longwatch.model.alerting.Monitor;
import dev.longwatch.model.alerting.MonitorValidationException;
import dev.longwatch.model.alerting.Monitors;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Monitor changes on DynamoDB Local: references, instances kept or dropped, audit. */
class MonitorServiceTest {
    static final String CPU = """
            {"name": "CPU", "kind": "threshold", "query": {"metric": "cpu", "groupBy": ["host"], "window": "1m"},
             "condition": {"op": "above", "critical": 90}, "evaluation": {"delay": "0m"}}""";

    final AlertingFixture f = new AlertingFixture();

    @Test
    void changingTheGroupByDropsTheInstancesOfTheOldGroupsAndAThresholdChangeKeepsThem() {
        Monitor m = f.create("acme", CPU);
        f.gauge("acme", "cpu", Tags.of("host", "a", "az", "1"), 0, 95);
        f.evaluate(1);
        assertEquals(1, f.states.instances("acme").size());

        Monitor higher = f.monitors.update("acme", "key:test", m.id(), Monitors.parse(CPU.replace("90", "99")), 1L);
        assertEquals(1, f.states.instances("acme").size(), "the same groups: instances keep their state");
        f.monitors.update("acme", "key:test", m.id(), Monitors.parse(CPU.replace("\"host\"", "\"az\"")),
                higher.version());
        assertEquals(List.of(), f.states.instances("acme"));
    }

    @Test
    void deletingAMonitorResolvesWhatItHadFiringOnceAndSaysWhoDidIt() {
        Monitor m = f.create("acme", CPU);
        f.gauge("acme", "cpu", Tags.of("host", "a"), 0, 95);
        f.gauge("acme", "cpu", Tags.of("host", "b"), 0, 50);
        f.evaluate(1);
        assertEquals(1, f.sent.size(), "host a fires, host b is fine");
        f.sent.clear();

        f.monitors.delete("acme", "key:test", m.id(), gone -> f.alerts.retire("acme", gone, "key:test"));

        assertEquals(List.of(AlertState.RESOLVED), f.sent.stream().map(AlertTransition::to).toList(),
                "one resolution, for the alert that fired; none for the one that never did");
        assertEquals(Map.of("host", "a"), f.sent.get(0).group());
        assertEquals(List.of(), f.states.instances("acme"), "the instances are gone with the monitor");
        assertTrue(f.audit.list("acme", 0, Long.MAX_VALUE, 50).stream().anyMatch(e -> e.action().equals("alert.resolve")
                && e.who().equals("key:test")), "the resolution is audited");
    }

    @Test
    void aCompositeMustNameExistingMonitorsAndKeepsThemFromBeingDeleted() {
        MonitorValidationException e = assertThrows(MonitorValidationException.class, () -> f.create("acme",
                "{\"name\": \"x\", \"kind\": \"composite\", \"condition\": {\"expression\": \"mon_nope\"}}"));
        assertEquals("condition.expression", e.field());
        Monitor cpu = f.create("acme", CPU);
        f.create("acme", "{\"name\": \"x\", \"kind\": \"composite\", \"condition\": {\"expression\": \"!"
                + cpu.id() + "\"}}");
        assertThrows(MonitorService.ConflictException.class, () -> f.monitors.delete("acme", "key:test", cpu.id()));
        assertThrows(MonitorValidationException.class, () -> f.create("globex",
                "{\"name\": \"x\", \"kind\": \"composite\", \"condition\": {\"expression\": \"" + cpu.id() + "\"}}"),
                "another tenant's monitor does not exist for this one");
    }
}

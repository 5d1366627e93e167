package dev.longwatch.aws.dynamodb;

import dev.longwatch.core.alerting.AlertInstance;
import dev.longwatch.core.telemetry.InMemoryMetrics;
import dev.longwatch.model.alerting.AlertState;
import dev.longwatch.model.alerting.AlertTransition;
import dev.longwatch.model.alerting.Severity;
import dev.longwatch.testing.LocalDynamo;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Alert instances on DynamoDB Local: conditional on version, transitions once per id, tenants apart. */
class DynamoDbAlertStateStoreTest {
    final DynamoDbAlertStateStore store = new DynamoDbAlertStateStore(LocalDynamo.client(),
            LocalDynamo.freshTables().alerting(), new InMemoryMetrics());

    static AlertInstance instance(long version, AlertState state) {
        return new AlertInstance("mon_1:service=web", "mon_1", "CPU", Map.of("service", "web"), state, state,
                Severity.CRITICAL, 60_000, 0, 60_000, 0, 60_000, 95.5, 90.0, "01", List.of(60_000L),
                new AlertInstance.Ack("alice", 61_000, "on it"), Map.of("team", "web"), null, List.of(), version);
    }

    static AlertTransition firing(long at) {
        return new AlertTransition(AlertTransition.idOf("mon_1:service=web", at, AlertState.FIRING), "acme",
                "mon_1:service=web", "mon_1", "CPU", Map.of("service", "web"), AlertState.OK, AlertState.FIRING,
                Severity.CRITICAL, 3, at, at, 95.5, 90.0, null, null, null, null, null, Map.of(), List.of(), null);
    }

    @Test
    void anInstanceIsStoredAndReadBackWhole() {
        assertTrue(store.save("acme", instance(1, AlertState.FIRING), List.of(firing(60_000))));
        assertEquals(instance(1, AlertState.FIRING), store.get("acme", "mon_1:service=web").orElseThrow());
        assertEquals(List.of(firing(60_000)), store.transitions("acme", "mon_1:service=web", 10));
    }

    @Test
    void aWriteFromAStaleVersionIsRefusedAndWritesNothing() {
        assertTrue(store.save("acme", instance(1, AlertState.OK), List.of()));
        assertTrue(store.save("acme", instance(2, AlertState.FIRING), List.of(firing(60_000))));
        assertFalse(store.save("acme", instance(2, AlertState.FIRING), List.of(firing(120_000))),
                "a second writer that read version 1 loses");
        assertFalse(store.save("acme", instance(1, AlertState.OK), List.of()), "a second creation loses");
        assertEquals(1, store.transitions("acme", "mon_1:service=web", 10).size());
    }

    @Test
    void aTransitionIdIsRecordedOnceEvenWithAFreshInstanceVersion() {
        assertTrue(store.save("acme", instance(1, AlertState.FIRING), List.of(firing(60_000))));
        assertFalse(store.save("acme", instance(2, AlertState.FIRING), List.of(firing(60_000))));
        assertEquals(1, store.get("acme", "mon_1:service=web").orElseThrow().version(),
                "the instance write was undone with the duplicate transition");
    }

    @Test
    void tenantsDoNotSeeEachOthersInstances() {
        store.save("acme", instance(1, AlertState.FIRING), List.of(firing(60_000)));
        assertEquals(List.of(), store.instances("globex"));
        assertTrue(store.get("globex", "mon_1:service=web").isEmpty());
        assertEquals(List.of(), store.transitions("globex", "mon_1:service=web", 10));
    }
}

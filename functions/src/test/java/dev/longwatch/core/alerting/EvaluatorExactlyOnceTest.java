package dev.longwatch.core.alerting;

import dev.longwatch.core.alerting.evaluate.EvaluatorService;
import dev.longwatch.model.Tags;
import dev.longwatch.model.alerting.AlertState;
import dev.longwatch.model.alerting.AlertTransition;
import dev.longwatch.model.alerting.Monitor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import static dev.longwatch.core.alerting.AlertingFixture.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The scheduled evaluator on DynamoDB Local: timelines fed as points at t=..., transitions expected at t=...,
 * and every transition recorded exactly once under retries and overlapping runs.
 */
class EvaluatorExactlyOnceTest {
    static final Tags CHECKOUT = Tags.of("service", "checkout");
    static final String CPU_ABOVE_90 = """
            {"name": "CPU", "kind": "threshold", "query": {"metric": "cpu", "window": "1m"},
             "condition": {"op": "above", "critical": 90}, "evaluation": {"delay": "0m"}}""";

    final AlertingFixture f = new AlertingFixture();

    @Test
    void pointsAtTGiveTransitionsAtTThroughTheStoredState() {
        f.create("acme", """
                {"name": "CPU", "kind": "threshold", "query": {"metric": "cpu", "window": "1m"},
                 "condition": {"op": "above", "critical": 90},
                 "evaluation": {"delay": "0m", "pendingFor": "2m", "keepFiringFor": "1m"}}""");
        f.gauge("acme", "cpu", CHECKOUT, 0, 10, 95, 96, 97, 98, 10, 10, 10);
        for (int m = 1; m <= 8; m++) {
            f.evaluate(m);
        }
        // Evaluation at t reads minute t-1: breaching from t=2, firing at t=4, recovered at t=6, resolved t=7.
        assertEquals(List.of("t=2 OK->PENDING", "t=4 PENDING->FIRING", "t=7 FIRING->RESOLVED"), f.seen());
    }

    @Test
    void evaluatingTheSameMinuteTwiceRecordsAndSendsOneTransition() {
        Monitor m = f.create("acme", CPU_ABOVE_90);
        f.gauge("acme", "cpu", CHECKOUT, 0, 95);
        EvaluatorService.Report first = f.evaluate(1);
        EvaluatorService.Report retry = f.evaluate(1);

        assertEquals(1, first.transitions());
        assertEquals(0, retry.transitions());
        assertEquals(0, retry.resent(), "the first run delivered it");
        assertEquals(1, f.sent.size());
        String alertId = AlertInstance.idOf(m.id(), Map.of());
        assertEquals(1, f.states.transitions("acme", alertId, 10).size());
        assertEquals(List.of(), f.states.get("acme", alertId).orElseThrow().outbox(), "the outbox is emptied");
    }

    @Test
    void twoOverlappingRunsOfOneMinuteProduceOneTransition() {
        f.create("acme", CPU_ABOVE_90);
        f.gauge("acme", "cpu", CHECKOUT, 0, 95);
        List<AlertTransition> sentByB = new ArrayList<>();
        EvaluatorService runB = new EvaluatorService(f.monitorStore, f.states, f.index, f.rollups, f.events,
                sentByB::addAll, f.metrics, 2);
        // Run A reads the instances, then run B does the whole minute before A writes.
        AlertStateStore racing = new ForwardingAlertStateStore(f.states) {
            boolean raced;

            @Override
            public boolean save(String tenant, AlertInstance next, List<AlertTransition> transitions) {
                if (!raced) {
                    raced = true;
                    runB.run(at(1), 0, 1);
                }
                return super.save(tenant, next, transitions);
            }
        };
        EvaluatorService runA = new EvaluatorService(f.monitorStore, racing, f.index, f.rollups, f.events, f.sink,
                f.metrics, 2);
        f.clock.set(java.time.Instant.ofEpochMilli(at(1)));
        EvaluatorService.Report a = runA.run(at(1), 0, 1);

        assertEquals(1, a.conflicts(), "A's conditional write loses");
        assertEquals(List.of(), f.sent, "A sends nothing");
        assertEquals(1, sentByB.size());
        String alertId = sentByB.get(0).alertId();
        assertEquals(1, f.states.transitions("acme", alertId, 10).size());
    }

    @Test
    void whenTheSinkFailsTheRunFailsAndTheRetrySendsTheRecordedTransitionWithItsId() {
        f.create("acme", CPU_ABOVE_90);
        f.gauge("acme", "cpu", CHECKOUT, 0, 95);
        List<AlertTransition> delivered = new ArrayList<>();
        boolean[] down = {true};
        EvaluatorService flaky = new EvaluatorService(f.monitorStore, f.states, f.index, f.rollups, f.events, t -> {
            if (down[0]) {
                throw new IllegalStateException("queue unavailable");
            }
            delivered.addAll(t);
        }, f.metrics, 2);
        f.clock.set(java.time.Instant.ofEpochMilli(at(1)));
        assertEquals(1, flaky.run(at(1), 0, 1).failedTenants());
        down[0] = false;
        EvaluatorService.Report retry = flaky.run(at(1), 0, 1);

        assertEquals(0, retry.failedTenants());
        assertEquals(1, retry.resent());
        assertEquals(1, delivered.size());
        assertEquals(AlertState.FIRING, delivered.get(0).to());
        assertEquals(AlertTransition.idOf(delivered.get(0).alertId(), at(1), AlertState.FIRING), delivered.get(0).id());
        assertEquals(0, flaky.run(at(1), 0, 1).resent(), "delivered once, not again");
    }

    @Test
    void whatAFailedRunCouldNotSendIsSentByTheNextMinutesRunIfNoRetryCameFirst() {
        f.create("acme", CPU_ABOVE_90);
        f.gauge("acme", "cpu", CHECKOUT, 0, 95, 96);
        List<AlertTransition> delivered = new ArrayList<>();
        boolean[] down = {true};
        EvaluatorService flaky = new EvaluatorService(f.monitorStore, f.states, f.index, f.rollups, f.events, t -> {
            if (down[0]) {
                throw new IllegalStateException("queue unavailable");
            }
            delivered.addAll(t);
        }, f.metrics, 2);
        f.clock.set(java.time.Instant.ofEpochMilli(at(1)));
        flaky.run(at(1), 0, 1);
        down[0] = false;
        f.clock.set(java.time.Instant.ofEpochMilli(at(2)));
        EvaluatorService.Report next = flaky.run(at(2), 0, 1);

        assertEquals(1, next.resent());
        assertEquals(List.of(at(1)), delivered.stream().map(AlertTransition::at).toList());
        assertEquals(0, flaky.run(at(3), 0, 1).resent());
    }

    @Test
    void oneInstancePerGroupEachWithItsOwnState() {
        f.create("acme", """
                {"name": "CPU", "kind": "threshold", "query": {"metric": "cpu", "groupBy": ["service"], "window": "1m"},
                 "condition": {"op": "above", "critical": 90}, "evaluation": {"delay": "0m"}}""");
        f.gauge("acme", "cpu", Tags.of("service", "checkout", "host", "a"), 0, 95);
        f.gauge("acme", "cpu", Tags.of("service", "checkout", "host", "b"), 0, 99);
        f.gauge("acme", "cpu", Tags.of("service", "search", "host", "c"), 0, 20);
        f.evaluate(1);

        assertEquals(1, f.sent.size());
        assertEquals(Map.of("service", "checkout"), f.sent.get(0).group());
        assertEquals(97.0, f.sent.get(0).value(), 1e-9, "the group's average over its hosts");
    }

    @Test
    void aSteadyInstanceIsNotWrittenAgain() {
        f.create("acme", CPU_ABOVE_90);
        f.gauge("acme", "cpu", CHECKOUT, 0, 95, 96, 97);
        assertEquals(1, f.evaluate(1).writes());
        assertEquals(0, f.evaluate(2).writes());
        assertEquals(0, f.evaluate(3).writes());
    }

    @Test
    void eachMonitorIsEvaluatedByExactlyOneShard() {
        for (int i = 0; i < 12; i++) {
            f.create("acme", CPU_ABOVE_90);
        }
        f.gauge("acme", "cpu", CHECKOUT, 0, 95);
        f.clock.set(java.time.Instant.ofEpochMilli(at(1)));
        int evaluated = 0;
        for (int shard = 0; shard < 3; shard++) {
            evaluated += f.evaluator.run(at(1), shard, 3).monitors();
        }
        assertEquals(12, evaluated);
        assertEquals(12, f.sent.stream().map(AlertTransition::monitorId).collect(Collectors.toSet()).size());
    }

    @Test
    void aMonitorEveryFiveMinutesIsEvaluatedOnlyOnMinutesDivisibleByFive() {
        f.create("acme", """
                {"name": "CPU", "kind": "threshold", "query": {"metric": "cpu", "window": "1m"},
                 "condition": {"op": "above", "critical": 90}, "evaluation": {"delay": "0m", "every": "5m"}}""");
        assertEquals(0, f.evaluate(3).monitors());
        assertEquals(1, f.evaluate(5).monitors());
    }

    @Test
    void aDisabledMonitorIsNotEvaluated() {
        f.create("acme", CPU_ABOVE_90.replace("\"evaluation\"", "\"enabled\": false, \"evaluation\""));
        f.gauge("acme", "cpu", CHECKOUT, 0, 95);
        assertEquals(0, f.evaluate(1).monitors());
        assertEquals(List.of(), f.sent);
    }

    @Test
    void tenantsNeverSeeEachOthersData() {
        f.create("acme", CPU_ABOVE_90);
        f.gauge("globex", "cpu", CHECKOUT, 0, 99);
        f.evaluate(1);
        assertEquals(Set.of("acme"), f.sent.stream().map(AlertTransition::tenant).collect(Collectors.toSet()));
        assertEquals(AlertState.NO_DATA, f.sent.get(0).to(), "acme has no cpu data; globex's is not read");
        assertTrue(f.alerts.list("globex", new AlertService.Filter(null, null, null, null)).isEmpty());
    }

    /** Delegates every call; tests override one to inject a race. */
    static class ForwardingAlertStateStore implements AlertStateStore {
        final AlertStateStore d;

        ForwardingAlertStateStore(AlertStateStore d) {
            this.d = d;
        }

        @Override
        public List<AlertInstance> instances(String tenant) {
            return d.instances(tenant);
        }

        @Override
        public Optional<AlertInstance> get(String tenant, String alertId) {
            return d.get(tenant, alertId);
        }

        @Override
        public boolean save(String tenant, AlertInstance next, List<AlertTransition> transitions) {
            return d.save(tenant, next, transitions);
        }

        @Override
        public List<AlertTransition> transitions(String tenant, String alertId, int limit) {
            return d.transitions(tenant, alertId, limit);
        }

        @Override
        public void deleteInstances(String tenant, String monitorId) {
            d.deleteInstances(tenant, monitorId);
        }
    }
}

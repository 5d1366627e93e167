package dev.longwatch.core.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.longwatch.core.notify.channel.Channel;
import dev.longwatch.model.alerting.AlertState;
import dev.longwatch.model.alerting.AlertTransition;
import dev.longwatch.model.alerting.Severity;
import dev.longwatch.testing.HttpReceiver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The group wait counted from the alert's data time (the end of the evaluated minute) with the production default
 * gather of 2 s, and the wake-ups each run asks for. Timelines with an injected clock: the evaluated minute ends at
 * T, the evaluator's transitions reach the notifier some seconds later.
 */
class DataTimeGroupWaitTest {
    /** What the runs asked for: {dueAt, now}. */
    final List<long[]> wakes = Collections.synchronizedList(new ArrayList<>());
    final NotifyFixture f = new NotifyFixture(NotificationService.Settings.DEFAULT.withConsoleUrl("https://console.example"),
            (dueAt, now) -> wakes.add(new long[]{dueAt, now}));
    final String tenant = "acme";
    /** The end of the evaluated minute: the transitions' data time. */
    final long t = f.clock.millis();

    @AfterEach
    void close() {
        f.close();
    }

    List<JsonNode> messages() {
        List<JsonNode> out = new ArrayList<>();
        for (HttpReceiver.Request r : f.receiver.requests()) {
            out.add(Json.parse(r.body()));
        }
        return out;
    }

    Channel route(String groupWait) {
        Channel ch = f.webhook(tenant, "/hook");
        f.route(tenant, """
                {"name":"all","matchers":["team=payments"],"channels":["%s"],"groupBy":["monitor"],
                 "groupWait":"%s","groupInterval":"5m","repeatInterval":"4h"}""".formatted(ch.id(), groupWait));
        return ch;
    }

    AlertTransition firing(String monitor, String host, long at) {
        return NotifyFixture.transition(tenant, monitor, Map.of("host", host), AlertState.PENDING, AlertState.FIRING,
                Severity.CRITICAL, at, at - 300_000, List.of());
    }

    List<AlertTransition> hosts(String monitor, int from, int to, long at) {
        List<AlertTransition> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add(firing(monitor, "web-" + i, at));
        }
        return out;
    }

    void at(long millis) {
        f.clock.set(java.time.Instant.ofEpochMilli(millis));
    }

    int tick(long millis) {
        at(millis);
        f.service.tick(millis);
        return messages().size();
    }

    @Test
    void aTransitionEvaluated25SecondsAfterItsDataTimeIsSent5SecondsLater() {
        route("30s");
        at(t + 25_000);
        f.service.accept(List.of(firing("m-1", "web-1", t)));
        assertEquals(0, messages().size());
        assertEquals(0, tick(t + 29_999), "the 30 s are not over at T + 29.999 s");
        assertEquals(1, tick(t + 30_000), "30 s after the data time, not 30 s after the evaluation");
    }

    @Test
    void twoBatchesOfOneRoundASecondApartMakeOneMessage() {
        route("30s");
        at(t + 40_000); // the evaluator caught up late: the group wait is over on arrival
        f.service.accept(hosts("m-1", 0, 10, t));
        at(t + 41_000);
        f.service.accept(hosts("m-1", 10, 20, t));
        assertEquals(0, messages().size(), "the gather holds the first batch for the rest of its round");
        assertEquals(1, tick(t + 42_000));
        assertEquals(20, messages().get(0).get("alerts").size(), "both batches in one message");
    }

    @Test
    void aTransitionArriving40SecondsAfterItsDataTimeWaitsOnlyTheGather() {
        route("30s");
        at(t + 40_000);
        f.service.accept(List.of(firing("m-1", "web-1", t)));
        assertEquals(0, tick(t + 41_999));
        assertEquals(1, tick(t + 42_000), "2 s after it arrived");
    }

    @Test
    void aGroupWaitOfZeroStillGathersTheRound() {
        route("0s");
        at(t + 5_000);
        f.service.accept(List.of(firing("m-1", "web-1", t)));
        assertEquals(0, messages().size());
        assertEquals(1, tick(t + 7_000));
    }

    @Test
    void aDataTimeAheadOfTheNotifiersClockCountsAsNow() {
        route("30s");
        at(t);
        f.service.accept(List.of(firing("m-1", "web-1", t + 60_000)));
        assertEquals(0, tick(t + 29_999));
        assertEquals(1, tick(t + 30_000), "a skewed clock never makes the wait longer than the group wait");
    }

    @Test
    void theGroupIntervalAndTheRepeatStillCountFromTheLastMessage() {
        route("30s");
        at(t + 25_000);
        f.service.accept(List.of(firing("m-1", "web-1", t)));
        assertEquals(1, tick(t + 30_000));
        // A new host, data time a minute later, evaluated 25 s after it: the group interval counts from the message.
        at(t + 85_000);
        f.service.accept(List.of(firing("m-1", "web-2", t + 60_000)));
        assertEquals(1, tick(t + 329_999));
        assertEquals(2, tick(t + 330_000), "5 minutes after the first message");
        assertEquals(2, messages().get(1).get("alerts").size());
        long repeat = t + 330_000 + Duration.ofHours(4).toMillis();
        assertEquals(2, tick(repeat - 1));
        assertEquals(3, tick(repeat), "4 h after the last message");
    }

    @Test
    void aGroupStoredBeforeTheDataTimeWaitCountsItsWaitFromItsReceipt() {
        Channel ch = route("30s");
        at(t + 25_000);
        AlertTransition first = firing("m-1", "web-1", t);
        f.service.accept(List.of(first));
        // The item as the notifier stored it before firstDueAt existed (and its due time with it).
        String id = GroupState.of(f.config.routes(tenant).get(0), first).id;
        NotifyStore.GroupItem item = f.store.getGroup(tenant, id).orElseThrow();
        ObjectNode json = (ObjectNode) Json.parse(item.json());
        assertTrue(json.has("firstDueAt"));
        json.remove("firstDueAt");
        assertTrue(f.store.putGroup(new NotifyStore.GroupItem(tenant, id, json.toString(), item.version() + 1,
                t + 55_000)));
        assertEquals(0, tick(t + 54_999));
        assertEquals(1, tick(t + 55_000), "30 s after its receipt, as the old rule said");
        assertEquals(List.of(ch.id()), GroupState.fromItem(f.store.getGroup(tenant, id).orElseThrow()).channels);
    }

    @Test
    void aRunAsksForOneWakeUpAtTheEarliestTimeItLeftWorkFor() {
        route("30s");
        at(t + 25_000);
        List<AlertTransition> round = new ArrayList<>(hosts("m-1", 0, 20, t));       // due T + 30 s
        round.addAll(hosts("m-2", 0, 5, t + 10_000));                                  // due T + 40 s
        round.addAll(hosts("m-3", 0, 5, t - 20_000));                                  // due T + 27 s (the gather)
        f.service.accept(round);
        assertEquals(1, wakes.size(), "one wake-up per run, not one per group");
        assertEquals(t + 27_000, wakes.get(0)[0]);
        assertEquals(t + 25_000, wakes.get(0)[1]);
    }

    @Test
    void runsThatWantTheSameSecondShareOneWakeUp() {
        route("30s");
        at(t + 25_000);
        f.service.accept(hosts("m-1", 0, 10, t));
        at(t + 26_000);
        f.service.accept(hosts("m-1", 10, 20, t));
        f.service.tick(t + 26_500); // the scheduled tick, which looks at the store's earliest due item
        assertEquals(1, wakes.size(), "three runs, one group due at T + 30 s: one wake-up");
    }

    @Test
    void aWakeUpRunFlushesTheDueGroupAndAsksForTheNextOne() {
        route("30s");
        at(t + 25_000);
        List<AlertTransition> round = new ArrayList<>(hosts("m-1", 0, 3, t));
        round.addAll(hosts("m-2", 0, 3, t + 10_000));
        f.service.accept(round);
        assertEquals(t + 30_000, wakes.get(0)[0]);
        at(t + 30_000);
        NotificationService.RunReport r = f.service.acceptAndTick(List.of());
        assertEquals(1, r.sent(), "m-1's group");
        assertEquals(2, wakes.size());
        assertEquals(t + 40_000, wakes.get(1)[0], "m-2's group is still waiting: the run says when");
    }

    @Test
    void nothingPendingWithinTheHorizonAsksForNoWakeUp() {
        route("30s");
        at(t + 25_000);
        f.service.accept(List.of(firing("m-1", "web-1", t)));
        assertEquals(1, wakes.size());
        assertEquals(1, tick(t + 30_000));
        assertEquals(1, wakes.size(), "the next look is the 4 h repeat: the scheduled tick's job");
    }

    @Test
    void workBeyondTheHorizonGetsItsWakeUpFromALaterTick() {
        route("30s");
        at(t + 25_000);
        f.service.accept(List.of(firing("m-1", "web-1", t)));
        assertEquals(1, tick(t + 30_000));
        // News for a group that spoke at T + 30 s is due 5 minutes later: 245 s ahead, beyond the 240 s horizon.
        at(t + 85_000);
        f.service.accept(List.of(firing("m-1", "web-2", t + 60_000)));
        assertEquals(1, wakes.size());
        assertEquals(1, tick(t + 120_000), "the minute tick: nothing due yet");
        assertEquals(2, wakes.size(), "but the group interval's end is in reach now");
        assertEquals(t + 330_000, wakes.get(1)[0]);
        assertTrue(wakes.get(1)[0] - wakes.get(1)[1] <= NotificationService.WAKE_HORIZON_MILLIS);
    }

    @Test
    void aRetryAsksForAWakeUpAtTheEndOfItsBackoff() {
        route("30s");
        f.receiver.then(503, Map.of(), "down");
        at(t + 25_000);
        f.service.accept(List.of(firing("m-1", "web-1", t)));
        assertEquals(1, tick(t + 30_000));
        assertEquals(2, wakes.size());
        assertEquals(t + 60_000, wakes.get(1)[0], "the first retry, 30 s after the failed attempt");
        assertEquals(2, tick(t + 60_000));
        assertEquals(Delivery.SENT, f.service.list(tenant, null, 10, null).get(0).status());
    }

    @Test
    void aWakeUpThatCannotBeAskedForDoesNotFailTheRun() {
        NotifyFixture broken = new NotifyFixture(NotificationService.Settings.DEFAULT, (dueAt, now) -> {
            throw new IllegalStateException("queue unavailable");
        });
        try {
            Channel ch = broken.webhook(tenant, "/hook");
            broken.route(tenant, """
                    {"name":"all","default":true,"channels":["%s"],"groupWait":"30s"}""".formatted(ch.id()));
            NotificationService.RunReport r = broken.service.accept(List.of(broken.firing(tenant, "m-1", "web-1",
                    List.of())));
            assertEquals(1, r.transitions());
            assertFalse(broken.store.listGroups(tenant).isEmpty(), "the group is kept for the scheduled tick");
        } finally {
            broken.close();
        }
    }
}

package dev.longwatch.core.notify;

import com.fasterxml.jackson.databind.JsonNode;
import dev.longwatch.core.notify.channel.Channel;
import dev.longwatch.model.alerting.AlertState;
import dev.longwatch.model.alerting.AlertTransition;
import dev.longwatch.model.alerting.Severity;
import dev.longwatch.testing.HttpReceiver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Timelines of the pipeline with an injected clock, Alertmanager-style: push at t, expect messages at t'. */
class PipelineTimelineTest {
    final NotifyFixture f = new NotifyFixture();
    final String tenant = "acme";

    @AfterEach
    void close() {
        f.close();
    }

    List<JsonNode> messages(String path) {
        List<JsonNode> out = new ArrayList<>();
        for (HttpReceiver.Request r : f.receiver.requests()) {
            if (r.path().equals(path)) {
                out.add(Json.parse(r.body()));
            }
        }
        return out;
    }

    Channel hookWithRoute(String groupWait) {
        Channel ch = f.webhook(tenant, "/hook");
        f.route(tenant, """
                {"name":"all","matchers":["team=payments"],"channels":["%s"],"groupBy":["monitor"],
                 "groupWait":"%s","groupInterval":"5m","repeatInterval":"4h"}""".formatted(ch.id(), groupWait));
        return ch;
    }

    @Test
    void oneIncidentAcross40HostsIsOneMessageAfterTheGroupWait() {
        hookWithRoute("30s");
        List<AlertTransition> batch = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            batch.add(f.firing(tenant, "m-1", "web-" + i, List.of()));
        }
        f.service.accept(batch);
        assertEquals(0, messages("/hook").size(), "nothing before the group wait");
        f.advance(Duration.ofSeconds(29));
        f.service.tick(f.clock.millis());
        assertEquals(0, messages("/hook").size(), "still waiting at 29 s");
        f.advance(Duration.ofSeconds(1));
        f.service.tick(f.clock.millis());
        List<JsonNode> m = messages("/hook");
        assertEquals(1, m.size());
        assertEquals(40, m.get(0).get("alerts").size());
        assertEquals("firing", m.get(0).get("status").asText());
    }

    @Test
    void aRetriedBatchOrTickNeverSendsASecondMessage() {
        hookWithRoute("0s");
        List<AlertTransition> batch = List.of(f.firing(tenant, "m-1", "web-1", List.of()));
        f.service.accept(batch);
        f.service.accept(batch);
        f.service.tick(f.clock.millis());
        assertEquals(1, messages("/hook").size());
    }

    @Test
    void aRunThatCrashedAfterSendingIsNotRepeatedByTheRetry() {
        hookWithRoute("0s");
        AlertTransition t = f.firing(tenant, "m-1", "web-1", List.of());
        // The first run sends, then "crashes" before it saves the group: put the group back as it was.
        String groupId = GroupState.of(f.config.routes(tenant).get(0), t).id;
        f.service.accept(List.of(t));
        assertEquals(1, messages("/hook").size());
        GroupState after = GroupState.fromItem(f.store.getGroup(tenant, groupId).orElseThrow());
        GroupState before = GroupState.fromItem(f.store.getGroup(tenant, groupId).orElseThrow());
        before.seq--;
        before.lastFlushAt = 0;
        before.nextAt = after.firstAt;
        before.alerts.values().forEach(e -> e.notified = null);
        before.version++;
        assertTrue(f.store.putGroup(before.toItem(tenant)));
        f.service.tick(f.clock.millis());
        assertEquals(1, messages("/hook").size(), "the delivery log's claim stops the second send");
    }

    @Test
    void newAlertsWaitForTheGroupIntervalAndAStillFiringGroupRepeatsAfterTheRepeatInterval() {
        hookWithRoute("30s");
        f.service.accept(List.of(f.firing(tenant, "m-1", "web-1", List.of())));
        f.advance(Duration.ofSeconds(30));
        f.service.tick(f.clock.millis());
        assertEquals(1, messages("/hook").size());
        f.advance(Duration.ofMinutes(1));
        f.service.accept(List.of(f.firing(tenant, "m-1", "web-2", List.of())));
        f.service.tick(f.clock.millis());
        assertEquals(1, messages("/hook").size(), "the second host waits for the group interval");
        f.advance(Duration.ofMinutes(4));
        f.service.tick(f.clock.millis());
        assertEquals(2, messages("/hook").size(), "5 minutes after the first message");
        assertEquals(2, messages("/hook").get(1).get("alerts").size());
        f.advance(Duration.ofHours(3).plusMinutes(59));
        f.service.tick(f.clock.millis());
        assertEquals(2, messages("/hook").size());
        f.advance(Duration.ofMinutes(1));
        f.service.tick(f.clock.millis());
        assertEquals(3, messages("/hook").size(), "repeated 4 h after the last message");
    }

    @Test
    void aResolutionSaysHowLongItLastedAndEndsTheGroup() {
        hookWithRoute("0s");
        AlertTransition fire = f.firing(tenant, "m-1", "web-1", List.of());
        f.service.accept(List.of(fire));
        f.advance(Duration.ofMinutes(2));
        f.service.accept(List.of(f.resolved(tenant, "m-1", "web-1", fire.since(), List.of())));
        f.service.tick(f.clock.millis());
        assertEquals(1, messages("/hook").size(), "the resolution waits for the group interval");
        f.advance(Duration.ofMinutes(3));
        f.service.tick(f.clock.millis());
        List<JsonNode> m = messages("/hook");
        assertEquals(2, m.size());
        assertEquals("resolved", m.get(1).get("status").asText());
        assertEquals(7 * 60, m.get(1).get("alerts").get(0).get("durationSeconds").asLong(),
                "firing began 5 minutes before the first message and ended 2 minutes after it");
        assertTrue(f.store.listGroups(tenant).isEmpty(), "a resolved group is forgotten");
    }

    @Test
    void aStormCollapsesIntoASummaryInsteadOfAQueue() {
        hookWithRoute("0s");
        List<AlertTransition> batch = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            batch.add(f.firing(tenant, "m-" + i, "web-1", List.of()));
        }
        NotificationService.RunReport r = f.service.accept(batch);
        List<JsonNode> m = messages("/hook");
        assertEquals(5, m.size(), "4 groups on their own, then one summary");
        assertEquals("summary", m.get(4).get("kind").asText());
        assertEquals(26, m.get(4).get("summary").size());
        assertEquals(26, r.summarized());
        assertEquals(26, f.service.list(tenant, Delivery.SUMMARIZED, 100, null).size());
    }

    @Test
    void aSilencedAlertIsNotNotifiedAndIsWhenTheSilenceExpiresWhileItStillFires() {
        hookWithRoute("0s");
        f.config.createSilence(tenant, NotifyFixture.WHO, """
                {"matchers":["host=web-1"],"duration":"1h","createdBy":"ana@example.com","comment":"deploy"}""");
        f.service.accept(List.of(f.firing(tenant, "m-1", "web-1", List.of()), f.firing(tenant, "m-2", "web-2", List.of())));
        List<JsonNode> m = messages("/hook");
        assertEquals(1, m.size());
        assertEquals("m-2", m.get(0).get("alerts").get(0).get("monitorId").asText());
        f.advance(Duration.ofMinutes(59));
        f.service.tick(f.clock.millis());
        assertEquals(1, messages("/hook").size());
        f.advance(Duration.ofMinutes(1));
        f.service.tick(f.clock.millis());
        m = messages("/hook");
        assertEquals(2, m.size(), "the silence ended while web-1 still fires");
        assertTrue(m.get(1).get("alerts").get(0).get("silenceExpired").asBoolean());
    }

    @Test
    void aMaintenanceWindowEverySundayNightInBerlinMutesAndTheAlertIsToldAfterIt() {
        hookWithRoute("0s");
        f.config.createWindow(tenant, NotifyFixture.WHO, """
                {"name":"Sunday maintenance","matchers":["team=payments"],"timezone":"Europe/Berlin","days":["SUN"],
                 "start":"02:00","end":"04:00"}""");
        f.clock.set(Instant.parse("2026-11-22T01:30:00Z")); // Sunday 02:30 in Berlin
        f.service.accept(List.of(f.firing(tenant, "m-1", "web-1", List.of())));
        assertEquals(0, messages("/hook").size());
        f.clock.set(Instant.parse("2026-11-22T02:59:59Z"));
        f.service.tick(f.clock.millis());
        assertEquals(0, messages("/hook").size(), "03:59:59 in Berlin: still inside the window");
        f.clock.set(Instant.parse("2026-11-22T03:00:00Z"));
        f.service.tick(f.clock.millis());
        assertEquals(1, messages("/hook").size(), "04:00 in Berlin: the window is over");
    }

    @Test
    void theSameHourOnAMondayIsNotInsideTheSundayWindow() {
        hookWithRoute("0s");
        f.config.createWindow(tenant, NotifyFixture.WHO, """
                {"name":"Sunday maintenance","timezone":"Europe/Berlin","days":["SUN"],"start":"02:00","end":"04:00"}""");
        f.clock.set(Instant.parse("2026-11-23T01:30:00Z"));
        f.service.accept(List.of(f.firing(tenant, "m-1", "web-1", List.of())));
        assertEquals(1, messages("/hook").size());
    }

    @Test
    void aFiringCriticalAlertInhibitsTheWarningOnTheSameHost() {
        hookWithRoute("0s");
        long now = f.clock.millis();
        AlertTransition critical = NotifyFixture.transition(tenant, "disk-critical", Map.of("host", "db-1"),
                AlertState.PENDING, AlertState.FIRING, Severity.CRITICAL, now, now, List.of());
        AlertTransition warning = NotifyFixture.transition(tenant, "disk-warning", Map.of("host", "db-1"),
                AlertState.PENDING, AlertState.FIRING, Severity.WARNING, now, now, List.of());
        AlertTransition otherHost = NotifyFixture.transition(tenant, "disk-warning", Map.of("host", "db-2"),
                AlertState.PENDING, AlertState.FIRING, Severity.WARNING, now, now, List.of());
        f.service.accept(List.of(critical));
        f.service.accept(List.of(warning, otherHost));
        List<JsonNode> m = messages("/hook");
        assertEquals(2, m.size());
        assertEquals("disk-critical", m.get(0).get("alerts").get(0).get("monitorId").asText());
        assertEquals(1, m.get(1).get("alerts").size(), "only db-2's warning: db-1's is inhibited");
        assertEquals("db-2", m.get(1).get("alerts").get(0).get("group").get("host").asText());
    }

    @Test
    void aMonitorsOwnChannelsWinOverTheTenantRoutesAndUnroutedAlertsGoToTheDefaultRoute() {
        Channel a = f.webhook(tenant, "/a");
        Channel b = f.webhook(tenant, "/b");
        Channel c = f.webhook(tenant, "/c");
        f.route(tenant, """
                {"name":"db","matchers":["service=db"],"channels":["%s"],"groupWait":"0s"}""".formatted(b.id()));
        f.route(tenant, """
                {"name":"fallback","default":true,"channels":["%s"],"groupWait":"0s"}""".formatted(c.id()));
        long now = f.clock.millis();
        f.service.accept(List.of(NotifyFixture.transition(tenant, "m-db", Map.of("service", "db"), AlertState.PENDING,
                AlertState.FIRING, Severity.CRITICAL, now, now, List.of()),
                NotifyFixture.transition(tenant, "m-web", Map.of("service", "web"), AlertState.PENDING,
                        AlertState.FIRING, Severity.CRITICAL, now, now, List.of())));
        assertEquals(1, messages("/b").size());
        assertEquals(1, messages("/c").size());
        f.service.accept(List.of(NotifyFixture.transition(tenant, "m-own", Map.of("service", "db"), AlertState.PENDING,
                AlertState.FIRING, Severity.CRITICAL, now, now, List.of(a.id()))));
        f.advance(Duration.ofSeconds(30));
        f.service.tick(f.clock.millis());
        assertEquals(1, messages("/a").size(), "the monitor's channel, after the default 30 s group wait");
        assertEquals(1, messages("/b").size());
    }
}

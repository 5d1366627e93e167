package dev.longwatch.core.notify;

import com.fasterxml.jackson.databind.JsonNode;
import dev.longwatch.core.notify.channel.Channel;
import dev.longwatch.core.notify.mute.Inhibitor;
import dev.longwatch.model.alerting.AlertState;
import dev.longwatch.model.alerting.AlertTransition;
import dev.longwatch.model.alerting.Severity;
import dev.longwatch.testing.HttpReceiver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Inhibition rules ({@code /v1/inhibitions}) on the whole pipeline, with an injected clock: DynamoDB Local for the
 * state, a local HTTP receiver as the webhook. Every alert is grouped by monitor, so a source and its targets sit in
 * different groups, as they do with the default routes.
 */
class InhibitionTimelineTest {
    final NotifyFixture f = new NotifyFixture();
    final String tenant = "acme";

    @AfterEach
    void close() {
        f.close();
    }

    void hookWithRoute(String tenant) {
        Channel ch = f.webhook(tenant, "/hook-" + tenant);
        f.route(tenant, """
                {"name":"all","matchers":["team=payments"],"channels":["%s"],"groupBy":["monitor"],
                 "groupWait":"0s","groupInterval":"5m","repeatInterval":"4h"}""".formatted(ch.id()));
    }

    /** The alerts of every message the tenant's webhook received, in order: "monitor host". */
    List<String> told(String tenant) {
        List<String> out = new ArrayList<>();
        for (HttpReceiver.Request r : f.receiver.requests()) {
            if (r.path().equals("/hook-" + tenant)) {
                for (JsonNode a : Json.parse(r.body()).get("alerts")) {
                    out.add(a.get("monitorId").asText() + " " + a.get("group").path("host").asText() + " "
                            + a.get("state").asText());
                }
            }
        }
        return out;
    }

    List<JsonNode> alertsTold(String tenant, String monitor) {
        List<JsonNode> out = new ArrayList<>();
        for (HttpReceiver.Request r : f.receiver.requests()) {
            if (r.path().equals("/hook-" + tenant)) {
                for (JsonNode a : Json.parse(r.body()).get("alerts")) {
                    if (a.get("monitorId").asText().equals(monitor)) {
                        out.add(a);
                    }
                }
            }
        }
        return out;
    }

    AlertTransition fires(String tenant, String monitor, String host, Severity sev, Map<String, String> extra) {
        long now = f.clock.millis();
        Map<String, String> group = new java.util.LinkedHashMap<>(Map.of("host", host));
        group.putAll(extra);
        return NotifyFixture.transition(tenant, monitor, group, AlertState.PENDING, AlertState.FIRING, sev, now, now,
                List.of());
    }

    AlertTransition resolves(AlertTransition firing) {
        return NotifyFixture.transition(firing.tenant(), firing.monitorId(), firing.group(), AlertState.FIRING,
                AlertState.RESOLVED, firing.severity(), f.clock.millis(), firing.since(), List.of());
    }

    void tick() {
        f.service.tick(f.clock.millis());
    }

    void criticalMutesWarningsOnTheSameHost() {
        f.config.createInhibition(tenant, NotifyFixture.WHO, """
                {"sourceMatchers":["severity=critical"],"targetMatchers":["severity=warning"],"equal":["host"],
                 "comment":"a host that is down needs no disk warnings"}""");
    }

    @Test
    void aFiringCriticalMutesTheWarningsWithTheSameEqualLabels() {
        hookWithRoute(tenant);
        criticalMutesWarningsOnTheSameHost();
        f.service.accept(List.of(fires(tenant, "host-down", "db-1", Severity.CRITICAL, Map.of())));
        f.service.accept(List.of(fires(tenant, "disk-full", "db-1", Severity.WARNING, Map.of()),
                fires(tenant, "disk-slow", "db-1", Severity.WARNING, Map.of())));
        f.advance(Duration.ofMinutes(30));
        for (int i = 0; i < 30; i++) {
            f.advance(Duration.ofMinutes(1));
            tick();
        }
        assertEquals(List.of("host-down db-1 FIRING"), told(tenant),
                "both warnings on db-1 stay muted while the critical on db-1 fires");
    }

    @Test
    void aWarningWhoseEqualLabelsDifferFromEveryFiringSourceIsNotified() {
        hookWithRoute(tenant);
        criticalMutesWarningsOnTheSameHost();
        f.service.accept(List.of(fires(tenant, "host-down", "db-1", Severity.CRITICAL, Map.of())));
        f.service.accept(List.of(fires(tenant, "disk-full", "db-2", Severity.WARNING, Map.of())));
        assertEquals(List.of("host-down db-1 FIRING", "disk-full db-2 FIRING"), told(tenant));
    }

    @Test
    void theWarningIsNotifiedOnceItsSourceResolvesLikeASilenceEndingWhileItFires() {
        hookWithRoute(tenant);
        criticalMutesWarningsOnTheSameHost();
        AlertTransition critical = fires(tenant, "host-down", "db-1", Severity.CRITICAL, Map.of());
        f.service.accept(List.of(critical));
        f.advance(Duration.ofSeconds(10));
        f.service.accept(List.of(fires(tenant, "disk-full", "db-1", Severity.WARNING, Map.of())));
        f.advance(Duration.ofMinutes(20));
        tick();
        assertTrue(alertsTold(tenant, "disk-full").isEmpty(), "muted while the critical fires");

        f.service.accept(List.of(resolves(critical)));
        assertTrue(alertsTold(tenant, "disk-full").isEmpty(), "the warning's own group is looked at on its next tick");
        f.advance(Duration.ofMillis(Inhibitor.RECHECK_MILLIS));
        tick();
        List<JsonNode> warning = alertsTold(tenant, "disk-full");
        assertEquals(1, warning.size(), "told within one recheck of the source resolving");
        assertEquals("FIRING", warning.get(0).get("state").asText());
        assertTrue(warning.get(0).get("silenceExpired").asBoolean(), "marked like an alert whose silence ended");
        f.advance(Duration.ofMinutes(10));
        tick();
        assertEquals(1, alertsTold(tenant, "disk-full").size(), "told once, not again on every tick");
    }

    @Test
    void aRuleNeverInhibitsItsOwnSourceAlertNorASourceMatchingBothSides() {
        hookWithRoute(tenant);
        // Every payments alert is a target; criticals are sources too.
        f.config.createInhibition(tenant, NotifyFixture.WHO, """
                {"sourceMatchers":["severity=critical"],"targetMatchers":["team=payments"],"equal":["host"]}""");
        f.service.accept(List.of(fires(tenant, "host-down", "db-1", Severity.CRITICAL, Map.of())));
        f.service.accept(List.of(fires(tenant, "db-down", "db-1", Severity.CRITICAL, Map.of()),
                fires(tenant, "disk-full", "db-1", Severity.WARNING, Map.of())));
        assertEquals(List.of("host-down db-1 FIRING", "db-down db-1 FIRING"), told(tenant),
                "each critical matches both sides: neither mutes itself nor the other; the warning is muted");
    }

    @Test
    void withRulesOfItsOwnTheTenantNoLongerHasTheBuiltInRule() {
        hookWithRoute(tenant);
        f.config.createInhibition(tenant, NotifyFixture.WHO, """
                {"sourceMatchers":["monitor=datacenter-down"],"targetMatchers":["severity=~warning|critical"],
                 "equal":["dc"]}""");
        f.service.accept(List.of(fires(tenant, "host-down", "db-1", Severity.CRITICAL, Map.of())));
        f.service.accept(List.of(fires(tenant, "disk-full", "db-1", Severity.WARNING, Map.of())));
        assertEquals(List.of("host-down db-1 FIRING", "disk-full db-1 FIRING"), told(tenant),
                "the built-in critical-mutes-warning rule is replaced by the tenant's rules");
    }

    @Test
    void aLabelMissingOnBothAlertsCountsAsEqualAndOneMissingOnOneSideDoesNot() {
        hookWithRoute(tenant);
        f.config.createInhibition(tenant, NotifyFixture.WHO, """
                {"sourceMatchers":["monitor=region-down"],"targetMatchers":["severity=warning"],"equal":["region"]}""");
        f.service.accept(List.of(fires(tenant, "region-down", "lb-1", Severity.CRITICAL, Map.of())));
        f.service.accept(List.of(fires(tenant, "disk-full", "db-1", Severity.WARNING, Map.of()),
                fires(tenant, "disk-slow", "db-2", Severity.WARNING, Map.of("region", "eu-west-1"))));
        assertEquals(List.of("region-down lb-1 FIRING", "disk-slow db-2 FIRING"), told(tenant),
                "no region on either side: equal, so db-1 is muted; db-2 has a region the source lacks");
    }

    @Test
    void anotherTenantsFiringAlertNeverInhibits() {
        hookWithRoute(tenant);
        hookWithRoute("other");
        criticalMutesWarningsOnTheSameHost();
        f.service.accept(List.of(fires("other", "host-down", "db-1", Severity.CRITICAL, Map.of())));
        f.service.accept(List.of(fires(tenant, "disk-full", "db-1", Severity.WARNING, Map.of())));
        assertEquals(List.of("disk-full db-1 FIRING"), told(tenant));
        assertEquals(List.of("host-down db-1 FIRING"), told("other"));
    }

    @Test
    void theBuiltInRuleAlsoTellsTheWarningOnceTheCriticalResolves() {
        hookWithRoute(tenant);
        AlertTransition critical = fires(tenant, "host-down", "db-1", Severity.CRITICAL, Map.of());
        f.service.accept(List.of(critical));
        f.service.accept(List.of(fires(tenant, "disk-full", "db-1", Severity.WARNING, Map.of())));
        f.advance(Duration.ofMinutes(5));
        tick();
        assertTrue(alertsTold(tenant, "disk-full").isEmpty(), "muted by the built-in rule");
        f.service.accept(List.of(resolves(critical)));
        f.advance(Duration.ofMillis(Inhibitor.RECHECK_MILLIS));
        tick();
        assertEquals(1, alertsTold(tenant, "disk-full").size());
        assertFalse(f.config.inhibitions(tenant).iterator().hasNext(), "no rules: the built-in one was at work");
    }
}

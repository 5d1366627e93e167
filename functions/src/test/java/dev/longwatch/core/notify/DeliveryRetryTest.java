package dev.longwatch.core.notify;

import com.fasterxml.jackson.databind.JsonNode;
import dev.longwatch.core.notify.channel.Channel;
import dev.longwatch.core.notify.channel.Signatures;
import dev.longwatch.testing.HttpReceiver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Delivery: signatures, retries with backoff, 429 with Retry-After, dead letters, rate budgets, the delivery log. */
class DeliveryRetryTest {
    final NotifyFixture f = new NotifyFixture();
    final String tenant = "acme";

    @AfterEach
    void close() {
        f.close();
    }

    Channel hook() {
        Channel ch = f.webhook(tenant, "/hook");
        f.route(tenant, """
                {"name":"all","channels":["%s"],"groupWait":"0s","default":true}""".formatted(ch.id()));
        return ch;
    }

    Delivery only() {
        List<Delivery> all = f.service.list(tenant, null, 10, null);
        assertEquals(1, all.size(), all.toString());
        return all.get(0);
    }

    @Test
    void theGenericWebhookIsSignedOverTimestampAndBodyAndCarriesAStableId() {
        hook();
        f.service.accept(List.of(f.firing(tenant, "m-1", "web-1", List.of())));
        HttpReceiver.Request r = f.receiver.requests().get(0);
        String ts = r.header("X-Longwatch-Timestamp");
        assertEquals(Long.toString(f.clock.millis() / 1000), ts);
        assertEquals("v1=" + Signatures.hmacHex("s3cret-signing-key-123", ts + "." + r.body()),
                r.header("X-Longwatch-Signature"));
        assertEquals(only().id(), r.header("X-Longwatch-Id"));
        assertEquals(Delivery.SENT, only().status());
    }

    @Test
    void aServerErrorIsRetriedWithDoublingBackoffAndDeadLetteredAfterTheLastAttempt() {
        hook();
        f.receiver.always(503, Map.of(), "down");
        f.service.accept(List.of(f.firing(tenant, "m-1", "web-1", List.of())));
        Delivery d = only();
        assertEquals(Delivery.RETRYING, d.status());
        assertEquals(f.clock.millis() + 30_000, d.nextAttemptAt());
        long[] waits = {30, 60, 120, 240};
        for (int i = 0; i < waits.length; i++) {
            f.advance(Duration.ofSeconds(waits[i] - 1));
            f.service.tick(f.clock.millis());
            assertEquals(i + 1, f.receiver.requests().size(), "no attempt before the backoff ends");
            f.advance(Duration.ofSeconds(1));
            f.service.tick(f.clock.millis());
            assertEquals(i + 2, f.receiver.requests().size());
        }
        d = only();
        assertEquals(Delivery.FAILED, d.status());
        assertEquals(5, d.attempts());
        assertEquals(503, d.lastHttpStatus());
        assertNull(d.nextAttemptAt());
        assertEquals(1, f.deadLettered.size());
        f.advance(Duration.ofHours(1));
        f.service.tick(f.clock.millis());
        assertEquals(5, f.receiver.requests().size(), "a dead-lettered notification is not tried again");
    }

    @Test
    void a429WaitsAsLongAsRetryAfterAsksThenSucceeds() {
        hook();
        f.receiver.then(429, Map.of("Retry-After", "120"), "slow down");
        f.service.accept(List.of(f.firing(tenant, "m-1", "web-1", List.of())));
        assertEquals(f.clock.millis() + 120_000, only().nextAttemptAt());
        f.advance(Duration.ofSeconds(119));
        f.service.tick(f.clock.millis());
        assertEquals(1, f.receiver.requests().size());
        f.advance(Duration.ofSeconds(1));
        f.service.tick(f.clock.millis());
        assertEquals(Delivery.SENT, only().status());
        assertEquals(2, only().attempts());
    }

    @Test
    void discordsResetAfterHeaderIsHonouredOnA429() {
        Channel ch = f.channels.create(tenant, """
                {"name":"d","type":"discord","config":{"url":"%s"}}""".formatted(f.receiver.url("/discord")));
        f.route(tenant, """
                {"name":"all","channels":["%s"],"groupWait":"0s","default":true}""".formatted(ch.id()));
        f.receiver.then(429, Map.of("X-RateLimit-Reset-After", "7.5", "X-RateLimit-Remaining", "0"), "{}");
        f.service.accept(List.of(f.firing(tenant, "m-1", "web-1", List.of())));
        assertEquals(f.clock.millis() + 30_000, only().nextAttemptAt(), "backoff base (30 s) beats the 7.5 s asked");
    }

    @Test
    void aRefusedMessageFailsAtOnceWithoutRetrying() {
        hook();
        f.receiver.always(400, Map.of(), "bad");
        f.service.accept(List.of(f.firing(tenant, "m-1", "web-1", List.of())));
        Delivery d = only();
        assertEquals(Delivery.FAILED, d.status());
        assertEquals(1, d.attempts());
        assertEquals(1, f.deadLettered.size());
        assertTrue(d.lastError().contains("400"));
    }

    @Test
    void slackMessagesToOneWebhookAreSpacedOneSecondApart() {
        Channel ch = f.channels.create(tenant, """
                {"name":"s","type":"slack","config":{"url":"%s"}}""".formatted(f.receiver.url("/slack")));
        f.route(tenant, """
                {"name":"all","channels":["%s"],"groupWait":"0s","default":true}""".formatted(ch.id()));
        f.service.accept(List.of(f.firing(tenant, "m-1", "a", List.of()), f.firing(tenant, "m-2", "a", List.of()),
                f.firing(tenant, "m-3", "a", List.of())));
        assertEquals(3, f.receiver.requests().size());
        assertEquals(List.of(1000L, 1000L), f.pauses.stream().filter(p -> p > 0).toList());
    }

    @Test
    void aChannelsPerMinuteBudgetDefersTheRestToTheNextMinute() {
        Channel ch = f.channels.create(tenant, """
                {"name":"d","type":"discord","config":{"url":"%s"}}""".formatted(f.receiver.url("/discord")));
        long minute = f.clock.millis() - f.clock.millis() % 60_000;
        for (int i = 0; i < 30; i++) {
            assertTrue(f.store.takeRate(tenant, ch.id(), minute, 30));
        }
        f.route(tenant, """
                {"name":"all","channels":["%s"],"groupWait":"0s","default":true}""".formatted(ch.id()));
        f.service.accept(List.of(f.firing(tenant, "m-1", "a", List.of())));
        assertEquals(0, f.receiver.requests().size());
        assertEquals(minute + 60_000, only().nextAttemptAt());
        f.clock.setMillis(minute + 60_000);
        f.service.tick(f.clock.millis());
        assertEquals(1, f.receiver.requests().size());
    }

    @Test
    void theDeliveryLogListsNewestFirstFiltersByStatusAndPages() {
        hook();
        f.receiver.then(400, Map.of(), "no");
        for (int i = 0; i < 3; i++) {
            f.service.accept(List.of(f.firing(tenant, "m-" + i, "a", List.of())));
            f.advance(Duration.ofSeconds(1));
        }
        List<Delivery> all = f.service.list(tenant, null, 10, null);
        assertEquals(3, all.size());
        assertTrue(all.get(0).createdAt() > all.get(2).createdAt());
        assertEquals(1, f.service.list(tenant, Delivery.FAILED, 10, null).size());
        List<Delivery> page1 = f.service.list(tenant, null, 2, null);
        List<Delivery> page2 = f.service.list(tenant, null, 2, page1.get(1).id());
        assertEquals(1, page2.size());
        assertFalse(page1.stream().anyMatch(d -> d.id().equals(page2.get(0).id())));
        assertTrue(f.service.list("other", null, 10, null).isEmpty(), "another tenant sees none");
    }

    @Test
    void everyChannelTypeDeliversOnceToItsLocalReceiver() {
        List<String> ids = new java.util.ArrayList<>();
        for (String[] c : new String[][]{{"slack", "url", "/slack"}, {"teams", "url", "/teams"},
                {"discord", "url", "/discord"}, {"google_chat", "url", "/chat"}, {"pagerduty", "endpoint", "/pd"}}) {
            String extra = c[0].equals("pagerduty") ? ",\"routingKey\":\"rk-1\"" : "";
            ids.add(f.channels.create(tenant, """
                    {"name":"%s","type":"%s","config":{"%s":"%s"%s}}""".formatted(c[0], c[0], c[1],
                    f.receiver.url(c[2]), extra)).id());
        }
        ids.add(f.webhook(tenant, "/webhook").id());
        ids.add(f.channels.create(tenant, """
                {"name":"a","type":"action","config":{"url":"%s","signingSecret":"remediate-0123456789"}}"""
                .formatted(f.receiver.url("/action"))).id());
        ids.add(f.channels.create(tenant, """
                {"name":"t","type":"sns","config":{"topicArn":"arn:aws:sns:eu-west-1:123456789012:alerts"}}""").id());
        f.route(tenant, """
                {"name":"all","default":true,"groupWait":"0s","channels":%s}""".formatted(
                ids.stream().map(i -> "\"" + i + "\"").toList()));
        NotificationService.RunReport r = f.service.accept(List.of(f.firing(tenant, "m-1", "web-1", List.of())));
        assertEquals(8, r.sent());
        assertEquals(List.of("/action", "/chat", "/discord", "/pd", "/slack", "/teams", "/webhook"),
                f.receiver.requests().stream().map(HttpReceiver.Request::path).sorted().toList());
        f.receiver.requests().forEach(q -> assertTrue(q.header("content-type").startsWith("application/json")));
        assertEquals(1, f.snsPublished.size());
        assertEquals("arn:aws:sns:eu-west-1:123456789012:alerts", f.snsPublished.get(0)[0]);
        JsonNode pd = Json.parse(f.receiver.requests().stream().filter(q -> q.path().equals("/pd")).findFirst()
                .orElseThrow().body());
        assertEquals("trigger", pd.get("event_action").asText());
        assertEquals(8, f.service.list(tenant, Delivery.SENT, 20, null).size());
    }

    @Test
    void theTestEndpointSendsATestMessageAndRecordsIt() {
        Channel ch = hook();
        Delivery d = f.service.test(tenant, ch);
        assertEquals(Delivery.SENT, d.status());
        JsonNode body = Json.parse(f.receiver.requests().get(0).body());
        assertEquals("test", body.get("kind").asText());
        assertEquals("test", only().kind());
    }
}

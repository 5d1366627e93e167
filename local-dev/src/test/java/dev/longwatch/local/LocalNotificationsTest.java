package dev.longwatch.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.longwatch.core.notify.NotifyFixture;
import dev.longwatch.model.alerting.AlertState;
import dev.longwatch.model.alerting.Severity;
import dev.longwatch.testing.HttpReceiver;
import dev.longwatch.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Notifications in local-dev over real HTTP: a channel made through the API hears about queued transitions. */
class LocalNotificationsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path dataDir;
    final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));
    final HttpClient client = HttpClient.newHttpClient();
    final HttpReceiver receiver = new HttpReceiver();
    LocalPlatform platform;

    @BeforeEach
    void start() throws Exception {
        platform = LocalPlatform.start(new LocalOptions("127.0.0.1", 0, dataDir, 1, Duration.ofHours(1), null), clock);
    }

    @AfterEach
    void stop() throws Exception {
        platform.close();
        receiver.close();
    }

    JsonNode call(String method, String path, String body, int expect) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(platform.baseUri() + path))
                .header("Authorization", "Bearer " + platform.devApiKey()).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(expect, r.statusCode(), r.body());
        return r.body().isEmpty() ? null : JSON.readTree(r.body());
    }

    @Test
    void configurationChangesOverHttpAreInTheAuditLogWithoutTheirSecrets() throws Exception {
        String ch = call("POST", "/v1/channels", """
                {"name":"local","type":"webhook","config":{"url":"%s","signingSecret":"local-signing-secret"}}"""
                .formatted(receiver.url("/hook?token=LOCAL-TOKEN")), 201).get("id").asText();
        clock.advance(Duration.ofSeconds(1));
        String route = call("POST", "/v1/routes", """
                {"name":"all","matchers":["team=a"],"channels":["%s"]}""".formatted(ch), 201).get("id").asText();
        clock.advance(Duration.ofSeconds(1));
        call("DELETE", "/v1/routes/" + route, null, 204);
        call("DELETE", "/v1/routes/" + route, null, 404);
        JsonNode audit = call("GET", "/v1/audit", null, 200);
        List<String> actions = new java.util.ArrayList<>();
        audit.get("entries").forEach(e -> actions.add(e.get("action").asText()));
        assertEquals(List.of("route.delete", "route.create", "channel.create"), actions);
        assertTrue(audit.at("/entries/0/who").asText().startsWith("key:"), audit.toString());
        assertFalse(audit.toString().contains("LOCAL-TOKEN") || audit.toString().contains("local-signing-secret"),
                audit.toString());
    }

    @Test
    void aQueuedTransitionReachesAChannelMadeThroughTheApiWithWorkingActionLinks() throws Exception {
        String ch = call("POST", "/v1/channels", """
                {"name":"local","type":"webhook","config":{"url":"%s","signingSecret":"local-signing-secret"}}"""
                .formatted(receiver.url("/hook")), 201).get("id").asText();
        call("POST", "/v1/routes", """
                {"name":"all","default":true,"groupWait":"0s","channels":["%s"]}""".formatted(ch), 201);
        long now = clock.millis();
        platform.notifications().send(List.of(NotifyFixture.transition(LocalPlatform.DEV_TENANT, "m-1",
                Map.of("host", "web-1"), AlertState.PENDING, AlertState.FIRING, Severity.CRITICAL, now, now, List.of())));
        assertEquals(0, platform.notifications().runNotifier().sent(), "a new group gathers its round for 2 s");
        clock.advance(Duration.ofSeconds(2));
        assertEquals(1, platform.notifications().runNotifier().sent());
        JsonNode message = JSON.readTree(receiver.requests().get(0).body());
        assertEquals("firing", message.get("status").asText());
        String chart = message.get("links").get("chart").asText();
        HttpResponse<byte[]> png = client.send(HttpRequest.newBuilder(URI.create(chart)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, png.statusCode(), "the chart is served by the local S3 through its presigned link");
        assertEquals('P', png.body()[1]);
        String ack = message.get("links").get("ack").asText();
        assertTrue(ack.startsWith(platform.baseUri() + "/v1/chat/actions/"), ack);
        HttpResponse<String> page = client.send(HttpRequest.newBuilder(URI.create(ack)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("Acknowledge"));

        JsonNode log = call("GET", "/v1/notifications", null, 200);
        assertEquals("sent", log.get("notifications").get(0).get("status").asText());
        assertFalse(Files.readString(dataDir.resolve("secrets.key"), java.nio.charset.StandardCharsets.ISO_8859_1).isEmpty());
    }
}

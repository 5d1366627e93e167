package dev.longwatch.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.longwatch.aws.dynamodb.TableNames;
import dev.longwatch.aws.dynamodb.TableSetup;
import dev.longwatch.testing.HttpReceiver;
import dev.longwatch.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The alerting engine and the notification pipeline together, as a user runs them in local-dev: a signed webhook
 * channel pointing at a local HTTP receiver, a threshold monitor naming it, a breaching point through
 * {@code POST /v1/metrics}, then the rollup, evaluator and notifier jobs driven by hand (admin endpoints, and
 * {@link LocalNotifications#runNotifier} as the ticker and the wake-ups do) with a {@link MutableClock}: nothing waits.
 */
class AlertToNotificationEndToEndTest {
    static final String SECRET = "e2e-signing-secret-0123456789";
    /** The evaluation at minute t reads [t - 2m, t - 1m) (delay 1m, window 1m). */
    static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

    @TempDir
    Path dataDir;
    final MutableClock clock = new MutableClock(T0.plusSeconds(5));
    final HttpReceiver receiver = new HttpReceiver();
    final HttpClient client = HttpClient.newHttpClient();
    LocalPlatform platform;
    Http http;
    String key;

    @BeforeEach
    void start() throws Exception {
        // A poll interval of an hour: no ticker runs; every job is run by hand.
        platform = LocalPlatform.start(new LocalOptions("127.0.0.1", 0, dataDir, 1, Duration.ofHours(1), null), clock);
        http = new Http(platform.baseUri());
        key = platform.devApiKey();
    }

    @AfterEach
    void stop() throws Exception {
        platform.close();
        receiver.close();
    }

    Http.Response ok(int status, Http.Response r) {
        assertEquals(status, r.status(), r.raw());
        return r;
    }

    /** A signed webhook channel at the receiver and a threshold monitor (above 90, 1m pending) naming it. */
    String monitorRoutedToWebhook() throws Exception {
        String channel = ok(201, http.post("/v1/channels", key, """
                {"name":"ops hook","type":"webhook","config":{"url":"%s","signingSecret":"%s"}}"""
                .formatted(receiver.url("/hook"), SECRET))).body().get("id").asText();
        return ok(201, http.post("/v1/monitors", key, """
                {"name":"Checkout latency","kind":"threshold",
                 "query":{"metric":"checkout.latency_ms","filters":["service:checkout"],"agg":"max","window":"1m"},
                 "condition":{"op":"above","critical":90},
                 "evaluation":{"every":"1m","delay":"1m","pendingFor":"1m"},
                 "message":"{{monitor.name}} is {{value}} (limit {{threshold}})",
                 "notify":{"channels":["%s"]}}""".formatted(channel))).body().get("id").asText();
    }

    void ingest(Instant at, double value) throws Exception {
        Http.Response r = ok(202, http.post("/v1/metrics", key, """
                {"series":[{"metric":"checkout.latency_ms","type":"gauge","tags":{"service":"checkout"},
                            "points":[[%d,%s]]}]}""".formatted(at.toEpochMilli(), value)));
        assertEquals(1, r.body().get("accepted").asInt(), r.raw());
    }

    /** Runs the rollup job, then the evaluator for the current minute, both through the admin endpoints. */
    JsonNode rollupAndEvaluate() throws Exception {
        ok(200, http.post("/v1/admin/jobs/rollup/run", null, ""));
        return ok(200, http.post("/v1/admin/jobs/evaluator/run", null, "")).body();
    }

    void at(Instant t) {
        clock.set(t);
    }

    /** Brings the monitor to FIRING at 10:03 (pending at 10:02) and flushes its group after the 30 s group wait. */
    JsonNode fireAndNotify(String monitorId) throws Exception {
        ingest(T0.plusSeconds(10), 120.5);   // minute 10:00, judged at 10:02
        ingest(T0.plusSeconds(70), 130.25);  // minute 10:01, judged at 10:03
        at(T0.plusSeconds(125));
        rollupAndEvaluate();
        assertEquals(0, platform.notifications().runNotifier().sent(), "PENDING is not notified");
        at(T0.plusSeconds(185));
        rollupAndEvaluate();
        assertEquals("FIRING", alert(monitorId).get("state").asText());
        assertEquals(0, platform.notifications().runNotifier().sent(), "the group waits 30 s before its first message");
        assertEquals(0, receiver.requests().size());
        // The 30 s count from the alert's data time (the evaluated minute, 10:03:00), not from the evaluation run
        // 5 s later: due at 10:03:30.
        at(T0.plusSeconds(180 + 29));
        assertEquals(0, platform.notifications().runNotifier().sent());
        at(T0.plusSeconds(180 + 30));
        assertEquals(1, platform.notifications().runNotifier().sent());
        assertEquals(1, receiver.requests().size());
        return Http.JSON.readTree(receiver.requests().get(0).body());
    }

    JsonNode alert(String monitorId) throws Exception {
        return ok(200, http.get("/v1/alerts/" + URLEncoder.encode(monitorId + ":*", StandardCharsets.UTF_8), key))
                .body();
    }

    static void assertSigned(HttpReceiver.Request r, Instant now) throws Exception {
        String ts = r.header("X-Longwatch-Timestamp");
        assertEquals(now.getEpochSecond(), Long.parseLong(ts), "signed at the platform's clock");
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String expected = "v1=" + HexFormat.of().formatHex(mac.doFinal((ts + "." + r.body())
                .getBytes(StandardCharsets.UTF_8)));
        assertTrue(MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                r.header("X-Longwatch-Signature").getBytes(StandardCharsets.UTF_8)), "HMAC over the raw body");
        assertTrue(r.header("X-Longwatch-Id") != null && !r.header("X-Longwatch-Id").isEmpty());
    }

    @Test
    void aBreachingPointIsNotifiedOnceSignedAndItsRecoveryOnceWithItsDuration() throws Exception {
        String monitorId = monitorRoutedToWebhook();
        JsonNode firing = fireAndNotify(monitorId);
        HttpReceiver.Request first = receiver.requests().get(0);
        assertSigned(first, T0.plusSeconds(210));
        assertEquals("alert", firing.get("kind").asText());
        assertEquals("firing", firing.get("status").asText());
        assertEquals(1, firing.get("alerts").size());
        JsonNode a = firing.get("alerts").get(0);
        assertEquals(monitorId + ":*", a.get("alertId").asText());
        assertEquals(monitorId, a.get("monitorId").asText());
        assertEquals("Checkout latency", a.get("monitorName").asText());
        assertEquals("FIRING", a.get("state").asText());
        assertEquals(130.25, a.get("value").asDouble(), 1e-9, "the value of the minute that fired it");
        assertEquals(90.0, a.get("threshold").asDouble(), 1e-9);

        // The same minute again (a retried or overlapping run), and the notifier again: nothing more is sent.
        at(T0.plusSeconds(230));
        JsonNode again = ok(200, http.post("/v1/admin/jobs/evaluator/run", null, "")).body();
        assertEquals(T0.plusSeconds(180).toEpochMilli(), again.get("minute").asLong(), again.toString());
        assertEquals(0, platform.notifications().runNotifier().sent());
        assertEquals(1, receiver.requests().size(), "exactly one message for one firing");

        // Recovery: minute 10:02 is healthy, judged at 10:04.
        ingest(T0.plusSeconds(130), 40.0);
        at(T0.plusSeconds(245));
        rollupAndEvaluate();
        assertEquals("RESOLVED", alert(monitorId).get("state").asText());
        platform.notifications().runNotifier();
        // Changes to a group that already spoke wait its group interval (5 m after the first message).
        Instant flush = T0.plusSeconds(210).plus(Duration.ofMinutes(5));
        at(flush);
        assertEquals(1, platform.notifications().runNotifier().sent());
        at(flush.plusSeconds(60));
        assertEquals(0, platform.notifications().runNotifier().sent());
        assertEquals(2, receiver.requests().size(), "one firing, one resolved message");
        HttpReceiver.Request second = receiver.requests().get(1);
        assertSigned(second, flush);
        JsonNode resolved = Http.JSON.readTree(second.body());
        assertEquals("resolved", resolved.get("status").asText());
        JsonNode r = resolved.get("alerts").get(0);
        assertEquals("RESOLVED", r.get("state").asText());
        assertEquals(monitorId + ":*", r.get("alertId").asText());
        // The episode began with the first breaching evaluation (10:02, pending; firing at 10:03) and resolved
        // at 10:04: the engine counts a firing episode from its pending start.
        assertEquals("2026-11-22T10:02:00Z", r.get("since").asText());
        assertEquals(120, r.get("durationSeconds").asLong(), r.toString());

        JsonNode log = ok(200, http.get("/v1/notifications", key)).body().get("notifications");
        assertEquals(2, log.size(), log.toString());
        for (JsonNode d : log) {
            assertEquals("sent", d.get("status").asText(), d.toString());
        }
    }

    @Test
    void theAckLinkInTheMessageAcknowledgesTheAlertInTheAlertingServiceAsTheChatUser() throws Exception {
        String monitorId = monitorRoutedToWebhook();
        JsonNode firing = fireAndNotify(monitorId);
        String link = firing.get("links").get("ack").asText();
        assertTrue(link.startsWith(platform.baseUri() + "/v1/chat/actions/"), link);

        HttpResponse<String> done = client.send(HttpRequest.newBuilder(URI.create(link))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("by=alice%40example.com")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, done.statusCode(), done.body());
        assertTrue(done.body().contains("Acknowledged by link:alice@example.com (1 alert)"), done.body());

        JsonNode alert = alert(monitorId);
        assertEquals("FIRING", alert.get("state").asText());
        assertEquals("link:alice@example.com", alert.get("acknowledged").get("by").asText(), alert.toString());
        JsonNode audit = ok(200, http.get("/v1/audit?target=" + URLEncoder.encode(monitorId + ":*",
                StandardCharsets.UTF_8), key)).body().get("entries");
        assertEquals(1, audit.size(), audit.toString());
        assertEquals("alert.ack", audit.get(0).get("action").asText());
        assertEquals("link:alice@example.com", audit.get(0).get("who").asText());
    }

    @Test
    void aSignedSlackAckCommandAcknowledgesTheAlertAsTheSlackUser() throws Exception {
        String monitorId = monitorRoutedToWebhook();
        String slackSecret = "slack-app-signing-secret-e2e";
        String slack = ok(201, http.post("/v1/channels", key, """
                {"name":"slack app","type":"slack","config":{"botToken":"xoxb-e2e","channel":"C42","signingSecret":"%s"}}"""
                .formatted(slackSecret))).body().get("id").asText();
        JsonNode firing = fireAndNotify(monitorId);
        String alertId = firing.get("alerts").get(0).get("alertId").asText();

        String form = "command=%2Flongwatch&text=" + URLEncoder.encode("ack " + alertId + " looking into it",
                StandardCharsets.UTF_8) + "&user_id=U123&user_name=bob";
        String ts = Long.toString(clock.instant().getEpochSecond());
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(slackSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String signature = "v0=" + HexFormat.of().formatHex(mac.doFinal(("v0:" + ts + ":" + form)
                .getBytes(StandardCharsets.UTF_8)));
        HttpResponse<String> answer = client.send(HttpRequest.newBuilder(URI.create(platform.baseUri()
                        + "/v1/chat/slack/commands?tenant=" + LocalPlatform.DEV_TENANT + "&channel=" + slack))
                .header("Content-Type", "application/x-www-form-urlencoded").header("X-Slack-Request-Timestamp", ts)
                .header("X-Slack-Signature", signature).POST(HttpRequest.BodyPublishers.ofString(form)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode(), answer.body());
        assertTrue(answer.body().contains("slack:U123 (bob) acknowledged Checkout latency"), answer.body());

        JsonNode alert = alert(monitorId);
        assertEquals("slack:U123 (bob)", alert.get("acknowledged").get("by").asText(), alert.toString());
        assertEquals("looking into it", alert.get("acknowledged").get("note").asText());
        JsonNode audit = ok(200, http.get("/v1/audit?target=" + URLEncoder.encode(alertId, StandardCharsets.UTF_8),
                key)).body().get("entries");
        assertEquals(1, audit.size(), audit.toString());
        assertEquals("alert.ack", audit.get(0).get("action").asText());
        assertEquals("slack:U123 (bob)", audit.get(0).get("who").asText());
    }

    @Test
    void aResolveFromTheMessageLinkIsNotifiedBackThroughTheNotifierOnce() throws Exception {
        String monitorId = monitorRoutedToWebhook();
        JsonNode firing = fireAndNotify(monitorId);
        HttpResponse<String> done = client.send(HttpRequest.newBuilder(URI.create(firing.get("links").get("resolve")
                        .asText())).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("by=carol")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, done.statusCode(), done.body());
        assertTrue(done.body().contains("Resolved by link:carol (1 alert)"), done.body());
        assertEquals("RESOLVED", alert(monitorId).get("state").asText());

        // The manual RESOLVED transition goes the evaluator's way: the transition queue, then the notifier.
        platform.notifications().runNotifier();
        at(T0.plusSeconds(210).plus(Duration.ofMinutes(5)));
        assertEquals(1, platform.notifications().runNotifier().sent());
        at(T0.plusSeconds(210).plus(Duration.ofMinutes(10)));
        assertEquals(0, platform.notifications().runNotifier().sent());
        assertEquals(2, receiver.requests().size());
        JsonNode resolved = Http.JSON.readTree(receiver.requests().get(1).body());
        assertEquals("resolved", resolved.get("status").asText());
        assertEquals(monitorId + ":*", resolved.get("alerts").get(0).get("alertId").asText());
        JsonNode audit = ok(200, http.get("/v1/audit?target=" + URLEncoder.encode(monitorId + ":*",
                StandardCharsets.UTF_8), key)).body().get("entries");
        assertEquals("alert.resolve", audit.get(0).get("action").asText(), audit.toString());
        assertEquals("link:carol", audit.get(0).get("who").asText());
    }

    @Test
    void transitionsDrainedByANotifierRunThatFailsAreNotifiedByTheNextRun() throws Exception {
        String monitorId = monitorRoutedToWebhook();
        ingest(T0.plusSeconds(10), 120.5);
        ingest(T0.plusSeconds(70), 130.25);
        at(T0.plusSeconds(125));
        rollupAndEvaluate();
        platform.notifications().runNotifier();
        at(T0.plusSeconds(185));
        rollupAndEvaluate();
        assertEquals(1, platform.transitions().size(), "the FIRING transition waits for the notifier");

        // An outage of the notifications table (real DynamoDB Local: the table is gone) fails the run ...
        DynamoDbClient ddb = platform.dynamoClient();
        String table = TableNames.defaults().notifications();
        List<Map<String, AttributeValue>> items = ddb.scan(b -> b.tableName(table)).items();
        ddb.deleteTable(b -> b.tableName(table));
        assertThrows(RuntimeException.class, () -> platform.notifications().runNotifier());
        // ... and once it is back, the next runs tell the channel: the transition was not lost with the run.
        TableSetup.createIfMissing(ddb, TableNames.defaults());
        for (Map<String, AttributeValue> item : items) {
            ddb.putItem(b -> b.tableName(table).item(item));
        }
        assertEquals(0, platform.notifications().runNotifier().sent());
        at(T0.plusSeconds(185 + 30));
        assertEquals(1, platform.notifications().runNotifier().sent());
        assertEquals(1, receiver.requests().size());
        assertEquals(monitorId + ":*", Http.JSON.readTree(receiver.requests().get(0).body()).get("alerts").get(0)
                .get("alertId").asText());
    }
}

package dev.longwatch.handler;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.longwatch.aws.dynamodb.DynamoDbAlertStateStore;
import dev.longwatch.aws.dynamodb.DynamoDbApiKeyStore;
import dev.longwatch.aws.dynamodb.DynamoDbMonitorStore;
import dev.longwatch.aws.dynamodb.DynamoDbRollupStore;
import dev.longwatch.aws.dynamodb.DynamoDbSeriesIndex;
import dev.longwatch.core.alerting.AlertService;
import dev.longwatch.core.alerting.MonitorService;
import dev.longwatch.core.alerting.backtest.BacktestService;
import dev.longwatch.core.auth.ApiKeys;
import dev.longwatch.core.notify.Json;
import dev.longwatch.core.notify.NotifyFixture;
import dev.longwatch.core.notify.NotifyStore;
import dev.longwatch.core.notify.channel.HttpTransport;
import dev.longwatch.core.notify.chat.ChatService;
import dev.longwatch.core.notify.chat.InMemoryAlertCommands;
import dev.longwatch.core.notify.chat.SlackSignature;
import dev.longwatch.core.telemetry.Log;
import dev.longwatch.core.telemetry.PlatformMetrics;
import dev.longwatch.testing.LocalDynamo;
import dev.longwatch.testing.OpenApiContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Changes to the notification configuration (channels, routes, silences, maintenance windows, inhibition rules) are
 * audited: made through the notifications API (and chat), read back through {@code GET /v1/audit} of the alerting
 * API, both checked against api-spec/openapi.yaml, on DynamoDB Local.
 */
class NotificationConfigAuditTest {
    static final OpenApiContract SPEC = OpenApiContract.load();
    final NotifyFixture f = new NotifyFixture();
    final ApiKeys keys = new ApiKeys(new DynamoDbApiKeyStore(LocalDynamo.client(), f.tables.apiKeys()), f.clock,
            new SecureRandom());
    final ApiKeys.Issued acmeKey = keys.create("acme", "t");
    final String key = acmeKey.key();
    final String who = "key:" + acmeKey.keyId().substring(0, 8);
    final String otherKey = keys.create("other", "t").key();
    final HttpNotificationsRequestHandler notifications = new HttpNotificationsRequestHandler(keys, f.service, f.config,
            f.clock, PlatformMetrics.NONE);
    final HttpMonitorsRequestHandler alerting = alertingHandler();

    HttpMonitorsRequestHandler alertingHandler() {
        var client = LocalDynamo.client();
        DynamoDbMonitorStore monitors = new DynamoDbMonitorStore(client, f.tables.alerting());
        DynamoDbAlertStateStore states = new DynamoDbAlertStateStore(client, f.tables.alerting(), PlatformMetrics.NONE);
        return new HttpMonitorsRequestHandler(keys,
                new MonitorService(monitors, states, f.audit, f.clock, new SecureRandom()),
                new AlertService(states, monitors, f.audit, transitions -> {
                }, f.clock),
                new BacktestService(new DynamoDbSeriesIndex(client, f.tables.series(), PlatformMetrics.NONE),
                        new DynamoDbRollupStore(client, f.tables.rollups(), PlatformMetrics.NONE), f.events, 2),
                f.audit, f.clock, PlatformMetrics.NONE);
    }

    @AfterEach
    void close() {
        f.close();
    }

    record Call(int status, JsonNode body, String raw) {
    }

    Call call(RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler, String apiKey, String method,
              String path, String body, Map<String, String> query) {
        APIGatewayV2HTTPEvent e = HttpNotificationsContractTest.event(apiKey, method, path, body, query);
        APIGatewayV2HTTPResponse r = handler.handleRequest(e, null);
        List<OpenApiContract.Problem> problems = SPEC.validateResponse(e, r);
        assertTrue(problems.isEmpty(), method + " " + path + " -> " + r.getStatusCode() + " " + r.getBody() + ": "
                + problems);
        String raw = r.getBody() == null ? "" : r.getBody();
        return new Call(r.getStatusCode(), raw.isEmpty() ? null : Json.parse(raw), raw);
    }

    Call api(String method, String path, String body) {
        return call(notifications, key, method, path, body, Map.of());
    }

    String create(String path, String body) {
        Call c = api("POST", path, body);
        assertEquals(201, c.status(), c.raw());
        return c.body().get("id").asText();
    }

    /** The tenant's audit entries (newest first) with these filters. */
    Call audit(String apiKey, Map<String, String> query) {
        Map<String, List<String>> q = new LinkedHashMap<>();
        query.forEach((k, v) -> q.put(k, List.of(v)));
        List<OpenApiContract.Problem> p = SPEC.validateRequest("GET", "/v1/audit", q,
                Map.of("authorization", "Bearer " + apiKey), null);
        assertTrue(p.isEmpty(), "the spec refuses GET /v1/audit " + query + ": " + p);
        Call c = call(alerting, apiKey, "GET", "/v1/audit", null, query);
        assertEquals(200, c.status(), c.raw());
        return c;
    }

    List<JsonNode> entries(Map<String, String> query) {
        List<JsonNode> out = new ArrayList<>();
        audit(key, query).body().get("entries").forEach(out::add);
        return out;
    }

    static List<String> actions(List<JsonNode> entries) {
        return entries.stream().map(e -> e.get("action").asText()).toList();
    }

    /** Moves the clock so entries are ordered by time as the tests made them. */
    void tick() {
        f.advance(Duration.ofSeconds(1));
    }

    String teams(String name) {
        return create("/v1/channels", """
                {"name":"%s","type":"teams","config":{"url":"https://example.webhook.office.com/%s"}}"""
                .formatted(name, name));
    }

    @Test
    void channelChangesAreAuditedWithWhoWhatAndTheSecretsByNameOnly() {
        String hook = f.receiver.url("/hook?token=TOPSECRET-TOKEN");
        String id = create("/v1/channels", """
                {"name":"ops","type":"webhook","config":{"url":"%s","signingSecret":"first-signing-secret-0123"}}"""
                .formatted(hook));
        tick();
        String update = """
                {"name":"ops-renamed","type":"webhook","config":{"signingSecret":"second-signing-secret-456"}}""";
        assertEquals(200, api("PUT", "/v1/channels/" + id, update).status());
        tick();
        assertEquals(200, api("PUT", "/v1/channels/" + id, update).status(), "a retried PUT");
        tick();
        assertEquals(204, api("DELETE", "/v1/channels/" + id, null).status());
        assertEquals(404, api("DELETE", "/v1/channels/" + id, null).status(), "a retried DELETE");

        List<JsonNode> e = entries(Map.of("kind", "channel"));
        assertEquals(List.of("channel.delete", "channel.update", "channel.create"), actions(e),
                "one entry per change; the retries changed nothing and added nothing");
        for (JsonNode x : e) {
            assertEquals(who, x.get("who").asText());
            assertEquals(id, x.get("target").asText());
            assertEquals("channel", x.get("kind").asText());
        }
        JsonNode created = e.get(2);
        assertTrue(created.get("before").isNull());
        assertEquals(List.of("signingSecret", "url"), Json.strings(created.get("after"), "secrets", 10));
        assertEquals("created name=ops, type=webhook, config={}, secrets=[signingSecret, url]",
                created.get("summary").asText());
        JsonNode updated = e.get(1);
        assertEquals("ops", updated.at("/before/name").asText());
        assertEquals("ops-renamed", updated.at("/after/name").asText());
        assertEquals("name: ops → ops-renamed; secret signingSecret replaced", updated.get("summary").asText());
        JsonNode deleted = e.get(0);
        assertTrue(deleted.get("after").isNull());
        assertEquals("ops-renamed", deleted.at("/before/name").asText());
        assertTrue(deleted.get("summary").asText().startsWith("deleted name=ops-renamed, type=webhook"));

        String raw = audit(key, Map.of()).raw();
        for (String secret : List.of("TOPSECRET-TOKEN", hook, "first-signing-secret-0123", "second-signing-secret-456")) {
            assertFalse(raw.contains(secret), "the audit log carries a channel secret: " + secret);
        }
    }

    @Test
    void routeChangesShowMatchersAndChannelsBeforeAndAfter() {
        String ch1 = teams("one");
        String ch2 = teams("two");
        tick();
        String route = """
                {"name":"payments","matchers":["team=payments"],"channels":["%s"]}""".formatted(ch1);
        String id = create("/v1/routes", route);
        tick();
        String changed = """
                {"name":"payments","matchers":["team=checkout"],"channels":["%s","%s"]}""".formatted(ch1, ch2);
        assertEquals(200, api("PUT", "/v1/routes/" + id, changed).status());
        assertEquals(200, api("PUT", "/v1/routes/" + id, changed).status(), "a retried PUT");
        assertEquals(400, api("PUT", "/v1/routes/" + id, "{\"name\":\"x\",\"channels\":[\"ch_nope\"]}").status(),
                "a refused change");
        tick();
        assertEquals(204, api("DELETE", "/v1/routes/" + id, null).status());
        assertEquals(404, api("DELETE", "/v1/routes/" + id, null).status());

        List<JsonNode> e = entries(Map.of("target", id));
        assertEquals(List.of("route.delete", "route.update", "route.create"), actions(e));
        assertEquals("created name=payments, order=100, matchers=[team=payments], channels=[" + ch1 + "], "
                + "groupBy=[monitor], groupWait=30s, groupInterval=5m, repeatInterval=4h, continue=false, "
                + "default=false", e.get(2).get("summary").asText());
        assertEquals("matchers: [team=payments] → [team=checkout]; channels: [" + ch1 + "] → [" + ch1 + ", " + ch2
                + "]", e.get(1).get("summary").asText());
        assertEquals(List.of("team=payments"), Json.strings(e.get(1).get("before"), "matchers", 5));
        assertEquals(List.of("team=checkout"), Json.strings(e.get(1).get("after"), "matchers", 5));
        assertEquals(List.of("route.delete", "route.update", "route.create"),
                actions(entries(Map.of("kind", "route"))), "the kind filter finds them too");
    }

    @Test
    void aSilenceIsAuditedWhenCreatedAndOnceWhenExpired() {
        String id = create("/v1/silences", """
                {"matchers":["service=checkout"],"duration":"2h","createdBy":"ana@example.com","comment":"deploy"}""");
        tick();
        assertEquals(200, api("DELETE", "/v1/silences/" + id, null).status());
        tick();
        Call again = api("DELETE", "/v1/silences/" + id, null);
        assertEquals(200, again.status());
        assertEquals("expired", again.body().get("state").asText());

        List<JsonNode> e = entries(Map.of("kind", "silence"));
        assertEquals(List.of("silence.expire", "silence.create"), actions(e),
                "expiring an ended silence is no second expiry");
        JsonNode created = e.get(1);
        assertEquals(who, created.get("who").asText(), "the caller, not the createdBy the body claims");
        assertEquals("created matchers=[service=checkout], startsAt=2026-11-22T10:00:00Z, endsAt=2026-11-22T12:00:00Z, "
                + "createdBy=ana@example.com, comment=deploy", created.get("summary").asText());
        JsonNode expired = e.get(0);
        assertEquals("active", expired.at("/before/state").asText());
        assertEquals("expired", expired.at("/after/state").asText());
        assertEquals("expired [service=checkout]; endsAt: 2026-11-22T12:00:00Z → 2026-11-22T10:00:01Z",
                expired.get("summary").asText());
    }

    @Test
    void maintenanceWindowChangesAreAudited() {
        String window = """
                {"name":"Sunday","timezone":"Europe/Berlin","days":["SUN"],"start":"02:00","end":"04:00"}""";
        String id = create("/v1/maintenance-windows", window);
        tick();
        assertEquals(200, api("PUT", "/v1/maintenance-windows/" + id, window.replace("04:00", "05:00")).status());
        tick();
        assertEquals(204, api("DELETE", "/v1/maintenance-windows/" + id, null).status());

        List<JsonNode> e = entries(Map.of("kind", "maintenance-window"));
        assertEquals(List.of("maintenance-window.delete", "maintenance-window.update", "maintenance-window.create"),
                actions(e));
        assertEquals("end: 04:00 → 05:00", e.get(1).get("summary").asText());
        assertEquals(id, e.get(1).get("target").asText());
        assertFalse(e.get(1).get("after").has("activeNow"), "the configuration, not the moment it was read");
    }

    @Test
    void inhibitionRuleChangesAreAudited() {
        String rule = """
                {"sourceMatchers":["severity=critical"],"targetMatchers":["severity=warning"],"equal":["host"]}""";
        String id = create("/v1/inhibitions", rule);
        tick();
        assertEquals(200, api("PUT", "/v1/inhibitions/" + id, rule.replace("[\"host\"]", "[\"host\",\"service\"]"))
                .status());
        tick();
        assertEquals(204, api("DELETE", "/v1/inhibitions/" + id, null).status());
        assertEquals(404, api("DELETE", "/v1/inhibitions/" + id, null).status());

        List<JsonNode> e = entries(Map.of("kind", "inhibition"));
        assertEquals(List.of("inhibition.delete", "inhibition.update", "inhibition.create"), actions(e));
        assertEquals("created sourceMatchers=[severity=critical], targetMatchers=[severity=warning], equal=[host]",
                e.get(2).get("summary").asText());
        assertEquals("equal: [host] → [host, service]", e.get(1).get("summary").asText());
    }

    @Test
    void aSilenceMadeFromChatIsAuditedAsTheChatUser() {
        String signing = "slack-signing-secret-0123";
        String slack = f.channels.create("acme", """
                {"name":"s","type":"slack","config":{"botToken":"xoxb-1","channel":"C42","signingSecret":"%s"}}"""
                .formatted(signing)).id();
        HttpChatRequestHandler chat = new HttpChatRequestHandler(new ChatService(f.service, f.config,
                new InMemoryAlertCommands(), null, new HttpTransport(f.clock), f.clock, "https://console.example"),
                f.channels, f.links, f.clock, PlatformMetrics.NONE);
        String body = "command=%2Flongwatch&user_id=U1&user_name=ana&text="
                + URLEncoder.encode("silence service=db 2h", StandardCharsets.UTF_8);
        long ts = f.clock.millis() / 1000;
        APIGatewayV2HTTPEvent e = APIGatewayV2HTTPEvent.builder().withVersion("2.0")
                .withRawPath("/v1/chat/slack/commands").withRawQueryString("tenant=acme&channel=" + slack)
                .withHeaders(Map.of("content-type", "application/x-www-form-urlencoded",
                        "x-slack-request-timestamp", Long.toString(ts),
                        "x-slack-signature", SlackSignature.sign(signing, ts, body))).withBody(body)
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder().withRequestId("t")
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder().withMethod("POST")
                                .withPath("/v1/chat/slack/commands").build()).build()).build();
        APIGatewayV2HTTPResponse r = chat.handleRequest(e, null);
        assertEquals(200, r.getStatusCode(), r.getBody());
        assertTrue(r.getBody().contains("silenced service=db"), r.getBody());

        List<JsonNode> entries = entries(Map.of("kind", "silence"));
        assertEquals(List.of("silence.create"), actions(entries));
        assertEquals("slack:U1 (ana)", entries.get(0).get("who").asText());
        assertEquals(List.of("service=db"), Json.strings(entries.get(0).get("after"), "matchers", 5));
    }

    @Test
    void aTenantNeverSeesNorChangesAnotherTenantsConfigurationAudit() {
        String ch = teams("acme-only");
        tick();
        String route = create("/v1/routes", """
                {"name":"r","matchers":["team=a"],"channels":["%s"]}""".formatted(ch));
        tick();
        String silence = create("/v1/silences", """
                {"matchers":["a=b"],"duration":"1h","createdBy":"x"}""");
        assertEquals(404, call(notifications, otherKey, "DELETE", "/v1/routes/" + route, null, Map.of()).status());
        assertEquals(404, call(notifications, otherKey, "DELETE", "/v1/silences/" + silence, null, Map.of()).status());
        assertEquals(404, call(notifications, otherKey, "PUT", "/v1/channels/" + ch, """
                {"name":"stolen","type":"teams","config":{"url":"https://evil.example/x"}}""", Map.of()).status());

        assertEquals(0, audit(otherKey, Map.of()).body().get("entries").size(), "nothing of acme's, nothing of its own");
        assertEquals(0, audit(otherKey, Map.of("target", route)).body().get("entries").size());
        assertEquals(List.of("silence.create", "route.create", "channel.create"), actions(entries(Map.of())),
                "the refused attempts added nothing to acme's log either");
    }

    @Test
    void anUnknownKindIs400NamingTheField() {
        APIGatewayV2HTTPEvent e = APIGatewayV2HTTPEvent.builder().withVersion("2.0").withRawPath("/v1/audit")
                .withRawQueryString("kind=pager").withHeaders(Map.of("authorization", "Bearer " + key))
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder().withRequestId("t")
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder().withMethod("GET")
                                .withPath("/v1/audit").build()).build()).build();
        APIGatewayV2HTTPResponse r = alerting.handleRequest(e, null);
        assertEquals(400, r.getStatusCode());
        assertEquals("kind", Json.parse(r.getBody()).get("field").asText());
        assertTrue(SPEC.validateResponse(e, r).isEmpty(), r.getBody());
    }

    @Test
    void noChannelSecretReachesTheAuditApiTheAuditItemsOrTheLogs() {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream previous = Log.redirect(new PrintStream(captured, true, StandardCharsets.UTF_8));
        List<String> secrets = List.of("xoxb-BOT-TOKEN-111", "slack-signing-secret-aaa", "xoxb-BOT-TOKEN-222",
                "https://hooks.slack.com/services/T0/B0/SECRETHOOK", "pd-routing-key-0123456789abcdef",
                "pd-routing-key-fedcba9876543210", "/hook?token=WEBHOOK-TOKEN", "webhook-signing-secret-xyz");
        try {
            String slack = create("/v1/channels", """
                    {"name":"s","type":"slack","config":{"botToken":"%s","channel":"C1","signingSecret":"%s"}}"""
                    .formatted(secrets.get(0), secrets.get(1)));
            tick();
            assertEquals(200, api("PUT", "/v1/channels/" + slack, """
                    {"name":"s","type":"slack","config":{"botToken":"%s","url":"%s","channel":"C2"}}"""
                    .formatted(secrets.get(2), secrets.get(3))).status());
            String pd = create("/v1/channels", """
                    {"name":"pd","type":"pagerduty","config":{"routingKey":"%s"}}""".formatted(secrets.get(4)));
            tick();
            assertEquals(200, api("PUT", "/v1/channels/" + pd, """
                    {"name":"pd","type":"pagerduty","config":{"routingKey":"%s"}}""".formatted(secrets.get(5))).status());
            tick();
            // A new type drops the old secrets; the refusal of a bad one must not echo it either.
            assertEquals(200, api("PUT", "/v1/channels/" + pd, """
                    {"name":"pd","type":"webhook","config":{"url":"%s","signingSecret":"%s"}}"""
                    .formatted(f.receiver.url(secrets.get(6)), secrets.get(7))).status());
            assertEquals(400, api("PUT", "/v1/channels/" + pd, """
                    {"name":"pd","type":"webhook","config":{"signingSecret":"short-%s"}}"""
                    .formatted(secrets.get(7).substring(0, 2))).status());
            tick();
            assertEquals(204, api("DELETE", "/v1/channels/" + slack, null).status());
            assertEquals(204, api("DELETE", "/v1/channels/" + pd, null).status());
        } finally {
            Log.redirect(previous);
        }
        Call audit = audit(key, Map.of("kind", "channel"));
        assertEquals(7, audit.body().get("entries").size(), audit.raw());
        assertTrue(audit.raw().contains("secret botToken replaced"), audit.raw());
        assertTrue(audit.raw().contains("secret routingKey replaced"), audit.raw());
        // The stored audit items themselves, attribute by attribute.
        String items = LocalDynamo.client().scan(b -> b.tableName(f.tables.alerting())).items().toString();
        String logs = captured.toString(StandardCharsets.UTF_8);
        for (String secret : secrets) {
            assertFalse(audit.raw().contains(secret), "GET /v1/audit shows " + secret);
            assertFalse(items.contains(secret), "an audit item holds " + secret);
            assertFalse(logs.contains(secret), "the logs show " + secret);
        }
    }

    @Test
    void aConditionalReplaceRefusesADocumentThatChangedSinceItWasRead() {
        String id = f.route("acme", """
                {"name":"r","channels":["%s"]}""".formatted(teams("x")));
        String read = f.store.getDoc("acme", NotifyStore.Kind.ROUTE, id).orElseThrow();
        assertTrue(f.store.replaceDoc("acme", NotifyStore.Kind.ROUTE, id, read, read.replace("\"r\"", "\"r2\""), null));
        assertFalse(f.store.replaceDoc("acme", NotifyStore.Kind.ROUTE, id, read, read.replace("\"r\"", "\"r3\""), null),
                "what it was read as is gone");
        assertTrue(f.store.getDoc("acme", NotifyStore.Kind.ROUTE, id).orElseThrow().contains("\"r2\""));
        assertEquals(read.replace("\"r\"", "\"r2\""), f.store.removeDoc("acme", NotifyStore.Kind.ROUTE, id).orElseThrow());
        assertTrue(f.store.removeDoc("acme", NotifyStore.Kind.ROUTE, id).isEmpty(), "only one delete sees it");
        assertFalse(f.store.replaceDoc("acme", NotifyStore.Kind.ROUTE, id, read, read, null), "nor is a deleted one revived");
    }
}

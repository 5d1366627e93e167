package dev.longwatch.handler;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.longwatch.aws.dynamodb.DynamoDbApiKeyStore;
import dev.longwatch.core.auth.ApiKeys;
import dev.longwatch.core.notify.Json;
import dev.longwatch.core.notify.NotifyFixture;
import dev.longwatch.core.notify.NotifyStore;
import dev.longwatch.core.telemetry.PlatformMetrics;
import dev.longwatch.testing.LocalDynamo;
import dev.longwatch.testing.OpenApiContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The notification API against api-spec/openapi.yaml: every request and answer here is checked by the spec. */
class HttpNotificationsContractTest {
    static final OpenApiContract SPEC = OpenApiContract.load();
    final NotifyFixture f = new NotifyFixture();
    final ApiKeys keys = new ApiKeys(new DynamoDbApiKeyStore(LocalDynamo.client(), f.tables.apiKeys()), f.clock,
            new SecureRandom());
    final String key = keys.create("acme", "t").key();
    final String otherKey = keys.create("other", "t").key();
    final HttpNotificationsRequestHandler handler = new HttpNotificationsRequestHandler(keys, f.service, f.config,
            f.clock, PlatformMetrics.NONE);

    @AfterEach
    void close() {
        f.close();
    }

    record Call(int status, JsonNode body, APIGatewayV2HTTPResponse response) {
    }

    /** An API Gateway (HTTP API, payload 2.0) request as the tenant API receives it; {@code apiKey} may be null. */
    static APIGatewayV2HTTPEvent event(String apiKey, String method, String path, String body,
                                       Map<String, String> query) {
        String qs = query.entrySet().stream().map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(),
                StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        Map<String, String> headers = new LinkedHashMap<>();
        if (apiKey != null) {
            headers.put("authorization", "Bearer " + apiKey);
        }
        if (body != null) {
            headers.put("content-type", "application/json");
        }
        return APIGatewayV2HTTPEvent.builder().withVersion("2.0").withRawPath(path)
                .withRawQueryString(qs).withHeaders(headers).withBody(body)
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder().withRequestId("t")
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder().withMethod(method).withPath(path)
                                .build()).build()).build();
    }

    Call call(String apiKey, String method, String path, String body, Map<String, String> query) {
        APIGatewayV2HTTPEvent e = event(apiKey, method, path, body, query);
        APIGatewayV2HTTPResponse r = handler.handleRequest(e, null);
        boolean inSpec = SPEC.validateRequest(e).stream().noneMatch(p -> p.key().equals("validation.request.path.missing")
                || p.key().equals("validation.request.operation.notAllowed"));
        List<OpenApiContract.Problem> problems = inSpec ? SPEC.validateResponse(e, r)
                : SPEC.validateSchema("NotFound", r.getBody());
        assertTrue(problems.isEmpty(), method + " " + path + " -> " + r.getStatusCode() + " " + r.getBody() + ": "
                + problems);
        return new Call(r.getStatusCode(), r.getBody() == null ? null : Json.MAPPER.valueToTree(
                r.getBody().isEmpty() ? null : Json.parse(r.getBody())), r);
    }

    Call call(String method, String path, String body) {
        return call(key, method, path, body, Map.of());
    }

    void specAllows(String method, String path, String body) {
        Map<String, String> h = new LinkedHashMap<>(Map.of("authorization", "Bearer " + key));
        if (body != null) {
            h.put("content-type", "application/json");
        }
        List<OpenApiContract.Problem> p = SPEC.validateRequest(method, path, Map.of(), h, body);
        assertTrue(p.isEmpty(), "the spec refuses " + method + " " + path + " " + body + ": " + p);
    }

    @Test
    void channelsAreCreatedListedUpdatedTestedAndDeletedWithoutEverShowingASecret() {
        String hook = f.receiver.url("/hook?token=TOPSECRET");
        String body = """
                {"name":"ops","type":"webhook","config":{"url":"%s","signingSecret":"sign-me-please-0123"}}""".formatted(hook);
        specAllows("POST", "/v1/channels", body);
        Call created = call("POST", "/v1/channels", body);
        assertEquals(201, created.status());
        String id = created.body().get("id").asText();
        assertEquals(List.of("signingSecret", "url"), Json.strings(created.body(), "secrets", 10));
        assertFalse(created.response().getBody().contains("TOPSECRET"));
        assertFalse(call("GET", "/v1/channels", null).response().getBody().contains("TOPSECRET"));
        assertFalse(f.store.getDoc("acme", NotifyStore.Kind.CHANNEL, id).orElseThrow().contains("TOPSECRET"),
                "stored sealed");

        Call updated = call("PUT", "/v1/channels/" + id, """
                {"name":"ops-renamed","type":"webhook","config":{}}""");
        assertEquals(200, updated.status());
        assertEquals("ops-renamed", updated.body().get("name").asText());
        assertEquals(2, updated.body().get("secrets").size(), "secrets left out are kept");

        Call test = call("POST", "/v1/channels/" + id + "/test", null);
        assertEquals("sent", test.body().get("status").asText());
        assertEquals("/hook", f.receiver.requests().get(0).path());
        assertEquals("token=TOPSECRET", f.receiver.requests().get(0).query());

        assertEquals(404, call(otherKey, "GET", "/v1/channels/" + id, null, Map.of()).status(),
                "another tenant cannot see it");
        assertEquals(204, call("DELETE", "/v1/channels/" + id, null).status());
        assertEquals(404, call("GET", "/v1/channels/" + id, null).status());
    }

    @Test
    void badChannelsAre400NamingTheField() {
        Call badType = call("POST", "/v1/channels", "{\"name\":\"x\",\"type\":\"fax\",\"config\":{}}");
        assertEquals(400, badType.status());
        assertEquals("type", badType.body().get("field").asText());
        Call noUrl = call("POST", "/v1/channels", "{\"name\":\"x\",\"type\":\"teams\",\"config\":{}}");
        assertEquals("config.url", noUrl.body().get("field").asText());
        Call unknown = call("POST", "/v1/channels", "{\"name\":\"x\",\"type\":\"teams\",\"config\":{\"url\":\"https://a.b\",\"colour\":\"red\"}}");
        assertEquals("config.colour", unknown.body().get("field").asText());
        Call shortSecret = call("POST", "/v1/channels", "{\"name\":\"x\",\"type\":\"webhook\",\"config\":{\"url\":\"https://a.b\",\"signingSecret\":\"short\"}}");
        assertEquals("config.signingSecret", shortSecret.body().get("field").asText());
        assertFalse(shortSecret.response().getBody().contains("short\""), "the refused secret is not echoed");
        Call newline = call("POST", "/v1/channels", "{\"name\":\"x\",\"type\":\"slack\",\"config\":{\"botToken\":\"xoxb-SECRET\\nX-Evil: 1\",\"channel\":\"C1\"}}");
        assertEquals("config.botToken", newline.body().get("field").asText());
        assertFalse(newline.response().getBody().contains("xoxb-SECRET"), "the refused secret is not echoed");
        Call badArn = call("POST", "/v1/channels", "{\"name\":\"x\",\"type\":\"sns\",\"config\":{\"topicArn\":\"nope\"}}");
        assertEquals("config.topicArn", badArn.body().get("field").asText());
        assertEquals(400, call("POST", "/v1/channels", "{nope").status());
    }

    @Test
    void routesSilencesAndWindowsHaveTheirCrud() {
        String ch = call("POST", "/v1/channels", """
                {"name":"t","type":"teams","config":{"url":"https://example.webhook.office.com/x"}}""").body().get("id").asText();
        String route = """
                {"name":"payments","matchers":["team=payments"],"channels":["%s"],"groupBy":["monitor","service"],
                 "groupWait":"30s","groupInterval":"5m","repeatInterval":"4h"}""".formatted(ch);
        specAllows("POST", "/v1/routes", route);
        Call r = call("POST", "/v1/routes", route);
        assertEquals(201, r.status());
        assertEquals("4h", r.body().get("repeatInterval").asText());
        assertEquals(1, call("GET", "/v1/routes", null).body().get("routes").size());
        Call badRoute = call("POST", "/v1/routes", "{\"name\":\"x\",\"channels\":[\"ch_nope\"]}");
        assertEquals("channels[0]", badRoute.body().get("field").asText());
        Call badDuration = call("POST", "/v1/routes", "{\"name\":\"x\",\"channels\":[\"" + ch + "\"],\"groupWait\":\"soon\"}");
        assertEquals("groupWait", badDuration.body().get("field").asText());
        assertEquals(204, call("DELETE", "/v1/routes/" + r.body().get("id").asText(), null).status());

        String silence = """
                {"matchers":["service=checkout"],"duration":"2h","createdBy":"ana@example.com"}""";
        specAllows("POST", "/v1/silences", silence);
        Call s = call("POST", "/v1/silences", silence);
        assertEquals(201, s.status());
        assertEquals("active", s.body().get("state").asText());
        Call expired = call("DELETE", "/v1/silences/" + s.body().get("id").asText(), null);
        assertEquals("expired", expired.body().get("state").asText());
        assertEquals(1, call("GET", "/v1/silences", null).body().get("silences").size(), "kept for the record");
        Call noExpiry = call("POST", "/v1/silences", "{\"matchers\":[\"a=b\"],\"createdBy\":\"x\"}");
        assertEquals("endsAt", noExpiry.body().get("field").asText());
        Call badMatcher = call("POST", "/v1/silences", "{\"matchers\":[\"a\"],\"duration\":\"1h\",\"createdBy\":\"x\"}");
        assertEquals("matchers[0]", badMatcher.body().get("field").asText());

        String window = """
                {"name":"Sunday","timezone":"Europe/Berlin","days":["SUN"],"start":"02:00","end":"04:00"}""";
        specAllows("POST", "/v1/maintenance-windows", window);
        Call w = call("POST", "/v1/maintenance-windows", window);
        assertEquals(201, w.status());
        String wid = w.body().get("id").asText();
        assertEquals(200, call("PUT", "/v1/maintenance-windows/" + wid, window.replace("04:00", "05:00")).status());
        assertEquals("05:00", call("GET", "/v1/maintenance-windows/" + wid, null).body().get("end").asText());
        Call badZone = call("POST", "/v1/maintenance-windows", window.replace("Europe/Berlin", "Mars/Olympus"));
        assertEquals("timezone", badZone.body().get("field").asText());
        assertEquals(204, call("DELETE", "/v1/maintenance-windows/" + wid, null).status());
    }

    @Test
    void inhibitionRulesHaveTheirCrudAndTheListSaysWhenTheBuiltInRuleApplies() {
        Call none = call("GET", "/v1/inhibitions", null);
        assertEquals(0, none.body().get("inhibitions").size());
        assertTrue(none.body().get("builtInRuleActive").asBoolean());
        String rule = """
                {"sourceMatchers":["severity=critical"],"targetMatchers":["severity=warning"],"equal":["host"],
                 "comment":"a host that is down needs no disk warnings"}""";
        specAllows("POST", "/v1/inhibitions", rule);
        Call created = call("POST", "/v1/inhibitions", rule);
        assertEquals(201, created.status());
        String id = created.body().get("id").asText();
        assertEquals(List.of("host"), Json.strings(created.body(), "equal", 10));
        Call listed = call("GET", "/v1/inhibitions", null);
        assertEquals(1, listed.body().get("inhibitions").size());
        assertFalse(listed.body().get("builtInRuleActive").asBoolean(), "the tenant's rules replace the built-in one");

        // A rule read back can be sent back changed: id and createdAt in the body are the server's.
        String changed = ((com.fasterxml.jackson.databind.node.ObjectNode) created.body().deepCopy())
                .set("equal", Json.MAPPER.createArrayNode().add("host").add("service")).toString();
        specAllows("PUT", "/v1/inhibitions/" + id, changed);
        Call updated = call("PUT", "/v1/inhibitions/" + id, changed);
        assertEquals(200, updated.status());
        assertEquals(List.of("host", "service"), Json.strings(updated.body(), "equal", 10));
        assertEquals(created.body().get("createdAt"), updated.body().get("createdAt"));
        assertEquals(List.of("host", "service"),
                Json.strings(call("GET", "/v1/inhibitions/" + id, null).body(), "equal", 10));

        assertEquals(404, call(otherKey, "GET", "/v1/inhibitions/" + id, null, Map.of()).status(),
                "another tenant cannot see it");
        assertEquals(404, call(otherKey, "DELETE", "/v1/inhibitions/" + id, null, Map.of()).status(),
                "nor delete it");
        assertEquals(204, call("DELETE", "/v1/inhibitions/" + id, null).status());
        assertEquals(404, call("GET", "/v1/inhibitions/" + id, null).status());
        assertEquals(404, call("PUT", "/v1/inhibitions/" + id, rule).status());
        assertTrue(call("GET", "/v1/inhibitions", null).body().get("builtInRuleActive").asBoolean());
        assertEquals(405, call("PATCH", "/v1/inhibitions", null).status());
    }

    @Test
    void badInhibitionRulesAre400NamingTheFieldAndStoreNothing() {
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("{\"targetMatchers\":[\"severity=warning\"]}", "sourceMatchers");
        cases.put("{\"sourceMatchers\":[],\"targetMatchers\":[\"severity=warning\"]}", "sourceMatchers");
        cases.put("{\"sourceMatchers\":[\"severity=critical\"]}", "targetMatchers");
        cases.put("{\"sourceMatchers\":[\"severity\"],\"targetMatchers\":[\"a=b\"]}", "sourceMatchers[0]");
        cases.put("{\"sourceMatchers\":[\"a=b\"],\"targetMatchers\":[\"host=~(\"]}", "targetMatchers[0]");
        cases.put("{\"sourceMatchers\":[\"a=b\"],\"targetMatchers\":[\"c=d\"],\"equal\":[\"host\",\"host\"]}",
                "equal[1]");
        cases.put("{\"sourceMatchers\":[\"a=b\"],\"targetMatchers\":[\"c=d\"],\"equal\":[\"not a label\"]}",
                "equal[0]");
        cases.put("{\"sourceMatchers\":[\"a=b\"],\"targetMatchers\":[\"c=d\"],\"equal\":\"host\"}", "equal");
        cases.put("{\"source_matchers\":[\"a=b\"],\"targetMatchers\":[\"c=d\"]}", "source_matchers");
        cases.put("{\"sourceMatchers\":[\"a=b\"],\"targetMatchers\":[\"c=d\"],\"comment\":7}", "comment");
        cases.put("{nope", "");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            Call bad = call("POST", "/v1/inhibitions", c.getKey());
            assertEquals(400, bad.status(), c.getKey());
            assertEquals(c.getValue(), bad.body().get("field").asText(), c.getKey());
            assertEquals("Bad Request", bad.body().get("error").asText());
            assertFalse(bad.body().get("reason").asText().isBlank());
        }
        assertEquals(0, call("GET", "/v1/inhibitions", null).body().get("inhibitions").size(), "nothing was stored");
        String id = call("POST", "/v1/inhibitions", """
                {"sourceMatchers":["a=b"],"targetMatchers":["c=d"]}""").body().get("id").asText();
        Call badUpdate = call("PUT", "/v1/inhibitions/" + id, "{\"sourceMatchers\":[\"a=b\"],\"targetMatchers\":[]}");
        assertEquals("targetMatchers", badUpdate.body().get("field").asText());
        assertEquals(List.of("c=d"), Json.strings(call("GET", "/v1/inhibitions/" + id, null).body(), "targetMatchers",
                10), "a refused update keeps the rule as it was");
    }

    @Test
    void theDeliveryLogIsListedWithStatusFilterAndPaging() {
        String ch = call("POST", "/v1/channels", """
                {"name":"t","type":"webhook","config":{"url":"%s","signingSecret":"0123456789abcdef"}}"""
                .formatted(f.receiver.url("/h"))).body().get("id").asText();
        call("POST", "/v1/channels/" + ch + "/test", null);
        call("POST", "/v1/channels/" + ch + "/test", null);
        Call all = call(key, "GET", "/v1/notifications", null, Map.of("limit", "1"));
        assertEquals(1, all.body().get("notifications").size());
        String next = all.body().get("next").asText();
        Call page2 = call(key, "GET", "/v1/notifications", null, Map.of("limit", "1", "after", next));
        assertEquals(1, page2.body().get("notifications").size());
        assertEquals(2, call(key, "GET", "/v1/notifications", null, Map.of("status", "sent")).body()
                .get("notifications").size());
        assertEquals("status", call(key, "GET", "/v1/notifications", null, Map.of("status", "lost")).body()
                .get("field").asText());
        assertEquals("limit", call(key, "GET", "/v1/notifications", null, Map.of("limit", "0")).body()
                .get("field").asText());
        assertEquals(0, call(otherKey, "GET", "/v1/notifications", null, Map.of()).body().get("notifications").size());
    }

    @Test
    void noKeyIs401AndUnknownPathsAndMethodsAre404And405() {
        assertEquals(401, call(null, "GET", "/v1/channels", null, Map.of()).status());
        assertEquals(404, call("GET", "/v1/channels/x/y", null).status());
        assertEquals(405, call("PATCH", "/v1/routes", null).status());
        assertEquals(405, call("GET", "/v1/channels/x/test", null).status());
    }
}

package dev.longwatch.handler;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.longwatch.aws.dynamodb.DynamoDbApiKeyStore;
import dev.longwatch.core.alerting.AlertInstance;
import dev.longwatch.core.alerting.AlertingFixture;
import dev.longwatch.core.auth.ApiKeys;
import dev.longwatch.model.Tags;
import dev.longwatch.model.alerting.AlertState;
import dev.longwatch.testing.LocalDynamo;
import dev.longwatch.testing.OpenApiContract;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static dev.longwatch.handler.HttpHandlersContractTest.assertContains;
import static dev.longwatch.handler.HttpHandlersContractTest.assertNoProblems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The alerting API ({@code /v1/monitors*}, {@code /v1/alerts*}, {@code /v1/audit}) against
 * {@code api-spec/openapi.yaml}: every request and answer is checked against the spec, on DynamoDB Local.
 */
class HttpMonitorsContractTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final OpenApiContract SPEC = OpenApiContract.load();
    static final String CPU = """
            {"name": "CPU", "kind": "threshold", "query": {"metric": "cpu", "groupBy": ["service"], "window": "1m"},
             "condition": {"op": "above", "critical": 90}, "evaluation": {"delay": "0m"}, "tags": {"team": "web"}}""";

    final AlertingFixture f = new AlertingFixture();
    HttpMonitorsRequestHandler handler;
    String acme;
    String acmeKeyId;
    String globex;

    @BeforeEach
    void setUp() {
        ApiKeys keys = new ApiKeys(new DynamoDbApiKeyStore(LocalDynamo.client(), f.tables.apiKeys()), f.clock,
                new SecureRandom());
        ApiKeys.Issued issued = keys.create("acme", "contract test");
        acme = issued.key();
        acmeKeyId = issued.keyId();
        globex = keys.create("globex", "contract test").key();
        handler = new HttpMonitorsRequestHandler(keys, f.monitors, f.alerts, f.backtests, f.audit, f.clock, f.metrics);
    }

    record Call(int status, JsonNode body) {
    }

    Call send(String method, String path, String key, String body) {
        return send(method, path, Map.of(), key, body);
    }

    Call send(String method, String path, Map<String, String> query, String key, String body) {
        StringBuilder qs = new StringBuilder();
        query.forEach((k, v) -> qs.append(qs.isEmpty() ? "" : "&").append(k).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        APIGatewayV2HTTPEvent e = APIGatewayV2HTTPEvent.builder().withVersion("2.0").withRouteKey("$default")
                .withRawPath(path).withRawQueryString(qs.toString())
                .withHeaders(key == null ? Map.of("content-type", "application/json")
                        : Map.of("authorization", "Bearer " + key, "content-type", "application/json"))
                .withBody(body).withIsBase64Encoded(false)
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder().withRequestId("contract-test")
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder().withMethod(method).withPath(path)
                                .build()).build()).build();
        APIGatewayV2HTTPResponse r = handler.handleRequest(e, null);
        boolean specHasOperation = SPEC.validateRequest(e).stream().noneMatch(p ->
                p.key().equals("validation.request.path.missing")
                        || p.key().equals("validation.request.operation.notAllowed"));
        assertNoProblems("the answer " + r.getStatusCode() + " " + r.getBody() + " to " + method + " " + path,
                specHasOperation ? SPEC.validateResponse(e, r) : SPEC.validateSchema("NotFound", r.getBody()));
        try {
            return new Call(r.getStatusCode(), JSON.readTree(r.getBody()));
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** A request the spec allows (checked), sent. */
    Call valid(String method, String path, String key, String body) {
        APIGatewayV2HTTPEvent e = APIGatewayV2HTTPEvent.builder().withRawPath(path).withRawQueryString("")
                .withHeaders(Map.of("authorization", "Bearer " + key, "content-type", "application/json"))
                .withBody(body).withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder().withMethod(method).withPath(path)
                                .build()).build()).build();
        assertNoProblems("the request " + method + " " + path, SPEC.validateRequest(e));
        return send(method, path, key, body);
    }

    @Test
    void theSpecsCreateExampleIsAcceptedAndReadBackWithServerFields() {
        String example = HttpHandlersContractTest.example(HttpHandlersContractTest.SPEC.api().getPaths()
                .get("/v1/monitors").getPost().getRequestBody().getContent(), "threshold");
        Call created = valid("POST", "/v1/monitors", acme, example);
        assertEquals(201, created.status(), created.body().toString());
        String id = created.body().get("id").asText();
        assertTrue(id.startsWith("mon_"));
        assertEquals(1, created.body().get("version").asInt());
        assertEquals("key:" + acmeKeyId.substring(0, 8), created.body().get("updatedBy").asText());
        assertEquals("5m", created.body().at("/evaluation/pendingFor").asText());
        assertEquals("no_data", created.body().at("/evaluation/noData").asText(), "defaults are filled in");

        Call read = valid("GET", "/v1/monitors/" + id, acme, null);
        assertEquals(created.body(), read.body());
        Call list = valid("GET", "/v1/monitors", acme, null);
        assertEquals(1, list.body().get("monitors").size());
    }

    @Test
    void everyInvalidFieldIsReportedAtOnceByItsJsonPath() {
        Call c = send("POST", "/v1/monitors", acme, """
                {"name": "", "kind": "threshold", "query": {"metric": "cpu", "agg": "median", "window": "5x"},
                 "condition": {"op": "over"}, "evaluation": {"datapoints": 3, "outOf": 2, "noData": "maybe"},
                 "priority": 9, "runbook": "ftp://x"}""");
        assertEquals(400, c.status());
        List<String> fields = c.body().get("errors").findValuesAsText("field");
        assertEquals(List.of("name", "query.agg", "query.window", "condition.op", "condition.critical",
                "evaluation.datapoints", "evaluation.noData", "priority", "runbook"), fields);
        assertEquals("name", c.body().get("field").asText());
    }

    @Test
    void updateNeedsTheCurrentVersionAndIsAuditedWithBeforeAndAfter() {
        String id = send("POST", "/v1/monitors", acme, CPU).body().get("id").asText();
        f.clock.advance(java.time.Duration.ofSeconds(1));
        String changed = CPU.replace("\"critical\": 90", "\"critical\": 95");
        Call stale = valid("PUT", "/v1/monitors/" + id, acme, changed.replace("{\"name\"", "{\"version\": 7, \"name\""));
        assertEquals(409, stale.status());
        Call ok = valid("PUT", "/v1/monitors/" + id, acme, changed.replace("{\"name\"", "{\"version\": 1, \"name\""));
        assertEquals(200, ok.status(), ok.body().toString());
        assertEquals(2, ok.body().get("version").asInt());

        Call audit = valid("GET", "/v1/audit", acme, null);
        JsonNode entries = audit.body().get("entries");
        assertEquals(2, entries.size());
        JsonNode update = entries.get(0);
        assertEquals("monitor.update", update.get("action").asText());
        assertEquals(90.0, update.at("/before/condition/critical").asDouble());
        assertEquals(95.0, update.at("/after/condition/critical").asDouble());
        assertEquals("key:" + acmeKeyId.substring(0, 8), update.get("who").asText());
    }

    @Test
    void deleteRemovesTheMonitorAndIsAudited() {
        String id = send("POST", "/v1/monitors", acme, CPU).body().get("id").asText();
        f.clock.advance(java.time.Duration.ofSeconds(1));
        assertEquals(200, valid("DELETE", "/v1/monitors/" + id, acme, null).status());
        assertEquals(404, send("GET", "/v1/monitors/" + id, acme, null).status());
        assertEquals("monitor.delete", send("GET", "/v1/audit", acme, null).body().at("/entries/0/action").asText());
    }

    @Test
    void alertsAreListedFilteredAcknowledgedAndResolvedWithHistory() {
        String id = send("POST", "/v1/monitors", acme, CPU).body().get("id").asText();
        f.gauge("acme", "cpu", Tags.of("service", "web"), 0, 95);
        f.gauge("acme", "cpu", Tags.of("service", "db"), 0, 10);
        f.evaluate(1);
        String alertId = AlertInstance.idOf(id, Map.of("service", "web"));
        String path = "/v1/alerts/" + URLEncoder.encode(alertId, StandardCharsets.UTF_8).replace("+", "%20");

        Call firing = send("GET", "/v1/alerts", Map.of("state", "FIRING", "tag", "team:web"), acme, null);
        assertEquals(1, firing.body().get("alerts").size());
        assertEquals(alertId, firing.body().at("/alerts/0/id").asText());
        assertEquals(0, send("GET", "/v1/alerts", Map.of("severity", "warning"), acme, null).body().get("alerts")
                .size());

        Call acked = send("POST", path + "/ack", acme, "{\"by\": \"alice\", \"note\": \"looking\"}");
        assertEquals(200, acked.status(), acked.body().toString());
        assertEquals("alice", acked.body().at("/acknowledged/by").asText());
        f.evaluate(2); // still breaching (no new data: NO_DATA would clear nothing either)
        assertEquals("alice", send("GET", path, acme, null).body().at("/acknowledged/by").asText(),
                "an acknowledged alert stays acknowledged until it resolves");

        f.clock.advance(java.time.Duration.ofSeconds(1));
        Call resolved = send("POST", path + "/resolve", acme, "{\"note\": \"fixed\"}");
        assertEquals("RESOLVED", resolved.body().get("state").asText());
        assertTrue(resolved.body().get("acknowledged").isNull());
        Call detail = send("GET", path, acme, null);
        List<String> history = detail.body().get("transitions").findValuesAsText("to");
        assertEquals(AlertState.RESOLVED.wire(), history.get(0));
        assertTrue(history.contains("FIRING"), history.toString());
        Call summary = valid("GET", "/v1/alerts/summary", acme, null);
        assertEquals(1, summary.body().at("/byState/RESOLVED").asInt());
        assertEquals(List.of("alert.resolve", "alert.ack"), send("GET", "/v1/audit", Map.of("target", alertId), acme,
                null).body().get("entries").findValuesAsText("action"));
    }

    @Test
    void backtestOfAnUnsavedDefinitionAnswersTheTimelineAndSeries() {
        f.gauge("acme", "cpu", Tags.of("service", "web"), 0, 10, 95, 10);
        f.clock.set(Instant.ofEpochMilli(AlertingFixture.at(10)));
        Call c = valid("POST", "/v1/monitors/backtest", acme, """
                {"monitor": %s, "from": "%d", "to": "%d"}""".formatted(CPU, AlertingFixture.at(0),
                AlertingFixture.at(4)));
        assertEquals(200, c.status(), c.body().toString());
        JsonNode web = c.body().at("/instances/0");
        assertEquals(List.of("OK", "FIRING"), web.get("timeline").findValuesAsText("from"));
        assertEquals(2, web.get("notifications").size());
        assertEquals(90.0, web.at("/thresholds/critical").asDouble());
        assertEquals(3, web.at("/series/values").size());

        Call bad = send("POST", "/v1/monitors/backtest", acme, "{\"monitor\": {\"name\": \"x\", \"kind\": \"threshold\"}}");
        assertEquals(400, bad.status());
        assertEquals("monitor.query", bad.body().get("field").asText());
    }

    @Test
    void aTenantNeverSeesAnotherTenantsMonitorsAlertsOrAudit() {
        String id = send("POST", "/v1/monitors", acme, CPU).body().get("id").asText();
        f.gauge("acme", "cpu", Tags.of("service", "web"), 0, 95);
        f.evaluate(1);
        assertEquals(404, send("GET", "/v1/monitors/" + id, globex, null).status());
        assertEquals(404, send("DELETE", "/v1/monitors/" + id, globex, null).status());
        assertEquals(0, send("GET", "/v1/monitors", globex, null).body().get("monitors").size());
        assertEquals(0, send("GET", "/v1/alerts", globex, null).body().get("alerts").size());
        assertEquals(0, send("GET", "/v1/audit", globex, null).body().get("entries").size());
    }

    @Test
    void noKeyIs401AndUnknownPathsAndMethodsAre404And405() {
        assertEquals(401, send("GET", "/v1/monitors", null, null).status());
        assertEquals(404, send("GET", "/v1/monitors/a/b", acme, null).status());
        assertEquals(405, send("DELETE", "/v1/alerts", acme, null).status());
        Call missing = send("GET", "/v1/alerts/mon_x:*", acme, null);
        assertEquals(404, missing.status());
        assertContains(missing.body().get("reason").asText(), "no alert");
        assertFalse(send("GET", "/v1/alerts", Map.of("state", "BAD"), acme, null).status() == 200);
    }
}

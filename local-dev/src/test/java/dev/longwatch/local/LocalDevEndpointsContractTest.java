package dev.longwatch.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.longwatch.testing.MutableClock;
import dev.longwatch.testing.OpenApiContract;
import dev.longwatch.testing.OpenApiContract.Problem;
import io.swagger.v3.core.util.Json31;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The local-dev-only endpoints of {@code api-spec/openapi.yaml} (tag {@code local-dev}) against the running local
 * platform, over real HTTP: every request and answer is checked against the spec.
 */
class LocalDevEndpointsContractTest {
    static final OpenApiContract SPEC = OpenApiContract.load();
    static final ObjectMapper JSON = new ObjectMapper();
    /** The spec's examples are stamped 2025-11-21T04:40:00Z; the clock is ten minutes on. */
    static final Instant NOW = Instant.ofEpochMilli(1763700000000L).plus(Duration.ofMinutes(10));

    @TempDir
    Path dataDir;
    final MutableClock clock = new MutableClock(NOW);
    LocalPlatform platform;
    final HttpClient client = HttpClient.newHttpClient();

    record Answer(int status, Map<String, String> headers, String raw, JsonNode body) {
    }

    @BeforeEach
    void start() throws Exception {
        platform = LocalPlatform.start(new LocalOptions("127.0.0.1", 0, dataDir, 1, Duration.ofHours(1), null),
                clock);
    }

    @AfterEach
    void stop() throws Exception {
        platform.close();
    }

    @Test
    void healthAnswersOkAsTheSpecSays() throws Exception {
        Answer a = call("GET", "/health", null, null, true);
        assertEquals(200, a.status());
        assertEquals("ok", a.body().get("status").asText());
    }

    @Test
    void aCreatedTenantKeyIsShownOnceAndWorks() throws Exception {
        Answer created = call("POST", "/v1/admin/tenants", null, example("/v1/admin/tenants", "ci"), true);
        assertEquals(201, created.status());
        assertEquals("acme", created.body().get("tenant").asText());
        String key = created.body().get("key").asText();
        assertTrue(key.startsWith("lw_" + created.body().get("keyId").asText() + "_"), key);

        assertEquals(200, call("GET", "/v1/metrics", key, null, true).status());
    }

    @Test
    void aTenantIdTheSpecRefusesIs400NamingTheField() throws Exception {
        Answer upper = call("POST", "/v1/admin/tenants", null, "{\"tenant\": \"Acme\"}", false);
        assertEquals(400, upper.status());
        assertEquals("tenant", upper.body().get("field").asText());
        Answer notJson = call("POST", "/v1/admin/tenants", null, "{", false);
        assertEquals(400, notJson.status());
    }

    @Test
    void theRollupRunDrainsTheStreamAndTheCountersShowIt() throws Exception {
        String readme = Json31.mapper().writeValueAsString(SPEC.api().getComponents().getRequestBodies()
                .get("Metrics").getContent().get("application/json").getExamples().get("readme").getValue());
        assertEquals(202, call("POST", "/v1/metrics", platform.devApiKey(), readme, true).status());

        Answer run = call("POST", "/v1/admin/jobs/rollup/run", null, null, true);
        assertEquals(200, run.status());
        assertEquals(2, run.body().get("records").asInt(),
                "the three series packed per partition bucket: two of them share bucket 2, one is in bucket 3");
        assertEquals(0, call("POST", "/v1/admin/jobs/rollup/run", null, null, true).body().get("records").asInt());

        JsonNode counters = call("GET", "/v1/admin/metrics", null, null, true).body().get("counters");
        assertEquals(4.0, counters.get("PointsAccepted").asDouble());
        assertEquals(4.0, counters.get("PointsRolledUp").asDouble());
        assertEquals(0.0, counters.get("StreamPendingRecords").asDouble());
    }

    @Test
    void theCompactorRunBuildsTheClosedHourAndHourlyQueriesReadIt() throws Exception {
        String readme = Json31.mapper().writeValueAsString(SPEC.api().getComponents().getRequestBodies()
                .get("Metrics").getContent().get("application/json").getExamples().get("readme").getValue());
        assertEquals(202, call("POST", "/v1/metrics", platform.devApiKey(), readme, true).status());
        call("POST", "/v1/admin/jobs/rollup/run", null, null, true);

        Answer early = call("POST", "/v1/admin/jobs/compactor/run", null, null, true);
        assertEquals(0, early.body().get("hoursCompacted").asInt(), "04:00-05:00 is not over at 04:50");
        clock.advance(Duration.ofMinutes(20));
        Answer run = call("POST", "/v1/admin/jobs/compactor/run", null, null, true);
        assertEquals(200, run.status());
        assertEquals(1, run.body().get("hoursCompacted").asInt());
        assertEquals(3, run.body().get("slabWrites").asInt(), "one hour slab per series");
        assertTrue(run.body().get("complete").asBoolean());
        assertEquals("dev", run.body().get("progress").get(0).get("tenant").asText());
        assertEquals(NOW.toEpochMilli() + 10 * 60_000, run.body().get("progress").get(0)
                .get("hoursCompactedThrough").asLong(), "05:00");

        // The query itself is checked against the spec by the handler contract tests.
        HttpResponse<String> hourly = client.send(HttpRequest.newBuilder(URI.create(platform.baseUri()
                        + "/v1/query?metric=checkout.latency_ms&from=-2h&step=1h"))
                .header("Authorization", "Bearer " + platform.devApiKey()).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode answer = JSON.readTree(hourly.body());
        assertEquals("[\"hour\",\"minute\"]", answer.get("tiers").toString());
        assertEquals(12.5, answer.get("series").get(0).get("points").get(0).get(1).asDouble(), 1e-9);
    }

    @Test
    void theEvaluatorRunFiresAMonitorOnceAndQueuesItsTransitionForTheNotifier() throws Exception {
        String key = platform.devApiKey();
        Answer created = call("POST", "/v1/monitors", key, """
                {"name": "latency", "kind": "threshold",
                 "query": {"metric": "checkout.latency_ms", "window": "1h", "agg": "max"},
                 "condition": {"op": "above", "critical": 10}, "evaluation": {"delay": "0m"}}""", true);
        assertEquals(201, created.status(), created.raw());
        String readme = Json31.mapper().writeValueAsString(SPEC.api().getComponents().getRequestBodies()
                .get("Metrics").getContent().get("application/json").getExamples().get("readme").getValue());
        assertEquals(202, call("POST", "/v1/metrics", key, readme, true).status());
        call("POST", "/v1/admin/jobs/rollup/run", null, null, true);

        Answer run = call("POST", "/v1/admin/jobs/evaluator/run", null, null, true);
        assertEquals(200, run.status());
        assertEquals(1, run.body().get("transitions").asInt(), run.raw());
        Answer again = call("POST", "/v1/admin/jobs/evaluator/run", null, null, true);
        assertEquals(0, again.body().get("transitions").asInt(), "a second run of the minute records nothing");
        assertEquals(0, again.body().get("resent").asInt(), "and sends nothing: the first run delivered it");

        var queued = platform.transitions().drain();
        assertEquals(1, queued.size());
        assertEquals("FIRING", queued.get(0).to().wire());
        Answer alerts = call("GET", "/v1/alerts", key, null, true);
        assertEquals("FIRING", alerts.body().at("/alerts/0/state").asText());
    }

    @Test
    void aPathOutsideTheSpecIs404AndAWrongMethod405WithTheErrorBody() throws Exception {
        for (String[] c : new String[][]{{"GET", "/v1/admin/nope", "404"}, {"GET", "/nope", "404"},
                {"DELETE", "/v1/metrics", "405"}, {"GET", "/v1/metrics/tags", "404"}}) {
            Answer a = call(c[0], c[1], platform.devApiKey(), null, false);
            assertEquals(Integer.parseInt(c[2]), a.status(), a.raw());
            assertNoProblems(c[0] + " " + c[1], SPEC.validateSchema("NotFound", a.raw()));
        }
    }

    /**
     * Sends a request and checks it and its answer against the spec. {@code specAllows} says whether the spec
     * describes the request as valid (false for the refusals a test provokes on purpose).
     */
    Answer call(String method, String path, String key, String body, boolean specAllows)
            throws IOException, InterruptedException {
        Map<String, String> headers = new LinkedHashMap<>();
        if (key != null) {
            headers.put("Authorization", "Bearer " + key);
        }
        if (body != null) {
            headers.put("Content-Type", "application/json");
        }
        List<Problem> requestProblems = SPEC.validateRequest(method, path, Map.of(), headers, body);
        if (specAllows) {
            assertNoProblems("the request " + method + " " + path, requestProblems);
        } else {
            assertFalse(requestProblems.isEmpty(), "the spec allows " + method + " " + path + " " + body);
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(platform.baseUri() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        Map<String, String> responseHeaders = new LinkedHashMap<>();
        r.headers().map().forEach((k, v) -> responseHeaders.put(k, String.join(",", v)));
        boolean specHasIt = requestProblems.stream().noneMatch(p -> p.key().equals("validation.request.path.missing")
                || p.key().equals("validation.request.operation.notAllowed"));
        if (specHasIt) {
            assertNoProblems("the answer " + r.statusCode() + " " + r.body() + " to " + method + " " + path,
                    SPEC.validateResponse(method, path, r.statusCode(), responseHeaders, r.body()));
        }
        return new Answer(r.statusCode(), responseHeaders, r.body(), r.body().isEmpty() ? null : JSON.readTree(r.body()));
    }

    static String example(String path, String name) throws IOException {
        Object value = SPEC.api().getPaths().get(path).getPost().getRequestBody().getContent().get("application/json")
                .getExamples().get(name).getValue();
        return Json31.mapper().writeValueAsString(value);
    }

    static void assertNoProblems(String what, List<Problem> problems) {
        assertTrue(problems.isEmpty(), what + " disagrees with api-spec/openapi.yaml:\n  "
                + problems.stream().map(Problem::toString).collect(Collectors.joining("\n  ")));
    }
}

package dev.longwatch.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.longwatch.aws.cloudwatch.CloudWatchSdkMetricsSource;
import dev.longwatch.testing.FakeCloudWatch;
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
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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
 * CloudWatch in local-dev over real HTTP, checked against {@code api-spec/openapi.yaml}: an import job defined,
 * listed and run on demand against {@link FakeCloudWatch} (the documented billing answer), and a Firehose delivery
 * of the documented metric-stream datapoint, both read back with {@code GET /v1/query} after the rollup run.
 */
class LocalCloudWatchEndpointsTest {
    static final OpenApiContract SPEC = OpenApiContract.load();
    static final ObjectMapper JSON = new ObjectMapper();
    /** Just after the documented billing window (2024-09-26 12:00-18:00 UTC). */
    static final Instant NOW = Instant.parse("2024-09-26T18:30:00Z");

    @TempDir
    Path dataDir;
    final FakeCloudWatch cloudWatch = FakeCloudWatch.start();
    final HttpClient client = HttpClient.newHttpClient();
    LocalPlatform platform;

    record Answer(int status, String raw, JsonNode body) {
    }

    @BeforeEach
    void start() throws Exception {
        platform = LocalPlatform.start(new LocalOptions("127.0.0.1", 0, dataDir, 1, Duration.ofHours(1), null),
                new MutableClock(NOW), () -> new CloudWatchSdkMetricsSource(cloudWatch.client()));
    }

    @AfterEach
    void stop() throws Exception {
        platform.close();
        cloudWatch.close();
    }

    @Test
    void anImportJobIsDefinedListedRunOnDemandAndItsSeriesQueried() throws Exception {
        String job = Json31.mapper().writeValueAsString(SPEC.api().getPaths().get(LocalCloudWatch.IMPORTS).getPost()
                .getRequestBody().getContent().get("application/json").getExamples().get("billing").getValue());
        Answer defined = call("POST", LocalCloudWatch.IMPORTS, Map.of(), job, true);
        assertEquals(201, defined.status(), defined.raw());
        assertEquals("api", defined.body().get("source").asText());
        assertFalse(defined.body().has("cursor"));

        cloudWatch.replayNext("/cloudwatch/get-metric-data-billing.json");
        Answer run = call("POST", LocalCloudWatch.RUN, Map.of(), null, true);
        assertEquals(200, run.status(), run.raw());
        assertEquals("CAUGHT_UP", run.body().at("/jobs/0/status").asText());
        assertEquals(1, run.body().get("points").asInt());

        Answer listed = call("GET", LocalCloudWatch.IMPORTS, Map.of(), null, true);
        assertEquals("2024-09-26T18:00:00Z", listed.body().at("/imports/0/cursor").asText());
        assertEquals(1, listed.body().at("/imports/0/points").asInt());

        String key = call("POST", "/v1/admin/tenants", Map.of(), "{\"tenant\": \"acme\"}", true).body().get("key").asText();
        call("POST", "/v1/admin/jobs/rollup/run", Map.of(), null, true);
        call("POST", "/v1/admin/jobs/compactor/run", Map.of(), null, true); // a 6-hour step reads the hour tier
        JsonNode q = call("GET", "/v1/query?metric=aws.aws.billing.EstimatedCharges.max&agg=max&from=-1d&step=6h",
                Map.of("Authorization", "Bearer " + key), null, true).body();
        assertEquals(542.38, q.at("/series/0/points/0/1").asDouble());
        assertEquals(Instant.parse("2024-09-26T12:00:00Z").toEpochMilli(), q.at("/series/0/points/0/0").asLong());
    }

    @Test
    void anInvalidJobIs400NamingTheField() throws Exception {
        Answer a = call("POST", LocalCloudWatch.IMPORTS, Map.of(),
                "{\"tenant\": \"acme\", \"id\": \"x\", \"namespace\": \"N\", \"metric\": \"M\", \"statistics\": [\"Median\"]}",
                false);
        assertEquals(400, a.status());
        assertEquals("statistics/0", a.body().get("field").asText());
    }

    @Test
    void aFirehoseDeliveryWithTheDevKeyIsStoredAndQueryable() throws Exception {
        String delivery = Json31.mapper().writeValueAsString(SPEC.api().getPaths()
                .get("/v1/integrations/cloudwatch/metric-stream").getPost().getRequestBody().getContent()
                .get("application/json").getExamples().get("metricStream").getValue());
        Map<String, String> firehose = Map.of("X-Amz-Firehose-Access-Key", platform.devApiKey(),
                "X-Amz-Firehose-Request-Id", "ed4acda5-034f-9f42-bba1-f29aea6d7d8f",
                "X-Amz-Firehose-Protocol-Version", "1.0");

        Answer delivered = call("POST", "/v1/integrations/cloudwatch/metric-stream", firehose, delivery, true);

        assertEquals(200, delivered.status(), delivered.raw());
        assertEquals("ed4acda5-034f-9f42-bba1-f29aea6d7d8f", delivered.body().get("requestId").asText());
        call("POST", "/v1/admin/jobs/rollup/run", Map.of(), null, true);
        String from = URLEncoder.encode("2021-01-29T14:00:00Z", StandardCharsets.UTF_8);
        JsonNode q = call("GET", "/v1/query?metric=aws.aws.ec2.DiskWriteOps.sum&agg=sum&step=1h&from=" + from
                + "&to=" + URLEncoder.encode("2021-01-29T15:00:00Z", StandardCharsets.UTF_8),
                Map.of("Authorization", "Bearer " + platform.devApiKey()), null, true).body();
        assertEquals(20.0, q.at("/series/0/points/0/1").asDouble());
    }

    Answer call(String method, String pathAndQuery, Map<String, String> extraHeaders, String body, boolean specAllows)
            throws IOException, InterruptedException {
        URI uri = URI.create(platform.baseUri() + pathAndQuery);
        Map<String, String> headers = new LinkedHashMap<>(extraHeaders);
        if (body != null) {
            headers.put("Content-Type", "application/json");
        }
        Map<String, List<String>> query = new LinkedHashMap<>();
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                String[] kv = pair.split("=", 2);
                query.computeIfAbsent(kv[0], k -> new java.util.ArrayList<>())
                        .add(java.net.URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
            }
        }
        List<Problem> requestProblems = SPEC.validateRequest(method, uri.getRawPath(), query, headers, body);
        if (specAllows) {
            assertNoProblems("the request " + method + " " + pathAndQuery, requestProblems);
        } else {
            assertFalse(requestProblems.isEmpty(), "the spec allows " + method + " " + pathAndQuery + " " + body);
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).method(method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        Map<String, String> responseHeaders = new LinkedHashMap<>();
        r.headers().map().forEach((k, v) -> responseHeaders.put(k, String.join(",", v)));
        assertNoProblems("the answer " + r.statusCode() + " " + r.body() + " to " + method + " " + pathAndQuery,
                SPEC.validateResponse(method, uri.getRawPath(), r.statusCode(), responseHeaders, r.body()));
        return new Answer(r.statusCode(), r.body(), r.body().isEmpty() ? null : JSON.readTree(r.body()));
    }

    static void assertNoProblems(String what, List<Problem> problems) {
        assertTrue(problems.isEmpty(), what + " disagrees with api-spec/openapi.yaml:\n  "
                + problems.stream().map(Problem::toString).collect(Collectors.joining("\n  ")));
    }
}

package dev.longwatch.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.longwatch.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole platform in this JVM, used as a client would: real HTTP, the real handlers, DynamoDB Local over
 * its wire protocol, the durable local stream. Time is a {@link MutableClock}; the rollup job is run on
 * demand through the admin endpoint, never waited for.
 */
class LocalPlatformEndToEndTest {
    static final Instant NOW = Instant.parse("2026-11-21T12:00:30Z");
    static final long T = Instant.parse("2026-11-21T11:58:00Z").toEpochMilli();

    @TempDir
    Path dataDir;
    MutableClock clock = new MutableClock(NOW);
    List<LocalPlatform> running = new ArrayList<>();

    LocalPlatform start() throws Exception {
        LocalOptions o = new LocalOptions("127.0.0.1", 0, dataDir, 2, Duration.ofHours(1), null);
        LocalPlatform p = LocalPlatform.start(o, clock);
        running.add(p);
        return p;
    }

    @AfterEach
    void stop() throws Exception {
        for (LocalPlatform p : running) {
            p.close();
        }
    }

    static String issueExample() {
        return """
                {"series": [
                  {"metric": "checkout.latency_ms", "type": "gauge",
                   "tags": {"service": "latte", "env": "prod"},
                   "points": [[%d, 12.5], [%d, 13.1]]},
                  {"metric": "http.requests", "type": "counter", "tags": {"service": "latte"}, "points": [[%d, 5], [%d, 7]]},
                  {"metric": "http.latency_ms", "type": "distribution", "tags": {"service": "latte"},
                   "points": [[%d, 12.0], [%d, 250.0]]}
                ]}""".formatted(T, T + 10_000, T, T + 70_000, T, T);
    }

    @Test
    void aNewUserPushesMetricsAndEventsAndReadsThemBack() throws Exception {
        LocalPlatform p = start();
        Http http = new Http(p.baseUri());
        assertEquals(200, http.get("/health", null).status());

        Http.Response created = http.post("/v1/admin/tenants", null, "{\"tenant\":\"acme\",\"name\":\"e2e\"}");
        assertEquals(201, created.status(), created.raw());
        String key = created.body().get("key").asText();

        Http.Response ingest = http.post("/v1/metrics", key, issueExample());
        assertEquals(202, ingest.status(), ingest.raw());
        assertEquals(6, ingest.body().get("accepted").asInt());
        assertEquals(0, ingest.body().get("rejected").size());

        Http.Response ev = http.post("/v1/events", key, """
                {"events":[{"title":"deploy latte v42","kind":"deploy","time":%d,"tags":{"service":"latte"},
                            "source":"ci","link":"https://ci.example.com/builds/42"}]}""".formatted(T));
        assertEquals(202, ev.status(), ev.raw());

        StringBuilder samples = new StringBuilder();
        for (int i = 1; i <= 100; i++) {
            samples.append(i == 1 ? "" : ",").append("[").append(T + i).append(",").append(i).append("]");
        }
        Http.Response dist = http.post("/v1/metrics", key, """
                {"series":[{"metric":"queue.wait_ms","type":"distribution","tags":{"service":"latte"},"points":[%s]}]}"""
                .formatted(samples));
        assertEquals(100, dist.body().get("accepted").asInt(), dist.raw());

        Http.Response run = http.post("/v1/admin/jobs/rollup/run", null, "");
        assertEquals(200, run.status());
        assertTrue(run.body().get("records").asInt() >= 4, run.raw());

        String range = "&from=" + (T - 60_000) + "&to=" + (T + 180_000) + "&step=60s";
        JsonNode avg = http.get("/v1/query?metric=checkout.latency_ms&filter=service:latte&agg=avg" + range, key).body();
        assertEquals(1, avg.get("series").size());
        assertEquals(T, avg.get("series").get(0).get("points").get(0).get(0).asLong());
        assertEquals(12.8, avg.get("series").get(0).get("points").get(0).get(1).asDouble(), 1e-9);

        JsonNode sum = http.get("/v1/query?metric=http.requests&agg=sum&step=5m" + range, key).body();
        assertEquals(12.0, sum.get("series").get(0).get("points").get(0).get(1).asDouble(), 1e-9);

        JsonNode max = http.get("/v1/query?metric=http.latency_ms&agg=max" + range, key).body();
        assertEquals(250.0, max.get("series").get(0).get("points").get(0).get(1).asDouble());
        JsonNode p95 = http.get("/v1/query?metric=queue.wait_ms&agg=p95" + range, key).body();
        assertEquals(95.0, p95.get("series").get(0).get("points").get(0).get(1).asDouble(), 95.0 * 0.01);

        JsonNode names = http.get("/v1/metrics", key).body();
        assertEquals(4, names.get("metrics").size());
        JsonNode tags = http.get("/v1/metrics/checkout.latency_ms/tags", key).body();
        assertEquals("prod", tags.get("tags").get("env").get(0).asText());

        JsonNode events = http.get("/v1/events?from=" + (T - 1) + "&to=" + (T + 1) + "&filter=service:latte", key).body();
        assertEquals("deploy latte v42", events.get("events").get(0).get("title").asText());

        // Another tenant (the dev tenant) sees none of it.
        JsonNode devNames = http.get("/v1/metrics", p.devApiKey()).body();
        assertEquals(0, devNames.get("metrics").size());
        JsonNode devQuery = http.get("/v1/query?metric=checkout.latency_ms" + range, p.devApiKey()).body();
        assertEquals(0, devQuery.get("series").size());
    }

    @Test
    void badItemsAreRefusedByIndexAndTheGoodOnesKept() throws Exception {
        LocalPlatform p = start();
        Http http = new Http(p.baseUri());
        Http.Response r = http.post("/v1/metrics", p.devApiKey(), """
                {"series":[
                  {"metric":"ok.metric","type":"gauge","points":[[%d,1],[%d,NaN],[%d,3]]},
                  {"metric":"bad name!","type":"gauge","points":[[%d,1]]},
                  {"metric":"ok.other","type":"sparkline","points":[[%d,1]]}
                ]}""".formatted(T, T, T + 1000, T, T));
        assertEquals(202, r.status(), r.raw());
        assertEquals(2, r.body().get("accepted").asInt());
        JsonNode rejected = r.body().get("rejected");
        assertEquals(3, rejected.size());
        assertEquals(0, rejected.get(0).get("series").asInt());
        assertEquals(1, rejected.get(0).get("point").asInt());
        assertEquals(1, rejected.get(1).get("series").asInt());
        assertFalse(rejected.get(1).has("point"));
        assertTrue(rejected.get(2).get("reason").asText().contains("sparkline"));

        Http.Response notJson = http.post("/v1/metrics", p.devApiKey(), "{\"series\": [");
        assertEquals(400, notJson.status());
        assertTrue(notJson.body().get("reason").asText().contains("not valid JSON"), notJson.raw());

        Http.Response noKey = http.post("/v1/metrics", "lw_unknown_key_000000000000", "{\"series\":[]}");
        assertEquals(401, noKey.status());

        Http.Response big = http.post("/v1/metrics", p.devApiKey(), "{\"series\":[],\"pad\":\"" + "x".repeat(1_100_000) + "\"}");
        assertEquals(413, big.status());
    }

    @Test
    void dataAndTheDevKeySurviveARestartAndUnrolledRecordsAreNotLost() throws Exception {
        LocalPlatform first = start();
        String devKey = first.devApiKey();
        Http http = new Http(first.baseUri());
        assertEquals(202, http.post("/v1/metrics", devKey, issueExample()).status());
        assertEquals(200, http.post("/v1/admin/jobs/rollup/run", null, "").status());
        // Accepted (durable) but not rolled up before the stop.
        String more = """
                {"series":[{"metric":"http.requests","type":"counter","tags":{"service":"latte"},"points":[[%d,100]]}]}"""
                .formatted(T);
        assertEquals(202, http.post("/v1/metrics", devKey, more).status());
        first.close();
        running.remove(first);

        LocalPlatform second = start();
        assertEquals(devKey, second.devApiKey());
        Http again = new Http(second.baseUri());
        again.post("/v1/admin/jobs/rollup/run", null, "");
        // A second run finds nothing new: nothing is counted twice.
        assertEquals(0, again.post("/v1/admin/jobs/rollup/run", null, "").body().get("records").asInt());
        String range = "&from=" + (T - 60_000) + "&to=" + (T + 180_000) + "&step=5m";
        JsonNode sum = again.get("/v1/query?metric=http.requests&agg=sum" + range, devKey).body();
        assertEquals(112.0, sum.get("series").get(0).get("points").get(0).get(1).asDouble(), 1e-9);
        assertNotEquals(0, second.counters().getOrDefault("DynamoDbWriteUnits", 0.0));
    }
}

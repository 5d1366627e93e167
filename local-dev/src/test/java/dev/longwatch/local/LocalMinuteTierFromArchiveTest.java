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

/**
 * local-dev with {@code --minute-tier archive}: no rollup consumer runs; points ingested over HTTP are answered from
 * the archive until the compactor run merges their hour and writes its minutes, and from the rollups after, with the
 * same values either way.
 */
class LocalMinuteTierFromArchiveTest {
    static final long H11 = Instant.parse("2026-11-21T11:00:00Z").toEpochMilli();

    @TempDir
    Path dataDir;
    final MutableClock clock = new MutableClock(Instant.ofEpochMilli(H11 + 30 * 60_000));
    LocalPlatform p;

    @AfterEach
    void stop() throws Exception {
        if (p != null) {
            p.close();
        }
    }

    JsonNode query(Http http, String step) throws Exception {
        Http.Response r = http.get("/v1/query?metric=room.temp&agg=sum&step=" + step + "&from=" + H11 + "&to="
                + (H11 + 3_600_000), p.devApiKey());
        assertEquals(200, r.status(), r.raw());
        return r.body();
    }

    static List<Double> values(JsonNode answer) {
        List<Double> out = new ArrayList<>();
        answer.get("series").get(0).get("points").forEach(v -> out.add(v.get(1).asDouble()));
        return out;
    }

    @Test
    void minutesAreAnsweredFromTheArchiveUntilTheCompactorWritesThemThenFromTheRollups() throws Exception {
        p = LocalPlatform.start(new LocalOptions("127.0.0.1", 0, dataDir, 2, Duration.ofHours(1), null)
                .withMinuteTierFromArchive(), clock);
        Http http = new Http(p.baseUri());
        StringBuilder points = new StringBuilder();
        List<Double> expected = new ArrayList<>();
        for (int m = 0; m < 30; m++) {
            points.append(m == 0 ? "" : ", ").append("[").append(H11 + m * 60_000 + 5_000).append(", ")
                    .append(m + 0.25).append("]");
            expected.add(m + 0.25);
        }
        assertEquals(202, http.post("/v1/metrics", p.devApiKey(), """
                {"series":[{"metric":"room.temp","type":"gauge","tags":{"room":"lab"},"points":[%s]}]}"""
                .formatted(points)).status());
        assertEquals(0, p.runRollups(), "no rollup consumer in this mode");
        p.runArchive();

        JsonNode fresh = query(http, "60s");
        assertEquals("[\"minute\",\"archive\"]", fresh.get("tiers").toString());
        assertEquals(expected, values(fresh));

        clock.set(Instant.ofEpochMilli(H11 + 71 * 60_000)); // the hour closed 11 minutes ago
        JsonNode report = new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(p.runCompactor());
        assertEquals(H11 + 3_600_000, report.get("progress").get(0).get("hoursCompactedThrough").asLong(),
                "hour 11 is compacted once the archive wrote its minutes: " + report);

        JsonNode compacted = query(http, "60s");
        assertEquals("[\"minute\"]", compacted.get("tiers").toString());
        assertEquals(expected, values(compacted), "the same minutes, now from the minute rollups");
        JsonNode hourly = query(http, "1h");
        assertEquals("[\"hour\"]", hourly.get("tiers").toString());
        assertEquals(List.of(expected.stream().mapToDouble(Double::doubleValue).sum()), values(hourly));
    }
}

package dev.longwatch.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.longwatch.core.archive.Points;
import dev.longwatch.model.MetricType;
import dev.longwatch.model.SeriesKey;
import dev.longwatch.model.Tags;
import dev.longwatch.testing.MutableClock;
import dev.longwatch.testing.OpenApiContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The archive in local-dev, used as a client would: points ingested over HTTP reach the local S3 archive through
 * the archive's own stream consumer, the compactor run merges closed hours on demand, and both the blocks and the
 * consumer's checkpoints survive a restart. The admin answers are checked against api-spec/openapi.yaml.
 */
class LocalArchiveEndToEndTest {
    static final OpenApiContract SPEC = OpenApiContract.load();
    static final Instant NOW = Instant.parse("2026-11-21T12:40:00Z");
    static final long H10 = Instant.parse("2026-11-21T10:00:00Z").toEpochMilli();
    static final SeriesKey TEMP = new SeriesKey(LocalPlatform.DEV_TENANT, "room.temp", MetricType.GAUGE,
            Tags.of("room", "lab"));

    @TempDir
    Path dataDir;
    final MutableClock clock = new MutableClock(NOW);
    final List<LocalPlatform> running = new ArrayList<>();

    LocalPlatform start() throws Exception {
        LocalPlatform p = LocalPlatform.start(new LocalOptions("127.0.0.1", 0, dataDir, 2, Duration.ofHours(1), null),
                clock);
        running.add(p);
        return p;
    }

    @AfterEach
    void stop() throws Exception {
        for (LocalPlatform p : running) {
            p.close();
        }
    }

    Http.Response admin(Http http, String path) throws Exception {
        Http.Response r = http.post(path, null, null);
        List<OpenApiContract.Problem> problems = SPEC.validateResponse("POST", path, r.status(),
                Map.of("Content-Type", "application/json"), r.raw());
        assertTrue(problems.isEmpty(), "the answer to POST " + path + " disagrees with api-spec/openapi.yaml:\n  "
                + problems.stream().map(OpenApiContract.Problem::toString).collect(Collectors.joining("\n  ")));
        return r;
    }

    @Test
    void ingestedPointsAreArchivedCompactedAndKeptAcrossARestart() throws Exception {
        LocalPlatform p = start();
        Http http = new Http(p.baseUri());
        String points = "[" + H10 + ", 21.5], [" + (H10 + 60_000) + ", 21.6], [" + (H10 + 3_600_000) + ", 21.4]";
        Http.Response ingest = http.post("/v1/metrics", p.devApiKey(), """
                {"series":[{"metric":"room.temp","type":"gauge","tags":{"room":"lab"},"points":[%s]}]}"""
                .formatted(points));
        assertEquals(202, ingest.status(), ingest.raw());

        JsonNode archived = admin(http, "/v1/admin/jobs/archive/run").body();
        assertEquals(1, archived.get("records").asInt());
        assertEquals(0, admin(http, "/v1/admin/jobs/archive/run").body().get("records").asInt());
        JsonNode counters = http.get("/v1/admin/metrics", null).body().get("counters");
        assertEquals(0.0, counters.get("ArchivePendingRecords").asDouble());
        assertEquals(1.0, counters.get("StreamPendingRecords").asDouble(), "the rollups have their own checkpoint");
        Points want = Points.of(new long[]{H10, H10 + 60_000, H10 + 3_600_000}, new double[]{21.5, 21.6, 21.4});
        assertEquals(want, p.archiveReader().read(TEMP, H10, H10 + 7_200_000));

        JsonNode compacted = admin(http, "/v1/admin/jobs/compactor/run").body().get("archive");
        assertEquals(2, compacted.get("hoursCompacted").asInt(), "10:00 and 11:00 are closed at 12:40");
        assertEquals(0, compacted.get("daysCompacted").asInt(), "the day is not");
        assertEquals(3, compacted.get("pointsMerged").asInt());
        assertTrue(compacted.get("finished").asBoolean());
        assertEquals(0, admin(http, "/v1/admin/jobs/compactor/run").body().get("archive").get("pointsMerged").asInt(),
                "a second run finds nothing to merge");
        try (var files = Files.walk(dataDir.resolve("archive"))) {
            assertTrue(files.anyMatch(f -> f.toString().endsWith("11.lwb")), "blocks are files in the data dir");
        }

        p.close();
        running.remove(p);
        LocalPlatform again = start();
        assertEquals(want, again.archiveReader().read(TEMP, H10, H10 + 7_200_000));
        assertEquals(0, admin(new Http(again.baseUri()), "/v1/admin/jobs/archive/run").body().get("records").asInt(),
                "the archive consumer's checkpoint survived too");
    }
}

package dev.longwatch.handler;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.longwatch.aws.dynamodb.DynamoDbApiKeyStore;
import dev.longwatch.aws.dynamodb.DynamoDbEventStore;
import dev.longwatch.aws.dynamodb.DynamoDbRollupStore;
import dev.longwatch.aws.dynamodb.DynamoDbSeriesIndex;
import dev.longwatch.aws.dynamodb.TableNames;
import dev.longwatch.aws.s3.S3ArchiveStore;
import dev.longwatch.core.archive.ArchiveCompactor;
import dev.longwatch.core.archive.ArchiveKeys;
import dev.longwatch.core.archive.ArchiveReader;
import dev.longwatch.core.archive.ArchiveService;
import dev.longwatch.core.archive.ArchiveStore;
import dev.longwatch.core.auth.ApiKeys;
import dev.longwatch.core.ingest.IngestService;
import dev.longwatch.core.query.ArchiveQueryService;
import dev.longwatch.core.query.QueryService;
import dev.longwatch.core.rollup.RollupService;
import dev.longwatch.core.telemetry.InMemoryMetrics;
import dev.longwatch.model.IngestLimits;
import dev.longwatch.model.Payloads;
import dev.longwatch.model.StreamRecords;
import dev.longwatch.testing.LocalDynamo;
import dev.longwatch.testing.LocalS3;
import dev.longwatch.testing.MutableClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import static dev.longwatch.handler.HttpHandlersContractTest.JSON;
import static dev.longwatch.handler.HttpHandlersContractTest.SPEC;
import static dev.longwatch.handler.HttpHandlersContractTest.assertError;
import static dev.longwatch.handler.HttpHandlersContractTest.assertJsonEquals;
import static dev.longwatch.handler.HttpHandlersContractTest.assertNoProblems;
import static dev.longwatch.handler.HttpHandlersContractTest.assertSpecRefuses;
import static dev.longwatch.handler.HttpHandlersContractTest.get;
import static dev.longwatch.handler.HttpHandlersContractTest.post;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code GET /v1/query} at raw resolution against the API contract: points are ingested through the real handler,
 * written by the real archive consumer to s3proxy (and by the rollup consumer to DynamoDB Local, so the series
 * index knows them), and read back from the archive, bit for bit.
 */
class RawQueryContractTest {
    static final long T0 = HttpHandlersContractTest.T0;
    static final long MINUTE = 60_000;
    static final long HOUR = 60 * MINUTE;

    final MutableClock clock = new MutableClock(Instant.ofEpochMilli(T0 + 10 * MINUTE));
    final InMemoryMetrics metrics = new InMemoryMetrics();
    final HttpHandlersContractTest.CollectingStream stream = new HttpHandlersContractTest.CollectingStream();
    HttpIngestRequestHandler ingest;
    HttpQueryRequestHandler query;
    HttpQueryRequestHandler withoutArchive;
    RollupService rollups;
    ArchiveService archive;
    S3ArchiveStore s3;
    String acme;
    String globex;
    long sequence;

    @BeforeEach
    void setUp() {
        TableNames tables = LocalDynamo.freshTables();
        var ddb = LocalDynamo.client();
        Payloads payloads = new Payloads(IngestLimits.DEFAULT, clock, () -> UUID.randomUUID().toString());
        var index = new DynamoDbSeriesIndex(ddb, tables.series(), metrics);
        var store = new DynamoDbRollupStore(ddb, tables.rollups(), metrics);
        var events = new DynamoDbEventStore(ddb, tables.events(), metrics);
        ApiKeys keys = new ApiKeys(new DynamoDbApiKeyStore(ddb, tables.apiKeys()), clock, new SecureRandom());
        acme = keys.create("acme", "raw query test").key();
        globex = keys.create("globex", "raw query test").key();
        s3 = new S3ArchiveStore(LocalS3.client(), LocalS3.freshBucket());
        ingest = new HttpIngestRequestHandler(keys, new IngestService(payloads, stream, metrics), metrics,
                IngestLimits.DEFAULT.maxBodyBytes());
        QueryService rollupQueries = new QueryService(index, store, clock, 4);
        query = new HttpQueryRequestHandler(keys, rollupQueries,
                new ArchiveQueryService(index, new ArchiveReader(s3, 4), clock), events, metrics);
        withoutArchive = new HttpQueryRequestHandler(keys, rollupQueries, events, metrics);
        rollups = new RollupService(new StreamRecords(payloads), store, index, events, metrics, clock, 4);
        archive = new ArchiveService(new StreamRecords(payloads), s3, metrics, clock, 4);
    }

    /** Runs what the stream holds through the rollup and the archive consumer, as the two Kinesis consumers do. */
    void drain() {
        List<RollupService.IncomingRecord> toRollups = new ArrayList<>();
        List<ArchiveService.IncomingRecord> toArchive = new ArrayList<>();
        for (var r : stream.records) {
            String seq = String.format(Locale.ROOT, "49%054d", ++sequence);
            toRollups.add(new RollupService.IncomingRecord("shardId-000000000000", seq, clock.millis(), r.data()));
            toArchive.add(new ArchiveService.IncomingRecord("shardId-000000000000", seq, r.data()));
        }
        stream.records.clear();
        assertEquals(List.of(), rollups.apply(toRollups).failedSequenceNumbers());
        assertEquals(List.of(), archive.apply(toArchive).failedSequenceNumbers());
    }

    void ingest(String key, String series) {
        var c = call(ingest, post("/v1/metrics", "{\"series\": [" + series + "]}").key(key));
        assertEquals(202, c.status());
        assertEquals(0, c.body().get("rejected").size(), c.body().toString());
    }

    HttpHandlersContractTest.Call send(HttpHandlersContractTest.Req r) {
        assertNoProblems("the request " + r, SPEC.validateRequest(r.event()));
        return call(query, r);
    }

    /** Sends the request to the handler and checks the answer against the spec. */
    static HttpHandlersContractTest.Call call(
            RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler, HttpHandlersContractTest.Req r) {
        APIGatewayV2HTTPEvent e = r.event();
        APIGatewayV2HTTPResponse resp = handler.handleRequest(e, null);
        assertNoProblems("the answer " + resp.getStatusCode() + " " + resp.getBody() + " to " + r,
                SPEC.validateResponse(e, resp));
        try {
            return new HttpHandlersContractTest.Call(e, resp, JSON.readTree(resp.getBody()));
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    static String exampleJson(String name) {
        try {
            return JSON.writeValueAsString(SPEC.api().getPaths().get("/v1/query").getGet().getResponses().get("200")
                    .getContent().get("application/json").getExamples().get(name).getValue());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void rawResolutionAnswersEveryPointAsWrittenAsTheSpecShowsIt() {
        // Three points within one minute: the minute rollup would give one point, the archive gives all three.
        ingest(acme, """
                {"metric": "queue.depth", "type": "gauge", "tags": {"queue": "orders"},
                 "points": [[%d, 3], [%d, 5], [%d, 4]]}""".formatted(T0 + 1_000, T0 + 16_000, T0 + 31_500));
        drain();

        var c = send(get("/v1/query").key(acme).q("metric", "queue.depth").q("resolution", "raw")
                .q("from", T0).q("to", T0 + MINUTE));

        assertEquals(200, c.status());
        assertJsonEquals(exampleJson("raw"), c.body());
    }

    @Test
    void rawValuesComeBackBitForBitInTimeOrderPerSeriesWithAllTheirTags() {
        double[] values = {0.1 + 0.2, -2.5, 1e-300, 123456789.123456789, Double.MIN_VALUE};
        StringBuilder points = new StringBuilder();
        // Written out of time order: the answer is in time order.
        for (int i = values.length - 1; i >= 0; i--) {
            points.append(points.isEmpty() ? "" : ", ").append("[").append(T0 + i * 7_000L).append(", ")
                    .append(Double.toString(values[i])).append("]");
        }
        ingest(acme, """
                {"metric": "noise", "type": "gauge", "tags": {"host": "a", "env": "prod"}, "points": [%s]},
                {"metric": "noise", "type": "gauge", "tags": {"host": "b", "env": "prod"}, "points": [[%d, 7]]}"""
                .formatted(points, T0 + 2_000));
        drain();

        var c = send(get("/v1/query").key(acme).q("metric", "noise").q("resolution", "raw").q("filter", "host:a")
                .q("from", T0).q("to", T0 + MINUTE));

        JsonNode series = c.body().get("series");
        assertEquals(1, series.size(), c.body().toString());
        assertEquals(JSON.createObjectNode().put("env", "prod").put("host", "a"), series.get(0).get("tags"));
        JsonNode got = series.get(0).get("points");
        assertEquals(values.length, got.size());
        for (int i = 0; i < values.length; i++) {
            assertEquals(T0 + i * 7_000L, got.get(i).get(0).asLong());
            assertEquals(Double.doubleToRawLongBits(values[i]),
                    Double.doubleToRawLongBits(got.get(i).get(1).asDouble()), "point " + i);
        }
    }

    @Test
    void aStepBelowAMinuteReadsTheArchiveAndCombinesPointsPerStepAndGroup() {
        ingest(acme, """
                {"metric": "rps", "type": "gauge", "tags": {"env": "prod", "host": "a"},
                 "points": [[%1$d, 1], [%2$d, 9], [%3$d, 4]]},
                {"metric": "rps", "type": "gauge", "tags": {"env": "prod", "host": "b"}, "points": [[%1$d, 6]]},
                {"metric": "rps", "type": "gauge", "tags": {"env": "dev", "host": "c"}, "points": [[%1$d, 2]]}"""
                .formatted(T0 + 1_000, T0 + 5_000, T0 + 12_000));
        drain();

        var c = send(get("/v1/query").key(acme).q("metric", "rps").q("step", "10s").q("agg", "max")
                .q("groupBy", "env").q("from", T0).q("to", T0 + MINUTE));

        assertJsonEquals("""
                {"metric": "rps", "agg": "max", "from": %1$d, "to": %2$d, "step": 10000, "tiers": ["archive"],
                 "series": [
                   {"tags": {"env": "dev"}, "points": [[%1$d, 2.0]]},
                   {"tags": {"env": "prod"}, "points": [[%1$d, 9.0], [%3$d, 4.0]]}]}"""
                .formatted(T0, T0 + MINUTE, T0 + 10_000), c.body());
    }

    @Test
    void aPastRangeIsReadFromTheArchivesHourlyAndDailyBlocksAfterCompaction() {
        long past = T0 - Duration.ofDays(3).toMillis();
        ingest(acme, """
                {"metric": "old", "type": "counter", "tags": {}, "points": [[%d, 1], [%d, 2]]}"""
                .formatted(past + 500, past + HOUR + 500));
        drain();
        ArchiveCompactor.Report r = new ArchiveCompactor(s3, metrics, Duration.ofMinutes(10), 2)
                .run(clock, Duration.ofMinutes(5));
        assertEquals(0, r.problems());
        // Nothing is left in per-batch objects: the past day lives in a daily block now.
        assertEquals(List.of(), s3.list(ArchiveKeys.RAW).stream().map(ArchiveStore.Listed::key).toList());

        var c = send(get("/v1/query").key(acme).q("metric", "old").q("resolution", "raw")
                .q("from", past).q("to", past + 2 * HOUR));

        assertJsonEquals("""
                [[%d, 1.0], [%d, 2.0]]""".formatted(past + 500, past + HOUR + 500),
                c.body().at("/series/0/points"));
    }

    @Test
    void aTenantNeverSeesAnotherTenantsRawPoints() {
        ingest(acme, """
                {"metric": "secret", "type": "gauge", "tags": {}, "points": [[%d, 42]]}""".formatted(T0 + 1_000));
        drain();

        var c = send(get("/v1/query").key(globex).q("metric", "secret").q("resolution", "raw")
                .q("from", T0).q("to", T0 + MINUTE));

        assertEquals(200, c.status());
        assertEquals(0, c.body().get("series").size(), c.body().toString());
    }

    @Test
    void anUnknownResolutionIsRefusedByTheSpecAndTheCode() {
        var r = get("/v1/query").key(acme).q("metric", "m").q("resolution", "fine");
        assertSpecRefuses(r);
        assertError(call(query, r), 400, "resolution", "\"fine\" is not one of rollup, raw");
    }

    @Test
    void aRawRangeLongerThanADayIsRefused() {
        assertError(send(get("/v1/query").key(acme).q("metric", "m").q("resolution", "raw")
                .q("from", T0 - 25 * HOUR).q("to", T0)), 400, "from", "at most 24 hours");
    }

    @Test
    void groupByAndAggNeedAStepAtRawResolution() {
        assertError(send(get("/v1/query").key(acme).q("metric", "m").q("resolution", "raw").q("groupBy", "env")),
                400, "groupBy", "needs a step");
        assertError(send(get("/v1/query").key(acme).q("metric", "m").q("resolution", "raw").q("agg", "max")),
                400, "agg", "needs a step");
    }

    @Test
    void aRawStepMustBeWholeSeconds() {
        assertError(send(get("/v1/query").key(acme).q("metric", "m").q("resolution", "raw").q("step", "0s")),
                400, "step", "whole number of seconds");
    }

    @Test
    void withoutAnArchiveRawResolutionIsRefusedWithTheReason() {
        assertError(call(withoutArchive, get("/v1/query").key(acme).q("metric", "m").q("step", "10s")), 400,
                "resolution", "which this deployment does not have");
    }

    @Test
    void theSpecStatesTheRawLimitsTheCodeEnforces() {
        String info = SPEC.api().getInfo().getDescription();
        String description = SPEC.api().getPaths().get("/v1/query").getGet().getDescription();
        HttpHandlersContractTest.assertContains(info, "raw resolution: at most "
                + ArchiveQueryService.MAX_RANGE_MILLIS / HOUR + " hours and "
                + String.format(Locale.ROOT, "%,d", ArchiveQueryService.MAX_POINTS) + " points");
        HttpHandlersContractTest.assertContains(description, String.format(Locale.ROOT, "%,d points in all",
                ArchiveQueryService.MAX_POINTS));
    }
}

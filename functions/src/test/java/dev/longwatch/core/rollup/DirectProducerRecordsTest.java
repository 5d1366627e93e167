package dev.longwatch.core.rollup;

import dev.longwatch.aws.dynamodb.DynamoDbEventStore;
import dev.longwatch.aws.dynamodb.DynamoDbRollupStore;
import dev.longwatch.aws.dynamodb.DynamoDbSeriesIndex;
import dev.longwatch.aws.dynamodb.TableNames;
import dev.longwatch.core.query.QueryResult;
import dev.longwatch.core.query.QueryService;
import dev.longwatch.core.telemetry.InMemoryMetrics;
import dev.longwatch.model.Event;
import dev.longwatch.model.IngestLimits;
import dev.longwatch.model.MetricType;
import dev.longwatch.model.Payloads;
import dev.longwatch.model.SeriesKey;
import dev.longwatch.model.StreamPacker;
import dev.longwatch.model.StreamRecords;
import dev.longwatch.model.Tags;
import dev.longwatch.testing.LocalDynamo;
import dev.longwatch.testing.MutableClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Records a tenant's producer writes to the stream by hand, as {@code api-spec/kinesis-record-format.md}
 * describes them, read by the real rollup on DynamoDB Local: the page's examples work, bad items and bad
 * records are skipped and counted, and nothing a producer writes fails the batch (which would block the shard).
 */
class DirectProducerRecordsTest {
    static final Path FORMAT = Path.of("..", "api-spec", "kinesis-record-format.md");
    /** The time of the page's examples, 2025-11-21T04:40:00Z. */
    static final long T0 = 1763700000000L;

    final MutableClock clock = new MutableClock(Instant.ofEpochMilli(T0 + 600_000));
    final InMemoryMetrics metrics = new InMemoryMetrics();
    RollupService rollups;
    QueryService queries;
    DynamoDbEventStore events;
    long sequence;

    @BeforeEach
    void setUp() {
        TableNames tables = LocalDynamo.freshTables();
        var ddb = LocalDynamo.client();
        Payloads payloads = new Payloads(IngestLimits.DEFAULT, clock, () -> UUID.randomUUID().toString());
        var index = new DynamoDbSeriesIndex(ddb, tables.series(), metrics);
        var store = new DynamoDbRollupStore(ddb, tables.rollups(), metrics);
        events = new DynamoDbEventStore(ddb, tables.events(), metrics);
        rollups = new RollupService(new StreamRecords(payloads), store, index, events, metrics, clock, 4);
        queries = new QueryService(index, store, clock, 4);
    }

    @Test
    void thePagesExampleRecordsAreReadWithoutRejectionsPlainAndGzipped() throws IOException {
        List<String> examples = jsonBlocks(Files.readString(FORMAT));
        assertEquals(2, examples.size(), "the page shows a metrics and an events record");

        RollupService.BatchOutcome plain = apply(examples.stream().map(e -> utf8(e)).toList());
        RollupService.BatchOutcome gzipped = apply(examples.stream().map(e -> gzip(utf8(e))).toList());

        for (RollupService.BatchOutcome o : List.of(plain, gzipped)) {
            assertEquals(List.of(), o.failedSequenceNumbers());
            assertEquals(0, o.unreadableRecords());
        }
        assertEquals(0.0, metrics.counter("StreamItemsRejected"));
        assertEquals(10.0, requestsSum(), "5 from each of the two metrics records");
        List<Event> stored = events.find("acme", T0 - 1, T0 + 1, 10);
        assertEquals(1, stored.size(), "the event has an id, so reading it twice stores it once");
        assertEquals("deploy-latte-42", stored.get(0).id());
    }

    @Test
    void thePagesSeriesIdsBucketsAndPartitionKeysAreWhatTheCodeComputes() throws IOException {
        String page = Files.readString(FORMAT);
        String requests = new SeriesKey("acme", "http.requests", MetricType.COUNTER, Tags.of("service", "latte")).id();
        String checkout = new SeriesKey("acme", "checkout.latency_ms", MetricType.GAUGE,
                Tags.of("service", "latte", "env", "prod")).id();
        int b = StreamPacker.DEFAULT_BUCKETS;
        assertTrue(page.contains("| `service=latte` | `" + requests + "` | " + StreamPacker.bucketOf(requests, b)
                + " | `" + StreamPacker.partitionKey(StreamPacker.bucketOf(requests, b), b) + "` |"),
                "the page shows " + requests);
        assertTrue(page.contains("| `service=latte`, `env=prod` | `" + checkout + "` | "
                + StreamPacker.bucketOf(checkout, b) + " | `"
                + StreamPacker.partitionKey(StreamPacker.bucketOf(checkout, b), b) + "` |"), "the page shows " + checkout);
        for (int buckets : new int[]{1, 2, 4, 8}) {
            String keys = String.join("`, `", StreamPacker.partitionKeys(buckets));
            assertTrue(page.contains(" | `" + keys + "` |"), "the page lists the keys of " + buckets + " buckets: " + keys);
        }
    }

    @Test
    void invalidItemsAreDroppedAndCountedWhileTheRestOfTheRecordIsApplied() {
        String record = """
                {"v": 1, "tenant": "acme", "kind": "metrics", "series": [
                  {"metric": "http.requests", "type": "counter", "tags": {"service": "latte"}, "points": [[%1$d, 5], [%1$d, "x"]]},
                  {"metric": "1bad", "type": "counter", "points": [[%1$d, 1]]}
                ], "producer": "ignored"}""".formatted(T0);

        RollupService.BatchOutcome o = apply(List.of(utf8(record)));

        assertEquals(List.of(), o.failedSequenceNumbers());
        assertEquals(1, o.pointsApplied());
        assertEquals(2.0, metrics.counter("StreamItemsRejected"), "a bad point and a bad series");
        assertEquals(5.0, requestsSum());
    }

    @Test
    void unreadableRecordsAreSkippedAndCountedWithoutFailingTheBatch() {
        byte[] good = utf8("""
                {"v": 1, "tenant": "acme", "kind": "metrics", "series": [
                  {"metric": "http.requests", "type": "counter", "tags": {"service": "latte"}, "points": [[%d, 5]]}]}"""
                .formatted(T0));
        List<byte[]> bad = List.of(
                utf8("not json"),
                utf8("[1, 2]"),
                utf8("{\"tenant\": \"acme\", \"kind\": \"metrics\", \"series\": []}"),
                utf8("{\"v\": 2, \"tenant\": \"acme\", \"kind\": \"metrics\", \"series\": []}"),
                utf8("{\"v\": 1, \"tenant\": \"ACME\", \"kind\": \"metrics\", \"series\": []}"),
                utf8("{\"v\": 1, \"kind\": \"metrics\", \"series\": []}"),
                utf8("{\"v\": 1, \"tenant\": \"acme\", \"kind\": \"logs\", \"series\": []}"),
                utf8("{\"v\": 1, \"tenant\": \"acme\", \"kind\": \"events\", \"series\": []}"),
                new byte[]{0x1f, (byte) 0x8b, 1, 2, 3},
                gzipBomb(StreamRecords.MAX_DECODED_BYTES + 1));
        List<byte[]> batch = new ArrayList<>(bad);
        batch.add(good);

        RollupService.BatchOutcome o = apply(batch);

        assertEquals(List.of(), o.failedSequenceNumbers(), "a producer's bad record must never be redelivered");
        assertEquals(bad.size(), o.unreadableRecords());
        assertEquals(bad.size(), metrics.counter("UnreadableRecords"));
        assertEquals(5.0, requestsSum(), "the good record of the same batch is applied");
    }

    @Test
    void anEventWithoutIdIsStoredAgainWhenItsRecordIsReadAgain() {
        byte[] record = utf8("""
                {"v": 1, "tenant": "acme", "kind": "events", "events": [
                  {"title": "no id", "kind": "note", "time": %d}]}""".formatted(T0));

        apply(List.of(record));
        apply(List.of(record));

        assertEquals(2, events.find("acme", T0, T0 + 1, 10).size(), "why the page says: give every event an id");
    }

    RollupService.BatchOutcome apply(List<byte[]> records) {
        List<RollupService.IncomingRecord> batch = new ArrayList<>();
        for (byte[] data : records) {
            batch.add(new RollupService.IncomingRecord("shardId-000000000000", String.format("49%054d", ++sequence),
                    clock.millis(), data));
        }
        return rollups.apply(batch);
    }

    double requestsSum() {
        QueryResult r = queries.query("acme", queries.parse("http.requests", List.of(), List.of(), "sum",
                Long.toString(T0), Long.toString(T0 + 60_000), "60s"));
        return r.series().isEmpty() ? 0 : Arrays.stream(r.series().get(0).values()).sum();
    }

    /** The ```json blocks of a markdown page. */
    static List<String> jsonBlocks(String markdown) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("```json\\n(.*?)```", Pattern.DOTALL).matcher(markdown);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A valid record padded with whitespace to {@code bytes} once inflated; small on the stream. */
    static byte[] gzipBomb(int bytes) {
        byte[] head = utf8("{\"v\": 1, \"tenant\": \"acme\", \"kind\": \"metrics\", \"series\": []}");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(head);
            byte[] spaces = new byte[64 * 1024];
            Arrays.fill(spaces, (byte) ' ');
            for (int left = bytes - head.length; left > 0; left -= spaces.length) {
                z.write(spaces, 0, Math.min(left, spaces.length));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}

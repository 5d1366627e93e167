package dev.longwatch.core.ingest;

import dev.longwatch.core.telemetry.InMemoryMetrics;
import dev.longwatch.model.Event;
import dev.longwatch.model.IngestLimits;
import dev.longwatch.model.MetricType;
import dev.longwatch.model.PayloadException;
import dev.longwatch.model.Payloads;
import dev.longwatch.model.Series;
import dev.longwatch.model.StreamPacker;
import dev.longwatch.model.StreamRecord;
import dev.longwatch.model.StreamRecords;
import dev.longwatch.model.Tags;
import dev.longwatch.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ingest: what goes on the stream, how it is keyed and split, and that a 202 means it is there. */
class IngestServiceTest {
    static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");
    static final long T = NOW.toEpochMilli() - 600_000;
    static final int KINESIS_MAX_RECORD_BYTES = 1024 * 1024;

    final MutableClock clock = new MutableClock(NOW);
    final AtomicInteger ids = new AtomicInteger();
    final Payloads payloads = new Payloads(IngestLimits.DEFAULT, clock, () -> "ev-" + ids.incrementAndGet());
    final StreamRecords codec = new StreamRecords(payloads);
    final InMemoryMetrics metrics = new InMemoryMetrics();

    /** The port's simplest real implementation: keeps what it is given, in calls. */
    static final class RecordingPublisher implements StreamPublisher {
        final List<List<OutgoingRecord>> calls = new ArrayList<>();

        @Override
        public void publish(List<OutgoingRecord> records) {
            calls.add(List.copyOf(records));
        }

        List<OutgoingRecord> all() {
            return calls.stream().flatMap(List::stream).toList();
        }
    }

    final RecordingPublisher publisher = new RecordingPublisher();
    final IngestService ingest = new IngestService(payloads, publisher, metrics);

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String seriesJson(String metric, String tagsJson, long[] ts, double[] vs) {
        String points = IntStream.range(0, ts.length).mapToObj(i -> "[" + ts[i] + "," + vs[i] + "]")
                .collect(Collectors.joining(","));
        return "{\"metric\":\"" + metric + "\",\"type\":\"gauge\",\"tags\":" + tagsJson + ",\"points\":[" + points
                + "]}";
    }

    List<Series> decodeMetrics(StreamPublisher.OutgoingRecord r) {
        StreamRecords.Decoded d = codec.decode(r.data());
        assertEquals(List.of(), d.rejected());
        StreamRecord.Metrics m = (StreamRecord.Metrics) d.record();
        assertEquals("acme", m.tenant());
        return m.series();
    }

    /** The series of these records, in record order, each record checked to be under the Kinesis limit. */
    List<Series> decodeAll(List<StreamPublisher.OutgoingRecord> out) {
        List<Series> all = new ArrayList<>();
        for (StreamPublisher.OutgoingRecord rec : out) {
            int size = rec.data().length + rec.partitionKey().getBytes(StandardCharsets.UTF_8).length;
            assertTrue(size <= KINESIS_MAX_RECORD_BYTES, "record of " + size + " bytes");
            all.addAll(decodeMetrics(rec));
        }
        return all;
    }

    static String bucketKeyOf(Series s, String tenant) {
        int b = StreamPacker.bucketOf(s.key(tenant).id(), StreamPacker.DEFAULT_BUCKETS);
        return StreamPacker.partitionKey(b, StreamPacker.DEFAULT_BUCKETS);
    }

    @Test
    void aHostsTenSeriesArePackedIntoOneRecordPerBucketKeyedByTheBucket() {
        List<Series> sent = new ArrayList<>();
        StringBuilder body = new StringBuilder("{\"series\":[");
        for (int i = 0; i < 10; i++) {
            String tags = "{\"host\":\"web-1\",\"n\":\"" + i + "\"}";
            body.append(i == 0 ? "" : ",").append(seriesJson("cpu", tags, new long[]{T}, new double[]{i}));
            sent.add(new Series("cpu", MetricType.GAUGE, Tags.of("host", "web-1", "n", String.valueOf(i)),
                    new long[]{T}, new double[]{i}));
        }
        IngestResult r = ingest.ingestMetrics("acme", utf8(body + "]}"));

        assertEquals(new IngestResult(10, List.of()), r);
        assertEquals(1, publisher.calls.size(), "one publish call for the request");
        List<StreamPublisher.OutgoingRecord> out = publisher.all();
        long bucketsHit = sent.stream().map(s -> bucketKeyOf(s, "acme")).distinct().count();
        assertEquals(bucketsHit, out.size(), "one record per bucket the request's series fall in, not one per series");
        assertTrue(out.size() <= StreamPacker.DEFAULT_BUCKETS);
        assertEquals(out.size(), out.stream().map(StreamPublisher.OutgoingRecord::partitionKey).distinct().count());
        for (StreamPublisher.OutgoingRecord rec : out) {
            for (Series s : decodeMetrics(rec)) {
                assertEquals(bucketKeyOf(s, "acme"), rec.partitionKey(), "every series under its own bucket's key");
            }
        }
        List<Series> received = decodeAll(out);
        assertEquals(sent.size(), received.size(), "each series exactly once");
        assertTrue(received.containsAll(sent));
        assertEquals(10.0, metrics.counter("PointsAccepted"));
    }

    @Test
    void aSeriesGetsTheSameKeyInEveryRequestWhateverElseTheRequestHolds() {
        String cpu = seriesJson("cpu", "{\"host\":\"a\"}", new long[]{T}, new double[]{1});
        ingest.ingestMetrics("acme", utf8("{\"series\":[" + cpu + "]}"));
        StringBuilder crowd = new StringBuilder("{\"series\":[");
        for (int i = 0; i < 50; i++) {
            crowd.append(seriesJson("mem", "{\"host\":\"h" + i + "\"}", new long[]{T}, new double[]{i})).append(',');
        }
        ingest.ingestMetrics("acme", utf8(crowd + cpu + "]}"));

        String first = publisher.calls.get(0).get(0).partitionKey();
        String second = publisher.calls.get(1).stream()
                .filter(rec -> decodeMetrics(rec).stream().anyMatch(s -> s.metric().equals("cpu")))
                .findFirst().orElseThrow().partitionKey();
        assertEquals(first, second, "the key follows the series, not the request: a series stays on its shard");
    }

    @Test
    void theBucketKeysSpreadOverTheHashKeySpaceOneBucketPerSlice() {
        int buckets = 8;
        String[] keys = StreamPacker.partitionKeys(buckets);
        java.math.BigInteger slice = java.math.BigInteger.ONE.shiftLeft(128).divide(java.math.BigInteger.valueOf(buckets));
        for (int b = 0; b < buckets; b++) {
            java.math.BigInteger hash = StreamPacker.hashKey(keys[b]);
            assertEquals(b, hash.divide(slice).intValue(), "key " + keys[b] + " hashes into slice " + b);
        }
        // Kinesis's hash key is the MD5 of the key: the well-known MD5 of "" checks the arithmetic.
        assertEquals(new java.math.BigInteger("d41d8cd98f00b204e9800998ecf8427e", 16), StreamPacker.hashKey(""));
    }

    @Test
    void onePartitionBucketPutsAWholeRequestInOneRecord() {
        IngestService single = new IngestService(payloads, publisher, metrics, 1);
        StringBuilder body = new StringBuilder("{\"series\":[");
        for (int i = 0; i < 200; i++) {
            body.append(i == 0 ? "" : ",").append(seriesJson("cpu", "{\"host\":\"h" + i + "\"}", new long[]{T},
                    new double[]{i}));
        }
        single.ingestMetrics("acme", utf8(body + "]}"));

        List<StreamPublisher.OutgoingRecord> out = publisher.all();
        assertEquals(1, out.size());
        assertEquals(200, decodeMetrics(out.get(0)).size());
        assertTrue(out.get(0).data().length > 1024, "a record that fills the 1 KB on-demand unit: "
                + out.get(0).data().length + " bytes");
    }

    @Test
    void theSameSeriesOfTwoTenantsNeverSharesARecord() {
        String body = "{\"series\":[" + seriesJson("cpu", "{}", new long[]{T}, new double[]{1}) + "]}";
        ingest.ingestMetrics("acme", utf8(body));
        ingest.ingestMetrics("globex", utf8(body));
        assertEquals("acme", codec.decode(publisher.calls.get(0).get(0).data()).record().tenant());
        assertEquals("globex", codec.decode(publisher.calls.get(1).get(0).data()).record().tenant());
    }

    @Test
    void aRequestNearTheBodyLimitStaysUnderTheRecordLimitAndLosesNothing() {
        // Close to the 1 MiB body limit, values with long decimal forms (the worst case for gzip), all in one
        // bucket: the records stay under 1 MiB and hold every point once.
        Random random = new Random(11);
        List<Series> sent = new ArrayList<>();
        StringBuilder body = new StringBuilder("{\"series\":[");
        for (int i = 0; i < 30; i++) {
            long[] ts = new long[800];
            double[] vs = new double[800];
            for (int j = 0; j < ts.length; j++) {
                ts[j] = T + j;
                vs[j] = -random.nextDouble() * 1e-300;
            }
            body.append(i == 0 ? "" : ",").append(seriesJson("lat", "{\"i\":\"" + i + "\"}", ts, vs));
            sent.add(new Series("lat", MetricType.GAUGE, Tags.of("i", String.valueOf(i)), ts, vs));
        }
        IngestService single = new IngestService(payloads, publisher, metrics, 1);
        String json = body + "]}";
        assertTrue(json.length() > 900_000 && json.length() < 1024 * 1024, "a body near the limit: " + json.length());

        IngestResult r = single.ingestMetrics("acme", utf8(json));

        assertEquals(30 * 800, r.accepted());
        List<Series> received = decodeAll(publisher.all());
        assertEquals(sent, received, "every series once, bit for bit, in order within its bucket");
    }

    @Test
    void aLargeSeriesIsSplitIntoPartsUnderOneMebibyteOnTheSameShard() {
        int n = 25_000;
        long[] ts = new long[n];
        double[] vs = new double[n];
        Random random = new Random(5);
        for (int i = 0; i < n; i++) {
            ts[i] = T + i;
            vs[i] = -random.nextDouble() * 1e-300; // long decimal forms: the worst case for size
        }
        String longTags = IntStream.range(0, 20).mapToObj(i -> "\"tag" + i + "\":\"" + "v".repeat(200) + "\"")
                .collect(Collectors.joining(",", "{", "}"));
        String body = "{\"series\":[" + seriesJson("big", longTags, ts, vs) + "]}";

        IngestResult r = ingest.ingestMetrics("acme", utf8(body));

        assertEquals(n, r.accepted());
        List<StreamPublisher.OutgoingRecord> out = publisher.all();
        List<Series> parts = decodeAll(out);
        assertEquals(3, parts.size(), "25,000 points at most 10,000 a part");
        parts.forEach(p -> assertTrue(p.size() <= StreamPacker.MAX_POINTS_PER_SERIES_PART));
        for (StreamPublisher.OutgoingRecord rec : out) {
            assertEquals(out.get(0).partitionKey(), rec.partitionKey(), "every part on the series' shard");
        }
        List<Long> times = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        for (Series part : parts) {
            Arrays.stream(part.timestamps()).forEach(times::add);
            Arrays.stream(part.values()).forEach(values::add);
        }
        assertArrayEquals(ts, times.stream().mapToLong(Long::longValue).toArray(), "nothing lost or reordered");
        assertArrayEquals(vs, values.stream().mapToDouble(Double::doubleValue).toArray());
    }

    @Test
    void badItemsAreRefusedAndTheGoodOnesBesideThemArePackedAndKept() {
        String body = "{\"series\":[" + seriesJson("cpu", "{}", new long[]{T, T + 1}, new double[]{1, 2}) + ","
                + seriesJson("1bad", "{}", new long[]{T}, new double[]{1}) + ","
                + "{\"metric\":\"mem\",\"type\":\"gauge\",\"points\":[[" + T + ",\"x\"],[" + T + ",4]]}]}";
        IngestResult r = ingest.ingestMetrics("acme", utf8(body));

        assertEquals(3, r.accepted());
        assertEquals(2, r.rejected().size());
        assertEquals(Integer.valueOf(1), r.rejected().get(0).series());
        assertEquals(Integer.valueOf(2), r.rejected().get(1).series());
        assertEquals(Integer.valueOf(0), r.rejected().get(1).point());
        List<Series> received = decodeAll(publisher.all());
        assertEquals(2, received.size());
        assertTrue(received.contains(new Series("cpu", MetricType.GAUGE, Tags.EMPTY, new long[]{T, T + 1},
                new double[]{1, 2})));
        assertTrue(received.contains(new Series("mem", MetricType.GAUGE, Tags.EMPTY, new long[]{T}, new double[]{4})));
    }

    @Test
    void aFailingStreamPropagatesAndNothingIsCountedAsAccepted() {
        StreamPublisher down = records -> {
            throw new StreamUnavailableException("the stream took 0 of " + records.size() + " records", records.size(),
                    null);
        };
        IngestService failing = new IngestService(payloads, down, metrics);
        String body = "{\"series\":[" + seriesJson("cpu", "{}", new long[]{T}, new double[]{1}) + "]}";

        StreamUnavailableException e = assertThrows(StreamUnavailableException.class,
                () -> failing.ingestMetrics("acme", utf8(body)));
        assertEquals(1, e.failedRecords());
        assertThrows(StreamUnavailableException.class,
                () -> failing.ingestEvents("acme", utf8("{\"events\":[{\"title\":\"x\",\"kind\":\"note\"}]}")));
        assertEquals(0.0, metrics.counter("PointsAccepted"));
        assertEquals(0.0, metrics.counter("EventsAccepted"));
    }

    @Test
    void aRequestWithNothingValidPublishesNothingAndReportsEveryRejection() {
        String body = "{\"series\":[" + seriesJson("1bad", "{}", new long[]{T}, new double[]{1}) + ","
                + seriesJson("cpu", "{}", new long[]{T / 1000}, new double[]{1}) + "]}";
        IngestResult r = ingest.ingestMetrics("acme", utf8(body));
        assertEquals(0, r.accepted());
        assertEquals(2, r.rejected().size());
        assertEquals(List.of(), publisher.calls, "no call at all");
        assertEquals(1.0, metrics.counter("ItemsRejected.Reason=metric"));
        assertEquals(1.0, metrics.counter("ItemsRejected.Reason=time"));
    }

    @Test
    void anUnreadableBodyIsRefusedBeforeAnythingIsPublished() {
        assertThrows(PayloadException.class, () -> ingest.ingestMetrics("acme", utf8("{\"series\":")));
        assertEquals(List.of(), publisher.calls);
    }

    @Test
    void eventsAreBatchedAHundredToARecordWithIdsAssigned() {
        String body = IntStream.range(0, 250)
                .mapToObj(i -> String.format(Locale.ROOT, "{\"title\":\"deploy %d\",\"kind\":\"deploy\",\"time\":%d}", i, T + i))
                .collect(Collectors.joining(",", "{\"events\":[", "]}"));
        IngestResult r = ingest.ingestEvents("acme", utf8(body));

        assertEquals(250, r.accepted());
        List<StreamPublisher.OutgoingRecord> out = publisher.all();
        assertEquals(3, out.size());
        List<Event> all = new ArrayList<>();
        int[] sizes = new int[3];
        for (int i = 0; i < 3; i++) {
            StreamRecord.Events e = (StreamRecord.Events) codec.decode(out.get(i).data()).record();
            assertEquals("acme", e.tenant());
            assertEquals("acme/" + e.events().get(0).id(), out.get(i).partitionKey());
            sizes[i] = e.events().size();
            all.addAll(e.events());
        }
        assertArrayEquals(new int[]{100, 100, 50}, sizes);
        assertEquals(IntStream.rangeClosed(1, 250).mapToObj(i -> "ev-" + i).toList(), all.stream().map(Event::id).toList());
        assertEquals(IntStream.range(0, 250).mapToObj(i -> "deploy " + i).toList(), all.stream().map(Event::title).toList());
        assertEquals(250.0, metrics.counter("EventsAccepted"));
    }

    @Test
    void rejectionReasonsAreCountedInFewClasses() {
        assertEquals("time", IngestService.reasonClass("timestamp 5 is more than 3653 days in the past"));
        assertEquals("time", IngestService.reasonClass("time 5 is more than 10 minutes in the future"));
        assertEquals("value", IngestService.reasonClass("value must be a finite number, got NaN"));
        assertEquals("metric", IngestService.reasonClass("metric \"x y\" is not a valid name"));
        assertEquals("type", IngestService.reasonClass("type \"h\" is unknown"));
        assertEquals("tags", IngestService.reasonClass("too many tags: 21 (at most 20)"));
        assertEquals("tags", IngestService.reasonClass("tag key \"a b\" is not valid"));
        assertEquals("shape", IngestService.reasonClass("a point must be [timestamp, value]"));
    }
}

package dev.longwatch.model;

import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Packing series into stream records: few records, each under the Kinesis limit, each series on one key. */
class StreamPackerTest {
    static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");
    static final long T = NOW.toEpochMilli() - 120_000;

    final StreamRecords codec = new StreamRecords(new Payloads(IngestLimits.DEFAULT, Clock.fixed(NOW, ZoneOffset.UTC),
            () -> "unused"));

    static Series gauge(String host, int points, Random random) {
        long[] ts = new long[points];
        double[] vs = new double[points];
        for (int i = 0; i < points; i++) {
            ts[i] = T + i;
            vs[i] = random == null ? i : -random.nextDouble() * 1e-300;
        }
        return new Series("cpu", MetricType.GAUGE, Tags.of("host", host), ts, vs);
    }

    List<Series> decode(StreamPacker.Packed p) {
        StreamRecords.Decoded d = codec.decode(p.data());
        assertEquals(List.of(), d.rejected());
        return ((StreamRecord.Metrics) d.record()).series();
    }

    @Test
    void theDocumentedPartitionKeysOfFourBucketsAreStable() {
        // api-spec/kinesis-record-format.md lists these; a producer in another language computes the same.
        assertArrayEquals(new String[]{"lw-2", "lw-14", "lw-3", "lw-1"}, StreamPacker.partitionKeys(4));
        assertArrayEquals(new String[]{"lw-3"}, StreamPacker.partitionKeys(1));
    }

    @Test
    void everyBucketKeyHashesIntoTheMiddleOfItsSliceForAnyBucketCount() {
        for (int buckets : new int[]{1, 2, 3, 4, 16, 64, 1024}) {
            String[] keys = StreamPacker.partitionKeys(buckets);
            BigInteger quarters = BigInteger.valueOf(4L * buckets);
            for (int b = 0; b < buckets; b++) {
                int quarter = StreamPacker.hashKey(keys[b]).multiply(quarters).shiftRight(128).intValue();
                assertTrue(quarter == 4 * b + 1 || quarter == 4 * b + 2, buckets + " buckets, bucket " + b);
            }
        }
    }

    @Test
    void seriesSpreadEvenlyOverTheBuckets() {
        int[] count = new int[4];
        for (int i = 0; i < 4_000; i++) {
            count[StreamPacker.bucketOf(gauge("h" + i, 1, null).key("acme").id(), 4)]++;
        }
        for (int c : count) {
            assertTrue(c > 900 && c < 1_100, "about 1,000 series a bucket: " + java.util.Arrays.toString(count));
        }
    }

    @Test
    void aBucketsSeriesShareOneRecordAndEverySeriesIsInExactlyOne() {
        StreamPacker packer = new StreamPacker(codec, 4);
        List<Series> sent = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            sent.add(gauge("h" + i, 2, null));
        }

        List<StreamPacker.Packed> out = packer.packMetrics("acme", sent);

        assertEquals(4, out.size(), "one record per bucket");
        Map<Series, Integer> seen = new HashMap<>();
        int points = 0;
        for (StreamPacker.Packed p : out) {
            List<Series> inside = decode(p);
            assertEquals(inside.size(), p.series());
            points += p.points();
            for (Series s : inside) {
                int bucket = StreamPacker.bucketOf(s.key("acme").id(), 4);
                assertEquals(StreamPacker.partitionKey(bucket, 4), p.partitionKey());
                seen.merge(s, 1, Integer::sum);
            }
        }
        assertEquals(2_000, points);
        assertEquals(sent.size(), seen.size());
        seen.values().forEach(n -> assertEquals(1, n));
    }

    @Test
    void aRecordThatEncodesAboveTheLimitIsSplitUntilEveryPartFits() {
        // A target far above the limit lets the packer collect too much: the encoded record must then be split.
        StreamPacker packer = new StreamPacker(codec, 1, 64L * 1024 * 1024);
        Random random = new Random(3);
        List<Series> sent = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            sent.add(gauge("h" + i, 10_000, random));
        }

        List<StreamPacker.Packed> out = packer.packMetrics("acme", sent);

        assertTrue(out.size() > 1, "more than one record: " + out.size());
        List<Series> received = new ArrayList<>();
        for (StreamPacker.Packed p : out) {
            assertTrue(p.data().length + p.partitionKey().length() <= StreamPacker.MAX_RECORD_BYTES,
                    p.data().length + " bytes");
            received.addAll(decode(p));
        }
        assertEquals(sent, received, "every series once, in order");
    }

    @Test
    void aSeriesLongerThanAPartIsSlicedInOrderUnderOneKey() {
        StreamPacker packer = new StreamPacker(codec, 16);
        Series big = gauge("a", 25_000, null);

        List<StreamPacker.Packed> out = packer.packMetrics("acme", List.of(big));

        List<Series> parts = new ArrayList<>();
        for (StreamPacker.Packed p : out) {
            assertEquals(out.get(0).partitionKey(), p.partitionKey());
            parts.addAll(decode(p));
        }
        assertEquals(List.of(big.slice(0, 10_000), big.slice(10_000, 20_000), big.slice(20_000, 25_000)), parts);
    }

    @Test
    void nothingToPackIsNoRecord() {
        assertEquals(List.of(), new StreamPacker(codec).packMetrics("acme", List.of()));
    }

    @Test
    void aBucketCountOutsideOneTo1024IsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new StreamPacker(codec, 0));
        assertThrows(IllegalArgumentException.class, () -> new StreamPacker(codec, 1025));
    }
}

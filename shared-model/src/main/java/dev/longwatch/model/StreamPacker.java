package dev.longwatch.model;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Packs a tenant's series into few stream records (format v1), as the ingest API writes them and as a tenant's
 * own producer should (api-spec/kinesis-record-format.md, "Packing").
 *
 * <p>Kinesis bills per record: on-demand rounds every record up to 1 KB, provisioned counts a PUT payload unit
 * per started 25 KB. One record per series (about 235 bytes) pays for 1 KB; several series per record pay for
 * what they weigh.
 *
 * <p>The consumers need a series to stay on one shard: a rollup slab is written once per batch of each shard
 * that carries the series, and it keeps a watermark per shard, so a series spread over shards costs a write and a
 * watermark per shard (correct, but dearer). So series are packed per <em>bucket</em>: the bucket is a fixed
 * function of the series id ({@link #bucketOf}), and every record of a bucket carries the same partition key,
 * chosen so that its MD5 hash key lies in the middle of the bucket's slice of the hash-key space
 * ({@link #partitionKey}). A series therefore always lands on the same shard, and on a stream whose shards split
 * the hash-key space evenly (a new stream, or on-demand's starting 4 shards) into a number of shards that divides
 * the bucket count, every shard carries the same number of buckets.
 *
 * <p>A bucket's records go to one shard, so the bucket count caps how many shards the stream can use (each takes
 * 1 MiB/s and 1,000 records/s): raise it with the stream. Changing it moves series between shards once, which is
 * correct (watermarks are per shard) and costs one more slab write per moved series.
 */
public final class StreamPacker {
    /** On-demand streams start with 4 shards; provisioned streams of 1, 2 or 4 shards are balanced too. */
    public static final int DEFAULT_BUCKETS = 4;
    public static final int MAX_BUCKETS = 1024;
    /** Kinesis's record limit, data plus partition key (streams may allow more; 1 MiB is the default). */
    public static final int MAX_RECORD_BYTES = 1024 * 1024;
    /** Points of one series per record: a longer series is sliced, each slice in order on the same shard. */
    public static final int MAX_POINTS_PER_SERIES_PART = 10_000;
    /**
     * Estimated JSON bytes a record collects before a new one starts. The record is gzipped, so it is several times
     * smaller on the stream; a record still too large once encoded is split in two.
     */
    static final int TARGET_JSON_BYTES = 1024 * 1024;

    private static final Map<Integer, String[]> KEYS = new ConcurrentHashMap<>();

    /** One record to put on the stream. */
    public record Packed(String partitionKey, byte[] data, int series, int points) {
    }

    private final StreamRecords codec;
    private final int buckets;
    private final String[] keys;
    private final long targetJsonBytes;

    public StreamPacker(StreamRecords codec) {
        this(codec, DEFAULT_BUCKETS);
    }

    public StreamPacker(StreamRecords codec, int buckets) {
        this(codec, buckets, TARGET_JSON_BYTES);
    }

    /** With another target (tests use a large one to reach the split of records that come out too large). */
    StreamPacker(StreamRecords codec, int buckets, long targetJsonBytes) {
        if (buckets < 1 || buckets > MAX_BUCKETS) {
            throw new IllegalArgumentException("the bucket count must be 1 to " + MAX_BUCKETS + ", got " + buckets);
        }
        this.codec = codec;
        this.buckets = buckets;
        this.keys = partitionKeys(buckets);
        this.targetJsonBytes = targetJsonBytes;
    }

    public int buckets() {
        return buckets;
    }

    /** The records for these series of one tenant: at most one per bucket unless a bucket outgrows a record. */
    public List<Packed> packMetrics(String tenant, List<Series> series) {
        List<List<Series>> byBucket = new ArrayList<>(buckets);
        for (int i = 0; i < buckets; i++) {
            byBucket.add(new ArrayList<>());
        }
        for (Series s : series) {
            List<Series> bucket = byBucket.get(bucketOf(s.key(tenant).id(), buckets));
            for (int from = 0; from < s.size(); from += MAX_POINTS_PER_SERIES_PART) {
                bucket.add(from == 0 && s.size() <= MAX_POINTS_PER_SERIES_PART ? s
                        : s.slice(from, Math.min(s.size(), from + MAX_POINTS_PER_SERIES_PART)));
            }
        }
        List<Packed> out = new ArrayList<>();
        for (int b = 0; b < buckets; b++) {
            List<Series> parts = byBucket.get(b);
            int start = 0;
            long estimate = 0;
            for (int i = 0; i < parts.size(); i++) {
                long size = estimatedJsonBytes(parts.get(i));
                if (i > start && estimate + size > targetJsonBytes) {
                    encode(tenant, keys[b], parts.subList(start, i), out);
                    start = i;
                    estimate = 0;
                }
                estimate += size;
            }
            if (start < parts.size()) {
                encode(tenant, keys[b], parts.subList(start, parts.size()), out);
            }
        }
        return out;
    }

    private void encode(String tenant, String key, List<Series> parts, List<Packed> out) {
        byte[] data = codec.encode(new StreamRecord.Metrics(tenant, List.copyOf(parts)));
        if (data.length + key.length() > MAX_RECORD_BYTES && parts.size() > 1) {
            // The estimate was short (values with long decimal forms that compress badly): halve and retry.
            int half = parts.size() / 2;
            encode(tenant, key, parts.subList(0, half), out);
            encode(tenant, key, parts.subList(half, parts.size()), out);
            return;
        }
        if (data.length + key.length() > MAX_RECORD_BYTES) {
            // A slice of 10,000 points with the longest names and tags stays far below: this is a bug, not input.
            throw new IllegalStateException("one series part of " + parts.get(0).size() + " points encodes to "
                    + data.length + " bytes, above the record limit");
        }
        int points = 0;
        for (Series s : parts) {
            points += s.size();
        }
        out.add(new Packed(key, data, parts.size(), points));
    }

    /** A generous guess of a series' JSON size (exact sizes would mean encoding twice). */
    static long estimatedJsonBytes(Series s) {
        long head = 48 + s.metric().length();
        for (Map.Entry<String, String> t : s.tags().asMap().entrySet()) {
            head += 6 + t.getKey().length() + t.getValue().length();
        }
        return head + 28L * s.size();
    }

    /**
     * The bucket of a series: its id (32 hex digits of SHA-256, uniformly spread) read as a fraction of the id space,
     * scaled to {@code buckets}. The first 8 hex digits decide.
     */
    public static int bucketOf(String seriesId, int buckets) {
        long top = Long.parseLong(seriesId.substring(0, 8), 16);
        return (int) ((top * buckets) >>> 32);
    }

    /** The partition key of bucket {@code bucket} of {@code buckets} (see {@link #partitionKeys}). */
    public static String partitionKey(int bucket, int buckets) {
        return partitionKeys(buckets)[bucket];
    }

    /**
     * The partition keys of {@code buckets} buckets: for bucket {@code b}, the first of {@code lw-0, lw-1, lw-2, ...}
     * whose MD5 hash key, as Kinesis computes it (the 128-bit unsigned MD5 of the key's UTF-8 bytes), lies in the
     * middle half of the bucket's slice {@code [b, b+1) * 2^128 / buckets}. Deterministic: any producer in any
     * language gets the same keys (api-spec/kinesis-record-format.md shows how).
     */
    public static String[] partitionKeys(int buckets) {
        if (buckets < 1 || buckets > MAX_BUCKETS) {
            throw new IllegalArgumentException("the bucket count must be 1 to " + MAX_BUCKETS + ", got " + buckets);
        }
        return KEYS.computeIfAbsent(buckets, StreamPacker::searchKeys).clone();
    }

    private static String[] searchKeys(int buckets) {
        String[] found = new String[buckets];
        int missing = buckets;
        BigInteger quarters = BigInteger.valueOf(4L * buckets);
        for (long i = 0; missing > 0; i++) {
            String key = "lw-" + i;
            int quarter = hashKey(key).multiply(quarters).shiftRight(128).intValue();
            int bucket = quarter / 4;
            int within = quarter % 4;
            if ((within == 1 || within == 2) && found[bucket] == null) {
                found[bucket] = key;
                missing--;
            }
        }
        return found;
    }

    /** Kinesis's hash key of a partition key: MD5 of its UTF-8 bytes as an unsigned 128-bit number. */
    public static BigInteger hashKey(String partitionKey) {
        try {
            byte[] md5 = MessageDigest.getInstance("MD5").digest(partitionKey.getBytes(StandardCharsets.UTF_8));
            return new BigInteger(1, md5);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is required by every JVM", e);
        }
    }
}

package dev.longwatch.aws.kinesis;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import dev.longwatch.aws.dynamodb.DynamoDbEventStore;
import dev.longwatch.aws.dynamodb.DynamoDbRollupStore;
import dev.longwatch.aws.dynamodb.DynamoDbSeriesIndex;
import dev.longwatch.aws.dynamodb.TableNames;
import dev.longwatch.aws.s3.S3ArchiveStore;
import dev.longwatch.core.archive.ArchiveCompactor;
import dev.longwatch.core.archive.ArchiveReader;
import dev.longwatch.core.archive.ArchiveService;
import dev.longwatch.core.archive.Points;
import dev.longwatch.core.query.QueryResult;
import dev.longwatch.core.query.QueryService;
import dev.longwatch.core.rollup.RollupService;
import dev.longwatch.core.telemetry.InMemoryMetrics;
import dev.longwatch.handler.KinesisArchiveHandler;
import dev.longwatch.handler.KinesisRollupHandler;
import dev.longwatch.model.IngestLimits;
import dev.longwatch.model.MetricType;
import dev.longwatch.model.Payloads;
import dev.longwatch.model.Series;
import dev.longwatch.model.SeriesKey;
import dev.longwatch.model.StreamPacker;
import dev.longwatch.model.StreamRecord;
import dev.longwatch.model.StreamRecords;
import dev.longwatch.model.Tags;
import dev.longwatch.testing.KinesisLocal;
import dev.longwatch.testing.LocalDynamo;
import dev.longwatch.testing.LocalS3;
import dev.longwatch.testing.MutableClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One series on two shards at once, on kinesis-local with two shards: what happens for the length of a stream's
 * retention after the ingest API moved from one record per series (keyed by the series id) to packed records
 * (keyed by the series' bucket), or when a tenant's producer keys a series differently from the ingest API. The
 * rollups and the archive must count every point exactly once, also when both shards are delivered twice and one
 * is retried from its middle; only the cost differs (a rollup write per shard).
 */
class SeriesOnTwoShardsEndToEndTest {
    static final String TENANT = "acme";
    static final long T0 = Instant.parse("2026-11-20T10:00:00Z").toEpochMilli();

    final MutableClock clock = new MutableClock(Instant.ofEpochMilli(T0 + 5 * 60_000));
    final Payloads payloads = new Payloads(IngestLimits.DEFAULT, clock, () -> "unused");
    final StreamRecords codec = new StreamRecords(payloads);
    final InMemoryMetrics metrics = new InMemoryMetrics();
    final Tags tags = Tags.of("host", "a");
    final SeriesKey cpu = new SeriesKey(TENANT, "cpu", MetricType.GAUGE, tags);

    String stream;
    KinesisRollupHandler rollup;
    KinesisArchiveHandler archive;
    S3ArchiveStore s3;
    QueryService query;

    @BeforeEach
    void setUp() {
        stream = KinesisLocal.freshStream(2);
        TableNames tables = LocalDynamo.freshTables();
        DynamoDbRollupStore rollups = new DynamoDbRollupStore(LocalDynamo.client(), tables.rollups(), metrics);
        DynamoDbSeriesIndex index = new DynamoDbSeriesIndex(LocalDynamo.client(), tables.series(), metrics);
        rollup = new KinesisRollupHandler(new RollupService(codec, rollups, index,
                new DynamoDbEventStore(LocalDynamo.client(), tables.events(), metrics), metrics, clock, 4), metrics);
        s3 = new S3ArchiveStore(LocalS3.client(), LocalS3.freshBucket());
        archive = new KinesisArchiveHandler(new ArchiveService(codec, s3, metrics, clock, 2), metrics);
        query = new QueryService(index, rollups, clock, 4);
    }

    void put(String partitionKey, long... timesAndValues) {
        long[] ts = new long[timesAndValues.length / 2];
        double[] vs = new double[ts.length];
        for (int i = 0; i < ts.length; i++) {
            ts[i] = timesAndValues[2 * i];
            vs[i] = timesAndValues[2 * i + 1];
        }
        // Another series beside it in the record, as a packed record has.
        Series other = new Series("mem", MetricType.GAUGE, Tags.of("host", partitionKey), new long[]{ts[0]},
                new double[]{1});
        byte[] data = codec.encode(new StreamRecord.Metrics(TENANT, List.of(
                new Series("cpu", MetricType.GAUGE, tags, ts, vs), other)));
        KinesisLocal.client().putRecord(b -> b.streamName(stream).partitionKey(partitionKey)
                .data(SdkBytes.fromByteArray(data)));
    }

    static KinesisEvent event(String shard, List<Record> records) {
        List<KinesisEvent.KinesisEventRecord> out = new ArrayList<>();
        for (Record r : records) {
            KinesisEvent.Record k = new KinesisEvent.Record();
            k.setPartitionKey(r.partitionKey());
            k.setSequenceNumber(r.sequenceNumber());
            k.setData(ByteBuffer.wrap(r.data().asByteArray()));
            k.setApproximateArrivalTimestamp(Date.from(r.approximateArrivalTimestamp()));
            KinesisEvent.KinesisEventRecord e = new KinesisEvent.KinesisEventRecord();
            e.setKinesis(k);
            e.setEventSource("aws:kinesis");
            e.setEventID(shard + ":" + r.sequenceNumber());
            out.add(e);
        }
        KinesisEvent e = new KinesisEvent();
        e.setRecords(out);
        return e;
    }

    void deliverToBoth(KinesisEvent e) {
        assertEquals(List.of(), rollup.handleRequest(e, null).getBatchItemFailures());
        assertEquals(List.of(), archive.handleRequest(e, null).getBatchItemFailures());
    }

    double minute(String agg) {
        QueryResult r = query.query(TENANT, query.parse("cpu", List.of(), List.of(), agg, Long.toString(T0),
                Long.toString(T0 + 60_000), "60s"));
        assertEquals(1, r.series().size());
        assertEquals(1, r.series().get(0).values().length);
        return r.series().get(0).values()[0];
    }

    void assertCountedOnce() {
        assertEquals(1 + 3 + 4 + 6 + 2, minute("sum"), "each of the five points once");
        assertEquals(1.0, minute("min"));
        assertEquals(6.0, minute("max"));
    }

    /** The shard whose hash-key range holds this key's hash key (Kinesis: MD5 of the key). */
    String shardOfKey(String partitionKey) {
        java.math.BigInteger h = StreamPacker.hashKey(partitionKey);
        for (Shard shard : KinesisLocal.client().listShards(b -> b.streamName(stream)).shards()) {
            java.math.BigInteger low = new java.math.BigInteger(shard.hashKeyRange().startingHashKey());
            java.math.BigInteger high = new java.math.BigInteger(shard.hashKeyRange().endingHashKey());
            if (h.compareTo(low) >= 0 && h.compareTo(high) <= 0) {
                return shard.shardId();
            }
        }
        throw new AssertionError("no shard holds the hash key of " + partitionKey);
    }

    @Test
    void aSeriesWrittenToTwoShardsIsRolledUpAndArchivedExactlyOnceUnderRedelivery() {
        // The old key (the series id) and a bucket key on the other shard: the consumers cannot tell keys apart,
        // only shards, so any key of the other shard stands for "the series moved".
        String oldKey = cpu.id();
        String oldShard = shardOfKey(oldKey);
        String newKey = java.util.Arrays.stream(StreamPacker.partitionKeys(4))
                .filter(k -> !shardOfKey(k).equals(oldShard)).findFirst().orElseThrow();
        String newShard = shardOfKey(newKey);
        put(oldKey, T0, 1, T0 + 10_000, 3);
        put(newKey, T0 + 20_000, 4);
        put(oldKey, T0 + 30_000, 6);
        put(newKey, T0 + 40_000, 2);
        Map<String, List<Record>> onStream = KinesisLocal.readAll(stream);
        assertNotEquals(oldShard, newShard);
        assertEquals(2, onStream.get(oldShard).size(), "two records of the series on one shard");
        assertEquals(2, onStream.get(newShard).size(), "and two on the other");

        List<KinesisEvent> batches = new ArrayList<>();
        onStream.forEach((shard, records) -> batches.add(event(shard, records)));
        batches.forEach(this::deliverToBoth);
        assertCountedOnce();
        double written = metrics.counter("RollupWrites");
        assertTrue(written >= 2, "one write per shard's batch for the series' slab (the cost of two shards)");

        // At least once: both shards again, then one shard retried from its second record.
        batches.forEach(this::deliverToBoth);
        deliverToBoth(event(newShard, onStream.get(newShard).subList(1, 2)));

        assertCountedOnce();
        assertEquals(written, metrics.counter("RollupWrites"), "redelivered records write no rollup");
        Points fresh = new ArchiveReader(s3, 2).read(cpu, T0, T0 + 3_600_000);
        assertEquals(5, fresh.size(), "each point once in the archive's per-batch objects: " + fresh);

        // The hour closes; the compactor merges the objects of both shards into one block.
        clock.set(Instant.ofEpochMilli(T0 + 3_600_000 + 15 * 60_000));
        ArchiveCompactor.Report report = new ArchiveCompactor(s3, metrics, Duration.ofMinutes(10), 2)
                .run(clock, Duration.ofMinutes(1));
        assertEquals(1, report.hoursCompacted());
        assertEquals(0, report.problems());
        Points merged = new ArchiveReader(s3, 2).read(cpu, T0, T0 + 3_600_000);
        long[] times = merged.times().clone();
        java.util.Arrays.sort(times);
        assertArrayEquals(new long[]{T0, T0 + 10_000, T0 + 20_000, T0 + 30_000, T0 + 40_000}, times,
                "each of the five points once after compaction");
    }
}

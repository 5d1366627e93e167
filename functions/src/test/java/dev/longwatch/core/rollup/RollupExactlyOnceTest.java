package dev.longwatch.core.rollup;

import dev.longwatch.aws.dynamodb.DynamoDbEventStore;
import dev.longwatch.aws.dynamodb.DynamoDbRollupStore;
import dev.longwatch.aws.dynamodb.DynamoDbSeriesIndex;
import dev.longwatch.aws.dynamodb.TableNames;
import dev.longwatch.core.telemetry.InMemoryMetrics;
import dev.longwatch.model.IngestLimits;
import dev.longwatch.model.MetricType;
import dev.longwatch.model.Payloads;
import dev.longwatch.model.Series;
import dev.longwatch.model.StreamRecord;
import dev.longwatch.model.StreamRecords;
import dev.longwatch.model.Tags;
import dev.longwatch.testing.LocalDynamo;
import dev.longwatch.testing.MutableClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The same Kinesis batch delivered twice, or retried after a partial failure, never counts twice. */
class RollupExactlyOnceTest {
    static final long T0 = Instant.parse("2026-11-20T10:00:00Z").toEpochMilli();

    MutableClock clock = new MutableClock(Instant.ofEpochMilli(T0 + 3_600_000));
    Payloads payloads = new Payloads(IngestLimits.DEFAULT, clock, () -> "ev");
    StreamRecords codec = new StreamRecords(payloads);
    InMemoryMetrics metrics = new InMemoryMetrics();
    TableNames tables;
    DynamoDbRollupStore store;
    RollupService service;

    @BeforeEach
    void setUp() {
        tables = LocalDynamo.freshTables();
        store = new DynamoDbRollupStore(LocalDynamo.client(), tables.rollups(), metrics);
        service = newService();
    }

    RollupService newService() {
        return new RollupService(codec, store, new DynamoDbSeriesIndex(LocalDynamo.client(), tables.series(), metrics),
                new DynamoDbEventStore(LocalDynamo.client(), tables.events(), metrics), metrics, clock, 8);
    }

    RollupService.IncomingRecord record(String seq, String host, long time, double value) {
        Series s = new Series("cpu", MetricType.COUNTER, Tags.of("host", host), new long[]{time}, new double[]{value});
        return new RollupService.IncomingRecord("shardId-000000000000", seq, T0,
                codec.encode(new StreamRecord.Metrics("acme", List.of(s))));
    }

    double sumOf(String host, long time) {
        SlabKey first = new SlabKey(new Series("cpu", MetricType.COUNTER, Tags.of("host", host), new long[0],
                new double[0]).key("acme").qualifiedId(), Tier.MINUTE, MetricType.COUNTER,
                Tier.MINUTE.slabStart(time, MetricType.COUNTER));
        double sum = 0;
        for (Slab s : store.range(first, first.start())) {
            for (var a : s.slots()) {
                if (a != null) {
                    sum += a.sum();
                }
            }
        }
        return sum;
    }

    @Test
    void theSameBatchDeliveredTwiceCountsOnce() {
        List<RollupService.IncomingRecord> batch = List.of(
                record("49000000000000000000000000000000000000000000000000000001", "a", T0, 5),
                record("49000000000000000000000000000000000000000000000000000002", "a", T0 + 10_000, 7),
                record("49000000000000000000000000000000000000000000000000000003", "b", T0, 1));
        RollupService.BatchOutcome first = service.apply(batch);
        RollupService.BatchOutcome second = newService().apply(batch);

        assertEquals(List.of(), first.failedSequenceNumbers());
        assertEquals(3, first.pointsApplied());
        assertEquals(0, second.pointsApplied());
        assertEquals(3, second.pointsSkippedAsDuplicate());
        assertEquals(0, second.slabWrites());
        assertEquals(12.0, sumOf("a", T0));
        assertEquals(1.0, sumOf("b", T0));
    }

    @Test
    void aRetryFromTheFirstFailedRecordAddsOnlyWhatWasNotWritten() {
        // First attempt: host a's slab is written, host b's write fails (outage on one item).
        List<RollupService.IncomingRecord> batch = new ArrayList<>(List.of(
                record("49000000000000000000000000000000000000000000000000000010", "b", T0, 100),
                record("49000000000000000000000000000000000000000000000000000011", "a", T0, 1),
                record("49000000000000000000000000000000000000000000000000000012", "b", T0 + 1000, 200),
                record("49000000000000000000000000000000000000000000000000000013", "a", T0 + 2000, 2)));
        RollupStore failingForB = new RollupStore() {
            @Override
            public Map<SlabKey, Slab> load(java.util.Collection<SlabKey> keys) {
                return store.load(keys);
            }

            @Override
            public boolean put(Slab slab) {
                Slab probe = slab;
                if (probe.key().seriesId().equals(new Series("cpu", MetricType.COUNTER, Tags.of("host", "b"),
                        new long[0], new double[0]).key("acme").qualifiedId())) {
                    throw new IllegalStateException("injected outage");
                }
                return store.put(slab);
            }

            @Override
            public List<Slab> range(SlabKey first, long toStart) {
                return store.range(first, toStart);
            }
        };
        RollupService flaky = new RollupService(codec, failingForB,
                new DynamoDbSeriesIndex(LocalDynamo.client(), tables.series(), metrics),
                new DynamoDbEventStore(LocalDynamo.client(), tables.events(), metrics), metrics, clock, 8);
        RollupService.BatchOutcome first = flaky.apply(batch);
        assertEquals(List.of("49000000000000000000000000000000000000000000000000000010",
                "49000000000000000000000000000000000000000000000000000012"), first.failedSequenceNumbers());

        // Lambda redelivers from the lowest failed sequence number, plus a newer record.
        List<RollupService.IncomingRecord> retry = new ArrayList<>(batch);
        retry.add(record("49000000000000000000000000000000000000000000000000000014", "a", T0 + 3000, 4));
        RollupService.BatchOutcome second = newService().apply(retry);

        assertEquals(List.of(), second.failedSequenceNumbers());
        assertEquals(300.0, sumOf("b", T0));
        assertEquals(7.0, sumOf("a", T0));
        assertTrue(metrics.counter("DynamoDbWriteUnits") > 0, "write units are counted from ConsumedCapacity");
    }
}

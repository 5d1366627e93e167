package dev.longwatch.core.archive;

import dev.longwatch.aws.dynamodb.DynamoDbEventStore;
import dev.longwatch.aws.dynamodb.DynamoDbRollupStore;
import dev.longwatch.aws.dynamodb.DynamoDbSeriesIndex;
import dev.longwatch.aws.dynamodb.TableNames;
import dev.longwatch.aws.s3.S3ArchiveStore;
import dev.longwatch.core.rollup.RollupService;
import dev.longwatch.core.rollup.Slab;
import dev.longwatch.core.rollup.SlabKey;
import dev.longwatch.core.rollup.Tier;
import dev.longwatch.core.telemetry.InMemoryMetrics;
import dev.longwatch.model.Aggregate;
import dev.longwatch.model.MetricType;
import dev.longwatch.model.SeriesKey;
import dev.longwatch.model.Tags;
import dev.longwatch.testing.LocalDynamo;
import dev.longwatch.testing.LocalS3;
import dev.longwatch.testing.MutableClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The reader re-derives rollups from the archive: fed the same stream batches — redelivered, overlapping, late —
 * the rollup consumer (DynamoDB Local) and the archive consumer (s3proxy) must agree on every minute, to the bit.
 */
class ArchiveReaderTest {
    static final long DAY = Instant.parse("2026-11-20T00:00:00Z").toEpochMilli();
    static final long H = ArchiveBlock.HOUR_MILLIS;
    static final String S0 = "shardId-000000000000";
    static final String S1 = "shardId-000000000001";
    static final SeriesKey GAUGE = new SeriesKey("acme", "cpu", MetricType.GAUGE, Tags.of("host", "a"));
    static final SeriesKey COUNTER = new SeriesKey("acme", "requests", MetricType.COUNTER, Tags.of("route", "/"));
    static final SeriesKey DIST = new SeriesKey("acme", "latency", MetricType.DISTRIBUTION, Tags.EMPTY);

    final MutableClock clock = new MutableClock(Instant.ofEpochMilli(DAY + 23 * H));
    final InMemoryMetrics metrics = new InMemoryMetrics();
    final Random random = new Random(5);
    ArchiveStreamFixture stream;
    DynamoDbRollupStore rollupStore;
    RollupService rollups;
    S3ArchiveStore s3;
    ArchiveService archive;
    ArchiveCompactor compactor;
    ArchiveReader reader;

    @BeforeEach
    void setUp() {
        stream = new ArchiveStreamFixture(clock);
        TableNames tables = LocalDynamo.freshTables();
        rollupStore = new DynamoDbRollupStore(LocalDynamo.client(), tables.rollups(), metrics);
        rollups = new RollupService(stream.codec, rollupStore, new DynamoDbSeriesIndex(LocalDynamo.client(),
                tables.series(), metrics), new DynamoDbEventStore(LocalDynamo.client(), tables.events(), metrics),
                metrics, clock, 4);
        s3 = new S3ArchiveStore(LocalS3.client(), LocalS3.freshBucket());
        archive = new ArchiveService(stream.codec, s3, metrics, clock, 4);
        compactor = new ArchiveCompactor(s3, metrics, Duration.ofMinutes(10), 4);
        reader = new ArchiveReader(s3, 4);
    }

    /** Points of one series in the given hours: several per minute, some sharing a timestamp. */
    ArchiveService.IncomingRecord record(String shard, SeriesKey key, long hour, int n) {
        long[] ts = new long[n];
        double[] vs = new double[n];
        for (int i = 0; i < n; i++) {
            ts[i] = i > 0 && random.nextInt(6) == 0 ? ts[i - 1] : hour + random.nextInt(20) * 60_000L
                    + random.nextInt(60_000);
            vs[i] = switch (key.type()) {
                case GAUGE -> random.nextGaussian() * 37.1 + 50; // full precision: sums depend on order
                case COUNTER -> random.nextInt(3) == 0 ? random.nextInt(500) / 10.0 : random.nextInt(40);
                case DISTRIBUTION -> Math.exp(3 + random.nextGaussian());
            };
        }
        return stream.record(shard, key, ts, vs);
    }

    void feedBoth(List<ArchiveService.IncomingRecord> batch) {
        assertEquals(List.of(), archive.apply(batch).failedSequenceNumbers());
        List<RollupService.IncomingRecord> same = batch.stream().map(r -> new RollupService.IncomingRecord(
                r.shardId(), r.sequenceNumber(), clock.millis(), r.data())).toList();
        assertEquals(List.of(), rollups.apply(same).failedSequenceNumbers());
    }

    SortedMap<Long, Aggregate> storedMinutes(SeriesKey key) {
        SortedMap<Long, Aggregate> out = new TreeMap<>();
        SlabKey first = new SlabKey(key.qualifiedId(), Tier.MINUTE, key.type(), DAY);
        for (Slab slab : rollupStore.range(first, DAY + 24 * H)) {
            Aggregate[] slots = slab.slots();
            for (int i = 0; i < slots.length; i++) {
                if (slots[i] != null && slots[i].count() > 0) {
                    out.put(slab.key().start() + i * Tier.MINUTE.slotMillis(), slots[i]);
                }
            }
        }
        return out;
    }

    static void assertSameAggregate(String what, Aggregate want, Aggregate got) {
        assertEquals(want.count(), got.count(), what + " count");
        assertEquals(Double.doubleToRawLongBits(want.sum()), Double.doubleToRawLongBits(got.sum()),
                what + " sum " + want.sum() + " vs " + got.sum());
        assertEquals(want.min(), got.min(), what + " min");
        assertEquals(want.max(), got.max(), what + " max");
        assertEquals(Double.doubleToRawLongBits(want.last()), Double.doubleToRawLongBits(got.last()), what + " last");
        assertEquals(want.lastTime(), got.lastTime(), what + " lastTime");
        if (want.sketch() != null) {
            assertEquals(want.sketch().getCount(), got.sketch().getCount(), what + " sketch count");
            for (double q : new double[]{0, 0.5, 0.9, 0.99, 1}) {
                assertEquals(want.quantile(q), got.quantile(q), what + " p" + q);
            }
        }
    }

    @Test
    void reDerivedMinuteAggregatesEqualWhatTheRollupConsumerStored() {
        List<ArchiveService.IncomingRecord> records = new ArrayList<>();
        for (long hour : new long[]{2, 3, 7}) {
            records.add(record(S0, GAUGE, DAY + hour * H, 40));
            records.add(record(S1, COUNTER, DAY + hour * H, 30));
            records.add(record(S0, DIST, DAY + hour * H, 200));
            records.add(record(S0, GAUGE, DAY + hour * H, 25));
        }
        List<ArchiveService.IncomingRecord> s0 = records.stream().filter(r -> r.shardId().equals(S0)).toList();
        List<ArchiveService.IncomingRecord> s1 = records.stream().filter(r -> r.shardId().equals(S1)).toList();
        feedBoth(s0.subList(0, 5));
        feedBoth(s0.subList(0, 5)); // redelivered
        feedBoth(s0.subList(3, s0.size())); // a retry from the middle
        feedBoth(s1);
        clock.set(Instant.ofEpochMilli(DAY + 24 * H + 11 * 60_000));
        compactor.run(clock, Duration.ofMinutes(5)); // everything so far is in the daily block now
        List<ArchiveService.IncomingRecord> late = List.of(record(S0, GAUGE, DAY + 3 * H, 30),
                record(S0, DIST, DAY + 7 * H, 50), record(S1, COUNTER, DAY + 2 * H, 10));
        feedBoth(late.stream().filter(r -> r.shardId().equals(S0)).toList());
        feedBoth(late.stream().filter(r -> r.shardId().equals(S1)).toList());
        feedBoth(late.stream().filter(r -> r.shardId().equals(S0)).toList()); // redelivered, still raw

        for (SeriesKey key : List.of(GAUGE, COUNTER, DIST)) {
            SortedMap<Long, Aggregate> want = storedMinutes(key);
            SortedMap<Long, Aggregate> got = reader.aggregate(key, DAY, DAY + 24 * H, ArchiveReader.Resolution.MINUTE);
            assertTrue(want.size() > 40, "the data covers many minutes of " + key.metric());
            assertEquals(want.keySet(), got.keySet(), "minutes of " + key.metric());
            for (long minute : want.keySet()) {
                assertSameAggregate(key.metric() + " at " + Instant.ofEpochMilli(minute), want.get(minute),
                        got.get(minute));
            }
        }
    }

    @Test
    void hourAndDayAggregatesAreTheMinutesMerged() {
        for (long hour : new long[]{1, 2, 5}) {
            long[] ts = new long[60];
            double[] vs = new double[60];
            for (int i = 0; i < ts.length; i++) {
                ts[i] = DAY + hour * H + random.nextInt((int) H);
                vs[i] = random.nextInt(1_000); // integers: sums are exact in any order
            }
            feedBoth(List.of(stream.record(S1, COUNTER, ts, vs)));
        }
        Map<Long, Aggregate> minutes = reader.aggregate(COUNTER, DAY, DAY + 24 * H, ArchiveReader.Resolution.MINUTE);
        for (ArchiveReader.Resolution r : List.of(ArchiveReader.Resolution.HOUR, ArchiveReader.Resolution.DAY)) {
            SortedMap<Long, Aggregate> merged = new TreeMap<>();
            minutes.forEach((m, a) -> merged.computeIfAbsent(Math.floorDiv(m, r.millis()) * r.millis(),
                    s -> new Aggregate()).merge(a));
            SortedMap<Long, Aggregate> got = reader.aggregate(COUNTER, DAY, DAY + 24 * H, r);
            assertEquals(merged.keySet(), got.keySet(), r.name());
            merged.forEach((slot, want) -> assertSameAggregate(r + " " + slot, want, got.get(slot)));
        }
    }

    @Test
    void aReadReturnsOnlyTheRangeAndTheTenantAsked() {
        SeriesKey other = new SeriesKey("acme-2", "cpu", MetricType.GAUGE, Tags.of("host", "a"));
        feedBoth(List.of(record(S0, GAUGE, DAY + 4 * H, 20), record(S0, other, DAY + 4 * H, 20)));

        Map<SeriesKey, Points> all = reader.read("acme", DAY, DAY + 24 * H, k -> true);
        assertEquals(List.of(GAUGE), List.copyOf(all.keySet()), "acme-2 shares a key prefix, not the data");

        long from = DAY + 4 * H + 5 * 60_000;
        long to = DAY + 4 * H + 9 * 60_000;
        Points window = reader.read(GAUGE, from, to);
        Points expected = stream.truth("acme", from, to).get(GAUGE);
        assertEquals(expected, window);
        for (int i = 0; i < window.size(); i++) {
            assertTrue(window.time(i) >= from && window.time(i) < to);
        }
        assertEquals(0, reader.read(GAUGE, DAY + 5 * H, DAY + 6 * H).size());
    }

    @Test
    void aReadFetchesOnlyTheObjectsOfTheHoursItsRangeTouches() {
        // Hours 2 and 3 compacted into hourly blocks, hour 5 still in per-batch objects.
        feedBoth(List.of(record(S0, GAUGE, DAY + 2 * H, 20)));
        feedBoth(List.of(record(S0, GAUGE, DAY + 3 * H, 20)));
        clock.set(Instant.ofEpochMilli(DAY + 4 * H + 11 * 60_000));
        assertEquals(2, compactor.run(clock, Duration.ofMinutes(1)).hoursCompacted());
        feedBoth(List.of(record(S0, GAUGE, DAY + 5 * H, 20)));
        List<String> fetched = java.util.Collections.synchronizedList(new ArrayList<>());
        ArchiveReader watched = new ArchiveReader(watching(fetched), 4);

        Points hour3 = watched.read(GAUGE, DAY + 3 * H, DAY + 4 * H);

        assertEquals(stream.truth("acme", DAY + 3 * H, DAY + 4 * H).get(GAUGE), hour3);
        // The day's block (none yet) is always asked for; of the hourly and per-batch objects only hour 3's.
        assertEquals(java.util.Set.of(ArchiveKeys.hour("acme", DAY + 3 * H), ArchiveKeys.day("acme", DAY)),
                java.util.Set.copyOf(fetched));
        assertEquals(2, fetched.size());
    }

    /** The s3proxy store, noting every GET; a reader never writes or deletes. */
    ArchiveStore watching(List<String> fetched) {
        return new ArchiveStore() {
            public java.util.Optional<Stored> get(String key) {
                fetched.add(key);
                return s3.get(key);
            }

            public String put(String key, byte[] bytes) {
                throw new AssertionError("a reader never writes");
            }

            public boolean putIfUnchanged(String key, byte[] bytes, String expectedEtag) {
                throw new AssertionError("a reader never writes");
            }

            public List<Listed> list(String prefix) {
                return s3.list(prefix);
            }

            public List<String> listPrefixes(String prefix) {
                return s3.listPrefixes(prefix);
            }

            public void delete(String key) {
                throw new AssertionError("a reader never deletes");
            }

            public boolean deleteIfUnchanged(String key, String etag) {
                throw new AssertionError("a reader never deletes");
            }
        };
    }

    @Test
    void aCachingReaderFetchesOnlyObjectsItHasNotReadAndRereadsABlockThatChanged() {
        feedBoth(List.of(record(S0, GAUGE, DAY + 2 * H, 20)));
        feedBoth(List.of(record(S0, GAUGE, DAY + 5 * H, 20)));
        List<String> fetched = java.util.Collections.synchronizedList(new ArrayList<>());
        ArchiveReader cached = new ArchiveReader(watching(fetched), 4, 16);
        Points first = cached.read(GAUGE, DAY, DAY + 24 * H);
        int firstFetches = fetched.size();

        fetched.clear();
        assertEquals(first, cached.read(GAUGE, DAY, DAY + 24 * H));
        assertEquals(List.of(ArchiveKeys.day("acme", DAY)), fetched, "only the daily block, which is not listed");

        // Hour 2 is compacted into an hourly block, then late data rewrites that block (a new ETag).
        clock.set(Instant.ofEpochMilli(DAY + 3 * H + 11 * 60_000));
        compactor.run(clock, Duration.ofMinutes(1));
        feedBoth(List.of(record(S1, GAUGE, DAY + 2 * H, 5)));
        compactor.run(clock, Duration.ofMinutes(1));
        fetched.clear();
        Points after = cached.read(GAUGE, DAY, DAY + 24 * H);
        assertEquals(stream.truth("acme", DAY, DAY + 24 * H).get(GAUGE), after);
        assertTrue(fetched.contains(ArchiveKeys.hour("acme", DAY + 2 * H)), fetched.toString());
        assertTrue(firstFetches >= 3, "the first read fetched the per-batch objects and the daily block");
    }
}

package dev.longwatch.core.archive;

import dev.longwatch.aws.s3.S3ArchiveStore;
import dev.longwatch.core.Concurrently;
import dev.longwatch.core.query.QueryResult;
import dev.longwatch.core.query.QueryService;
import dev.longwatch.core.rollup.CompactionProgress;
import dev.longwatch.core.rollup.LateArrivals;
import dev.longwatch.core.rollup.RollupService;
import dev.longwatch.core.rollup.RollupStore;
import dev.longwatch.core.rollup.Slab;
import dev.longwatch.core.rollup.SlabCodec;
import dev.longwatch.core.rollup.SlabKey;
import dev.longwatch.core.rollup.Tier;
import dev.longwatch.handler.ScheduledCompactorHandler;
import dev.longwatch.model.Aggregate;
import dev.longwatch.model.MetricType;
import dev.longwatch.model.Series;
import dev.longwatch.model.Tags;
import dev.longwatch.testing.ForwardingRollupStore;
import dev.longwatch.testing.LocalS3;
import dev.longwatch.testing.TieredRollups;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The minute tier written from the archive (LONGWATCH_MINUTE_TIER=archive), on DynamoDB Local and s3proxy: the
 * same stream records go to a stream-mode deployment (rollup consumer, rollup compactor) and to an archive-mode
 * one (archive consumer registering series, archive compactor writing minute slabs, then the rollup compactor),
 * and every minute, hour and day slot must come out identical to the bit.
 */
class MinuteTierFromArchiveTest {
    /** The last hour of a UTC day, so the day tier is compacted too. */
    static final long T0 = Instant.parse("2026-11-20T23:00:00Z").toEpochMilli();
    static final long MINUTE = 60_000;
    static final String TENANT = "acme";

    TieredRollups stream;
    TieredRollups arch;
    S3ArchiveStore s3;
    ArchiveService archiveConsumer;
    MinuteTierWriter writer;
    final List<List<BlockPart>> handedOver = new ArrayList<>();

    @BeforeEach
    void setUp() {
        stream = new TieredRollups(Instant.ofEpochMilli(T0));
        arch = new TieredRollups(Instant.ofEpochMilli(T0));
        s3 = new S3ArchiveStore(LocalS3.client(), LocalS3.freshBucket());
        archiveConsumer = new ArchiveService(arch.codec, s3, arch.metrics, arch.clock, 2, arch.index,
                new LateArrivals(arch.state, arch.metrics));
        writer = writer(arch.store);
    }

    MinuteTierWriter writer(RollupStore store) {
        return new MinuteTierWriter(store, new LateArrivals(arch.state, arch.metrics), arch.retention, arch.metrics,
                arch.clock, 4);
    }

    ScheduledCompactorHandler archiveModeCompactor(MinuteTierWriter w) {
        ArchiveCompactor compactor = new ArchiveCompactor(s3, arch.metrics, Duration.ofMinutes(10), 2,
                (tenant, hour, parts, first) -> {
                    handedOver.add(parts);
                    w.hourMerged(tenant, hour, parts, first);
                });
        return new ScheduledCompactorHandler(arch.compactor(), compactor, arch.clock, arch.metrics, true);
    }

    static Series gauge(String host, long[] t, double[] v) {
        return new Series("cpu", MetricType.GAUGE, Tags.of("host", host), t, v);
    }

    /** Five minutes of three series (gauge, counter, distribution), several points a minute, awkward sums. */
    static Series[] fiveMinutes(long firstMinute) {
        int n = 5 * 3;
        long[] t = new long[n];
        double[] g = new double[n];
        double[] c = new double[n];
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            t[i] = T0 + firstMinute * MINUTE + i * 20_000 + 3_000;
            g[i] = 0.1 * (i + firstMinute) + 1.0 / 3;
            c[i] = 7 * i + firstMinute + 0.7;
            d[i] = Math.exp((i % 7) * 0.9) / 3;
        }
        return new Series[]{gauge("a", t, g),
                new Series("requests", MetricType.COUNTER, Tags.of("route", "/x"), t, c),
                new Series("latency", MetricType.DISTRIBUTION, Tags.of("route", "/x"), t, d)};
    }

    /** The same batch to both deployments: the rollup consumer of one, the archive consumer of the other. */
    void toBoth(List<RollupService.IncomingRecord> batch) {
        stream.apply(stream.rollups(), batch);
        toArchive(batch);
    }

    void toArchive(List<RollupService.IncomingRecord> batch) {
        List<ArchiveService.IncomingRecord> same = new ArrayList<>();
        batch.forEach(r -> same.add(new ArchiveService.IncomingRecord(r.shardId(), r.sequenceNumber(), r.data())));
        assertEquals(List.of(), archiveConsumer.apply(same).failedSequenceNumbers());
    }

    void at(long millis) {
        stream.clock.set(Instant.ofEpochMilli(millis));
        arch.clock.set(Instant.ofEpochMilli(millis));
    }

    /** The hour 23:00-24:00 in twelve five-minute batches. */
    void feedTheHour() {
        for (long m = 0; m < 60; m += 5) {
            at(T0 + (m + 5) * MINUTE);
            toBoth(stream.batch(TENANT, fiveMinutes(m)));
        }
    }

    /** The stream deployment's compactor and the archive deployment's scheduled compactor, at {@code time}. */
    void compactBoth(long time) {
        at(time);
        stream.compactor().run(Duration.ofMinutes(1));
        archiveModeCompactor(writer).handleRequest(Map.of(), null);
    }

    /**
     * The slabs of the hour in the archive deployment's layout: one whole-hour minute slab per series (the stream
     * writes 10-minute and 1-minute ones: minutes are compared slot by slot, {@link #assertSameMinutes}).
     */
    List<SlabKey> slabsOfTheHour(Tier tier) {
        List<SlabKey> out = new ArrayList<>();
        for (Series s : fiveMinutes(0)) {
            String q = s.key(TENANT).qualifiedId();
            out.add(tier == Tier.MINUTE ? SlabKey.wholeHour(q, s.type(), T0)
                    : new SlabKey(q, tier, s.type(), tier.slabStart(T0, s.type())));
        }
        return out;
    }

    /** Every slab's slots, encoded: equal bytes are equal aggregates to the bit (sums, sketches). */
    static void assertSameSlots(RollupStore expected, RollupStore actual, List<SlabKey> keys, String what) {
        Map<SlabKey, Slab> e = expected.load(keys);
        Map<SlabKey, Slab> a = actual.load(keys);
        assertEquals(keys.size(), e.size(), "the stream deployment wrote every " + what + " slab");
        for (SlabKey k : keys) {
            assertNotNull(a.get(k), what + " slab " + k + " is written from the archive");
            assertArrayEquals(SlabCodec.encode(k, e.get(k).merged()), SlabCodec.encode(k, a.get(k).merged()),
                    what + " slab " + k + " has the stream's aggregates to the bit");
        }
    }

    /** Per series and minute of the hour, its aggregate encoded alone (equal text: equal to the bit), read by range. */
    Map<String, String> minutesOfTheHour(RollupStore store) {
        Map<String, String> out = new java.util.TreeMap<>();
        for (Series s : fiveMinutes(0)) {
            String q = s.key(TENANT).qualifiedId();
            for (Slab slab : store.range(new SlabKey(q, Tier.MINUTE, s.type(), T0, 1), T0 + 59 * MINUTE)) {
                Aggregate[] slots = slab.merged();
                for (int i = 0; i < slots.length; i++) {
                    if (slots[i] != null) {
                        long t = slab.key().start() + i * MINUTE;
                        byte[] one = SlabCodec.encode(new SlabKey(q, Tier.MINUTE, s.type(), t, 1),
                                new Aggregate[]{slots[i]});
                        out.put(q + "@" + t, java.util.HexFormat.of().formatHex(one));
                    }
                }
            }
        }
        return out;
    }

    /** Both hold the same minutes of the hour, to the bit, whatever their slab layouts. */
    void assertSameMinutes(RollupStore stream, RollupStore archive) {
        Map<String, String> expected = minutesOfTheHour(stream);
        assertEquals(3 * 60, expected.size(), "the stream deployment wrote every minute of the hour");
        assertEquals(expected, minutesOfTheHour(archive), "the archive's minutes are the stream's to the bit");
    }

    @Test
    void archiveModeWritesTheMinuteHourAndDaySlotsTheStreamWritesBitForBit() {
        feedTheHour();
        compactBoth(T0 + 71 * MINUTE);

        assertSameMinutes(stream.store, arch.store);
        assertSameSlots(stream.store, arch.store, slabsOfTheHour(Tier.HOUR), "hour");
        assertSameSlots(stream.store, arch.store, slabsOfTheHour(Tier.DAY), "day");
    }

    @Test
    void theArchiveConsumerRegistersSeriesAndStartsTheTenant() {
        at(T0 + 5 * MINUTE);
        toArchive(stream.batch(TENANT, fiveMinutes(0)));

        assertEquals(List.of(TENANT), arch.index.tenants());
        assertEquals(List.of("a"), arch.index.series(TENANT, "cpu").stream().map(d -> d.tags().asMap().get("host"))
                .toList());
        assertEquals(3, arch.index.allSeries(TENANT).size());
        assertEquals(CompactionProgress.startingAt(T0 + 5 * MINUTE), arch.state.progress(TENANT).orElseThrow());
    }

    @Test
    void writingAnHourAgainChangesNothing() {
        feedTheHour();
        compactBoth(T0 + 71 * MINUTE);
        Map<SlabKey, Slab> before = arch.store.load(slabsOfTheHour(Tier.MINUTE));

        MinuteTierWriter.Result again = writer.write(TENANT, T0, handedOver.get(0));

        assertEquals(new MinuteTierWriter.Result(0, before.size(), before.size()), again);
        Map<SlabKey, Slab> after = arch.store.load(slabsOfTheHour(Tier.MINUTE));
        before.forEach((k, s) -> assertEquals(s.version(), after.get(k).version(), "slab " + k + " not rewritten"));
    }

    @Test
    void twoRunsWritingTheSameHourAtOnceWriteEachSlabOnce() {
        feedTheHour();
        compactBoth(T0 + 71 * MINUTE);
        List<BlockPart> parts = handedOver.get(0);
        TieredRollups fresh = new TieredRollups(Instant.ofEpochMilli(T0 + 71 * MINUTE));
        MinuteTierWriter w = new MinuteTierWriter(fresh.store, new LateArrivals(fresh.state, fresh.metrics),
                fresh.retention, fresh.metrics, fresh.clock, 4);

        List<MinuteTierWriter.Result> both = Concurrently.map(List.of(1, 2), 2, i -> w.write(TENANT, T0, parts));

        int slabs = slabsOfTheHour(Tier.MINUTE).size();
        assertEquals(slabs, both.get(0).written() + both.get(1).written(), "each slab written by one of them");
        assertSameMinutes(stream.store, fresh.store);
        fresh.store.load(slabsOfTheHour(Tier.MINUTE)).values().forEach(s -> assertEquals(1, s.version()));
    }

    @Test
    void twoScheduledCompactorRunsAtOnceLeaveTheSameTiersAsOne() {
        feedTheHour();
        at(T0 + 71 * MINUTE);
        stream.compactor().run(Duration.ofMinutes(1));

        Concurrently.map(List.of(1, 2), 2, i -> archiveModeCompactor(writer).handleRequest(Map.of(), null));

        assertSameMinutes(stream.store, arch.store);
        assertSameSlots(stream.store, arch.store, slabsOfTheHour(Tier.HOUR), "hour");
        assertSameSlots(stream.store, arch.store, slabsOfTheHour(Tier.DAY), "day");
    }

    @Test
    void noHourIsCompactedBeforeItsMinutesAreWritten() {
        feedTheHour();
        AtomicBoolean failing = new AtomicBoolean(true);
        RollupStore outage = new ForwardingRollupStore(arch.store) {
            @Override
            public boolean put(Slab slab) {
                if (failing.get() && slab.key().tier() == Tier.MINUTE) {
                    throw new IllegalStateException("DynamoDB is unreachable (test)");
                }
                return super.put(slab);
            }
        };
        at(T0 + 71 * MINUTE);
        stream.compactor().run(Duration.ofMinutes(1));

        ScheduledCompactorHandler handler = archiveModeCompactor(writer(outage));
        assertThrows(IllegalStateException.class, () -> handler.handleRequest(Map.of(), null),
                "the run reports the hour it could not finish");
        assertEquals(T0, arch.state.progress(TENANT).orElseThrow().hourDone(), "hour 23 waits for its minutes");
        assertNull(arch.store.load(slabsOfTheHour(Tier.HOUR)).get(slabsOfTheHour(Tier.HOUR).get(0)));

        failing.set(false);
        at(T0 + 72 * MINUTE);
        handler.handleRequest(Map.of(), null);

        assertEquals(T0 + 60 * MINUTE, arch.state.progress(TENANT).orElseThrow().hourDone());
        assertSameSlots(stream.store, arch.store, slabsOfTheHour(Tier.HOUR), "hour");
    }

    @Test
    void lateDataAfterTheHourWasCompactedRewritesItsMinutesHourAndDay() {
        feedTheHour();
        compactBoth(T0 + 71 * MINUTE);
        assertEquals(T0 + 60 * MINUTE, arch.state.progress(TENANT).orElseThrow().dayDone(), "the day is compacted");

        at(T0 + 80 * MINUTE);
        toBoth(stream.batch(TENANT, gauge("a", new long[]{T0 + 30 * MINUTE + 1}, new double[]{1e6})));
        compactBoth(T0 + 81 * MINUTE);

        assertSameMinutes(stream.store, arch.store);
        assertSameSlots(stream.store, arch.store, slabsOfTheHour(Tier.HOUR), "hour");
        assertSameSlots(stream.store, arch.store, slabsOfTheHour(Tier.DAY), "day");
        Series cpu = gauge("a", new long[0], new double[0]);
        assertEquals(1e6, arch.slot(TENANT, cpu, Tier.DAY, T0).max(), "the late point reached the day");
    }

    @Test
    void aQueryAcrossTheFreshTailBoundaryCountsEveryMinuteOnce() {
        feedTheHour();
        compactBoth(T0 + 71 * MINUTE);
        // Minutes 60-79 (the next day's first hour) are only in the archive.
        for (long m = 60; m < 80; m += 5) {
            toArchive(stream.batch(TENANT, gauge("a", new long[]{T0 + m * MINUTE + 1}, new double[]{m})));
        }
        at(T0 + 81 * MINUTE);
        QueryService q = new QueryService(arch.index, arch.store, arch.state, arch.retention, arch.clock, 4,
                QueryService.FreshTail.untilCompacted(new ArchiveReader(s3, 2, 64), Duration.ofMinutes(5)));

        QueryResult r = TieredRollups.query(q, TENANT, "cpu", "count", T0, T0 + 81 * MINUTE, "60s");

        assertEquals(List.of("minute", "archive"), r.tiers());
        double[] counts = r.series().get(0).values();
        assertEquals(60 + 4, counts.length);
        for (int m = 0; m < 60; m++) {
            assertEquals(3.0, counts[m], "minute " + m + " from the minute rollups only");
        }
        assertArrayEquals(new double[]{1, 1, 1, 1}, java.util.Arrays.copyOfRange(counts, 60, 64),
                "the uncompacted hour from the archive only");
        QueryResult hourly = TieredRollups.query(q, TENANT, "cpu", "count", T0, T0 + 81 * MINUTE, "1h");
        assertEquals(List.of("hour", "minute", "archive"), hourly.tiers());
        assertArrayEquals(new double[]{180, 4}, hourly.series().get(0).values());
    }

    @Test
    void withoutTheCompactionBoundTheUncompactedHourWouldBeMissing() {
        feedTheHour();
        compactBoth(T0 + 71 * MINUTE);
        for (long m = 60; m < 80; m += 5) {
            toArchive(stream.batch(TENANT, gauge("a", new long[]{T0 + m * MINUTE + 1}, new double[]{m})));
        }
        at(T0 + 81 * MINUTE);
        QueryService plain = new QueryService(arch.index, arch.store, arch.state, arch.retention, arch.clock, 4,
                new QueryService.FreshTail(new ArchiveReader(s3, 2), Duration.ofMinutes(5)));

        QueryResult r = TieredRollups.query(plain, TENANT, "cpu", "count", T0 + 60 * MINUTE, T0 + 81 * MINUTE,
                "60s");

        assertEquals(List.of(), r.series(), "minutes 00:00-00:15 are neither in the rollups nor in a 5-minute tail");
    }

    @Test
    void anHourPastTheMinuteRetentionGoesStraightIntoItsHourSlot() {
        // A backfill of last year's data: the stream path writes such points into the hour tier directly.
        long old = T0 - 400L * 86_400_000;
        long[] t = {old + 60_000, old + 120_000};
        double[] v = {1.5, 2.5};
        at(T0 + 71 * MINUTE);
        toBoth(stream.batch(TENANT, gauge("a", t, v)));
        stream.compactFully(stream.compactor());
        archiveModeCompactor(writer).handleRequest(Map.of(), null);

        Series cpu = gauge("a", new long[0], new double[0]);
        assertNull(arch.slab(TENANT, cpu, Tier.MINUTE, old), "no minutes written past the minute retention");
        assertEquals(stream.slot(TENANT, cpu, Tier.HOUR, old).sum(), arch.slot(TENANT, cpu, Tier.HOUR, old).sum());
        assertEquals(4.0, arch.slot(TENANT, cpu, Tier.DAY, old).sum(), "the day is recomputed on request");
    }
}

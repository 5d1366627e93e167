package dev.longwatch.core.rollup.compact;

import dev.longwatch.core.rollup.CompactionProgress;
import dev.longwatch.core.rollup.CompactionStateStore;
import dev.longwatch.core.rollup.RecomputeRequest;
import dev.longwatch.core.rollup.RollupService;
import dev.longwatch.core.rollup.Slab;
import dev.longwatch.core.rollup.SlabKey;
import dev.longwatch.core.rollup.Tier;
import dev.longwatch.model.Aggregate;
import dev.longwatch.model.MetricType;
import dev.longwatch.model.Series;
import dev.longwatch.model.Tags;
import dev.longwatch.testing.ForwardingRollupStore;
import dev.longwatch.testing.TieredRollups;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The compactor on DynamoDB Local with a clock the test moves: hours and days are built from what the rollup
 * wrote, exactly once however often and however concurrently it runs, and late data reaches every tier.
 */
class CompactorServiceTest {
    /** Midnight UTC, so hour and day slots start here. */
    static final long T0 = Instant.parse("2026-11-20T00:00:00Z").toEpochMilli();
    static final long MIN = 60_000;
    static final long HOUR = 3_600_000;
    static final long DAY = 86_400_000;

    /** Late in hour 0, so a whole hour of points is in the past (the ingest window ends 10 minutes ahead). */
    final TieredRollups tiers = new TieredRollups(Instant.ofEpochMilli(T0 + 50 * MIN));

    static Series gauge(String host, long[] times, double[] values) {
        return new Series("cpu", MetricType.GAUGE, Tags.of("host", host), times, values);
    }

    static Series point(String host, long time, double value) {
        return gauge(host, new long[]{time}, new double[]{value});
    }

    /** Points at minutes 1, 7, 13 ... of the hour starting at {@code hour}, valued base + i. */
    static Series hourOfPoints(String host, long hour, double base) {
        long[] t = new long[10];
        double[] v = new double[10];
        for (int i = 0; i < 10; i++) {
            t[i] = hour + (1 + 6 * i) * MIN;
            v[i] = base + i;
        }
        return gauge(host, t, v);
    }

    static void assertAggregate(long count, double sum, double min, double max, double last, Aggregate a,
                                String what) {
        assertNotNull(a, what + " has data");
        assertEquals(count, a.count(), what + " count");
        assertEquals(sum, a.sum(), what + " sum");
        assertEquals(min, a.min(), what + " min");
        assertEquals(max, a.max(), what + " max");
        assertEquals(last, a.last(), what + " last");
    }

    void at(long millis) {
        tiers.clock.set(Instant.ofEpochMilli(millis));
    }

    // ---------------------------------------------------------------------------------------------------------
    // Compaction

    @Test
    void anHourIsCompactedFromItsMinutesOnlyOnceItsGracePeriodHasPassed() {
        Series s = hourOfPoints("a", T0, 10);
        tiers.write("acme", s);
        CompactorService compactor = tiers.compactor();

        at(T0 + HOUR + 4 * MIN);
        assertEquals(0, compactor.run(Duration.ofMinutes(1)).hoursCompacted(), "4 minutes after the hour: wait");
        assertNull(tiers.slot("acme", s, Tier.HOUR, T0));

        at(T0 + HOUR + 5 * MIN);
        CompactionReport r = compactor.run(Duration.ofMinutes(1));
        assertEquals(1, r.hoursCompacted());
        assertEquals(1, r.slabWrites());
        assertTrue(r.complete());
        assertAggregate(10, 145, 10, 19, 19, tiers.slot("acme", s, Tier.HOUR, T0), "hour 0");
        assertEquals(List.of(new CompactionReport.TenantProgress("acme", T0 + HOUR, T0)), r.progress());
    }

    @Test
    void aRunThatFailsAfterWritingIsRedoneWithoutWritingOrCountingAgain() {
        Series s = hourOfPoints("a", T0, 10);
        tiers.write("acme", s);
        at(T0 + HOUR + 10 * MIN);
        // The first run writes the hour, then cannot save that it is done (an outage, a crash).
        AtomicBoolean failOnce = new AtomicBoolean(true);
        CompactorService crashing = new CompactorService(tiers.index, tiers.store, new ForwardingState(tiers.state) {
            @Override
            public void advance(String tenant, CompactionProgress.Mark mark, long through) {
                if (mark == CompactionProgress.Mark.HOUR_DONE && failOnce.getAndSet(false)) {
                    throw new IllegalStateException("injected outage");
                }
                super.advance(tenant, mark, through);
            }
        }, tiers.retention, tiers.metrics, tiers.clock, CompactorService.Limits.DEFAULT);

        CompactionReport first = crashing.run(Duration.ofMinutes(1));
        assertEquals(1, first.failedTenants());
        assertEquals(1, first.slabWrites(), "the hour was written before the failure");

        CompactionReport again = tiers.compactor().run(Duration.ofMinutes(1));
        assertEquals(1, again.hoursCompacted(), "the hour is compacted again");
        assertEquals(0, again.slabWrites(), "to the same content: nothing is written");
        assertEquals(1, again.slabsUnchanged());
        assertEquals(1, tiers.slab("acme", s, Tier.HOUR, T0).version());
        assertAggregate(10, 145, 10, 19, 19, tiers.slot("acme", s, Tier.HOUR, T0), "hour 0");
    }

    @Test
    void aSecondRunInTheMiddleOfTheFirstLeavesEverySlotWrittenOnce() {
        Series a = hourOfPoints("a", T0, 10);
        Series b = hourOfPoints("b", T0, 100);
        tiers.write("acme", a, b);
        at(T0 + DAY + 10 * MIN);
        List<CompactionReport> inner = new ArrayList<>();
        AtomicBoolean stepIn = new AtomicBoolean(true);
        // Run A stops just before its first hour write; run B does everything; then A goes on.
        ForwardingRollupStore interleaving = new ForwardingRollupStore(tiers.store) {
            @Override
            public boolean put(Slab slab) {
                if (slab.key().tier() == Tier.HOUR && stepIn.getAndSet(false)) {
                    inner.add(tiers.compactor().run(Duration.ofMinutes(1)));
                }
                return super.put(slab);
            }
        };
        // One series at a time in A, so B runs before any of A's writes.
        CompactionReport outer = tiers.compactor(interleaving, new CompactorService.Limits(48, 14, 100, 1))
                .run(Duration.ofMinutes(1));

        assertEquals(4, inner.get(0).slabWrites(), "B writes hour 0 and day 0 of both series");
        assertEquals(0, outer.slabWrites(), "A finds every slot already as it would write it");
        for (Series s : List.of(a, b)) {
            assertEquals(1, tiers.slab("acme", s, Tier.HOUR, T0).version(), "one write per hour slab");
            assertEquals(1, tiers.slab("acme", s, Tier.DAY, T0).version(), "one write per day slab");
        }
        assertAggregate(10, 145, 10, 19, 19, tiers.slot("acme", a, Tier.DAY, T0), "day 0 of a");
        assertAggregate(10, 1045, 100, 109, 109, tiers.slot("acme", b, Tier.DAY, T0), "day 0 of b");
    }

    @Test
    void twoRunsAtTheSameTimeWriteEachSlotExactlyOnce() throws Exception {
        List<Series> written = new ArrayList<>();
        for (int h = 0; h < 3; h++) {
            at(T0 + h * HOUR + 50 * MIN);
            List<Series> batch = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                batch.add(hourOfPoints("host-" + i, T0 + h * HOUR, i * 100 + h));
            }
            tiers.write("acme", batch.toArray(Series[]::new));
            written.addAll(batch);
        }
        at(T0 + DAY + 10 * MIN);
        List<Callable<CompactionReport>> runs = List.of(() -> tiers.compactor().run(Duration.ofMinutes(1)),
                () -> tiers.compactor().run(Duration.ofMinutes(1)));
        int writes = 0;
        try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
            for (Future<CompactionReport> f : pool.invokeAll(runs)) {
                CompactionReport r = f.get();
                assertEquals(0, r.failedTenants());
                writes += r.slabWrites();
            }
        }
        assertEquals(8 * 3 + 8, writes, "one write per series and hour, one per series and day, in all");
        for (int i = 0; i < 8; i++) {
            Series s = hourOfPoints("host-" + i, T0, 0);
            Aggregate day = tiers.slot("acme", s, Tier.DAY, T0);
            assertEquals(30, day.count());
            assertEquals(3 * (i * 1000 + 45) + 10 * (0 + 1 + 2), day.sum(), "host-" + i);
            assertEquals(3, tiers.slab("acme", s, Tier.HOUR, T0).version(), "three hours, three writes");
        }
    }

    @Test
    void afterAGapTheCompactorCatchesUpInBoundedRunsInOrder() {
        for (int h = 0; h < 10; h++) {
            at(T0 + h * HOUR + 50 * MIN); // the rollup keeps running while the compactor is down
            tiers.write("acme", point("a", T0 + h * HOUR + MIN, h));
        }
        at(T0 + 10 * HOUR + 10 * MIN);
        CompactorService bounded = tiers.compactor(tiers.store, new CompactorService.Limits(4, 14, 100, 4));

        CompactionReport first = bounded.run(Duration.ofMinutes(1));
        assertEquals(4, first.hoursCompacted());
        assertFalse(first.complete(), "six closed hours are left");
        assertEquals(T0 + 4 * HOUR, first.progress().get(0).hoursCompactedThrough());
        assertNull(tiers.slot("acme", point("a", 0, 0), Tier.HOUR, T0 + 4 * HOUR), "hour 4 waits for the next run");

        assertEquals(4, bounded.run(Duration.ofMinutes(1)).hoursCompacted());
        CompactionReport last = bounded.run(Duration.ofMinutes(1));
        assertEquals(2, last.hoursCompacted());
        assertTrue(last.complete());
        for (int h = 0; h < 10; h++) {
            assertAggregate(1, h, h, h, h, tiers.slot("acme", point("a", 0, 0), Tier.HOUR, T0 + h * HOUR), "hour " + h);
        }
    }

    @Test
    void aRunStopsAtItsTimeBudgetAndTheNextGoesOn() {
        tiers.write("acme", point("a", T0 + MIN, 1));
        at(T0 + 5 * HOUR + 10 * MIN);
        CompactionReport none = tiers.compactor().run(Duration.ZERO);
        assertEquals(0, none.hoursCompacted());
        assertFalse(none.complete());
        assertEquals(5, tiers.compactor().run(Duration.ofMinutes(1)).hoursCompacted());
    }

    @Test
    void aDayIsCompactedFromItsHoursOnceTheyAreAllDone() {
        Series s = null;
        for (int h = 0; h < 24; h += 5) {
            at(T0 + h * HOUR + 50 * MIN);
            s = point("a", T0 + h * HOUR + MIN, h);
            tiers.write("acme", s);
            tiers.compactor().run(Duration.ofMinutes(1));
        }
        assertNull(tiers.slot("acme", s, Tier.DAY, T0), "the day is not over");
        at(T0 + DAY + 5 * MIN);
        CompactionReport r = tiers.compactor().run(Duration.ofMinutes(1));
        assertEquals(1, r.daysCompacted());
        assertAggregate(5, 0 + 5 + 10 + 15 + 20, 0, 20, 20, tiers.slot("acme", s, Tier.DAY, T0), "day 0");
        assertEquals(T0 + DAY, r.progress().get(0).daysCompactedThrough());
    }

    // ---------------------------------------------------------------------------------------------------------
    // Late data

    /** Hour 0 written and compacted into hour and day, the clock on the next day. */
    Series compactedDay() {
        Series s = hourOfPoints("a", T0, 10);
        tiers.write("acme", s);
        at(T0 + DAY + 10 * MIN);
        tiers.compactFully(tiers.compactor());
        assertAggregate(10, 145, 10, 19, 19, tiers.slot("acme", s, Tier.DAY, T0), "day 0 before the late point");
        return s;
    }

    @Test
    void aLatePointEndsUpExactlyOnceInMinuteHourAndDayAlsoWhenRedeliveredAndRecompacted() {
        Series s = compactedDay();
        List<RollupService.IncomingRecord> late = tiers.batch("acme", point("a", T0 + 30 * MIN, 100));

        tiers.apply(tiers.rollups(), late);
        assertEquals(1, tiers.state.pending("acme", Tier.HOUR, 10).size(), "the hour is to be recomputed");
        CompactionReport r = tiers.compactor().run(Duration.ofMinutes(1));
        assertEquals(1, r.recomputed());
        assertEquals(2, r.slabWrites(), "hour 0 and day 0");
        assertEquals(List.of(), tiers.state.pending("acme", Tier.HOUR, 10), "the request is done");

        RollupService.BatchOutcome again = tiers.apply(tiers.rollups(), late); // Kinesis redelivers the batch
        assertEquals(1, again.pointsSkippedAsDuplicate());
        CompactionReport r2 = tiers.compactor().run(Duration.ofMinutes(1));
        assertEquals(0, r2.slabWrites(), "the redelivery asked again, and the recompute changed nothing");
        tiers.compactFully(tiers.compactor());

        assertAggregate(1, 100, 100, 100, 100, tiers.slot("acme", s, Tier.MINUTE, T0 + 30 * MIN), "minute 30");
        assertAggregate(11, 245, 10, 100, 19, tiers.slot("acme", s, Tier.HOUR, T0), "hour 0");
        assertAggregate(11, 245, 10, 100, 19, tiers.slot("acme", s, Tier.DAY, T0), "day 0");
    }

    @Test
    void aLateBatchWhoseRequestWasNotRecordedFailsAndItsRedeliveryStillCountsOnce() {
        Series s = compactedDay();
        List<RollupService.IncomingRecord> late = tiers.batch("acme", point("a", T0 + 30 * MIN, 100));
        AtomicBoolean failOnce = new AtomicBoolean(true);
        RollupService flaky = tiers.rollups(tiers.store, new ForwardingState(tiers.state) {
            @Override
            public void request(Collection<RecomputeRequest> requests) {
                if (failOnce.getAndSet(false)) {
                    throw new IllegalStateException("injected outage");
                }
                super.request(requests);
            }
        });

        RollupService.BatchOutcome first = flaky.apply(late);
        assertEquals(List.of(late.get(0).sequenceNumber()), first.failedSequenceNumbers());
        assertEquals(1, first.pointsApplied(), "the minute was written before the request failed");

        RollupService.BatchOutcome retry = tiers.apply(flaky, late);
        assertEquals(1, retry.pointsSkippedAsDuplicate());
        tiers.compactFully(tiers.compactor());
        assertAggregate(11, 245, 10, 100, 19, tiers.slot("acme", s, Tier.HOUR, T0), "hour 0");
        assertAggregate(11, 245, 10, 100, 19, tiers.slot("acme", s, Tier.DAY, T0), "day 0");
    }

    @Test
    void aLatePointWrittenWhileTheCompactorReadsItsHourIsNotLost() {
        Series s = hourOfPoints("a", T0, 10);
        tiers.write("acme", s);
        at(T0 + HOUR + 10 * MIN);
        List<RollupService.IncomingRecord> late = tiers.batch("acme", point("a", T0 + 59 * MIN, 1000));
        AtomicBoolean stepIn = new AtomicBoolean(true);
        // Right after the compactor has read hour 0's minutes, and before it writes the hour, the point arrives.
        ForwardingRollupStore racing = new ForwardingRollupStore(tiers.store) {
            @Override
            public List<Slab> range(SlabKey first, long toStart, boolean consistent) {
                List<Slab> read = super.range(first, toStart, consistent);
                if (first.tier() == Tier.MINUTE && stepIn.getAndSet(false)) {
                    tiers.apply(tiers.rollups(), late);
                }
                return read;
            }
        };
        tiers.compactor(racing, CompactorService.Limits.DEFAULT).run(Duration.ofMinutes(1));
        assertAggregate(10, 145, 10, 19, 19, tiers.slot("acme", s, Tier.HOUR, T0), "the hour as the compactor read it");

        tiers.compactFully(tiers.compactor());
        assertAggregate(11, 1145, 10, 1000, 1000, tiers.slot("acme", s, Tier.HOUR, T0), "hour 0 with the late point");
    }

    @Test
    void backfilledHistoryGoesStraightIntoTheHourTierAndOnIntoTheDay() {
        long day = T0 - 60 * DAY;
        Series history = gauge("a", new long[]{day + 3 * HOUR, day + 15 * HOUR}, new double[]{7, 9});
        List<RollupService.IncomingRecord> batch = tiers.batch("acme", history);
        tiers.apply(tiers.rollups(), batch);

        assertNull(tiers.slab("acme", history, Tier.MINUTE, day + 3 * HOUR), "no minutes beyond their retention");
        Slab hours = tiers.slab("acme", history, Tier.HOUR, day);
        assertNotNull(hours.direct(), "the point is in the hour slab's direct slots");
        assertAggregate(1, 7, 7, 7, 7, tiers.slot("acme", history, Tier.HOUR, day + 3 * HOUR), "hour 3");
        assertEquals(1, tiers.state.pending("acme", Tier.DAY, 10).size(), "the day (compacted) is to be recomputed");

        tiers.compactFully(tiers.compactor());
        assertAggregate(2, 16, 7, 9, 9, tiers.slot("acme", history, Tier.DAY, day), "the day");

        RollupService.BatchOutcome again = tiers.apply(tiers.rollups(), batch);
        assertEquals(2, again.pointsSkippedAsDuplicate(), "direct slots have watermarks of their own");
        tiers.compactFully(tiers.compactor());
        assertAggregate(2, 16, 7, 9, 9, tiers.slot("acme", history, Tier.DAY, day), "the day after a redelivery");
        assertAggregate(1, 9, 9, 9, 9, tiers.slot("acme", history, Tier.HOUR, day + 15 * HOUR), "hour 15");
    }

    @Test
    void pointsOlderThanTheHourRetentionGoStraightIntoTheDayTier() {
        long day = Tier.DAY.slotStart(T0 - 6 * 365 * DAY);
        Series old = point("a", day + 5 * HOUR, 42);
        tiers.write("acme", old);
        assertNull(tiers.slab("acme", old, Tier.HOUR, day), "no hours beyond their retention");
        assertAggregate(1, 42, 42, 42, 42, tiers.slot("acme", old, Tier.DAY, day), "the day");
        assertEquals(List.of(), tiers.state.pending("acme", Tier.DAY, 10), "days are not recomputed from anything");
    }

    @Test
    void aRequestWhoseMinutesMayHaveExpiredIsDroppedWithoutTouchingTheHour() {
        Series s = compactedDay();
        tiers.apply(tiers.rollups(), tiers.batch("acme", point("a", T0 + 30 * MIN, 100)));
        at(T0 + 29 * DAY + HOUR); // the compactor was down until the minutes are about to expire
        CompactionReport r = tiers.compactor().run(Duration.ofMinutes(1));
        assertEquals(1, r.recomputesExpired());
        assertEquals(List.of(), tiers.state.pending("acme", Tier.HOUR, 10));
        assertAggregate(10, 145, 10, 19, 19, tiers.slot("acme", s, Tier.HOUR, T0), "hour 0 as it was");
    }

    /** The real state store, with methods a test overrides to inject a failure. */
    static class ForwardingState implements CompactionStateStore {
        final CompactionStateStore delegate;

        ForwardingState(CompactionStateStore delegate) {
            this.delegate = delegate;
        }

        @Override
        public Optional<CompactionProgress> progress(String tenant) {
            return delegate.progress(tenant);
        }

        @Override
        public boolean start(String tenant, CompactionProgress initial) {
            return delegate.start(tenant, initial);
        }

        @Override
        public void advance(String tenant, CompactionProgress.Mark mark, long through) {
            delegate.advance(tenant, mark, through);
        }

        @Override
        public void request(Collection<RecomputeRequest> requests) {
            delegate.request(requests);
        }

        @Override
        public List<RecomputeRequest> pending(String tenant, Tier tier, int limit) {
            return delegate.pending(tenant, tier, limit);
        }

        @Override
        public boolean complete(RecomputeRequest request) {
            return delegate.complete(request);
        }
    }
}

package dev.longwatch.core.query;

import dev.longwatch.core.rollup.CompactionProgress;
import dev.longwatch.core.rollup.Retention;
import dev.longwatch.core.rollup.Tier;
import dev.longwatch.model.MetricType;
import dev.longwatch.model.Series;
import dev.longwatch.model.Tags;
import dev.longwatch.testing.ForwardingRollupStore;
import dev.longwatch.testing.TieredRollups;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Queries that read the tier their step asks for and stitch tiers where compaction or retention ends, on
 * DynamoDB Local with data written by the rollup and compacted by the compactor.
 */
class QueryTiersTest {
    static final long T0 = Instant.parse("2026-11-20T00:00:00Z").toEpochMilli();
    static final long MIN = 60_000;
    static final long HOUR = 3_600_000;
    static final long DAY = 86_400_000;

    // ---------------------------------------------------------------------------------------------------------
    // Tier choice and plan (no storage)

    @Test
    void theStepPicksTheTier() {
        assertEquals(Tier.MINUTE, QueryService.tierFor(MIN));
        assertEquals(Tier.MINUTE, QueryService.tierFor(5 * MIN));
        assertEquals(Tier.MINUTE, QueryService.tierFor(90 * MIN));
        assertEquals(Tier.HOUR, QueryService.tierFor(HOUR));
        assertEquals(Tier.HOUR, QueryService.tierFor(6 * HOUR));
        assertEquals(Tier.HOUR, QueryService.tierFor(36 * HOUR));
        assertEquals(Tier.DAY, QueryService.tierFor(DAY));
        assertEquals(Tier.DAY, QueryService.tierFor(7 * DAY));
    }

    @Test
    void aDefaultStepAboveAnHourIsWholeHoursAndAboveADayWholeDays() {
        QueryService q = new QueryService(null, null, Clock.fixed(Instant.ofEpochMilli(T0), ZoneOffset.UTC), 1);
        assertEquals(MIN, q.parse("m", List.of(), List.of(), null, "-1h", "now", null).step());
        assertEquals(2 * HOUR, q.parse("m", List.of(), List.of(), null, "-70d", "now", null).step(), "70 min -> 2 h");
        assertEquals(17 * HOUR, q.parse("m", List.of(), List.of(), null, "-1000d", "now", null).step(), "1000 min");
        assertEquals(DAY, q.parse("m", List.of(), List.of(), null, "-1440d", "now", null).step(), "1440 min");
        assertEquals(2 * DAY, q.parse("m", List.of(), List.of(), null, "-2000d", "now", null).step());
    }

    @Test
    void theRangeIsSplitWhereCompactionAndRetentionEnd() {
        QueryService q = new QueryService(null, null, null, Retention.DEFAULTS, Clock.systemUTC(), 1);
        long now = T0 + 10 * HOUR + 20 * MIN;
        CompactionProgress p = new CompactionProgress(T0 + 10 * HOUR, T0 + 10 * HOUR, T0, T0);
        long minuteFloor = T0 - 28 * DAY + 11 * HOUR; // 28 days (retention less twice the margin), hour after
        long hourFloor = T0 - 1824 * DAY; // 1,827 days less two: the day after the one holding now - 1,825 days
        long from = T0 - 3 * 365 * DAY;

        assertEquals(List.of(new QueryService.Segment(Tier.DAY, from, T0),
                        new QueryService.Segment(Tier.HOUR, T0, T0 + 10 * HOUR),
                        new QueryService.Segment(Tier.MINUTE, T0 + 10 * HOUR, now)),
                q.plan(Tier.DAY, from, now, now, p), "days where compacted, then hours, then minutes");
        assertEquals(List.of(new QueryService.Segment(Tier.HOUR, T0 - 40 * DAY, T0 + 10 * HOUR),
                        new QueryService.Segment(Tier.MINUTE, T0 + 10 * HOUR, now)),
                q.plan(Tier.HOUR, T0 - 40 * DAY + 17 * MIN, now, now, p), "the hour containing from is included");
        assertEquals(List.of(new QueryService.Segment(Tier.DAY, T0 - 2000 * DAY, hourFloor),
                        new QueryService.Segment(Tier.HOUR, hourFloor, minuteFloor),
                        new QueryService.Segment(Tier.MINUTE, minuteFloor, now)),
                q.plan(Tier.MINUTE, T0 - 2000 * DAY, now, now, p), "coarser tiers where finer ones have expired");
        assertEquals(List.of(new QueryService.Segment(Tier.MINUTE, T0 + 9 * HOUR, now)),
                q.plan(Tier.HOUR, T0 + 9 * HOUR, now, now, null), "nothing compacted: minutes");
    }

    // ---------------------------------------------------------------------------------------------------------
    // Stitched answers on DynamoDB Local

    static Series gauge(long[] t, double[] v) {
        return new Series("cpu", MetricType.GAUGE, Tags.of("host", "a"), t, v);
    }

    static Series latency(long[] t, double[] v) {
        return new Series("latency", MetricType.DISTRIBUTION, Tags.of("host", "a"), t, v);
    }

    /** Integer values, so sums are exact whichever way they are grouped. */
    static Series[] sixHours(long start, Random r) {
        List<Long> t = new ArrayList<>();
        List<Double> v = new ArrayList<>();
        for (long time = start; time < start + 6 * HOUR; time += 7 * MIN) {
            t.add(time);
            v.add((double) r.nextInt(1000));
        }
        long[] ts = t.stream().mapToLong(Long::longValue).toArray();
        double[] vs = v.stream().mapToDouble(Double::doubleValue).toArray();
        return new Series[]{gauge(ts, vs), latency(ts, vs)};
    }

    static void assertSameAnswer(QueryResult expected, QueryResult actual, String what) {
        assertEquals(expected.series().size(), actual.series().size(), what + ": groups");
        for (int i = 0; i < expected.series().size(); i++) {
            assertArrayEquals(expected.series().get(i).times(), actual.series().get(i).times(), what + ": times");
            assertArrayEquals(expected.series().get(i).values(), actual.series().get(i).values(), what + ": values");
        }
    }

    @Test
    void aRangeAcrossTheCompactionBoundaryAnswersAsIfReadFromMinutesAlone() {
        TieredRollups tiers = new TieredRollups(Instant.ofEpochMilli(T0 + 6 * HOUR + 5 * MIN));
        tiers.write("acme", sixHours(T0, new Random(7))); // hours 0-5 are past: recomputed on request
        tiers.clock.set(Instant.ofEpochMilli(T0 + 8 * HOUR + 30 * MIN));
        tiers.write("acme", sixHours(T0 + 6 * HOUR, new Random(8))); // hours 6-7 compacted normally, 8 not yet
        tiers.compactFully(tiers.compactor());

        ForwardingRollupStore counted = new ForwardingRollupStore(tiers.store);
        QueryService stitched = tiers.queries(counted);
        QueryService minutesOnly = new QueryService(tiers.index, tiers.store, tiers.clock, 4);
        long to = T0 + 8 * HOUR + 30 * MIN;
        for (String agg : List.of("sum", "avg", "min", "max", "count", "last")) {
            QueryResult r = TieredRollups.query(stitched, "acme", "cpu", agg, T0, to, "1h");
            assertEquals(List.of("hour", "minute"), r.tiers());
            assertEquals(9, r.series().get(0).times().length, "hours 0 to 8");
            assertSameAnswer(TieredRollups.query(minutesOnly, "acme", "cpu", agg, T0, to, "1h"), r, agg);
        }
        QueryResult p95 = TieredRollups.query(stitched, "acme", "latency", "p95", T0, to, "2h");
        assertSameAnswer(TieredRollups.query(minutesOnly, "acme", "latency", "p95", T0, to, "2h"), p95,
                "p95 over hour sketches and minute sketches");
        assertEquals(T0 + 8 * HOUR, tiers.state.progress("acme").orElseThrow().hourDone());
        assertTrue(counted.slabsRead(Tier.MINUTE) <= 3 + 30, "only hour 8 is read from minutes");

        tiers.clock.set(Instant.ofEpochMilli(T0 + DAY + 10 * MIN));
        tiers.compactFully(tiers.compactor());
        for (String agg : List.of("sum", "avg", "min", "max", "count", "last")) {
            QueryResult r = TieredRollups.query(stitched, "acme", "cpu", agg, T0 - DAY, T0 + DAY + 10 * MIN, "1d");
            assertEquals(List.of("day", "minute"), r.tiers(), "day 0 is compacted, day 1 has not begun an hour");
            assertSameAnswer(TieredRollups.query(minutesOnly, "acme", "cpu", agg, T0 - DAY, T0 + DAY, "1d"), r, agg);
        }
        assertSameAnswer(TieredRollups.query(minutesOnly, "acme", "latency", "p95", T0, T0 + DAY, "1d"),
                TieredRollups.query(stitched, "acme", "latency", "p95", T0, T0 + DAY, "1d"), "daily p95");
    }

    @Test
    void beyondTheMinuteRetentionAMinuteStepQueryIsAnsweredFromHours() {
        TieredRollups tiers = new TieredRollups(Instant.ofEpochMilli(T0 + 2 * HOUR + 5 * MIN));
        long[] t = {T0 + 5 * MIN, T0 + 25 * MIN, T0 + HOUR + 10 * MIN};
        tiers.write("acme", gauge(t, new double[]{1, 2, 4}));
        tiers.compactFully(tiers.compactor());

        long now = T0 + 40 * DAY; // the minutes of hours 0 and 1 are past their retention
        tiers.clock.set(Instant.ofEpochMilli(now));
        tiers.write("acme", gauge(new long[]{now - 30 * MIN}, new double[]{8}));
        ForwardingRollupStore counted = new ForwardingRollupStore(tiers.store);
        QueryResult r = TieredRollups.query(tiers.queries(counted), "acme", "cpu", "sum", T0, now, "10m");

        assertEquals(List.of("hour", "minute"), r.tiers());
        assertArrayEquals(new long[]{T0, T0 + HOUR, now - 30 * MIN}, r.series().get(0).times(),
                "whole hours where minutes have expired, then minutes");
        assertArrayEquals(new double[]{3, 4, 8}, r.series().get(0).values());
        assertEquals(1, counted.slabsRead(Tier.MINUTE), "the old minutes (still in the table) are not read");
    }

    @Test
    void aTwoYearDailyQueryReadsDaySlabsAndOnlyTheUncompactedTail() {
        long now = T0 + 12 * HOUR + 20 * MIN;
        TieredRollups tiers = new TieredRollups(Instant.ofEpochMilli(now));
        int days = 730;
        long[] t = new long[days + 1];
        double[] v = new double[days + 1];
        for (int d = 0; d < days; d++) {
            t[d] = T0 - (days - d) * DAY + 12 * HOUR; // noon of each of the last 730 days
            v[d] = d;
        }
        t[days] = now - 5 * MIN; // and one point in the current hour
        v[days] = 5;
        tiers.write("acme", gauge(t, v)); // a backfill: older days go straight to hours, then into days
        tiers.compactFully(tiers.compactor());

        ForwardingRollupStore counted = new ForwardingRollupStore(tiers.store);
        QueryResult r = TieredRollups.query(tiers.queries(counted), "acme", "cpu", "sum", T0 - days * DAY, now, "1d");

        assertEquals(List.of("day", "hour", "minute"), r.tiers());
        assertEquals(days + 1, r.series().get(0).times().length);
        assertEquals(T0 - days * DAY, r.series().get(0).times()[0]);
        assertEquals(days - 1, r.series().get(0).values()[days - 1]);
        assertEquals(5.0, r.series().get(0).values()[days], "today so far");
        assertEquals(1, counted.rangeReads(Tier.DAY));
        long daySlabs = (Tier.DAY.slabStart(T0 - DAY, MetricType.GAUGE)
                - Tier.DAY.slabStart(T0 - days * DAY, MetricType.GAUGE)) / (16 * DAY) + 1;
        assertEquals(47, daySlabs);
        assertEquals(daySlabs, counted.slabsRead(Tier.DAY), "16 days per day slab");
        assertEquals(1, counted.rangeReads(Tier.HOUR), "today's compacted hours");
        assertTrue(counted.slabsRead(Tier.HOUR) <= 1, "one 12-hour slab at most");
        assertEquals(1, counted.rangeReads(Tier.MINUTE), "the current hour");
        assertTrue(counted.slabsRead(Tier.MINUTE) <= 6, "at most the six minute slabs of one hour");
    }

    @Test
    void pointsOlderThanTheHourRetentionAreReadFromDaysEvenAtAnHourStep() {
        TieredRollups tiers = new TieredRollups(Instant.ofEpochMilli(T0 + 10 * MIN));
        long old = T0 - 6 * 365 * DAY + 7 * HOUR;
        tiers.write("acme", gauge(new long[]{old, T0 + 2 * MIN}, new double[]{3, 4}));
        QueryResult r = TieredRollups.query(tiers.queries(tiers.store), "acme", "cpu", "sum",
                T0 - 6 * 365 * DAY, T0 + 10 * MIN, "24h");
        assertEquals(List.of("day", "minute"), r.tiers());
        assertArrayEquals(new long[]{Tier.DAY.slotStart(old), T0}, r.series().get(0).times());
        assertArrayEquals(new double[]{3, 4}, r.series().get(0).values());
    }
}

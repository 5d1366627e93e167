package dev.longwatch.core.query;

import dev.longwatch.core.alerting.evaluate.SeriesData;
import dev.longwatch.core.rollup.Slab;
import dev.longwatch.core.rollup.SlabKey;
import dev.longwatch.core.rollup.Tier;
import dev.longwatch.model.Aggregate;
import dev.longwatch.model.MetricType;
import dev.longwatch.model.Series;
import dev.longwatch.model.Tags;
import dev.longwatch.model.alerting.MonitorQuery;
import dev.longwatch.testing.TieredRollups;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Minute slabs of both layouts side by side (DynamoDB Local), as after switching a deployment from the stream's
 * rollup consumer (10-minute scalar and 1-minute distribution slabs) to the minute tier written from the archive
 * (one whole-hour slab per series-hour) at an hour boundary: queries and the evaluator's reads find every minute
 * of either, and answer exactly as if one layout held them all.
 */
class MinuteSlabLayoutsTest {
    static final long T0 = Instant.parse("2026-11-20T00:00:00Z").toEpochMilli();
    static final long MIN = 60_000;
    static final long HOUR = 3_600_000;

    /** Three hours, one point a minute (at second 17), integer values so sums are exact in any order. */
    static Series[] threeHours() {
        Random r = new Random(11);
        long[] t = new long[180];
        double[] v = new double[180];
        for (int i = 0; i < 180; i++) {
            t[i] = T0 + i * MIN + 17_000;
            v[i] = r.nextInt(10_000);
        }
        return new Series[]{new Series("cpu", MetricType.GAUGE, Tags.of("host", "a"), t, v),
                new Series("latency", MetricType.DISTRIBUTION, Tags.of("host", "a"), t, v)};
    }

    /** Hours 1 and 2 moved into whole-hour slabs holding the same minutes; hour 0 stays as the stream wrote it. */
    static void rewriteAsWholeHours(TieredRollups from, TieredRollups to, Series s) {
        String q = s.key("acme").qualifiedId();
        for (long hour = T0 + HOUR; hour < T0 + 3 * HOUR; hour += HOUR) {
            SlabKey whole = SlabKey.wholeHour(q, s.type(), hour);
            Aggregate[] slots = new Aggregate[60];
            for (Slab slab : from.store.range(new SlabKey(q, Tier.MINUTE, s.type(), hour, 1), hour + HOUR - 1)) {
                Aggregate[] a = slab.merged();
                for (int i = 0; i < a.length; i++) {
                    if (a[i] != null) {
                        slots[(int) ((slab.key().start() + i * MIN - hour) / MIN)] = a[i];
                    }
                }
            }
            Slab current = to.store.load(List.of(whole)).get(whole); // the stream's slab at the hour, if any
            assertTrue(to.store.put(new Slab(whole, slots, Map.of(), current == null ? 1 : current.version() + 1)));
        }
    }

    /**
     * Two deployments fed {@link #threeHours}: {@code stream} rolls all of it up from the stream; {@code switched}
     * had hour 0 (with {@code streamWroteAll}, all three hours) rolled up from the stream, then hours 1 and 2
     * written whole, holding the same minutes.
     */
    record Deployments(TieredRollups stream, TieredRollups switched, Series[] series) {
        static Deployments switchedAfterHourZero(boolean streamWroteAll) {
            Instant now = Instant.ofEpochMilli(T0 + 3 * HOUR + 2 * MIN);
            Deployments d = new Deployments(new TieredRollups(now), new TieredRollups(now), threeHours());
            d.stream.write("acme", d.series);
            for (Series s : d.series) {
                d.switched.write("acme", streamWroteAll ? s : s.slice(0, 60));
                rewriteAsWholeHours(d.stream, d.switched, s);
            }
            return d;
        }
    }

    /** A {@link SeriesData} of one deployment with {@code metric} read over {@code window}. */
    static SeriesData loaded(TieredRollups tiers, String metric, long[] window, boolean byRangeOnly) {
        SeriesData data = new SeriesData("acme", tiers.index, tiers.store, 2, null, Long.MAX_VALUE, byRangeOnly);
        data.need(metric, window[0], window[1]);
        data.load();
        return data;
    }

    @Test
    void queriesAcrossTheLayoutBoundaryAnswerAsOneLayoutDoes() {
        Deployments d = Deployments.switchedAfterHourZero(false);
        TieredRollups stream = d.stream();
        TieredRollups mixed = d.switched();
        Series[] series = d.series();
        assertEquals(60, slotsOfSlabAt(mixed, series[0], T0 + HOUR), "hour 1 is one 60-slot slab");

        QueryService expected = new QueryService(stream.index, stream.store, stream.clock, 4);
        QueryService actual = new QueryService(mixed.index, mixed.store, mixed.clock, 4);
        // From the middle of hour 0 (stream slabs) across both boundaries, and from the middle of hour 1 (a
        // whole-hour slab starting before the range), to the middle of hour 2.
        long to = T0 + 2 * HOUR + 23 * MIN;
        for (long from : new long[]{T0 + 37 * MIN, T0 + HOUR + 23 * MIN}) {
            assertSameAnswers(expected, actual, from, to);
        }
        long from = T0 + HOUR + 23 * MIN;
        QueryResult minutes = TieredRollups.query(actual, "acme", "cpu", "count", from, to, "1m");
        assertEquals(to / MIN - from / MIN, minutes.series().get(0).times().length, "every minute once");
    }

    static void assertSameAnswers(QueryService expected, QueryService actual, long from, long to) {
        for (String[] q : new String[][]{{"cpu", "sum"}, {"cpu", "last"}, {"cpu", "count"}, {"latency", "p95"},
                {"latency", "max"}}) {
            for (String step : List.of("1m", "7m", "1h")) {
                QueryResult e = TieredRollups.query(expected, "acme", q[0], q[1], from, to, step);
                QueryResult a = TieredRollups.query(actual, "acme", q[0], q[1], from, to, step);
                String what = q[0] + " " + q[1] + " step " + step;
                assertEquals(1, a.series().size(), what);
                assertArrayEquals(e.series().get(0).times(), a.series().get(0).times(), what + ": times");
                assertArrayEquals(e.series().get(0).values(), a.series().get(0).values(), what + ": values");
            }
        }
    }

    @Test
    void theEvaluatorsRangeReadsFindWholeHourSlabsFromAnyMinuteOfTheHour() {
        Deployments d = Deployments.switchedAfterHourZero(false);
        for (String metric : List.of("cpu", "latency")) {
            // A five-minute window inside hour 2, and one across the boundary from the stream's hour 0.
            for (long[] w : new long[][]{{T0 + 2 * HOUR + 41 * MIN, T0 + 2 * HOUR + 46 * MIN},
                    {T0 + 50 * MIN, T0 + HOUR + 20 * MIN}}) {
                SeriesData expected = loaded(d.stream(), metric, w, false);
                SeriesData actual = loaded(d.switched(), metric, w, true);
                assertEquals(perMinute(expected, metric, w), perMinute(actual, metric, w), metric + " " + w[0]);
                assertEquals(w[1] / MIN - w[0] / MIN, perMinute(actual, metric, w).size(), "every minute found");
            }
        }
    }

    @Test
    void aWholeHourSlabSupersedesWhatTheStreamWroteInsideItsHour() {
        // Switched mid-hour: the stream's consumer wrote every minute slab of hours 1 and 2, then the archive
        // wrote both hours whole (replacing only the items at the hours' own sort keys).
        Deployments d = Deployments.switchedAfterHourZero(true);
        TieredRollups stream = d.stream();
        TieredRollups both = d.switched();
        Series[] series = d.series();
        assertTrue(both.store.range(new SlabKey(series[0].key("acme").qualifiedId(), Tier.MINUTE, MetricType.GAUGE,
                T0 + HOUR, 1), T0 + HOUR + 50 * MIN).size() > 1, "the stream's later slabs of hour 1 are still there");

        QueryService expected = new QueryService(stream.index, stream.store, stream.clock, 4);
        QueryService actual = new QueryService(both.index, both.store, both.clock, 4);
        assertSameAnswers(expected, actual, T0 + 37 * MIN, T0 + 2 * HOUR + 23 * MIN);

        for (String metric : List.of("cpu", "latency")) {
            long[] w = {T0 + HOUR + 30 * MIN, T0 + 2 * HOUR + 30 * MIN};
            assertEquals(perMinute(loaded(stream, metric, w, true), metric, w),
                    perMinute(loaded(both, metric, w, true), metric, w), metric + ": each minute counted once");
        }

        // The hour tier the compactor derives counts each point once.
        stream.clock.set(Instant.ofEpochMilli(T0 + 3 * HOUR + 20 * MIN));
        both.clock.set(Instant.ofEpochMilli(T0 + 3 * HOUR + 20 * MIN));
        stream.compactFully(stream.compactor());
        both.compactFully(both.compactor());
        for (Series s : series) {
            for (long hour = T0; hour < T0 + 3 * HOUR; hour += HOUR) {
                Aggregate e = stream.slot("acme", s, Tier.HOUR, hour);
                Aggregate a = both.slot("acme", s, Tier.HOUR, hour);
                assertEquals(60, e.count(), "the stream deployment's hour");
                assertEquals(e.count(), a.count(), s.metric() + " hour " + hour + " count");
                assertEquals(e.sum(), a.sum(), s.metric() + " hour " + hour + " sum");
                assertEquals(e.quantile(0.95), a.quantile(0.95), s.metric() + " hour " + hour + " p95");
            }
        }
    }

    /** The window's minutes as the evaluator sees them: minute -> "count=… sum=… last=… max=…". */
    static Map<Long, String> perMinute(SeriesData data, String metric, long[] window) {
        Map<Long, String> out = new TreeMap<>();
        for (long minute = window[0]; minute < window[1]; minute += MIN) {
            long t = minute;
            for (String agg : List.of("count", "sum", "last", "max")) {
                data.window(new MonitorQuery(metric, List.of(), List.of(), agg, Duration.ofMinutes(1)), t, t + MIN)
                        .values().forEach(v -> out.merge(t, agg + "=" + v, (x, y) -> x + " " + y));
            }
        }
        return out;
    }

    /** How many slots the stored minute slab at {@code start} holds. */
    static int slotsOfSlabAt(TieredRollups tiers, Series s, long start) {
        return tiers.store.range(new SlabKey(s.key("acme").qualifiedId(), Tier.MINUTE, s.type(), start, 1), start)
                .get(0).key().slots();
    }
}

package dev.longwatch.model;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Rollup aggregates: exact count/sum/min/max/last, and percentiles that survive merging. */
class AggregateTest {
    static final double[] QUANTILES = {0.5, 0.75, 0.9, 0.95, 0.99, 0.999};

    /** 100k lognormal latencies (median ~100 ms, long tail) over 3 series x 60 minutes. */
    static final class Fixture {
        final double[] all;
        final List<Aggregate> perSeriesMinute = new ArrayList<>();

        Fixture(long seed) {
            Random r = new Random(seed);
            int n = 100_000;
            all = new double[n];
            Aggregate[][] cells = new Aggregate[3][60];
            for (Aggregate[] row : cells) {
                for (int m = 0; m < row.length; m++) {
                    row[m] = new Aggregate();
                }
            }
            for (int i = 0; i < n; i++) {
                double v = Math.exp(Math.log(100) + 1.2 * r.nextGaussian());
                all[i] = v;
                int series = r.nextInt(3);
                int minute = r.nextInt(60);
                cells[series][minute].add(minute * 60_000L + r.nextInt(60_000), v, true);
            }
            for (Aggregate[] row : cells) {
                perSeriesMinute.addAll(Arrays.asList(row));
            }
            Arrays.sort(all);
        }

        double exact(double q) {
            return all[(int) Math.floor(q * (all.length - 1))];
        }
    }

    static void assertPercentilesWithinOnePercent(Fixture f, Aggregate merged, String how) {
        assertEquals(f.all.length, merged.count(), how);
        for (double q : QUANTILES) {
            double exact = f.exact(q);
            double estimate = merged.quantile(q);
            double relativeError = Math.abs(estimate - exact) / exact;
            assertTrue(relativeError <= Aggregate.SKETCH_RELATIVE_ACCURACY + 1e-9,
                    how + ": p" + (q * 100) + " estimate " + estimate + " vs exact " + exact + " is off by "
                            + (relativeError * 100) + "%");
        }
    }

    @Test
    void mergedMinuteAggregatesGivePercentilesWithinOnePercentOfTheRawSamplesInAnyMergeOrder() {
        Fixture f = new Fixture(42);

        Aggregate inOrder = new Aggregate();
        f.perSeriesMinute.forEach(inOrder::merge);
        assertPercentilesWithinOnePercent(f, inOrder, "merged in order");

        List<Aggregate> reversed = new ArrayList<>(f.perSeriesMinute);
        Collections.reverse(reversed);
        Aggregate backwards = new Aggregate();
        reversed.forEach(backwards::merge);
        assertPercentilesWithinOnePercent(f, backwards, "merged in reverse");

        List<Aggregate> shuffled = new ArrayList<>(f.perSeriesMinute);
        Collections.shuffle(shuffled, new Random(7));
        assertPercentilesWithinOnePercent(f, mergeAsTree(shuffled), "merged pairwise as a tree, shuffled");
    }

    @Test
    void percentilesSurviveSerialisingEachMinuteSketchBeforeMerging() {
        Fixture f = new Fixture(4242);
        Aggregate merged = new Aggregate();
        for (Aggregate a : f.perSeriesMinute) {
            // The rollup store keeps each slot's sketch as bytes; the query path decodes and merges them.
            Aggregate stored = new Aggregate(a.count(), a.sum(), a.min(), a.max(), a.last(), a.lastTime(),
                    a.sketch() == null ? null : Aggregate.decodeSketch(a.sketchBytes()));
            merged.merge(stored);
        }
        assertPercentilesWithinOnePercent(f, merged, "decoded then merged");
    }

    private static Aggregate mergeAsTree(List<Aggregate> parts) {
        List<Aggregate> level = new ArrayList<>();
        for (Aggregate a : parts) {
            level.add(a.copy());
        }
        while (level.size() > 1) {
            List<Aggregate> next = new ArrayList<>();
            for (int i = 0; i < level.size(); i += 2) {
                Aggregate a = level.get(i);
                if (i + 1 < level.size()) {
                    a.merge(level.get(i + 1));
                }
                next.add(a);
            }
            level = next;
        }
        return level.get(0);
    }

    @Test
    void mergingDoesNotChangeTheMergedInAggregate() {
        Aggregate a = new Aggregate();
        a.add(1, 10, true);
        Aggregate b = new Aggregate();
        b.add(2, 20, true);
        a.merge(b);
        assertEquals(1, b.count());
        assertEquals(20, b.quantile(0.5), 20 * 0.01);
    }

    @Test
    void lastIsTheValueWithTheLatestTimestampWhateverTheArrivalOrder() {
        Aggregate a = new Aggregate();
        a.add(3_000, 30, false);
        a.add(1_000, 10, false);
        a.add(2_000, 20, false);
        assertEquals(30, a.last());
        assertEquals(3_000, a.lastTime());
    }

    @Test
    void lastSurvivesMergingInEitherOrder() {
        Aggregate early = new Aggregate();
        early.add(1_000, 1, false);
        Aggregate late = new Aggregate();
        late.add(9_000, 9, false);

        Aggregate x = early.copy();
        x.merge(late);
        Aggregate y = late.copy();
        y.merge(early);

        assertEquals(9, x.last());
        assertEquals(9, y.last());
        assertEquals(9_000, y.lastTime());
    }

    @Test
    void countSumMinMaxAndAvgAreExact() {
        Aggregate a = new Aggregate();
        double[] values = {5, -3, 12.5, 0, -0.5};
        for (int i = 0; i < values.length; i++) {
            a.add(i, values[i], false);
        }
        Aggregate b = new Aggregate();
        b.add(10, 100, false);
        b.add(11, -40, false);
        a.merge(b);

        assertEquals(7, a.count());
        assertEquals(74.0, a.sum());
        assertEquals(-40, a.min());
        assertEquals(100, a.max());
        assertEquals(74.0 / 7, a.avg());
    }

    @Test
    void mergingAnEmptyAggregateChangesNothing() {
        Aggregate a = new Aggregate();
        a.add(5, 2, false);
        a.merge(new Aggregate());
        assertEquals(1, a.count());
        assertEquals(2, a.min());
        assertEquals(2, a.max());
        assertEquals(2, a.last());
        assertEquals(5, a.lastTime());
    }

    @Test
    void anEmptyAggregateHasNoAverageAndNoPercentiles() {
        Aggregate a = new Aggregate();
        assertTrue(Double.isNaN(a.avg()));
        assertTrue(Double.isNaN(a.quantile(0.5)));
        assertNull(a.sketchBytes());
    }

    @Test
    void aggregatesWithoutASketchHaveNoPercentiles() {
        Aggregate a = new Aggregate();
        a.add(1, 5, false);
        assertTrue(Double.isNaN(a.quantile(0.99)));
    }

    @Test
    void sketchesHandleNegativeAndZeroValues() {
        Aggregate a = new Aggregate();
        for (int i = -500; i <= 500; i++) {
            a.add(i, i, true);
        }
        Aggregate decoded = new Aggregate(a.count(), a.sum(), a.min(), a.max(), a.last(), a.lastTime(),
                Aggregate.decodeSketch(a.sketchBytes()));
        assertEquals(0, decoded.quantile(0.5), 1e-9);
        assertEquals(-450, decoded.quantile(0.05), 450 * 0.01);
        assertEquals(450, decoded.quantile(0.95), 450 * 0.01);
    }
}

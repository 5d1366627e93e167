package dev.longwatch.model;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.encoding.ByteArrayInput;
import com.datadoghq.sketch.ddsketch.encoding.GrowingByteArrayOutput;
import com.datadoghq.sketch.ddsketch.mapping.LogarithmicMapping;
import com.datadoghq.sketch.ddsketch.store.CollapsingLowestDenseStore;

import java.io.IOException;

/**
 * The rollup of the points of one series over one time slot: count, sum, min, max, the last value (by
 * timestamp) and, for distributions, a DDSketch so percentiles stay right when slots and series merge.
 * Mutable; merged in place by the rollup and query paths.
 */
public final class Aggregate {
    /** 1% relative accuracy on every percentile, bounded at 2048 bins (lowest values collapse first). */
    public static final double SKETCH_RELATIVE_ACCURACY = 0.01;
    private static final int SKETCH_MAX_BINS = 2048;

    private long count;
    private double sum;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;
    private double last;
    private long lastTime = Long.MIN_VALUE;
    private DDSketch sketch;

    public Aggregate() {
    }

    public Aggregate(long count, double sum, double min, double max, double last, long lastTime, DDSketch sketch) {
        this.count = count;
        this.sum = sum;
        this.min = min;
        this.max = max;
        this.last = last;
        this.lastTime = lastTime;
        this.sketch = sketch;
    }

    /** One mapping instance for every sketch, so any two sketches (new or decoded) can merge. */
    private static final LogarithmicMapping MAPPING = new LogarithmicMapping(SKETCH_RELATIVE_ACCURACY);

    public static DDSketch newSketch() {
        return new DDSketch(MAPPING, () -> new CollapsingLowestDenseStore(SKETCH_MAX_BINS));
    }

    public void add(long time, double value, boolean withSketch) {
        count++;
        sum += value;
        if (value < min) {
            min = value;
        }
        if (value > max) {
            max = value;
        }
        if (time >= lastTime) {
            lastTime = time;
            last = value;
        }
        if (withSketch) {
            if (sketch == null) {
                sketch = newSketch();
            }
            sketch.accept(value);
        }
    }

    public void merge(Aggregate o) {
        if (o.count == 0) {
            return;
        }
        count += o.count;
        sum += o.sum;
        min = Math.min(min, o.min);
        max = Math.max(max, o.max);
        if (o.lastTime >= lastTime) {
            lastTime = o.lastTime;
            last = o.last;
        }
        if (o.sketch != null) {
            if (sketch == null) {
                sketch = newSketch();
            }
            sketch.mergeWith(o.sketch);
        }
    }

    public Aggregate copy() {
        return new Aggregate(count, sum, min, max, last, lastTime, sketch == null ? null : sketch.copy());
    }

    public long count() {
        return count;
    }

    public double sum() {
        return sum;
    }

    public double min() {
        return min;
    }

    public double max() {
        return max;
    }

    public double last() {
        return last;
    }

    public long lastTime() {
        return lastTime;
    }

    public DDSketch sketch() {
        return sketch;
    }

    public double avg() {
        return count == 0 ? Double.NaN : sum / count;
    }

    /**
     * The value at quantile q (0..1) from the sketch, by nearest rank (the ceil(q·n)-th smallest sample, as
     * most monitoring tools define it: p95 of {12, 250} is 250); NaN without a sketch.
     */
    public double quantile(double q) {
        if (sketch == null || sketch.isEmpty()) {
            return Double.NaN;
        }
        double n = sketch.getCount();
        if (n <= 1) {
            return sketch.getValueAtQuantile(q);
        }
        // DDSketch answers rank q'·(n-1) (0-based); pick q' so that rank is the nearest rank.
        double rank = Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1));
        return sketch.getValueAtQuantile(rank / (n - 1));
    }

    public byte[] sketchBytes() {
        if (sketch == null) {
            return null;
        }
        // DDSketch's own compact encoding (the mapping is implied by MAPPING, so it is left out).
        GrowingByteArrayOutput out = GrowingByteArrayOutput.withInitialCapacity(64);
        try {
            sketch.encode(out, true);
        } catch (IOException e) {
            throw new IllegalStateException("encoding a sketch in memory cannot fail", e);
        }
        return out.trimmedCopy();
    }

    public static DDSketch decodeSketch(byte[] bytes) {
        try {
            return DDSketch.decode(ByteArrayInput.wrap(bytes), () -> new CollapsingLowestDenseStore(SKETCH_MAX_BINS),
                    MAPPING);
        } catch (IOException e) {
            throw new IllegalArgumentException("corrupt sketch: " + e.getMessage(), e);
        }
    }
}

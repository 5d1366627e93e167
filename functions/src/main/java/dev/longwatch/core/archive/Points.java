package dev.longwatch.core.archive;

import java.util.Arrays;

/**
 * The points of one series in one part of a block, in stream order (the order the stream delivered them,
 * which is also the order rollups applied them). Parallel growable arrays: no boxing on the hot path.
 */
public final class Points {
    private long[] times;
    private double[] values;
    private int size;

    public Points() {
        this(8);
    }

    public Points(int capacity) {
        times = new long[Math.max(1, capacity)];
        values = new double[Math.max(1, capacity)];
    }

    public static Points of(long[] times, double[] values) {
        if (times.length != values.length) {
            throw new IllegalArgumentException("times and values differ in length");
        }
        Points p = new Points(times.length);
        p.addAll(times, values, 0, times.length);
        return p;
    }

    public void add(long time, double value) {
        if (size == times.length) {
            int n = Math.max(8, size * 2);
            times = Arrays.copyOf(times, n);
            values = Arrays.copyOf(values, n);
        }
        times[size] = time;
        values[size] = value;
        size++;
    }

    public void addAll(long[] ts, double[] vs, int from, int to) {
        for (int i = from; i < to; i++) {
            add(ts[i], vs[i]);
        }
    }

    public void addAll(Points other) {
        addAll(other.times, other.values, 0, other.size);
    }

    public int size() {
        return size;
    }

    public long time(int i) {
        return times[i];
    }

    public double value(int i) {
        return values[i];
    }

    public long[] times() {
        return Arrays.copyOf(times, size);
    }

    public double[] values() {
        return Arrays.copyOf(values, size);
    }

    /** The backing arrays (valid up to {@link #size()}); for the codec, which must not copy. */
    long[] rawTimes() {
        return times;
    }

    double[] rawValues() {
        return values;
    }

    /** Equal when every time and every value's bits are equal. */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Points p) || p.size != size) {
            return false;
        }
        for (int i = 0; i < size; i++) {
            if (times[i] != p.times[i]
                    || Double.doubleToRawLongBits(values[i]) != Double.doubleToRawLongBits(p.values[i])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = size;
        for (int i = 0; i < size; i++) {
            h = 31 * h + Long.hashCode(times[i]);
        }
        return h;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Points[");
        for (int i = 0; i < Math.min(size, 5); i++) {
            sb.append(i == 0 ? "" : ", ").append(times[i]).append('=').append(values[i]);
        }
        return sb.append(size > 5 ? ", … " + size + " points]" : "]").toString();
    }
}

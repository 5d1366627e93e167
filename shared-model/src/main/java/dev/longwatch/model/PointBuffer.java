package dev.longwatch.model;

import java.util.Arrays;

/** Points collected one by one into growing parallel arrays, then handed out as trimmed copies. */
public final class PointBuffer {
    private long[] times;
    private double[] values;
    private int size;

    public PointBuffer(int initialCapacity) {
        times = new long[Math.max(1, initialCapacity)];
        values = new double[times.length];
    }

    public void add(long time, double value) {
        if (size == times.length) {
            times = Arrays.copyOf(times, size * 2);
            values = Arrays.copyOf(values, size * 2);
        }
        times[size] = time;
        values[size] = value;
        size++;
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
}

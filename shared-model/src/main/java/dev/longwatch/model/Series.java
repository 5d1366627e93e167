package dev.longwatch.model;

import java.util.Arrays;

/**
 * One metric series with its points, as accepted from a request or read from a stream record.
 * Points are parallel arrays of epoch milliseconds and values (compact, no boxing on the hot path).
 */
public record Series(String metric, MetricType type, Tags tags, long[] timestamps, double[] values) {

    public Series {
        if (timestamps.length != values.length) {
            throw new IllegalArgumentException("timestamps and values differ in length");
        }
    }

    public int size() {
        return timestamps.length;
    }

    public SeriesKey key(String tenant) {
        return new SeriesKey(tenant, metric, type, tags);
    }

    /** Points [from, to) as a new series with the same identity. */
    public Series slice(int from, int to) {
        return new Series(metric, type, tags,
                Arrays.copyOfRange(timestamps, from, to), Arrays.copyOfRange(values, from, to));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Series s && metric.equals(s.metric) && type == s.type && tags.equals(s.tags)
                && Arrays.equals(timestamps, s.timestamps) && Arrays.equals(values, s.values);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * metric.hashCode() + tags.hashCode()) + Arrays.hashCode(timestamps);
    }

    @Override
    public String toString() {
        return "Series[" + metric + " " + type.wireName() + " " + tags + " points=" + size() + "]";
    }
}

package dev.longwatch.core.telemetry;

/**
 * Port: Longwatch's own counters (accepted points, rejections by reason, write units, stream lag).
 * CloudWatch EMF on AWS; an in-memory registry served at /v1/admin/metrics locally.
 */
public interface PlatformMetrics {

    /** Adds {@code value} to the counter {@code name}, optionally split by one dimension. */
    void count(String name, String dimension, String dimensionValue, double value);

    default void count(String name, double value) {
        count(name, null, null, value);
    }

    /** Records the latest value of a gauge (e.g. stream lag in milliseconds). */
    void gauge(String name, double value);

    /** Publishes what was counted since the last flush (EMF writes one log line). */
    default void flush() {
    }

    PlatformMetrics NONE = new PlatformMetrics() {
        @Override
        public void count(String name, String dimension, String dimensionValue, double value) {
        }

        @Override
        public void gauge(String name, double value) {
        }
    };
}

package dev.longwatch.model;

import java.util.Locale;
import java.util.Optional;

/** How the values of a series combine. The wire name is the lower-case constant name. */
public enum MetricType {
    /** A level sampled over time (temperature, queue depth). Rollups keep count/sum/min/max/last. */
    GAUGE,
    /** A delta to add up (requests served since the last report). Rollups keep the sum. */
    COUNTER,
    /** Each value is one sample of a distribution (a latency). Rollups also keep a mergeable DDSketch. */
    DISTRIBUTION;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<MetricType> fromWire(String name) {
        if (name == null) {
            return Optional.empty();
        }
        return switch (name) {
            case "gauge" -> Optional.of(GAUGE);
            case "counter" -> Optional.of(COUNTER);
            case "distribution" -> Optional.of(DISTRIBUTION);
            default -> Optional.empty();
        };
    }
}

package dev.longwatch.core.query;

import dev.longwatch.model.Aggregate;

import java.util.Locale;
import java.util.Optional;

/** How the points of a step (across slots and series) become one value. */
public enum Agg {
    AVG, SUM, MIN, MAX, COUNT, LAST, P50(0.50), P90(0.90), P95(0.95), P99(0.99);

    private final double quantile;

    Agg() {
        this(Double.NaN);
    }

    Agg(double quantile) {
        this.quantile = quantile;
    }

    public boolean isPercentile() {
        return !Double.isNaN(quantile);
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Agg> fromWire(String s) {
        for (Agg a : values()) {
            if (a.wireName().equals(s)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    public double apply(Aggregate a) {
        return switch (this) {
            case AVG -> a.avg();
            case SUM -> a.sum();
            case MIN -> a.min();
            case MAX -> a.max();
            case COUNT -> a.count();
            case LAST -> a.last();
            default -> a.quantile(quantile);
        };
    }
}

package dev.longwatch.core.telemetry;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;

/** Counters kept in memory: local-dev serves them at /v1/admin/metrics; benchmarks and tests read them. */
public final class InMemoryMetrics implements PlatformMetrics {
    private final Map<String, DoubleAdder> counters = new ConcurrentHashMap<>();
    private final Map<String, Double> gauges = new ConcurrentHashMap<>();

    @Override
    public void count(String name, String dimension, String dimensionValue, double value) {
        counters.computeIfAbsent(name, k -> new DoubleAdder()).add(value);
        if (dimension != null) {
            counters.computeIfAbsent(name + "." + dimension + "=" + dimensionValue, k -> new DoubleAdder()).add(value);
        }
    }

    @Override
    public void gauge(String name, double value) {
        gauges.put(name, value);
    }

    public double counter(String name) {
        DoubleAdder a = counters.get(name);
        return a == null ? 0 : a.sum();
    }

    public void reset() {
        counters.clear();
        gauges.clear();
    }

    /** Every counter and gauge by name, sorted. */
    public Map<String, Double> snapshot() {
        Map<String, Double> out = new TreeMap<>();
        counters.forEach((k, v) -> out.put(k, v.sum()));
        out.putAll(gauges);
        return out;
    }
}

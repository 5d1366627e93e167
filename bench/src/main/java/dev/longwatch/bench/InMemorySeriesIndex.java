package dev.longwatch.bench;

import dev.longwatch.core.series.SeriesDescriptor;
import dev.longwatch.core.series.SeriesIndex;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The series catalogue in memory, for CPU benchmarks only. */
final class InMemorySeriesIndex implements SeriesIndex {
    private final Map<String, SeriesDescriptor> series = new ConcurrentHashMap<>();

    @Override
    public void register(Collection<SeriesDescriptor> descriptors) {
        descriptors.forEach(d -> series.put(d.qualifiedId(), d));
    }

    @Override
    public List<MetricInfo> metrics(String tenant) {
        return series.values().stream().filter(d -> d.tenant().equals(tenant))
                .map(d -> new MetricInfo(d.metric(), d.type())).distinct().toList();
    }

    @Override
    public List<SeriesDescriptor> series(String tenant, String metric) {
        List<SeriesDescriptor> out = new ArrayList<>();
        series.values().forEach(d -> {
            if (d.tenant().equals(tenant) && d.metric().equals(metric)) {
                out.add(d);
            }
        });
        return out;
    }

    @Override
    public List<String> tenants() {
        return series.values().stream().map(SeriesDescriptor::tenant).distinct().sorted().toList();
    }

    int size() {
        return series.size();
    }
}

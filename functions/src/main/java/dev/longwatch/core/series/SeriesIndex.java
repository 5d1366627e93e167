package dev.longwatch.core.series;

import dev.longwatch.model.MetricType;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Port: the catalogue of every tenant's metrics and series (DynamoDB). */
public interface SeriesIndex {

    /** A metric name with its type. */
    record MetricInfo(String name, MetricType type) {
    }

    /** Records these series (idempotent: registering a known series again changes nothing). */
    void register(Collection<SeriesDescriptor> series);

    List<MetricInfo> metrics(String tenant);

    /** Every series of one metric of one tenant. */
    List<SeriesDescriptor> series(String tenant, String metric);

    /** Every tenant that has registered a series. */
    List<String> tenants();

    /** Every series of a tenant, across its metrics. */
    default List<SeriesDescriptor> allSeries(String tenant) {
        List<SeriesDescriptor> out = new ArrayList<>();
        for (MetricInfo m : metrics(tenant)) {
            out.addAll(series(tenant, m.name()));
        }
        return out;
    }
}

package dev.longwatch.model.alerting;

import java.time.Duration;
import java.util.List;

/**
 * The series a monitor reads: a metric, filters in the syntax of {@code GET /v1/query} ({@code key:value},
 * {@code key:*}, {@code !key:value}), group-by tag keys (one alert instance per group), the aggregation and the
 * window each evaluation aggregates.
 */
public record MonitorQuery(String metric, List<String> filters, List<String> groupBy, String agg, Duration window) {
    public MonitorQuery {
        filters = filters == null ? List.of() : List.copyOf(filters);
        groupBy = groupBy == null ? List.of() : List.copyOf(groupBy);
    }

    /** The query as {@code GET /v1/query} parameters (for messages and links). */
    public String asQueryString() {
        StringBuilder b = new StringBuilder("metric=").append(metric);
        filters.forEach(f -> b.append("&filter=").append(f));
        if (!groupBy.isEmpty()) {
            b.append("&groupBy=").append(String.join(",", groupBy));
        }
        return b.append("&agg=").append(agg).toString();
    }
}

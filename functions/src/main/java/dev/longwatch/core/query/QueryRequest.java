package dev.longwatch.core.query;

import java.util.List;

/** A validated query: one metric, filters, group-by keys, aggregation, range [from, to) and step (ms). */
public record QueryRequest(String metric, List<TagFilter> filters, List<String> groupBy, Agg agg, long from, long to,
                           long step) {
}

package dev.longwatch.core.query;

import java.util.List;
import java.util.Map;

/**
 * The answer of {@code GET /v1/query}: one series per group, points at step starts that have data.
 * {@code tiers} names the rollup tiers the range was read from, oldest part first ({@code day}, {@code hour},
 * {@code minute}).
 */
public record QueryResult(String metric, String agg, long from, long to, long step, List<String> tiers,
                          List<ResultSeries> series) {

    public record ResultSeries(Map<String, String> tags, long[] times, double[] values) {
    }
}

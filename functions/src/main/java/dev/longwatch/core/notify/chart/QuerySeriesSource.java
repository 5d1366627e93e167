package dev.longwatch.core.notify.chart;

import dev.longwatch.core.query.QueryRequest;
import dev.longwatch.core.query.QueryResult;
import dev.longwatch.core.query.QueryService;

import java.util.List;

/** The query service as the charts' series source: one series (no group-by), one point per minute or coarser. */
public final class QuerySeriesSource implements QueryCharts.SeriesSource {
    private final QueryService queries;

    public QuerySeriesSource(QueryService queries) {
        this.queries = queries;
    }

    @Override
    public QueryCharts.Series series(String tenant, String metric, List<String> filters, String agg, long from, long to) {
        QueryRequest req = queries.parse(metric, filters, List.of(), agg, Long.toString(from), Long.toString(to), null);
        QueryResult r = queries.query(tenant, req);
        if (r.series().isEmpty()) {
            return new QueryCharts.Series(new long[0], new double[0]);
        }
        QueryResult.ResultSeries s = r.series().get(0);
        return new QueryCharts.Series(s.times(), s.values());
    }
}

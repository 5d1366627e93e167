package dev.longwatch.core.query;

import dev.longwatch.core.archive.ArchiveReader;
import dev.longwatch.core.archive.Points;
import dev.longwatch.core.rollup.Tier;
import dev.longwatch.core.series.SeriesDescriptor;
import dev.longwatch.core.series.SeriesIndex;
import dev.longwatch.model.Aggregate;
import dev.longwatch.model.MetricType;
import dev.longwatch.model.PayloadException;
import dev.longwatch.model.SeriesKey;
import dev.longwatch.model.Tags;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Answers {@code GET /v1/query} at raw resolution from the S3 archive ({@link ArchiveReader}), for any past range:
 * with {@code resolution=raw}, or with a step below a minute (which no rollup tier holds).
 *
 * <p>Without a step every archived point of every matching series is returned as it was written (one result
 * series per series, with all its tags, in time order; {@code agg} is {@code raw}, {@code step} 0); {@code tiers}
 * is {@code [archive]}. With a step
 * (whole seconds) the points are grouped and aggregated per step exactly as rollups are, but from the raw points.
 * The archive holds what the archive consumer has written: the last batching window may not be there yet.
 *
 * <p>A raw read decodes the tenant's archive blocks of every UTC day the range touches, so the range is bounded
 * ({@link #MAX_RANGE_MILLIS}) and so is the answer ({@link #MAX_POINTS}).
 */
public final class ArchiveQueryService {
    /** The longest range one raw query may read. */
    public static final long MAX_RANGE_MILLIS = Duration.ofDays(1).toMillis();
    /** Points one raw answer may hold in all. */
    public static final int MAX_POINTS = 200_000;
    /** {@link QueryResult#agg()} and {@link QueryResult#step()} of points returned as stored. */
    public static final String RAW = "raw";
    /** {@link QueryResult#tiers()} of an answer read from the archive. */
    public static final String ARCHIVE = "archive";

    private final SeriesIndex index;
    private final ArchiveReader reader;
    private final Clock clock;

    public ArchiveQueryService(SeriesIndex index, ArchiveReader reader, Clock clock) {
        this.index = index;
        this.reader = reader;
        this.clock = clock;
    }

    /**
     * Whether a query reads the archive: {@code resolution=raw}, or a step below a minute. Refuses a resolution
     * other than {@code raw} or {@code rollup} (the default).
     */
    public static boolean readsArchive(String resolution, String step) {
        if (resolution != null && !resolution.equals("rollup") && !resolution.equals(RAW)) {
            throw new PayloadException("resolution", "\"" + resolution + "\" is not one of rollup, raw");
        }
        if (RAW.equals(resolution)) {
            return true;
        }
        if (step == null || "rollup".equals(resolution)) {
            return false;
        }
        return TimeExpressions.parseDuration(step, "step").toMillis() < Tier.MINUTE.slotMillis();
    }

    /**
     * A validated raw query. {@code step} 0 means points as stored (then neither {@code groupBy} nor
     * {@code agg} applies, and giving them is an error rather than silently ignored).
     */
    public QueryRequest parse(String metric, List<String> filters, List<String> groupBy, String agg, String from,
                              String to, String step) {
        if (metric == null || metric.isEmpty()) {
            throw new PayloadException("metric", "is required");
        }
        long t = to == null ? clock.millis() : TimeExpressions.parseTime(to, clock, "to");
        long f = from == null ? t - Duration.ofHours(1).toMillis() : TimeExpressions.parseTime(from, clock, "from");
        if (f >= t) {
            throw new PayloadException("from", "must be before to");
        }
        if (t - f > MAX_RANGE_MILLIS) {
            throw new PayloadException("from", "a raw query may span at most 24 hours, this one spans "
                    + String.format(Locale.ROOT, "%.1f", (t - f) / 3_600_000.0) + " hours (use rollups, or "
                    + "several queries)");
        }
        List<TagFilter> parsed = QueryService.filters(filters);
        List<String> keys = QueryService.groupKeys(groupBy);
        if (step == null) {
            if (!keys.isEmpty()) {
                throw new PayloadException("groupBy", "needs a step: raw points are returned per series as stored");
            }
            if (agg != null) {
                throw new PayloadException("agg", "needs a step: raw points are returned per series as stored");
            }
            return new QueryRequest(metric, List.copyOf(parsed), List.of(), Agg.LAST, f, t, 0);
        }
        long s = TimeExpressions.parseDuration(step, "step").toMillis();
        if (s < 1_000 || s % 1_000 != 0) {
            throw new PayloadException("step", "must be a whole number of seconds (1s, 10s, 5m ...)");
        }
        if ((t - f) / s > QueryService.MAX_POINTS) {
            throw new PayloadException("step", "the range at this step gives " + ((t - f) / s)
                    + " points; at most " + QueryService.MAX_POINTS + " (use a larger step or a shorter range)");
        }
        Agg a = agg == null ? Agg.AVG : Agg.fromWire(agg).orElseThrow(() -> new PayloadException("agg",
                "\"" + agg + "\" is not one of avg, sum, min, max, count, last, p50, p90, p95, p99"));
        return new QueryRequest(metric, List.copyOf(parsed), List.copyOf(keys), a, f, t, s);
    }

    public QueryResult query(String tenant, QueryRequest q) {
        List<SeriesDescriptor> matching = index.series(tenant, q.metric()).stream()
                .filter(d -> q.filters().stream().allMatch(f -> f.matches(d.tags())))
                .toList();
        if (matching.size() > QueryService.MAX_SERIES) {
            throw new PayloadException("filter", matching.size() + " series match; at most "
                    + QueryService.MAX_SERIES + " may be read by one query (add filters)");
        }
        if (q.step() > 0 && q.agg().isPercentile()) {
            for (SeriesDescriptor d : matching) {
                if (d.type() != MetricType.DISTRIBUTION) {
                    throw new PayloadException("agg", q.agg().wireName() + " needs a distribution metric; "
                            + q.metric() + " is a " + d.type().wireName());
                }
            }
        }
        List<String> tiers = List.of(ARCHIVE);
        if (matching.isEmpty()) {
            return new QueryResult(q.metric(), q.step() == 0 ? RAW : q.agg().wireName(), q.from(), q.to(), q.step(),
                    tiers, List.of());
        }
        Map<SeriesKey, SeriesDescriptor> wanted = new HashMap<>();
        for (SeriesDescriptor d : matching) {
            wanted.put(new SeriesKey(tenant, d.metric(), d.type(), d.tags()), d);
        }
        Map<SeriesKey, Points> read = reader.read(tenant, q.from(), q.to(), wanted::containsKey);
        long total = read.values().stream().mapToLong(Points::size).sum();
        if (q.step() == 0 && total > MAX_POINTS) {
            throw new PayloadException("from", "this range holds " + total + " raw points; at most " + MAX_POINTS
                    + " (shorten the range, add filters or give a step)");
        }
        List<QueryResult.ResultSeries> out = new ArrayList<>();
        if (q.step() == 0) {
            List<Map.Entry<SeriesKey, Points>> entries = new ArrayList<>(read.entrySet());
            entries.sort((x, y) -> QueryService.compareTags(x.getKey().tags(), y.getKey().tags()));
            for (Map.Entry<SeriesKey, Points> e : entries) {
                out.add(inTimeOrder(e.getKey().tags(), e.getValue()));
            }
            return new QueryResult(q.metric(), RAW, q.from(), q.to(), 0, tiers, out);
        }
        Map<Tags, TreeMap<Long, Aggregate>> groups = new TreeMap<>(QueryService::compareTags);
        for (Map.Entry<SeriesKey, Points> e : read.entrySet()) {
            boolean sketch = e.getKey().type() == MetricType.DISTRIBUTION;
            TreeMap<Long, Aggregate> buckets = groups.computeIfAbsent(e.getKey().tags().select(q.groupBy()),
                    g -> new TreeMap<>());
            Points p = e.getValue();
            for (int i = 0; i < p.size(); i++) {
                long bucket = Math.floorDiv(p.time(i), q.step()) * q.step();
                buckets.computeIfAbsent(bucket, b -> new Aggregate()).add(p.time(i), p.value(i), sketch);
            }
        }
        for (Map.Entry<Tags, TreeMap<Long, Aggregate>> g : groups.entrySet()) {
            TreeMap<Long, Aggregate> b = g.getValue();
            long[] times = new long[b.size()];
            double[] values = new double[b.size()];
            int k = 0;
            for (Map.Entry<Long, Aggregate> e : b.entrySet()) {
                times[k] = e.getKey();
                values[k] = q.agg().apply(e.getValue());
                k++;
            }
            out.add(new QueryResult.ResultSeries(g.getKey().asMap(), times, values));
        }
        return new QueryResult(q.metric(), q.agg().wireName(), q.from(), q.to(), q.step(), tiers, out);
    }

    /** The points sorted by time; points of equal time keep their stream order. */
    private static QueryResult.ResultSeries inTimeOrder(Tags tags, Points p) {
        Integer[] order = new Integer[p.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingLong(p::time)); // stable
        long[] times = new long[order.length];
        double[] values = new double[order.length];
        for (int i = 0; i < order.length; i++) {
            times[i] = p.time(order[i]);
            values[i] = p.value(order[i]);
        }
        return new QueryResult.ResultSeries(tags.asMap(), times, values);
    }
}

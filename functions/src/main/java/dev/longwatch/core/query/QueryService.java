package dev.longwatch.core.query;

import dev.longwatch.core.rollup.RollupStore;
import dev.longwatch.core.rollup.Slab;
import dev.longwatch.core.rollup.SlabKey;
import dev.longwatch.core.rollup.Tier;
import dev.longwatch.core.series.SeriesDescriptor;
import dev.longwatch.core.series.SeriesIndex;
import dev.longwatch.model.Aggregate;
import dev.longwatch.model.MetricType;
import dev.longwatch.model.PayloadException;
import dev.longwatch.model.Tags;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/** Answers metric queries from the rollups, and lists metrics and their tags. Always within one tenant. */
public final class QueryService {
    /** Points one series of an answer may have. */
    public static final int MAX_POINTS = 11_000;
    /** Series one query may read (after filters). */
    public static final int MAX_SERIES = 2_000;
    /** Rollup items one query may read; keeps a query's cost and latency bounded. */
    public static final long MAX_SLAB_READS = 500_000;
    /** Distinct values listed per tag key by the tags endpoint. */
    public static final int MAX_TAG_VALUES = 1_000;

    private final SeriesIndex index;
    private final RollupStore store;
    private final Clock clock;
    private final int readConcurrency;

    public QueryService(SeriesIndex index, RollupStore store, Clock clock, int readConcurrency) {
        this.index = index;
        this.store = store;
        this.clock = clock;
        this.readConcurrency = readConcurrency;
    }

    public Clock clock() {
        return clock;
    }

    /** Builds a request from query-string values, refusing bad ones with the parameter name and reason. */
    public QueryRequest parse(String metric, List<String> filters, List<String> groupBy, String agg, String from,
                              String to, String step) {
        if (metric == null || metric.isEmpty()) {
            throw new PayloadException("metric", "is required");
        }
        Agg a = agg == null ? Agg.AVG : Agg.fromWire(agg).orElseThrow(() -> new PayloadException("agg",
                "\"" + agg + "\" is not one of avg, sum, min, max, count, last, p50, p90, p95, p99"));
        long t = to == null ? clock.millis() : TimeExpressions.parseTime(to, clock, "to");
        long f = from == null ? t - Duration.ofHours(1).toMillis() : TimeExpressions.parseTime(from, clock, "from");
        if (f >= t) {
            throw new PayloadException("from", "must be before to");
        }
        long minute = Tier.MINUTE.slotMillis();
        long s;
        if (step == null) {
            long points = 1440;
            s = Math.max(minute, ((t - f) / points + minute - 1) / minute * minute);
        } else {
            s = TimeExpressions.parseDuration(step, "step").toMillis();
            if (s < minute || s % minute != 0) {
                throw new PayloadException("step", "must be a whole number of minutes (60s, 5m, 1h, 1d ...)");
            }
        }
        if ((t - f) / s > MAX_POINTS) {
            throw new PayloadException("step", "the range at this step gives " + ((t - f) / s)
                    + " points; at most " + MAX_POINTS + " (use a larger step or a shorter range)");
        }
        List<TagFilter> parsed = new ArrayList<>();
        for (String raw : filters) {
            parsed.add(TagFilter.parse(raw, "filter"));
        }
        List<String> keys = new ArrayList<>();
        for (String g : groupBy) {
            for (String k : g.split(",")) {
                if (!k.isBlank()) {
                    keys.add(k.trim());
                }
            }
        }
        return new QueryRequest(metric, List.copyOf(parsed), List.copyOf(keys), a, f, t, s);
    }

    public QueryResult query(String tenant, QueryRequest q) {
        List<SeriesDescriptor> matching = index.series(tenant, q.metric()).stream()
                .filter(d -> q.filters().stream().allMatch(f -> f.matches(d.tags())))
                .toList();
        if (matching.size() > MAX_SERIES) {
            throw new PayloadException("filter", matching.size() + " series match; at most " + MAX_SERIES
                    + " may be read by one query (add filters)");
        }
        if (q.agg().isPercentile()) {
            for (SeriesDescriptor d : matching) {
                if (d.type() != MetricType.DISTRIBUTION) {
                    throw new PayloadException("agg", q.agg().wireName() + " needs a distribution metric; "
                            + q.metric() + " is a " + d.type().wireName());
                }
            }
        }
        long reads = 0;
        for (SeriesDescriptor d : matching) {
            reads += (q.to() - q.from()) / Tier.MINUTE.slabMillis(d.type()) + 1;
        }
        if (reads > MAX_SLAB_READS) {
            throw new PayloadException("from", "this query would read " + reads + " rollup items; at most "
                    + MAX_SLAB_READS + " (shorten the range or add filters)");
        }

        Map<Tags, TreeMap<Long, Aggregate>> groups = new TreeMap<>(QueryService::compareTags);
        List<List<Slab>> read = readAll(matching, q);
        for (int i = 0; i < matching.size(); i++) {
            Tags group = matching.get(i).tags().select(q.groupBy());
            TreeMap<Long, Aggregate> buckets = groups.computeIfAbsent(group, g -> new TreeMap<>());
            for (Slab slab : read.get(i)) {
                Aggregate[] slots = slab.slots();
                for (int j = 0; j < slots.length; j++) {
                    if (slots[j] == null) {
                        continue;
                    }
                    long time = slab.key().start() + j * Tier.MINUTE.slotMillis();
                    if (time < q.from() - Math.floorMod(q.from(), Tier.MINUTE.slotMillis()) || time >= q.to()) {
                        continue;
                    }
                    long bucket = Math.floorDiv(time, q.step()) * q.step();
                    buckets.computeIfAbsent(bucket, b -> new Aggregate()).merge(slots[j]);
                }
            }
        }
        List<QueryResult.ResultSeries> out = new ArrayList<>();
        for (Map.Entry<Tags, TreeMap<Long, Aggregate>> g : groups.entrySet()) {
            TreeMap<Long, Aggregate> b = g.getValue();
            if (b.isEmpty()) {
                continue; // a group without data in the range has nothing to show
            }
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
        return new QueryResult(q.metric(), q.agg().wireName(), q.from(), q.to(), q.step(), out);
    }

    /**
     * Orders groups entry by entry (key, then value; fewer entries first). Unlike comparing their text, two
     * different tag sets never compare equal: values may contain ", " and "=".
     */
    static int compareTags(Tags a, Tags b) {
        Iterator<Map.Entry<String, String>> i = a.asMap().entrySet().iterator();
        Iterator<Map.Entry<String, String>> j = b.asMap().entrySet().iterator();
        while (i.hasNext() && j.hasNext()) {
            Map.Entry<String, String> x = i.next();
            Map.Entry<String, String> y = j.next();
            int c = x.getKey().compareTo(y.getKey());
            if (c == 0) {
                c = x.getValue().compareTo(y.getValue());
            }
            if (c != 0) {
                return c;
            }
        }
        return Boolean.compare(i.hasNext(), j.hasNext());
    }

    private List<List<Slab>> readAll(List<SeriesDescriptor> series, QueryRequest q) {
        Semaphore permits = new Semaphore(readConcurrency);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<List<Slab>>> futures = new ArrayList<>();
            for (SeriesDescriptor d : series) {
                long first = Tier.MINUTE.slabStart(q.from(), d.type());
                long last = Tier.MINUTE.slabStart(q.to() - 1, d.type());
                SlabKey key = new SlabKey(d.qualifiedId(), Tier.MINUTE, d.type(), first);
                futures.add(pool.submit(() -> {
                    permits.acquire();
                    try {
                        return store.range(key, last);
                    } finally {
                        permits.release();
                    }
                }));
            }
            List<List<Slab>> out = new ArrayList<>(futures.size());
            for (Future<List<Slab>> f : futures) {
                out.add(f.get());
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    public List<SeriesIndex.MetricInfo> metrics(String tenant) {
        return index.metrics(tenant);
    }

    /** Tag keys of a metric with their distinct values (sorted, at most {@link #MAX_TAG_VALUES} each). */
    public Map<String, List<String>> tags(String tenant, String metric) {
        Map<String, java.util.TreeSet<String>> keys = new TreeMap<>();
        for (SeriesDescriptor d : index.series(tenant, metric)) {
            for (Map.Entry<String, String> t : d.tags().asMap().entrySet()) {
                java.util.TreeSet<String> values = keys.computeIfAbsent(t.getKey(), k -> new java.util.TreeSet<>());
                if (values.size() < MAX_TAG_VALUES) {
                    values.add(t.getValue());
                }
            }
        }
        Map<String, List<String>> out = new TreeMap<>();
        keys.forEach((k, v) -> out.put(k, List.copyOf(v)));
        return out;
    }
}

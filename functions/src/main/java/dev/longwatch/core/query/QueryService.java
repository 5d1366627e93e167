package dev.longwatch.core.query;

import dev.longwatch.core.Concurrently;
import dev.longwatch.core.archive.ArchiveReader;
import dev.longwatch.core.rollup.CompactionProgress;
import dev.longwatch.core.rollup.CompactionStateStore;
import dev.longwatch.core.rollup.Retention;
import dev.longwatch.core.rollup.RollupStore;
import dev.longwatch.core.rollup.Slab;
import dev.longwatch.core.rollup.SlabKey;
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
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Answers metric queries from the rollups, and lists metrics and their tags. Always within one tenant.
 *
 * <p>The step picks the tier (whole days: days; whole hours: hours; else minutes) and the range is stitched
 * from at most three segments, oldest first: days, hours, minutes. A coarser tier is read where the finer one
 * has expired (before {@link Retention#floor}); a finer tier is read where the coarser one is not compacted
 * yet (from the tenant's {@link CompactionProgress}). Segment boundaries fall on slot boundaries of both
 * tiers, so no slot is counted twice. The result names the tiers read ({@link QueryResult#tiers()}).
 *
 * <p>With a {@link FreshTail}, the minutes the rollup consumer may not have written yet (its batching window
 * gathers up to 300 s) are read from the archive instead: every minute from {@code now - lag} on comes from
 * {@link ArchiveReader#aggregate} (the same aggregates, re-derived from the raw points the archive consumer wrote
 * about a minute ago) and none of them from the minute rollups, so nothing is counted twice. The answer's
 * {@code tiers} then ends with {@code archive}.
 */
public final class QueryService {
    /** Points one series of an answer may have. */
    public static final int MAX_POINTS = 11_000;
    /** Series one query may read (after filters). */
    public static final int MAX_SERIES = 2_000;
    /** Rollup items one query may read (each tier counted by its own slab size); bounds cost and latency. */
    public static final long MAX_SLAB_READS = 500_000;
    /** Distinct values listed per tag key by the tags endpoint. */
    public static final int MAX_TAG_VALUES = 1_000;

    private final SeriesIndex index;
    private final RollupStore store;
    /** Null: nothing counts as compacted (the hour and day tiers are read only beyond the finer retention). */
    private final CompactionStateStore compaction;
    private final Retention retention;
    private final Clock clock;
    private final int readConcurrency;

    /**
     * Where the newest minutes come from: minutes starting at or after {@code now - lag} (rounded down to the
     * minute) are read from {@code reader}. {@code lag} must cover the rollup mapping's batching window and
     * processing, so every older minute is complete in the rollups.
     */
    public record FreshTail(ArchiveReader reader, Duration lag, boolean untilCompacted) {
        public FreshTail {
            if (lag.isNegative() || lag.isZero()) {
                throw new IllegalArgumentException("lag must be positive, got " + lag);
            }
        }

        public FreshTail(ArchiveReader reader, Duration lag) {
            this(reader, lag, false);
        }

        /**
         * With the minute tier written from the archive ({@code untilCompacted}), minutes are in the rollups only
         * for hours the compactor has done: the tail then also starts no later than the tenant's
         * {@link CompactionProgress#hourDone()}, however far behind the compactor is.
         */
        public static FreshTail untilCompacted(ArchiveReader reader, Duration lag) {
            return new FreshTail(reader, lag, true);
        }

        /** The first minute read from the archive at {@code now}: every minute before it is in the rollups. */
        public long from(long now, CompactionProgress progress) {
            long from = Tier.MINUTE.slotStart(now - lag.toMillis());
            if (untilCompacted && progress != null) {
                from = Math.min(from, progress.hourDone());
            }
            return from;
        }
    }

    /** Null: the minute rollups answer up to now. */
    private final FreshTail freshTail;

    /** One stretch of the range read from one tier: slots starting in [start, end). */
    record Segment(Tier tier, long start, long end) {
    }

    public QueryService(SeriesIndex index, RollupStore store, Clock clock, int readConcurrency) {
        this(index, store, null, Retention.DEFAULTS, clock, readConcurrency);
    }

    public QueryService(SeriesIndex index, RollupStore store, CompactionStateStore compaction, Retention retention,
                        Clock clock, int readConcurrency) {
        this(index, store, compaction, retention, clock, readConcurrency, null);
    }

    /** {@code freshTail} may be null (the minute rollups answer up to now). */
    public QueryService(SeriesIndex index, RollupStore store, CompactionStateStore compaction, Retention retention,
                        Clock clock, int readConcurrency, FreshTail freshTail) {
        this.freshTail = freshTail;
        this.index = index;
        this.store = store;
        this.compaction = compaction;
        this.retention = retention;
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
            s = Math.max(minute, roundUp((t - f) / points, minute));
            // A step above an hour (a day) becomes whole hours (days), so it reads the coarser tier.
            if (s > Tier.HOUR.slotMillis()) {
                s = roundUp(s, Tier.HOUR.slotMillis());
            }
            if (s > Tier.DAY.slotMillis()) {
                s = roundUp(s, Tier.DAY.slotMillis());
            }
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
        List<TagFilter> parsed = filters(filters);
        List<String> keys = groupKeys(groupBy);
        return new QueryRequest(metric, List.copyOf(parsed), List.copyOf(keys), a, f, t, s);
    }

    /** The {@code filter} parameters, each refused by name when malformed. */
    static List<TagFilter> filters(List<String> filters) {
        List<TagFilter> parsed = new ArrayList<>();
        for (String raw : filters) {
            parsed.add(TagFilter.parse(raw, "filter"));
        }
        return parsed;
    }

    /** The {@code groupBy} keys: repeated parameters or comma-separated, blanks dropped. */
    static List<String> groupKeys(List<String> groupBy) {
        List<String> keys = new ArrayList<>();
        for (String g : groupBy) {
            for (String k : g.split(",")) {
                if (!k.isBlank()) {
                    keys.add(k.trim());
                }
            }
        }
        return keys;
    }

    private static long roundUp(long value, long unit) {
        return (value + unit - 1) / unit * unit;
    }

    /** The tier a step reads: days for whole days, hours for whole hours, else minutes. */
    public static Tier tierFor(long step) {
        if (step % Tier.DAY.slotMillis() == 0) {
            return Tier.DAY;
        }
        return step % Tier.HOUR.slotMillis() == 0 ? Tier.HOUR : Tier.MINUTE;
    }

    /**
     * The segments of [from, to) for {@code preferred}, oldest first. Minutes are read from the minute floor
     * on, or for an hour or day step only where hours are not compacted yet; days before the hour floor, or
     * for a day step wherever days are compacted; hours in between.
     */
    List<Segment> plan(Tier preferred, long from, long to, long now, CompactionProgress progress) {
        long hourDone = progress == null ? Long.MIN_VALUE : progress.hourDone();
        long dayDone = progress == null ? Long.MIN_VALUE : progress.dayDone();
        long minuteFloor = retention.floor(Tier.MINUTE, now);
        long hourFloor = retention.floor(Tier.HOUR, now);
        long minutesFrom = preferred == Tier.MINUTE ? minuteFloor : Math.max(hourDone, minuteFloor);
        long hoursFrom = Math.min(minutesFrom, preferred == Tier.DAY ? Math.max(dayDone, hourFloor) : hourFloor);
        long start = preferred.slotStart(from);
        List<Segment> out = new ArrayList<>(3);
        addSegment(out, Tier.DAY, start, Math.min(to, hoursFrom));
        addSegment(out, Tier.HOUR, Math.max(start, hoursFrom), Math.min(to, minutesFrom));
        addSegment(out, Tier.MINUTE, Math.max(start, minutesFrom), to);
        return out;
    }

    private static void addSegment(List<Segment> out, Tier tier, long start, long end) {
        long s = tier.slotStart(start); // the slot containing the start of the range is included
        if (s < end) {
            out.add(new Segment(tier, s, end));
        }
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
        long now = clock.millis();
        CompactionProgress progress = compaction == null ? null : compaction.progress(tenant).orElse(null);
        List<Segment> segments = plan(tierFor(q.step()), q.from(), q.to(), now, progress);
        long reads = 0;
        for (SeriesDescriptor d : matching) {
            for (Segment seg : segments) {
                reads += (seg.end() - seg.start()) / seg.tier().slabMillis(d.type()) + 1;
            }
        }
        if (reads > MAX_SLAB_READS) {
            throw new PayloadException("from", "this query would read " + reads + " rollup items; at most "
                    + MAX_SLAB_READS + " (shorten the range or add filters)");
        }

        // Minutes from here on come from the archive (the rollup consumer may not have written them yet).
        long freshFrom = Long.MAX_VALUE;
        if (freshTail != null && !segments.isEmpty() && segments.get(segments.size() - 1).tier() == Tier.MINUTE) {
            Segment last = segments.get(segments.size() - 1);
            long from = freshTail.from(now, progress);
            freshFrom = from < last.end() ? Math.max(from, last.start()) : Long.MAX_VALUE;
        }
        Map<Tags, TreeMap<Long, Aggregate>> groups = new TreeMap<>(QueryService::compareTags);
        List<List<List<Slab>>> read = readAll(matching, segments);
        for (int i = 0; i < matching.size(); i++) {
            Tags group = matching.get(i).tags().select(q.groupBy());
            TreeMap<Long, Aggregate> buckets = groups.computeIfAbsent(group, g -> new TreeMap<>());
            for (int k = 0; k < segments.size(); k++) {
                Segment seg = segments.get(k);
                long end = seg.tier() == Tier.MINUTE ? Math.min(seg.end(), freshFrom) : seg.end();
                for (Slab slab : read.get(i).get(k)) {
                    Aggregate[] slots = slab.merged();
                    for (int j = 0; j < slots.length; j++) {
                        if (slots[j] == null) {
                            continue;
                        }
                        long time = slab.key().start() + j * seg.tier().slotMillis();
                        if (time < seg.start() || time >= end) {
                            continue;
                        }
                        long bucket = Math.floorDiv(time, q.step()) * q.step();
                        buckets.computeIfAbsent(bucket, b -> new Aggregate()).merge(slots[j]);
                    }
                }
            }
        }
        boolean fresh = freshFrom != Long.MAX_VALUE && !matching.isEmpty();
        if (fresh) {
            Map<SeriesKey, Tags> groupOf = new HashMap<>();
            for (SeriesDescriptor d : matching) {
                groupOf.put(new SeriesKey(tenant, d.metric(), d.type(), d.tags()), d.tags().select(q.groupBy()));
            }
            Map<SeriesKey, SortedMap<Long, Aggregate>> minutes = freshTail.reader().aggregate(tenant, freshFrom,
                    q.to(), ArchiveReader.Resolution.MINUTE, groupOf::containsKey);
            for (Map.Entry<SeriesKey, SortedMap<Long, Aggregate>> e : minutes.entrySet()) {
                TreeMap<Long, Aggregate> buckets = groups.computeIfAbsent(groupOf.get(e.getKey()),
                        g -> new TreeMap<>());
                e.getValue().forEach((time, a) -> buckets.computeIfAbsent(Math.floorDiv(time, q.step()) * q.step(),
                        b -> new Aggregate()).merge(a));
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
        List<String> tiers = new ArrayList<>(segments.stream().map(seg -> seg.tier().wireName()).toList());
        if (fresh) {
            tiers.add(ArchiveQueryService.ARCHIVE);
        }
        return new QueryResult(q.metric(), q.agg().wireName(), q.from(), q.to(), q.step(), List.copyOf(tiers), out);
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

    /** One range read: a series' slabs of one tier from {@code first} up to the slab starting at {@code last}. */
    private record RangeRead(SlabKey first, long last) {
    }

    /** Per series, per segment: the slabs read. */
    private List<List<List<Slab>>> readAll(List<SeriesDescriptor> series, List<Segment> segments) {
        List<RangeRead> reads = new ArrayList<>(series.size() * segments.size());
        for (SeriesDescriptor d : series) {
            for (Segment seg : segments) {
                // From the longest slab that may hold the first slot (minutes: the hour), whoever wrote it.
                long first = seg.tier().earliestSlabStart(seg.start(), d.type());
                long last = seg.tier().slabStart(seg.end() - 1, d.type());
                reads.add(new RangeRead(new SlabKey(d.qualifiedId(), seg.tier(), d.type(), first), last));
            }
        }
        List<List<Slab>> flat = Concurrently.map(reads, readConcurrency,
                r -> Slab.withoutSuperseded(store.range(r.first(), r.last())));
        List<List<List<Slab>>> out = new ArrayList<>(series.size());
        for (int i = 0; i < series.size(); i++) {
            out.add(flat.subList(i * segments.size(), (i + 1) * segments.size()));
        }
        return out;
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

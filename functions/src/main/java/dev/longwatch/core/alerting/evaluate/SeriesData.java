package dev.longwatch.core.alerting.evaluate;

import dev.longwatch.core.Concurrently;
import dev.longwatch.core.archive.ArchiveReader;
import dev.longwatch.core.query.Agg;
import dev.longwatch.core.query.TagFilter;
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
import dev.longwatch.model.alerting.MonitorQuery;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * The minute rollups one tenant's monitors read, loaded in batches: every metric's series are listed once, and
 * the slabs of every series are read together (one batched read for short ranges, one range read per series for
 * long ones, such as a backtest), however many monitors share them. Then each monitor's windows are computed in
 * memory.
 *
 * <p>With a fresh tail ({@link #SeriesData(String, SeriesIndex, RollupStore, int, ArchiveReader, long)}), every
 * minute from {@code freshFrom} on comes from the archive ({@link ArchiveReader#aggregate}: the same aggregates,
 * re-derived from the raw points), read once for all needed series, and none of those minutes from the rollups,
 * so no minute counts twice. That is how monitors see the minute that just closed when the rollups are written
 * later (a long rollup batching window, or the minute tier written from the archive once an hour).
 */
public final class SeriesData {
    /** Above this many slabs per series, a range read (a DynamoDB Query) is cheaper than a batched get. */
    static final int RANGE_READ_SLABS = 8;
    /** Series one monitor's query may match (as for {@code GET /v1/query}). */
    public static final int MAX_SERIES = 2_000;

    private final String tenant;
    private final SeriesIndex index;
    private final RollupStore store;
    private final int concurrency;
    private final boolean byRangeOnly;
    private final Map<String, List<long[]>> needs = new LinkedHashMap<>();
    private final Map<String, List<SeriesDescriptor>> series = new HashMap<>();
    /** Per qualified series id: minute start -> aggregate. */
    private final Map<String, Map<Long, Aggregate>> minutes = new HashMap<>();
    private final Map<String, List<TagFilter>> parsedFilters = new HashMap<>();
    private long slabReads;
    /** Null: every minute comes from the rollups. */
    private final ArchiveReader archive;
    /** Minutes starting at or after this come from {@link #archive} (Long.MAX_VALUE without one). */
    private final long freshFrom;
    private long archiveSeries;

    public SeriesData(String tenant, SeriesIndex index, RollupStore store, int concurrency) {
        this(tenant, index, store, concurrency, null, Long.MAX_VALUE);
    }

    /** Minutes from {@code freshFrom} on are read from {@code archive} (which may be null: none are). */
    public SeriesData(String tenant, SeriesIndex index, RollupStore store, int concurrency, ArchiveReader archive,
                      long freshFrom) {
        this(tenant, index, store, concurrency, archive, freshFrom, false);
    }

    /**
     * As above; with {@code byRangeOnly} minutes are always read by range from the hour, which finds minute slabs of
     * any layout, instead of by the stream layout's keys for short ranges: for the minute tier written in
     * whole-hour slabs (from the archive, {@link dev.longwatch.core.rollup.SlabKey#wholeHour}), and for one-off
     * reads such as backtests.
     */
    public SeriesData(String tenant, SeriesIndex index, RollupStore store, int concurrency, ArchiveReader archive,
                      long freshFrom, boolean byRangeOnly) {
        this.byRangeOnly = byRangeOnly;
        this.tenant = tenant;
        this.index = index;
        this.store = store;
        this.concurrency = concurrency;
        this.archive = archive;
        this.freshFrom = archive == null ? Long.MAX_VALUE : Tier.MINUTE.slotStart(freshFrom);
    }

    /** Registers that {@code metric} will be read over [from, to). */
    public void need(String metric, long from, long to) {
        if (from < to) {
            needs.computeIfAbsent(metric, k -> new ArrayList<>()).add(new long[]{from, to});
        }
    }

    /** Per metric, one range covering everything registered for it. */
    public Map<String, long[]> coveringNeeds() {
        Map<String, long[]> out = new LinkedHashMap<>();
        needs.forEach((metric, ranges) -> {
            long from = Long.MAX_VALUE;
            long to = Long.MIN_VALUE;
            for (long[] r : ranges) {
                from = Math.min(from, r[0]);
                to = Math.max(to, r[1]);
            }
            out.put(metric, new long[]{from, to});
        });
        return out;
    }

    /** Reads everything registered. */
    public void load() {
        List<String> metrics = new ArrayList<>(needs.keySet());
        List<List<SeriesDescriptor>> listed = Concurrently.map(metrics, concurrency, m -> index.series(tenant, m));
        java.util.Set<SlabKey> batched = new java.util.LinkedHashSet<>();
        List<SlabKey[]> ranged = new ArrayList<>();
        for (int i = 0; i < metrics.size(); i++) {
            series.put(metrics.get(i), listed.get(i));
            for (SeriesDescriptor d : listed.get(i)) {
                minutes.put(d.qualifiedId(), new HashMap<>());
                for (long[] range : needs.get(metrics.get(i))) {
                    long to = Math.min(range[1], freshFrom);
                    if (range[0] >= to) {
                        continue; // all of it from the archive
                    }
                    long first = Tier.MINUTE.slabStart(range[0], d.type());
                    long last = Tier.MINUTE.slabStart(to - 1, d.type());
                    long slab = Tier.MINUTE.slabMillis(d.type());
                    if (byRangeOnly || (last - first) / slab + 1 > RANGE_READ_SLABS) {
                        // From the hour: a whole-hour slab may hold the first minute.
                        long from = Tier.MINUTE.earliestSlabStart(range[0], d.type());
                        ranged.add(new SlabKey[]{new SlabKey(d.qualifiedId(), Tier.MINUTE, d.type(), from),
                                new SlabKey(d.qualifiedId(), Tier.MINUTE, d.type(), last)});
                    } else {
                        for (long t = first; t <= last; t += slab) {
                            batched.add(new SlabKey(d.qualifiedId(), Tier.MINUTE, d.type(), t));
                        }
                    }
                }
            }
        }
        if (!batched.isEmpty()) {
            slabReads += batched.size();
            store.load(batched).values().forEach(this::keep);
        }
        List<List<Slab>> read = Concurrently.map(ranged, concurrency,
                r -> Slab.withoutSuperseded(store.range(r[0], r[1].start())));
        for (List<Slab> slabs : read) {
            slabReads += slabs.size();
            slabs.forEach(this::keep);
        }
        loadFresh();
    }

    /** The minutes from {@link #freshFrom} on, for every listed series, in one archive read. */
    private void loadFresh() {
        long to = Long.MIN_VALUE;
        for (List<long[]> ranges : needs.values()) {
            for (long[] r : ranges) {
                to = Math.max(to, r[1]);
            }
        }
        if (archive == null || to <= freshFrom) {
            return;
        }
        Map<SeriesKey, String> wanted = new HashMap<>();
        for (List<SeriesDescriptor> listed : series.values()) {
            for (SeriesDescriptor d : listed) {
                wanted.put(new SeriesKey(tenant, d.metric(), d.type(), d.tags()), d.qualifiedId());
            }
        }
        if (wanted.isEmpty()) {
            return;
        }
        Map<SeriesKey, SortedMap<Long, Aggregate>> fresh = archive.aggregate(tenant, freshFrom, to,
                ArchiveReader.Resolution.MINUTE, wanted::containsKey);
        archiveSeries += fresh.size();
        fresh.forEach((key, slots) -> minutes.get(wanted.get(key)).putAll(slots));
    }

    private void keep(Slab slab) {
        Map<Long, Aggregate> m = minutes.get(slab.key().seriesId());
        Aggregate[] slots = slab.merged();
        for (int j = 0; j < slots.length; j++) {
            long t = slab.key().start() + j * Tier.MINUTE.slotMillis();
            if (slots[j] != null && t < freshFrom) {
                m.put(t, slots[j]);
            }
        }
    }

    /** Series whose fresh minutes came from the archive in {@link #load()}. */
    public long archiveSeries() {
        return archiveSeries;
    }

    /** The first minute read from the archive (Long.MAX_VALUE: none). */
    public long freshFrom() {
        return freshFrom;
    }

    /** Rollup items read so far. */
    public long slabReads() {
        return slabReads;
    }

    /** The series of the query's metric that match its filters. */
    public List<SeriesDescriptor> matching(MonitorQuery q) {
        List<TagFilter> filters = parsedFilters.computeIfAbsent(String.join("\n", q.filters()), k -> {
            List<TagFilter> out = new ArrayList<>();
            for (String f : q.filters()) {
                out.add(TagFilter.parse(f, "query.filters"));
            }
            return out;
        });
        List<SeriesDescriptor> all = series.getOrDefault(q.metric(), List.of());
        List<SeriesDescriptor> out = new ArrayList<>();
        for (SeriesDescriptor d : all) {
            if (filters.stream().allMatch(f -> f.matches(d.tags()))) {
                out.add(d);
            }
        }
        if (out.size() > MAX_SERIES) {
            throw new PayloadException("query.filters", out.size() + " series match; at most " + MAX_SERIES
                    + " per monitor (add filters)");
        }
        return out;
    }

    /**
     * The query's value per group over minutes [from, to): the aggregation of every point of the group's series
     * in the window. Groups without a point in the window are absent.
     */
    public Map<Map<String, String>, Double> window(MonitorQuery q, long from, long to) {
        Agg agg = Agg.fromWire(q.agg()).orElseThrow();
        Map<Map<String, String>, Aggregate> groups = new LinkedHashMap<>();
        for (SeriesDescriptor d : matching(q)) {
            if (agg.isPercentile() && d.type() != MetricType.DISTRIBUTION) {
                throw new PayloadException("query.agg", agg.wireName() + " needs a distribution metric; "
                        + q.metric() + " is a " + d.type().wireName());
            }
            Map<Long, Aggregate> m = minutes.get(d.qualifiedId());
            Aggregate merged = null;
            for (long t = Tier.MINUTE.slotStart(from); t < to; t += Tier.MINUTE.slotMillis()) {
                Aggregate a = m.get(t);
                if (a != null) {
                    if (merged == null) {
                        merged = new Aggregate();
                    }
                    merged.merge(a);
                }
            }
            if (merged != null) {
                Map<String, String> g = d.tags().select(q.groupBy()).asMap();
                Aggregate into = groups.get(g);
                if (into == null) {
                    groups.put(g, merged);
                } else {
                    into.merge(merged);
                }
            }
        }
        Map<Map<String, String>, Double> out = new LinkedHashMap<>();
        groups.forEach((g, a) -> out.put(g, agg.apply(a)));
        return out;
    }

    /** The groups of the query's series (whether or not they have data). */
    public List<Map<String, String>> groups(MonitorQuery q) {
        List<Map<String, String>> out = new ArrayList<>();
        for (SeriesDescriptor d : matching(q)) {
            Map<String, String> g = d.tags().select(q.groupBy()).asMap();
            if (!out.contains(g)) {
                out.add(g);
            }
        }
        return out;
    }
}

package dev.longwatch.core.archive;

import dev.longwatch.core.Concurrently;
import dev.longwatch.core.rollup.LateArrivals;
import dev.longwatch.core.rollup.Retention;
import dev.longwatch.core.rollup.RollupStore;
import dev.longwatch.core.rollup.Slab;
import dev.longwatch.core.rollup.SlabKey;
import dev.longwatch.core.rollup.Tier;
import dev.longwatch.core.telemetry.Log;
import dev.longwatch.core.telemetry.PlatformMetrics;
import dev.longwatch.model.Aggregate;
import dev.longwatch.model.MetricType;
import dev.longwatch.model.SeriesKey;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The minute tier written from the archive ({@code LONGWATCH_MINUTE_TIER=archive}): when the archive compactor has
 * merged (or re-merged, for late data) one tenant-hour, this writes that hour's minute slabs for every series in
 * it, instead of the stream's rollup consumer writing them once per batch.
 *
 * <p>A series' hour is one minute slab of 60 slots ({@link SlabKey#wholeHour}), for distributions too: written
 * once, not once per stream batch, it costs one write unit per series-hour while it stays within 1 KB (one point
 * a minute does, {@code SlabSizeTest}), where the stream's layout of 10-minute scalar and 1-minute distribution
 * slabs costs 6 or 60.
 *
 * <p>Every slab is a <em>complete</em> write: its slots are derived from all of the hour's points (in stream
 * order, so the aggregates equal the stream path's to the bit), never added to what is stored. A re-run or a
 * concurrent run therefore writes the same content, and a slab whose stored content already is that content is
 * not written at all. Writes carry the version condition of {@link RollupStore#put}; a conflict re-reads.
 * Minute slabs written here carry no shard watermarks: nothing is applied to them incrementally.
 *
 * <p>The hour and day tiers stay the rollup compactor's: after the writes, every slab of the hour goes through
 * {@link LateArrivals#afterWrite}, so an hour the compactor has already claimed (late data, or a re-merge) gets
 * the usual recompute requests — for written and unchanged slabs alike, so a run cut short between its writes
 * and its requests is completed by the next. An hour too old for the minute tier ({@link Retention#baseTier})
 * goes straight into its hour slot, as the stream path's direct writes do, and asks for its day; one beyond the
 * hour tier is counted and skipped.
 */
public final class MinuteTierWriter implements ArchiveCompactor.HourListener {
    private static final Log LOG = Log.get(MinuteTierWriter.class);
    private static final int MAX_CONFLICT_RETRIES = 5;
    private static final int LOAD_CHUNK = 100;

    private final RollupStore store;
    private final LateArrivals late;
    private final Retention retention;
    private final PlatformMetrics metrics;
    private final Clock clock;
    private final int concurrency;

    /** What one hour cost: slabs written, slabs already holding the content, slabs of the hour in all. */
    public record Result(int written, int unchanged, int slabs) {
    }

    public MinuteTierWriter(RollupStore store, LateArrivals late, Retention retention, PlatformMetrics metrics,
                            Clock clock, int concurrency) {
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1, got " + concurrency);
        }
        this.store = store;
        this.late = late;
        this.retention = retention;
        this.metrics = metrics;
        this.clock = clock;
        this.concurrency = concurrency;
    }

    @Override
    public void hourMerged(String tenant, long hour, List<BlockPart> parts, boolean firstMerge) {
        write(tenant, hour, parts, firstMerge);
    }

    /** Writes the slabs of one tenant-hour from all of its parts (in the reader's order). */
    public Result write(String tenant, long hour, List<BlockPart> parts) {
        return write(tenant, hour, parts, false);
    }

    /**
     * As {@link #write(String, long, List)}; with {@code absentLikely} (the hour's first merge) each slab is first
     * written as new, without reading it: a slab that exists after all fails that write's condition and is then
     * read and compared as usual. That saves a read per slab on the usual path.
     */
    public Result write(String tenant, long hour, List<BlockPart> parts, boolean absentLikely) {
        long now = clock.millis();
        late.ensureStarted(Set.of(tenant), now);
        Map<SeriesKey, SortedMap<Long, Aggregate>> minutes = minuteAggregates(parts, hour);
        if (minutes.isEmpty()) {
            return new Result(0, 0, 0);
        }
        if (retention.isExpired(hour + Tier.HOUR.slotMillis() - 1, now)
                || retention.baseTier(hour, now) == Tier.DAY) {
            // The stream path would write these straight into days; the archive keeps them and a rebuild can.
            long points = minutes.values().stream().mapToLong(m -> m.values().stream().mapToLong(Aggregate::count)
                    .sum()).sum();
            metrics.count("MinuteTierPointsBeyondHourTier", points);
            LOG.warn("an archived hour is beyond the hour tier's retention; its points stay in the archive only",
                    "tenant", tenant, "hour", hour, "points", points);
            return new Result(0, 0, 0);
        }
        Map<SlabKey, Slab> targets = retention.baseTier(hour, now) == Tier.MINUTE ? minuteSlabs(minutes, hour)
                : hourSlots(minutes, hour);
        Result r = writeAll(targets, absentLikely);
        late.afterWrite(targets.keySet(), now);
        metrics.count("MinuteTierSlabWrites", r.written());
        metrics.count("MinuteTierSlabsUnchanged", r.unchanged());
        return r;
    }

    /** Per series and minute, the aggregate of the hour's points, added in the parts' (stream) order. */
    static Map<SeriesKey, SortedMap<Long, Aggregate>> minuteAggregates(List<BlockPart> parts, long hour) {
        Map<SeriesKey, SortedMap<Long, Aggregate>> out = new LinkedHashMap<>();
        long end = hour + Tier.HOUR.slotMillis();
        long minute = Tier.MINUTE.slotMillis();
        for (BlockPart part : parts) {
            for (Map.Entry<SeriesKey, Points> e : part.series().entrySet()) {
                boolean sketch = e.getKey().type() == MetricType.DISTRIBUTION;
                SortedMap<Long, Aggregate> slots = null;
                Points p = e.getValue();
                for (int i = 0; i < p.size(); i++) {
                    long t = p.time(i);
                    if (t < hour || t >= end) {
                        continue;
                    }
                    if (slots == null) {
                        slots = out.computeIfAbsent(e.getKey(), k -> new TreeMap<>());
                    }
                    slots.computeIfAbsent(Math.floorDiv(t, minute) * minute, s -> new Aggregate()).add(t, p.value(i),
                            sketch);
                }
            }
        }
        return out;
    }

    /**
     * The complete minute slab of the hour per series: one whole-hour slab ({@link SlabKey#wholeHour}), whatever
     * the type (version 0: the stored version is filled in when written).
     */
    private static Map<SlabKey, Slab> minuteSlabs(Map<SeriesKey, SortedMap<Long, Aggregate>> minutes, long hour) {
        Map<SlabKey, Slab> out = new LinkedHashMap<>();
        for (Map.Entry<SeriesKey, SortedMap<Long, Aggregate>> e : minutes.entrySet()) {
            SeriesKey s = e.getKey();
            SlabKey key = SlabKey.wholeHour(s.qualifiedId(), s.type(), hour);
            Slab slab = Slab.empty(key);
            for (Map.Entry<Long, Aggregate> m : e.getValue().entrySet()) {
                slab.slots()[(int) ((m.getKey() - hour) / Tier.MINUTE.slotMillis())] = m.getValue();
            }
            out.put(key, slab);
        }
        return out;
    }

    /**
     * For an hour past the minute tier's window: its hour slot per series, the merge of its minutes in time order
     * (what the compactor would derive from them). Only the derived slot {@code hour} is set when written.
     */
    private static Map<SlabKey, Slab> hourSlots(Map<SeriesKey, SortedMap<Long, Aggregate>> minutes, long hour) {
        Map<SlabKey, Slab> out = new LinkedHashMap<>();
        for (Map.Entry<SeriesKey, SortedMap<Long, Aggregate>> e : minutes.entrySet()) {
            SeriesKey s = e.getKey();
            Aggregate merged = null;
            for (Aggregate a : e.getValue().values()) {
                if (merged == null) {
                    merged = a.copy();
                } else {
                    merged.merge(a);
                }
            }
            SlabKey key = new SlabKey(s.qualifiedId(), Tier.HOUR, s.type(), Tier.HOUR.slabStart(hour, s.type()));
            Slab slab = Slab.empty(key);
            slab.slots()[(int) ((hour - key.start()) / Tier.HOUR.slotMillis())] = merged;
            out.put(key, slab);
        }
        return out;
    }

    private Result writeAll(Map<SlabKey, Slab> targets, boolean absentLikely) {
        List<SlabKey> keys = new ArrayList<>(targets.keySet());
        List<List<SlabKey>> chunks = new ArrayList<>();
        for (int from = 0; from < keys.size(); from += LOAD_CHUNK) {
            chunks.add(keys.subList(from, Math.min(keys.size(), from + LOAD_CHUNK)));
        }
        List<int[]> counts = Concurrently.map(chunks, concurrency, chunk -> {
            Map<SlabKey, Slab> current = absentLikely ? Map.of() : store.load(chunk);
            int[] c = new int[2];
            for (SlabKey k : chunk) {
                if (writeOne(targets.get(k), current.get(k))) {
                    c[0]++;
                } else {
                    c[1]++;
                }
            }
            return c;
        });
        int written = 0;
        int unchanged = 0;
        for (int[] c : counts) {
            written += c[0];
            unchanged += c[1];
        }
        return new Result(written, unchanged, keys.size());
    }

    /** Writes the target's content over {@code current}; false if it already holds it. */
    private boolean writeOne(Slab target, Slab current) {
        SlabKey key = target.key();
        for (int attempt = 0; ; attempt++) {
            Slab next;
            if (key.tier() == Tier.MINUTE) {
                next = new Slab(key, target.slots(), Map.of(), current == null ? 1 : current.version() + 1);
            } else {
                int index = (int) ((key.tier().slotStart(firstSlot(target)) - key.start()) / key.tier().slotMillis());
                next = (current == null ? Slab.empty(key) : current).withDerived(index, target.slots()[index],
                        Map.of());
            }
            if (current != null && next.sameContent(current)) {
                return false;
            }
            if (store.put(next)) {
                return true;
            }
            if (attempt >= MAX_CONFLICT_RETRIES) {
                throw new IllegalStateException("slab " + key.sortKey() + " of " + key.seriesId()
                        + " kept changing while its hour was written from the archive");
            }
            current = store.load(List.of(key)).get(key);
        }
    }

    private static long firstSlot(Slab target) {
        Aggregate[] slots = target.slots();
        for (int i = 0; i < slots.length; i++) {
            if (slots[i] != null) {
                return target.key().start() + i * target.key().tier().slotMillis();
            }
        }
        throw new IllegalStateException("an hour slab to write has no slot");
    }
}

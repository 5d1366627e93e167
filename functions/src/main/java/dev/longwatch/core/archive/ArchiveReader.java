package dev.longwatch.core.archive;

import dev.longwatch.core.Concurrently;
import dev.longwatch.model.Aggregate;
import dev.longwatch.model.MetricType;
import dev.longwatch.model.SeriesKey;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Reads a tenant's raw points back from the archive for any range — daily, hourly and per-batch blocks alike,
 * each record once — and re-derives minute, hour or day aggregates from them: the way to rebuild a rollup tier
 * that was lost or written by a buggy version.
 *
 * <p>Points of a series come in stream order (the order rollups applied them), so re-derived aggregates equal
 * the stored ones to the bit, sums included. A block of an unknown format version fails the read with
 * {@link UnsupportedBlockVersionException}: a partial answer would look like missing data.
 */
public final class ArchiveReader {

    /** The slot length of re-derived aggregates. */
    public enum Resolution {
        MINUTE(60_000L), HOUR(ArchiveBlock.HOUR_MILLIS), DAY(ArchiveBlock.DAY_MILLIS);

        private final long millis;

        Resolution(long millis) {
            this.millis = millis;
        }

        public long millis() {
            return millis;
        }
    }

    private final ArchiveStore store;
    private final int concurrency;
    /**
     * Decoded listed objects by key and ETag (null: no cache). A key with the same ETag is the same bytes, so a
     * hit is always right; a rewritten block (late data) has a new ETag and is fetched again.
     */
    private final Map<String, ArchiveBlock> cache;

    public ArchiveReader(ArchiveStore store, int concurrency) {
        this(store, concurrency, 0);
    }

    /**
     * @param cachedObjects how many decoded per-batch and hourly objects to keep between reads (least recently
     *                      used go first); 0 for none. Repeated reads of recent minutes (charts refreshing, an
     *                      evaluator every minute) then fetch only the objects written since, not every one again.
     */
    public ArchiveReader(ArchiveStore store, int concurrency, int cachedObjects) {
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1, got " + concurrency);
        }
        if (cachedObjects < 0) {
            throw new IllegalArgumentException("cachedObjects must not be negative, got " + cachedObjects);
        }
        this.store = store;
        this.concurrency = concurrency;
        this.cache = cachedObjects == 0 ? null : java.util.Collections.synchronizedMap(
                new LinkedHashMap<>(16, 0.75f, true) {
                    @Override
                    protected boolean removeEldestEntry(Map.Entry<String, ArchiveBlock> eldest) {
                        return size() > cachedObjects;
                    }
                });
    }

    /** The points of one series with times in [from, to), in stream order. */
    public Points read(SeriesKey key, long from, long to) {
        return read(key.tenant(), from, to, key::equals).getOrDefault(key, new Points(0));
    }

    /** The points of the tenant's series that {@code which} accepts, with times in [from, to). */
    public Map<SeriesKey, Points> read(String tenant, long from, long to, Predicate<SeriesKey> which) {
        Map<SeriesKey, Points> out = new LinkedHashMap<>();
        forEachPart(tenant, from, to, (part) -> {
            for (Map.Entry<SeriesKey, Points> e : part.series().entrySet()) {
                if (!which.test(e.getKey())) {
                    continue;
                }
                Points src = e.getValue();
                Points dst = null;
                for (int i = 0; i < src.size(); i++) {
                    long t = src.time(i);
                    if (t >= from && t < to) {
                        if (dst == null) {
                            dst = out.computeIfAbsent(e.getKey(), k -> new Points());
                        }
                        dst.add(t, src.value(i));
                    }
                }
            }
        });
        return out;
    }

    /** Aggregates of one series per slot of {@code resolution}, for points in [from, to); keys are slot starts. */
    public SortedMap<Long, Aggregate> aggregate(SeriesKey key, long from, long to, Resolution resolution) {
        return aggregate(key.tenant(), from, to, resolution, key::equals).getOrDefault(key, new TreeMap<>());
    }

    /** Aggregates per series and slot, for the series {@code which} accepts. */
    public Map<SeriesKey, SortedMap<Long, Aggregate>> aggregate(String tenant, long from, long to,
                                                               Resolution resolution, Predicate<SeriesKey> which) {
        Map<SeriesKey, SortedMap<Long, Aggregate>> out = new LinkedHashMap<>();
        long slot = resolution.millis();
        forEachPart(tenant, from, to, part -> {
            for (Map.Entry<SeriesKey, Points> e : part.series().entrySet()) {
                SeriesKey key = e.getKey();
                if (!which.test(key)) {
                    continue;
                }
                boolean sketch = key.type() == MetricType.DISTRIBUTION;
                SortedMap<Long, Aggregate> slots = out.computeIfAbsent(key, k -> new TreeMap<>());
                Points p = e.getValue();
                for (int i = 0; i < p.size(); i++) {
                    long t = p.time(i);
                    if (t >= from && t < to) {
                        slots.computeIfAbsent(Math.floorDiv(t, slot) * slot, s -> new Aggregate()).add(t, p.value(i),
                                sketch);
                    }
                }
            }
        });
        return out;
    }

    private interface PartSink {
        void accept(BlockPart part);
    }

    /**
     * Visits the parts that together hold every archived record of the tenant in [from, to) once, day by day,
     * hour by hour, in stream order within an hour.
     */
    private void forEachPart(String tenant, long from, long to, PartSink sink) {
        if (from >= to) {
            return;
        }
        long firstDay = Math.floorDiv(from, ArchiveBlock.DAY_MILLIS) * ArchiveBlock.DAY_MILLIS;
        // Hours with per-batch objects not yet compacted, as of now; later ones hold only newer records.
        TreeSet<Long> rawHours = new TreeSet<>();
        for (String prefix : store.listPrefixes(ArchiveKeys.RAW)) {
            ArchiveKeys.hourOfRawPrefix(prefix).ifPresent(rawHours::add);
        }
        // Only the hours the range touches: a query of the last hour must not fetch the whole day's objects.
        long firstHour = Math.floorDiv(from, ArchiveBlock.HOUR_MILLIS) * ArchiveBlock.HOUR_MILLIS;
        for (long day = firstDay; day < to; day += ArchiveBlock.DAY_MILLIS) {
            long lo = Math.max(day, firstHour);
            long hi = Math.min(day + ArchiveBlock.DAY_MILLIS, to);
            readDay(tenant, day, rawHours.subSet(lo, hi), lo, hi, sink);
        }
    }

    /** Reads one day's parts of the hours starting in [hoursFrom, hoursTo). */
    private void readDay(String tenant, long day, SortedSet<Long> rawHours, long hoursFrom, long hoursTo,
                         PartSink sink) {
        // Order matters, as in the compactor: per-batch objects, then hourly, then daily. Whatever a concurrent
        // compaction moves is found in the next place, never lost between them.
        List<ArchiveStore.Listed> rawKeys = new ArrayList<>();
        for (long hour : rawHours) {
            for (ArchiveStore.Listed l : store.list(ArchiveKeys.rawHourPrefix(hour) + tenant + "/")) {
                if (ArchiveKeys.parseRaw(l.key()).isPresent()) {
                    rawKeys.add(l);
                }
            }
        }
        List<ArchiveBlock> batches = getListed(rawKeys);
        List<ArchiveStore.Listed> hourKeys = new ArrayList<>();
        for (ArchiveStore.Listed l : store.list(ArchiveKeys.hourDayPrefix(day) + tenant + "/")) {
            Optional<ArchiveKeys.HourKey> h = ArchiveKeys.parseHour(l.key());
            if (h.isPresent() && h.get().hourStart() >= hoursFrom && h.get().hourStart() < hoursTo) {
                hourKeys.add(l);
            }
        }
        List<ArchiveBlock> hourlies = getListed(hourKeys);
        List<ArchiveBlock> daily = get(List.of(ArchiveKeys.day(tenant, day)));

        Map<Long, List<BlockPart>> byHour = new TreeMap<>();
        for (ArchiveBlock d : daily) {
            for (BlockPart p : d.parts()) {
                byHour.computeIfAbsent(p.hourStart(), h -> new ArrayList<>()).add(p);
            }
        }
        for (ArchiveBlock h : hourlies) {
            PartMerge.mergeIntoDay(byHour.computeIfAbsent(h.windowStart(), x -> new ArrayList<>()), h.parts().get(0));
        }
        Map<Long, List<ArchiveBlock>> batchesByHour = new TreeMap<>();
        for (ArchiveBlock b : batches) {
            batchesByHour.computeIfAbsent(b.windowStart(), x -> new ArrayList<>()).add(b);
        }
        for (Map.Entry<Long, List<ArchiveBlock>> e : batchesByHour.entrySet()) {
            List<BlockPart> parts = byHour.computeIfAbsent(e.getKey(), x -> new ArrayList<>());
            BlockPart pending = BlockPart.merged(e.getKey(), Map.of());
            if (PartMerge.applyBatches(pending, e.getValue(), parts) > 0) {
                parts.add(pending);
            }
        }
        for (List<BlockPart> parts : byHour.values()) {
            parts.forEach(sink::accept);
        }
    }

    /** Listed objects, from the cache when the key still has the ETag it was cached with. */
    private List<ArchiveBlock> getListed(List<ArchiveStore.Listed> listed) {
        if (cache == null) {
            return get(listed.stream().map(ArchiveStore.Listed::key).toList());
        }
        List<ArchiveBlock> out = new ArrayList<>(listed.size());
        List<ArchiveStore.Listed> missing = new ArrayList<>();
        for (ArchiveStore.Listed l : listed) {
            ArchiveBlock hit = cache.get(l.key() + "@" + l.etag());
            if (hit != null) {
                out.add(hit);
            } else {
                missing.add(l);
            }
        }
        // Fetched with the ETag they have now: one that changed since the listing is cached under its new ETag
        // only if it equals the listed one, so a stale pairing is never stored.
        List<Optional<ArchiveStore.Stored>> fetched = Concurrently.map(missing, concurrency, l -> store.get(l.key()));
        for (int i = 0; i < missing.size(); i++) {
            Optional<ArchiveStore.Stored> s = fetched.get(i);
            if (s.isEmpty()) {
                continue; // compacted away since the listing: the next place holds its records
            }
            ArchiveBlock block = decode(missing.get(i).key(), s.get().bytes());
            if (s.get().etag() != null && s.get().etag().equals(missing.get(i).etag())) {
                cache.put(missing.get(i).key() + "@" + missing.get(i).etag(), block);
            }
            out.add(block);
        }
        return out;
    }

    private static ArchiveBlock decode(String key, byte[] bytes) {
        try {
            return BlockCodec.decode(bytes);
        } catch (UnsupportedBlockVersionException e) {
            throw new UnsupportedBlockVersionException(e.version(), BlockCodec.VERSION, key);
        } catch (CorruptBlockException e) {
            throw new CorruptBlockException(key + ": " + e.getMessage());
        }
    }

    private List<ArchiveBlock> get(List<String> keys) {
        List<Optional<ArchiveBlock>> blocks = Concurrently.map(keys, concurrency, key -> store.get(key).map(s -> {
            try {
                return BlockCodec.decode(s.bytes());
            } catch (UnsupportedBlockVersionException e) {
                throw new UnsupportedBlockVersionException(e.version(), BlockCodec.VERSION, key);
            } catch (CorruptBlockException e) {
                throw new CorruptBlockException(key + ": " + e.getMessage());
            }
        }));
        return blocks.stream().flatMap(Optional::stream).toList();
    }
}

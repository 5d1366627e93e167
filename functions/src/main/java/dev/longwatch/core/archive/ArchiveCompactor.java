package dev.longwatch.core.archive;

import dev.longwatch.core.Concurrently;
import dev.longwatch.core.telemetry.Log;
import dev.longwatch.core.telemetry.PlatformMetrics;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Merges small objects into big ones: the per-batch objects of a closed hour into its hourly block, the hourly
 * blocks of a closed UTC day into its daily block. Each unit reads its sources, writes the merged object first
 * (conditional on the ETag it read, so a concurrent run cannot be overwritten) and only then deletes the sources.
 * Re-running, running twice at once, or crashing between write and delete never loses or doubles a point: a
 * source whose records the merged object already covers is only deleted. Late data (a batch for an hour or day
 * already compacted) goes through the same path and lands in the existing blocks.
 *
 * <p>Called by the scheduled compactor every minute; two listings find whether there is anything to do.
 */
public final class ArchiveCompactor {
    private static final Log LOG = Log.get(ArchiveCompactor.class);
    private static final int MAX_ATTEMPTS = 5;

    /**
     * What one run did; {@code finished} is false when the budget ran out with work left. {@code pendingFrom}: the
     * earliest hour that still had per-batch objects for any tenant after the run (not closed yet, or left by the
     * budget; {@code Long.MAX_VALUE} when none); {@code tenantPendingFrom}: per tenant, the earliest closed hour
     * that could not be merged. Together they say up to where each tenant's hours are merged.
     */
    public record Report(int hoursCompacted, int daysCompacted, long pointsMerged, int objectsDeleted, int conflicts,
                         int problems, boolean finished, long pendingFrom, Map<String, Long> tenantPendingFrom) {

        public Report(int hoursCompacted, int daysCompacted, long pointsMerged, int objectsDeleted, int conflicts,
                      int problems, boolean finished) {
            this(hoursCompacted, daysCompacted, pointsMerged, objectsDeleted, conflicts, problems, finished,
                    Long.MAX_VALUE, Map.of());
        }

        /**
         * The start of the tenant's earliest hour that may still have per-batch objects: every hour before it is
         * merged (and, with an {@link HourListener}, handed over) as of the end of this run.
         */
        public long mergedBefore(String tenant) {
            return Math.min(pendingFrom, tenantPendingFrom.getOrDefault(tenant, Long.MAX_VALUE));
        }
    }

    /**
     * Told about every tenant-hour merged (or found merged while its per-batch objects were still there: a run
     * cut short), with all of the hour's parts in the reader's order, after the hourly block is written and
     * before its sources are deleted. A listener that throws leaves the sources for the next run, which calls it
     * again; it must therefore be idempotent. The minute tier from the archive is one ({@link MinuteTierWriter}).
     * {@code firstMerge}: no hourly or daily block held this hour before (what was derived from it is most likely
     * not written yet).
     */
    public interface HourListener {
        void hourMerged(String tenant, long hour, List<BlockPart> parts, boolean firstMerge);
    }

    private final ArchiveStore store;
    private final PlatformMetrics metrics;
    private final Duration grace;
    private final int concurrency;
    /** Null: nobody needs to hear about merged hours. */
    private final HourListener listener;

    /**
     * @param grace how long after an hour (or day) ends it counts as closed: batches still in flight land first
     * @param concurrency object-store reads at a time
     */
    public ArchiveCompactor(ArchiveStore store, PlatformMetrics metrics, Duration grace, int concurrency) {
        this(store, metrics, grace, concurrency, null);
    }

    /** @param listener told about each merged tenant-hour before its sources are deleted; may be null */
    public ArchiveCompactor(ArchiveStore store, PlatformMetrics metrics, Duration grace, int concurrency,
                            HourListener listener) {
        if (grace.isNegative()) {
            throw new IllegalArgumentException("grace must not be negative, got " + grace);
        }
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1, got " + concurrency);
        }
        this.store = store;
        this.metrics = metrics;
        this.grace = grace;
        this.concurrency = concurrency;
        this.listener = listener;
    }

    private static final class Tally {
        int hours;
        int days;
        long points;
        int deleted;
        int conflicts;
        int problems;
        long pendingFrom = Long.MAX_VALUE;
        final Map<String, Long> tenantPendingFrom = new TreeMap<>();
    }

    /** Compacts every closed hour and day with pending objects, until done or {@code budget} has passed. */
    public Report run(Clock clock, Duration budget) {
        Instant now = clock.instant();
        Instant deadline = now.plus(budget);
        Tally t = new Tally();
        boolean finished = compactHours(clock, now, deadline, t) && compactDays(clock, now, deadline, t);
        metrics.count("ArchiveHoursCompacted", t.hours);
        metrics.count("ArchiveDaysCompacted", t.days);
        metrics.count("ArchiveObjectsDeleted", t.deleted);
        metrics.count("ArchiveCompactionConflicts", t.conflicts);
        metrics.count("ArchiveCompactionProblems", t.problems);
        if (t.hours + t.days + t.problems > 0 || !finished) {
            LOG.info("archive compaction run", "hours", t.hours, "days", t.days, "pointsMerged", t.points,
                    "objectsDeleted", t.deleted, "conflicts", t.conflicts, "problems", t.problems,
                    "finished", finished);
        }
        return new Report(t.hours, t.days, t.points, t.deleted, t.conflicts, t.problems, finished, t.pendingFrom,
                Map.copyOf(t.tenantPendingFrom));
    }

    private boolean compactHours(Clock clock, Instant now, Instant deadline, Tally t) {
        for (String prefix : store.listPrefixes(ArchiveKeys.RAW)) {
            Optional<Long> hour = ArchiveKeys.hourOfRawPrefix(prefix);
            if (hour.isEmpty()) {
                continue;
            }
            if (!closed(hour.get() + ArchiveBlock.HOUR_MILLIS, now)) {
                t.pendingFrom = Math.min(t.pendingFrom, hour.get());
                continue;
            }
            Map<String, List<String>> byTenant = new TreeMap<>();
            for (ArchiveStore.Listed l : store.list(prefix)) {
                ArchiveKeys.parseRaw(l.key()).ifPresent(k ->
                        byTenant.computeIfAbsent(k.tenant(), x -> new ArrayList<>()).add(l.key()));
            }
            for (Map.Entry<String, List<String>> e : byTenant.entrySet()) {
                if (!clock.instant().isBefore(deadline)) {
                    t.pendingFrom = Math.min(t.pendingFrom, hour.get());
                    return false;
                }
                try {
                    compactHour(e.getKey(), hour.get(), e.getValue(), t);
                } catch (RuntimeException ex) {
                    t.problems++;
                    t.tenantPendingFrom.merge(e.getKey(), hour.get(), Math::min);
                    LOG.error("compacting an archive hour failed; its objects stay for the next run", ex,
                            "tenant", e.getKey(), "hour", Instant.ofEpochMilli(hour.get()).toString());
                }
            }
        }
        return true;
    }

    private boolean compactDays(Clock clock, Instant now, Instant deadline, Tally t) {
        for (String prefix : store.listPrefixes(ArchiveKeys.HOUR)) {
            Optional<Long> day = ArchiveKeys.dayOfHourPrefix(prefix);
            if (day.isEmpty() || !closed(day.get() + ArchiveBlock.DAY_MILLIS, now)) {
                continue;
            }
            Map<String, List<ArchiveStore.Listed>> byTenant = new TreeMap<>();
            for (ArchiveStore.Listed l : store.list(prefix)) {
                ArchiveKeys.parseHour(l.key()).ifPresent(k ->
                        byTenant.computeIfAbsent(k.tenant(), x -> new ArrayList<>()).add(l));
            }
            for (Map.Entry<String, List<ArchiveStore.Listed>> e : byTenant.entrySet()) {
                if (!clock.instant().isBefore(deadline)) {
                    return false;
                }
                try {
                    compactDay(e.getKey(), day.get(), e.getValue().stream().map(ArchiveStore.Listed::key).toList(), t);
                } catch (RuntimeException ex) {
                    t.problems++;
                    LOG.error("compacting an archive day failed; its hourly blocks stay for the next run", ex,
                            "tenant", e.getKey(), "day", Instant.ofEpochMilli(day.get()).toString());
                }
            }
        }
        return true;
    }

    private boolean closed(long windowEnd, Instant now) {
        return !Instant.ofEpochMilli(windowEnd).plus(grace).isAfter(now);
    }

    private record Source(String key, String etag, ArchiveBlock block) {
    }

    /** Reads objects in parallel; absent ones (deleted by a concurrent run) and refused versions are left out. */
    private List<Source> read(List<String> keys) {
        List<Optional<Source>> read = Concurrently.map(keys, concurrency, key -> store.get(key).flatMap(s -> {
            try {
                return Optional.of(new Source(key, s.etag(), BlockCodec.decode(s.bytes())));
            } catch (UnsupportedBlockVersionException e) {
                metrics.count("ArchiveBlocksRefused", 1);
                LOG.warn("leaving an archive object of an unknown format version untouched", "key", key,
                        "version", e.version());
                return Optional.empty();
            } catch (CorruptBlockException e) {
                throw new CorruptBlockException(key + ": " + e.getMessage());
            }
        }));
        return read.stream().flatMap(Optional::stream).toList();
    }

    /** Merges the per-batch objects of one tenant-hour into its hourly block, then deletes them. */
    void compactHour(String tenant, long hour, List<String> rawKeys, Tally t) {
        String hourKey = ArchiveKeys.hour(tenant, hour);
        String dayKey = ArchiveKeys.day(tenant, Math.floorDiv(hour, ArchiveBlock.DAY_MILLIS) * ArchiveBlock.DAY_MILLIS);
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            // Order matters: sources first, then the hourly block, then the daily one. A source that vanishes
            // meanwhile was merged into a block read after it.
            List<Source> batches = read(rawKeys);
            if (batches.isEmpty()) {
                return;
            }
            Optional<ArchiveStore.Stored> hourObj = store.get(hourKey);
            List<BlockPart> dayParts = store.get(dayKey).map(s -> decode(dayKey, s).parts().stream()
                    .filter(p -> p.hourStart() == hour).toList()).orElse(List.of());
            BlockPart target = null;
            if (hourObj.isPresent()) {
                BlockPart existing = decode(hourKey, hourObj.get()).parts().get(0);
                // An hourly block the day already holds is a leftover of an interrupted day merge: start afresh.
                target = PartMerge.coveredByUnion(existing, dayParts) ? null : existing;
            }
            if (target == null) {
                target = BlockPart.merged(hour, Map.of());
            }
            long added = PartMerge.applyBatches(target, batches.stream().map(Source::block).toList(), dayParts);
            if (added > 0) {
                byte[] bytes = BlockCodec.encode(ArchiveBlock.hour(tenant, hour).add(target));
                if (!store.putIfUnchanged(hourKey, bytes, hourObj.map(ArchiveStore.Stored::etag).orElse(null))) {
                    t.conflicts++;
                    continue; // someone else changed the hourly block: read everything again
                }
            }
            if (listener != null) {
                // The whole hour, as the reader would see it: the day's parts of it, then the hourly block.
                List<BlockPart> whole = new ArrayList<>(dayParts);
                if (!target.coverage().isEmpty()) { // empty: the day holds all of it (a run cut short before)
                    PartMerge.mergeIntoDay(whole, target);
                }
                listener.hourMerged(tenant, hour, whole, hourObj.isEmpty() && dayParts.isEmpty());
            }
            for (Source s : batches) {
                store.delete(s.key());
                t.deleted++;
            }
            t.hours++;
            t.points += added;
            return;
        }
        throw new IllegalStateException("hour " + Instant.ofEpochMilli(hour) + " of tenant " + tenant
                + " kept changing under " + MAX_ATTEMPTS + " attempts");
    }

    /** Merges the hourly blocks of one tenant-day into its daily block, then deletes them. */
    void compactDay(String tenant, long day, List<String> hourKeys, Tally t) {
        String dayKey = ArchiveKeys.day(tenant, day);
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            List<Source> hourlies = new ArrayList<>(read(hourKeys));
            if (hourlies.isEmpty()) {
                return;
            }
            hourlies.sort(Comparator.comparingLong(s -> s.block().windowStart()));
            Optional<ArchiveStore.Stored> dayObj = store.get(dayKey);
            List<BlockPart> parts = new ArrayList<>(dayObj.map(s -> decode(dayKey, s).parts()).orElse(List.of()));
            boolean changed = false;
            long merged = 0;
            List<Source> done = new ArrayList<>();
            for (Source h : hourlies) {
                BlockPart part = h.block().parts().get(0);
                try {
                    PartMerge.Outcome o = PartMerge.mergeIntoDay(parts, part);
                    if (o != PartMerge.Outcome.ALREADY_THERE) {
                        changed = true;
                        merged += part.pointCount();
                    }
                    done.add(h);
                } catch (PartMerge.OverlappingPartsException e) {
                    t.problems++;
                    metrics.count("ArchiveOverlappingParts", 1);
                    LOG.error("an hourly block overlaps the daily block in part; leaving it for inspection", e,
                            "key", h.key());
                }
            }
            if (changed) {
                ArchiveBlock block = ArchiveBlock.day(tenant, day);
                parts.forEach(block::add);
                if (!store.putIfUnchanged(dayKey, BlockCodec.encode(block),
                        dayObj.map(ArchiveStore.Stored::etag).orElse(null))) {
                    t.conflicts++;
                    continue;
                }
            }
            for (Source h : done) {
                if (store.deleteIfUnchanged(h.key(), h.etag())) {
                    t.deleted++;
                } else {
                    // It grew after we read it (a late batch): the next run merges the new version.
                    LOG.info("an hourly block changed while its day was merged; it stays for the next run",
                            "key", h.key());
                }
            }
            t.days++;
            t.points += merged;
            return;
        }
        throw new IllegalStateException("day " + Instant.ofEpochMilli(day) + " of tenant " + tenant
                + " kept changing under " + MAX_ATTEMPTS + " attempts");
    }

    private static ArchiveBlock decode(String key, ArchiveStore.Stored s) {
        try {
            return BlockCodec.decode(s.bytes());
        } catch (UnsupportedBlockVersionException e) {
            throw new IllegalStateException(key + ": " + e.getMessage(), e);
        } catch (CorruptBlockException e) {
            throw new CorruptBlockException(key + ": " + e.getMessage());
        }
    }
}

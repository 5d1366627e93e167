package dev.longwatch.core.rollup;

import dev.longwatch.core.Concurrently;
import dev.longwatch.core.events.EventStore;
import dev.longwatch.core.series.SeriesDescriptor;
import dev.longwatch.core.series.SeriesIndex;
import dev.longwatch.core.telemetry.Log;
import dev.longwatch.core.telemetry.PlatformMetrics;
import dev.longwatch.model.BodyTooLargeException;
import dev.longwatch.model.Event;
import dev.longwatch.model.PayloadException;
import dev.longwatch.model.Series;
import dev.longwatch.model.SeriesKey;
import dev.longwatch.model.StreamRecord;
import dev.longwatch.model.StreamRecords;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns a batch of stream records into rollups, exactly once.
 *
 * <p>Points are aggregated in memory per series and slab; each slab is then read, merged and written back
 * with a version condition, at most once per batch. Records a slab has already applied (at or below its
 * shard watermark) are skipped, so a redelivered or retried batch never counts twice. Records whose slab
 * could not be written are reported back, and the stream redelivers from the first of them.
 *
 * <p>A record that cannot be read (a tenant's producer wrote garbage to the stream) is counted, logged and
 * skipped: it must never block the shard.
 *
 * <p>Points go to the minute tier while their hour is within the minute retention, else straight into the
 * hour tier (and beyond the hour retention into the day tier), as {@link Retention#baseTier} decides. When a
 * write lands in an hour or day the compactor has already claimed, a recompute request is recorded after the
 * write ({@link LateArrivals}); a redelivered batch asks again, so a failure to ask is retried like a failed
 * write.
 */
public final class RollupService {
    private static final Log LOG = Log.get(RollupService.class);
    private static final int MAX_CONFLICT_RETRIES = 5;
    private static final int KNOWN_SERIES_CACHE = 200_000;

    /** A record as the stream delivered it. */
    public record IncomingRecord(String shardId, String sequenceNumber, long arrivalMillis, byte[] data) {
    }

    /** What a batch did; {@code failedSequenceNumbers} go back to the stream as batch item failures. */
    public record BatchOutcome(List<String> failedSequenceNumbers, long pointsApplied, long pointsSkippedAsDuplicate,
                               int slabWrites, int unreadableRecords) {
    }

    private final StreamRecords decoder;
    private final RollupStore store;
    private final Retention retention;
    /** Null without compaction (tests of the minute tier alone). */
    private final LateArrivals late;
    private final SeriesIndex seriesIndex;
    private final EventStore eventStore;
    private final PlatformMetrics metrics;
    private final Clock clock;
    private final int writeConcurrency;
    /** Series already registered by this process: saves a conditional write per series per batch. */
    private final Set<String> knownSeries = Collections.newSetFromMap(new ConcurrentHashMap<>());

    /** Without compaction state: writes rollups only, records no recompute requests (tests of the minute tier). */
    public RollupService(StreamRecords decoder, RollupStore store, SeriesIndex seriesIndex, EventStore eventStore,
                         PlatformMetrics metrics, Clock clock, int writeConcurrency) {
        this(decoder, store, seriesIndex, eventStore, null, Retention.DEFAULTS, metrics, clock, writeConcurrency);
    }

    public RollupService(StreamRecords decoder, RollupStore store, SeriesIndex seriesIndex, EventStore eventStore,
                         CompactionStateStore compaction, Retention retention, PlatformMetrics metrics, Clock clock,
                         int writeConcurrency) {
        this.decoder = decoder;
        this.store = store;
        this.retention = retention;
        this.late = compaction == null ? null : new LateArrivals(compaction, metrics);
        this.seriesIndex = seriesIndex;
        this.eventStore = eventStore;
        this.metrics = metrics;
        this.clock = clock;
        this.writeConcurrency = writeConcurrency;
    }

    /** The points of one record that fall into one slab. */
    private record Contribution(String shard, String sequence, long[] times, double[] values, int count) {
    }

    private static final class SlabWork {
        final SlabKey key;
        final List<Contribution> contributions = new ArrayList<>(2);
        volatile boolean failed;

        SlabWork(SlabKey key) {
            this.key = key;
        }
    }

    public BatchOutcome apply(List<IncomingRecord> batch) {
        long now = clock.millis();
        Map<SlabKey, SlabWork> work = new LinkedHashMap<>();
        Set<String> tenants = new LinkedHashSet<>();
        long[] expired = new long[1];
        Map<String, SeriesDescriptor> seenSeries = new LinkedHashMap<>();
        Map<SeriesKey, SeriesDescriptor> descriptors = new HashMap<>();
        List<EventStore.TenantEvent> events = new ArrayList<>();
        List<String> eventSequences = new ArrayList<>();
        int unreadable = 0;
        long oldestArrival = Long.MAX_VALUE;

        for (IncomingRecord r : batch) {
            oldestArrival = Math.min(oldestArrival, r.arrivalMillis());
            StreamRecords.Decoded decoded;
            try {
                decoded = decoder.decode(r.data());
            } catch (PayloadException | BodyTooLargeException | IllegalArgumentException e) {
                // Too large once inflated is as unreadable as garbage: skip it, never block the shard.
                unreadable++;
                LOG.warn("skipping unreadable stream record", "shard", r.shardId(), "sequence", r.sequenceNumber(),
                        "reason", e.getMessage());
                continue;
            }
            if (!decoded.rejected().isEmpty()) {
                metrics.count("StreamItemsRejected", decoded.rejected().size());
                LOG.warn("stream record had invalid items", "shard", r.shardId(), "sequence", r.sequenceNumber(),
                        "tenant", decoded.record().tenant(), "rejected", decoded.rejected().size(),
                        "firstReason", decoded.rejected().get(0).reason());
            }
            switch (decoded.record()) {
                case StreamRecord.Metrics m -> {
                    tenants.add(m.tenant());
                    for (Series s : m.series()) {
                        SeriesKey key = s.key(m.tenant());
                        // A series recurs in most records of a window: hash its id (SHA-256) once.
                        SeriesDescriptor d = descriptors.computeIfAbsent(key, SeriesDescriptor::of);
                        seenSeries.putIfAbsent(d.qualifiedId(), d);
                        expired[0] += split(r, d, s, work, now);
                    }
                }
                case StreamRecord.Events e -> {
                    for (Event ev : e.events()) {
                        events.add(new EventStore.TenantEvent(e.tenant(), ev));
                    }
                    eventSequences.add(r.sequenceNumber());
                }
            }
        }

        Set<String> failed = new TreeSet<>(Slab::compareSequence);
        if (!events.isEmpty()) {
            try {
                eventStore.putAll(events);
            } catch (RuntimeException e) {
                LOG.error("storing events failed; the records will be redelivered", e, "events", events.size());
                failed.addAll(eventSequences);
            }
        }

        if (late != null && !tenants.isEmpty()) {
            try {
                late.ensureStarted(tenants, now);
            } catch (RuntimeException e) {
                // Without progress a late write could not be recognised: retry the whole batch.
                LOG.error("starting compaction progress failed; the batch will be redelivered", e,
                        "tenants", tenants.size());
                batch.forEach(r -> failed.add(r.sequenceNumber()));
                return outcome(failed, 0, 0, 0, unreadable);
            }
        }

        List<SeriesDescriptor> newSeries = seenSeries.values().stream()
                .filter(d -> !knownSeries.contains(d.qualifiedId())).toList();
        if (!newSeries.isEmpty()) {
            try {
                seriesIndex.register(newSeries);
                if (knownSeries.size() > KNOWN_SERIES_CACHE) {
                    knownSeries.clear();
                }
                newSeries.forEach(d -> knownSeries.add(d.qualifiedId()));
            } catch (RuntimeException e) {
                // Without the index the points could not be found: retry the whole batch.
                LOG.error("registering series failed; the batch will be redelivered", e, "series", newSeries.size());
                batch.forEach(r -> failed.add(r.sequenceNumber()));
                return outcome(failed, 0, 0, 0, unreadable);
            }
        }

        long[] applied = new long[1];
        long[] skipped = new long[1];
        int writes = writeAll(work, failed, applied, skipped);
        if (late != null) {
            List<SlabWork> written = work.values().stream().filter(w -> !w.failed).toList();
            try {
                late.afterWrite(written.stream().map(w -> w.key).toList(), now);
            } catch (RuntimeException e) {
                // The slabs are written; the redelivered records are skipped by watermark and ask again.
                LOG.error("recording recompute requests failed; the records will be redelivered", e,
                        "slabs", written.size());
                written.forEach(w -> w.contributions.forEach(c -> failed.add(c.sequence())));
            }
        }

        if (oldestArrival != Long.MAX_VALUE) {
            metrics.gauge("StreamLagMillis", Math.max(0, clock.millis() - oldestArrival));
        }
        metrics.count("PointsRolledUp", applied[0]);
        metrics.count("PointsSkippedAsDuplicate", skipped[0]);
        metrics.count("RollupWrites", writes);
        metrics.count("UnreadableRecords", unreadable);
        if (expired[0] > 0) {
            metrics.count("PointsPastRetention", expired[0]);
        }
        return outcome(failed, applied[0], skipped[0], writes, unreadable);
    }

    private static BatchOutcome outcome(Set<String> failed, long applied, long skipped, int writes, int unreadable) {
        return new BatchOutcome(List.copyOf(failed), applied, skipped, writes, unreadable);
    }

    /**
     * Splits one series of one record into per-slab contributions, each point into the slab of its base tier.
     * Returns the points dropped because even the day tier would no longer keep them.
     */
    private int split(IncomingRecord r, SeriesDescriptor d, Series s, Map<SlabKey, SlabWork> work, long now) {
        long[] ts = s.timestamps();
        double[] vs = s.values();
        SlabKey[] keys = new SlabKey[ts.length];
        Map<SlabKey, int[]> bySlab = new LinkedHashMap<>();
        int expired = 0;
        SlabKey previous = null;
        for (int i = 0; i < ts.length; i++) {
            if (retention.isExpired(ts[i], now)) {
                expired++;
                continue;
            }
            Tier tier = retention.baseTier(ts[i], now);
            long start = tier.slabStart(ts[i], s.type());
            // Points usually come in time order: reuse the key object of the previous point.
            SlabKey key = previous != null && previous.tier() == tier && previous.start() == start ? previous
                    : new SlabKey(d.qualifiedId(), tier, s.type(), start);
            keys[i] = key;
            previous = key;
            bySlab.computeIfAbsent(key, k -> new int[]{0})[0]++;
        }
        for (Map.Entry<SlabKey, int[]> e : bySlab.entrySet()) {
            SlabKey key = e.getKey();
            int n = e.getValue()[0];
            long[] t = new long[n];
            double[] v = new double[n];
            int j = 0;
            for (int i = 0; i < ts.length; i++) {
                if (keys[i] != null && keys[i].equals(key)) {
                    t[j] = ts[i];
                    v[j] = vs[i];
                    j++;
                }
            }
            work.computeIfAbsent(key, SlabWork::new).contributions.add(
                    new Contribution(r.shardId(), r.sequenceNumber(), t, v, n));
        }
        return expired;
    }

    private int writeAll(Map<SlabKey, SlabWork> work, Set<String> failed, long[] applied, long[] skipped) {
        if (work.isEmpty()) {
            return 0;
        }
        Map<SlabKey, Slab> loaded;
        try {
            loaded = store.load(work.keySet());
        } catch (RuntimeException e) {
            LOG.error("reading rollups failed; the batch will be redelivered", e, "slabs", work.size());
            work.values().forEach(w -> {
                w.failed = true;
                w.contributions.forEach(c -> failed.add(c.sequence()));
            });
            return 0;
        }
        List<SlabWork> order = new ArrayList<>(work.values());
        List<Concurrently.Outcome<int[]>> results = Concurrently.attempt(order, writeConcurrency,
                w -> writeOne(w, loaded.get(w.key)));
        int writes = 0;
        for (int i = 0; i < order.size(); i++) {
            Concurrently.Outcome<int[]> r = results.get(i);
            if (r.failed()) {
                SlabWork w = order.get(i);
                LOG.error("writing a rollup failed; its records will be redelivered", r.failure(),
                        "slab", w.key.sortKey());
                w.failed = true;
                w.contributions.forEach(c -> failed.add(c.sequence()));
                continue;
            }
            writes += r.value()[0];
            applied[0] += r.value()[1];
            skipped[0] += r.value()[2];
        }
        return writes;
    }

    /** Merges one slab's new contributions and writes it. Returns {writes, pointsApplied, pointsSkipped}. */
    private int[] writeOne(SlabWork w, Slab current) {
        Slab slab = current;
        for (int attempt = 0; ; attempt++) {
            if (slab == null) {
                slab = Slab.empty(w.key);
            }
            slab = slab.withDirect(); // hour and day slabs take the rollup's points in their direct slots
            int appliedPoints = 0;
            int skippedPoints = 0;
            Map<String, String> highest = new LinkedHashMap<>();
            for (Contribution c : w.contributions) {
                if (slab.hasApplied(c.shard(), c.sequence())) {
                    skippedPoints += c.count();
                    continue;
                }
                for (int i = 0; i < c.count(); i++) {
                    slab.add(c.times()[i], c.values()[i]);
                }
                appliedPoints += c.count();
                highest.merge(c.shard(), c.sequence(), (a, b) -> Slab.compareSequence(a, b) >= 0 ? a : b);
            }
            if (highest.isEmpty()) {
                return new int[]{0, 0, skippedPoints};
            }
            Slab next = slab.advanced(highest);
            if (store.put(next)) {
                return new int[]{1, appliedPoints, skippedPoints};
            }
            if (attempt >= MAX_CONFLICT_RETRIES) {
                throw new IllegalStateException("slab " + w.key.sortKey() + " kept changing under us");
            }
            // Someone else wrote this slab since we read it: start again from what is stored now.
            slab = store.load(List.of(w.key)).get(w.key);
        }
    }

    /** Forgets which series this process has registered (tests of the series index use it). */
    public void forgetKnownSeries() {
        knownSeries.clear();
    }
}

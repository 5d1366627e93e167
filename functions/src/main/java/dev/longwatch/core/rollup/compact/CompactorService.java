package dev.longwatch.core.rollup.compact;

import dev.longwatch.core.Concurrently;
import dev.longwatch.core.rollup.CompactionProgress;
import dev.longwatch.core.rollup.CompactionProgress.Mark;
import dev.longwatch.core.rollup.CompactionStateStore;
import dev.longwatch.core.rollup.RecomputeRequest;
import dev.longwatch.core.rollup.Retention;
import dev.longwatch.core.rollup.RollupStore;
import dev.longwatch.core.rollup.Slab;
import dev.longwatch.core.rollup.SlabKey;
import dev.longwatch.core.rollup.Tier;
import dev.longwatch.core.series.SeriesIndex;
import dev.longwatch.core.telemetry.Log;
import dev.longwatch.core.telemetry.PlatformMetrics;
import dev.longwatch.model.Aggregate;
import dev.longwatch.model.MetricType;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Builds hour slots from minute slots and day slots from hour slots, for every tenant, in order, exactly once
 * in effect.
 *
 * <p>Compaction is recomputation: a slot is set to the merge of its sources, never added to, and written
 * with the version condition of {@link RollupStore#put}. The target is read <em>before</em> its sources, so
 * a write that succeeds is never based on sources older than the version it replaces. Running it again, or
 * twice at the same time, writes the same content (the second finds it unchanged and writes nothing).
 *
 * <p>Per tenant and run: recompute requests left by late data (hours, then the days those hours fall into
 * when they are already compacted, then requested days), then closed hours (ended at least
 * {@link CompactionProgress#GRACE} ago) and closed days in order. Each hour or day is claimed before its
 * sources are read and marked done after it is written, so progress is saved as the run goes and a run cut
 * short by its time budget or bounds is continued by the next. An hour whose minutes may have expired
 * (the compactor was down for most of the minute retention) is skipped with a warning.
 */
public final class CompactorService {
    private static final Log LOG = Log.get(CompactorService.class);
    private static final int MAX_CONFLICT_RETRIES = 5;

    /** Bounds per tenant and run, so one run fits a Lambda invocation and tenants take turns. */
    public record Limits(int hoursPerRun, int daysPerRun, int requestsPerRun, int concurrency) {
        public static final Limits DEFAULT = new Limits(48, 14, 2_000, 16);
    }

    private record SeriesRef(String qualifiedId, MetricType type) {
    }

    private enum Outcome { WRITTEN, UNCHANGED, EMPTY }

    /** A tenant's progress after its share of a run, and whether anything due was left for later. */
    private record TenantOutcome(CompactionProgress progress, boolean workLeft) {
    }

    /** The tenant's series, listed once per run and only when a closed slot needs them. */
    private final class TenantSeries {
        private final String tenant;
        private List<SeriesRef> series;

        TenantSeries(String tenant) {
            this.tenant = tenant;
        }

        List<SeriesRef> get() {
            if (series == null) {
                series = index.allSeries(tenant).stream().map(d -> new SeriesRef(d.qualifiedId(), d.type())).toList();
            }
            return series;
        }
    }

    private final SeriesIndex index;
    private final RollupStore store;
    private final CompactionStateStore state;
    private final Retention retention;
    private final PlatformMetrics metrics;
    private final Clock clock;
    private final Limits limits;

    public CompactorService(SeriesIndex index, RollupStore store, CompactionStateStore state, Retention retention,
                            PlatformMetrics metrics, Clock clock, Limits limits) {
        this.index = index;
        this.store = store;
        this.state = state;
        this.retention = retention;
        this.metrics = metrics;
        this.clock = clock;
        this.limits = limits;
    }

    /** Counts of one run, shared by its tenants' work. */
    private static final class Tally {
        final AtomicInteger hours = new AtomicInteger();
        final AtomicInteger days = new AtomicInteger();
        final AtomicInteger recomputed = new AtomicInteger();
        final AtomicInteger expired = new AtomicInteger();
        final AtomicInteger writes = new AtomicInteger();
        final AtomicInteger unchanged = new AtomicInteger();

        void count(Outcome o) {
            if (o == Outcome.WRITTEN) {
                writes.incrementAndGet();
            } else if (o == Outcome.UNCHANGED) {
                unchanged.incrementAndGet();
            }
        }
    }

    /** Compacts what is due for every tenant, stopping when {@code budget} is spent. */
    public CompactionReport run(Duration budget) {
        return run(budget, tenant -> Long.MAX_VALUE);
    }

    /**
     * As {@link #run(Duration)}, compacting in order only hours that start before {@code minutesWrittenBefore}
     * of the tenant: with the minute tier written from the archive, the hours whose minutes are written (the
     * archive compactor's {@code Report.mergedBefore}), so an hour slot is never computed from minutes not
     * written yet. Recompute requests are done whatever the bound (they are asked after the minutes are written).
     */
    public CompactionReport run(Duration budget, java.util.function.ToLongFunction<String> minutesWrittenBefore) {
        long started = clock.millis();
        long deadline = started + budget.toMillis();
        List<String> tenants = index.tenants();
        // Start with another tenant each minute, so the same tenants are not always the ones a short run leaves.
        int offset = tenants.isEmpty() ? 0 : (int) Math.floorMod(started / 60_000, (long) tenants.size());
        Tally tally = new Tally();
        List<CompactionReport.TenantProgress> progress = new ArrayList<>();
        boolean complete = true;
        int failed = 0;
        long oldestHourDone = Long.MAX_VALUE;
        for (int i = 0; i < tenants.size(); i++) {
            String tenant = tenants.get((offset + i) % tenants.size());
            if (clock.millis() >= deadline) {
                complete = false;
                break;
            }
            try {
                Log.put("tenant", tenant);
                TenantOutcome after = compactTenant(tenant, deadline, tally,
                        minutesWrittenBefore.applyAsLong(tenant));
                complete &= !after.workLeft();
                progress.add(new CompactionReport.TenantProgress(tenant, after.progress().hourDone(),
                        after.progress().dayDone()));
                oldestHourDone = Math.min(oldestHourDone, after.progress().hourDone());
            } catch (RuntimeException e) {
                failed++;
                complete = false;
                LOG.error("compacting a tenant failed; the next run retries from its saved progress", e);
            } finally {
                Log.put("tenant", null);
            }
        }
        metrics.count("CompactedHours", tally.hours.get());
        metrics.count("CompactedDays", tally.days.get());
        metrics.count("RecomputesDone", tally.recomputed.get());
        metrics.count("RecomputesExpired", tally.expired.get());
        metrics.count("CompactorWrites", tally.writes.get());
        metrics.count("CompactorFailedTenants", failed);
        if (oldestHourDone != Long.MAX_VALUE) {
            // How far the most behind tenant's hour tier trails the clock (an hour and the grace when current).
            metrics.gauge("CompactorLagMillis", Math.max(0, clock.millis() - oldestHourDone));
        }
        CompactionReport report = new CompactionReport(tenants.size(), tally.hours.get(), tally.days.get(),
                tally.recomputed.get(), tally.expired.get(), tally.writes.get(), tally.unchanged.get(), failed,
                complete, List.copyOf(progress));
        LOG.info("compactor run", "tenants", report.tenants(), "hours", report.hoursCompacted(), "days",
                report.daysCompacted(), "recomputed", report.recomputed(), "writes", report.slabWrites(),
                "complete", report.complete(), "millis", clock.millis() - started);
        return report;
    }

    private TenantOutcome compactTenant(String tenant, long deadline, Tally tally, long minutesWrittenBefore) {
        long now = clock.millis();
        CompactionProgress p = state.progress(tenant).orElse(null);
        if (p == null) {
            // A tenant from before compaction existed (the rollup starts new tenants itself): begin with the
            // oldest hour whose minutes are surely still there.
            long h = retention.oldestRecomputable(Tier.HOUR, now);
            long d = Tier.DAY.slotStart(h);
            state.start(tenant, new CompactionProgress(h, h, d, d));
            p = state.progress(tenant).orElseThrow(() -> new IllegalStateException("progress of " + tenant
                    + " vanished after it was started"));
        }
        TenantSeries allSeries = new TenantSeries(tenant);

        boolean requestsLeft = recomputeRequested(tenant, Tier.HOUR, now, tally);
        requestsLeft |= recomputeRequested(tenant, Tier.DAY, now, tally);

        // Closed hours, in order.
        long closedHours = Math.min(Tier.HOUR.slotStart(now - CompactionProgress.GRACE.toMillis()),
                Tier.HOUR.slotStart(Math.max(minutesWrittenBefore, Long.MIN_VALUE + Tier.HOUR.slotMillis())));
        long hourTarget = Math.min(closedHours, p.hourDone() + limits.hoursPerRun() * Tier.HOUR.slotMillis());
        long hourDone = compactInOrder(tenant, Tier.HOUR, p.hourDone(), p.hourClaimed(), hourTarget, deadline,
                allSeries, tally, now);

        // Closed days whose hours are all compacted, in order.
        long closedDays = Math.min(Tier.DAY.slotStart(now - CompactionProgress.GRACE.toMillis()),
                Tier.DAY.slotStart(hourDone));
        long dayTarget = Math.min(closedDays, p.dayDone() + limits.daysPerRun() * Tier.DAY.slotMillis());
        long dayDone = compactInOrder(tenant, Tier.DAY, p.dayDone(), p.dayClaimed(), dayTarget, deadline,
                allSeries, tally, now);

        CompactionProgress after = new CompactionProgress(Math.max(p.hourClaimed(), hourTarget), hourDone,
                Math.max(p.dayClaimed(), dayTarget), dayDone);
        boolean workLeft = requestsLeft || hourDone < closedHours
                || dayDone < Math.min(Tier.DAY.slotStart(now - CompactionProgress.GRACE.toMillis()),
                Tier.DAY.slotStart(hourDone));
        return new TenantOutcome(after, workLeft);
    }

    /**
     * Compacts slots [done, target) of {@code tier} for every series, claiming them first and marking each
     * done once written. Returns the new done mark (short of target when the budget ran out).
     */
    private long compactInOrder(String tenant, Tier tier, long done, long claimed, long target, long deadline,
                                TenantSeries allSeries, Tally tally, long now) {
        if (done >= target) {
            return done;
        }
        if (claimed < target) {
            state.advance(tenant, tier == Tier.HOUR ? Mark.HOUR_CLAIMED : Mark.DAY_CLAIMED, target);
        }
        long slot = done;
        for (; slot < target; slot += tier.slotMillis()) {
            if (clock.millis() >= deadline) {
                break;
            }
            if (retention.canRecompute(tier, slot, now)) {
                recomputeAll(allSeries.get(), tier, slot, tally);
            } else {
                LOG.warn("skipping a slot whose sources may have expired (the compactor was behind for too long)",
                        "tier", tier.wireName(), "slot", slot);
                metrics.count("CompactorSlotsSkipped", 1);
            }
            state.advance(tenant, tier == Tier.HOUR ? Mark.HOUR_DONE : Mark.DAY_DONE, slot + tier.slotMillis());
            (tier == Tier.HOUR ? tally.hours : tally.days).incrementAndGet();
        }
        return slot;
    }

    /**
     * Does the tenant's open recompute requests of {@code tier}. For hours, the days they fall into are
     * recomputed too when already claimed (read after the hours are written: a day compaction that claims
     * later reads the new hours itself). A request is deleted last, so a crash leaves it for the next run.
     * Returns true if more requests are waiting than one run takes.
     */
    private boolean recomputeRequested(String tenant, Tier tier, long now, Tally tally) {
        List<RecomputeRequest> requests = state.pending(tenant, tier, limits.requestsPerRun());
        if (requests.isEmpty()) {
            return false;
        }
        Map<RecomputeRequest, Boolean> allowed = new HashMap<>();
        List<Runnable> work = new ArrayList<>();
        for (RecomputeRequest r : requests) {
            boolean ok = retention.canRecompute(tier, r.slotStart(), now);
            allowed.put(r, ok);
            if (ok) {
                SeriesRef s = new SeriesRef(r.qualifiedSeriesId(), r.type());
                work.add(() -> tally.count(recompute(s, tier, r.slotStart(), null, false)));
            } else {
                LOG.warn("dropping a recompute request: the finer tier may already have expired there",
                        "tier", tier.wireName(), "slot", r.slotStart(), "series", r.seriesId());
            }
        }
        parallel(work);
        if (tier == Tier.HOUR) {
            CompactionProgress fresh = state.progress(tenant).orElseThrow();
            Set<RecomputeRequest> days = new LinkedHashSet<>();
            for (RecomputeRequest r : requests) {
                long day = Tier.DAY.slotStart(r.slotStart());
                if (allowed.get(r) && day < fresh.dayClaimed() && retention.canRecompute(Tier.DAY, day, now)) {
                    days.add(new RecomputeRequest(tenant, r.seriesId(), r.type(), Tier.DAY, day, null));
                }
            }
            parallel(days.stream().<Runnable>map(d -> () -> tally.count(recompute(
                    new SeriesRef(d.qualifiedSeriesId(), d.type()), Tier.DAY, d.slotStart(), null, false))).toList());
        }
        for (RecomputeRequest r : requests) {
            state.complete(r); // false: asked again meanwhile, so it stays for the next run
            if (allowed.get(r)) {
                tally.recomputed.incrementAndGet();
            } else {
                tally.expired.incrementAndGet();
            }
        }
        return requests.size() >= limits.requestsPerRun();
    }

    /** Recomputes one slot of {@code tier} for every series; the targets are read first, 100 per request. */
    private void recomputeAll(List<SeriesRef> series, Tier tier, long slot, Tally tally) {
        List<Runnable> work = new ArrayList<>(series.size());
        for (int from = 0; from < series.size(); from += 100) {
            List<SeriesRef> chunk = series.subList(from, Math.min(series.size(), from + 100));
            List<SlabKey> keys = chunk.stream().map(s -> target(s, tier, slot)).toList();
            Map<SlabKey, Slab> current = store.load(keys);
            for (int i = 0; i < chunk.size(); i++) {
                SeriesRef s = chunk.get(i);
                Slab c = current.get(keys.get(i));
                work.add(() -> tally.count(recompute(s, tier, slot, c, true)));
            }
        }
        parallel(work);
    }

    private static SlabKey target(SeriesRef s, Tier tier, long slot) {
        return new SlabKey(s.qualifiedId(), tier, s.type(), tier.slabStart(slot, s.type()));
    }

    /**
     * Sets slot {@code slot} of {@code tier} to the merge of its sources in the finer tier. {@code preloaded}
     * says whether {@code current} is the target as read just before (null: absent); otherwise it is read here.
     */
    private Outcome recompute(SeriesRef s, Tier tier, long slot, Slab current, boolean preloaded) {
        Tier source = tier.finer().orElseThrow();
        SlabKey key = target(s, tier, slot);
        int index = (int) ((slot - key.start()) / tier.slotMillis());
        long end = slot + tier.slotMillis();
        SlabKey firstSource = new SlabKey(s.qualifiedId(), source, s.type(), source.slabStart(slot, s.type()));
        long lastSource = source.slabStart(end - 1, s.type());
        for (int attempt = 0; ; attempt++) {
            if (!preloaded || attempt > 0) {
                current = store.load(List.of(key)).get(key); // the target before its sources: see the class doc
            }
            Aggregate merged = null;
            Map<String, String> marks = new HashMap<>();
            for (Slab src : Slab.withoutSuperseded(store.range(firstSource, lastSource, true))) {
                Aggregate[] slots = src.merged();
                for (int j = 0; j < slots.length; j++) {
                    long t = src.key().start() + j * source.slotMillis();
                    if (slots[j] == null || t < slot || t >= end) {
                        continue;
                    }
                    if (merged == null) {
                        merged = slots[j].copy();
                    } else {
                        merged.merge(slots[j]);
                    }
                }
                src.watermarks().forEach((shard, seq) -> marks.merge(shard, seq, Slab::maxSequence));
                src.directWatermarks().forEach((shard, seq) -> marks.merge(shard, seq, Slab::maxSequence));
            }
            if (merged == null) {
                return Outcome.EMPTY; // nothing to derive; never clear a slot whose sources may have expired
            }
            Slab next = (current == null ? Slab.empty(key) : current).withDerived(index, merged, marks);
            if (current != null && next.sameContent(current)) {
                return Outcome.UNCHANGED;
            }
            if (store.put(next)) {
                return Outcome.WRITTEN;
            }
            if (attempt >= MAX_CONFLICT_RETRIES) {
                throw new IllegalStateException("slab " + key.sortKey() + " of " + s.qualifiedId()
                        + " kept changing during compaction");
            }
        }
    }

    private void parallel(List<Runnable> work) {
        Concurrently.map(work, limits.concurrency(), r -> {
            r.run();
            return null;
        });
    }
}

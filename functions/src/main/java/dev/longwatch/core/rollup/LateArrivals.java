package dev.longwatch.core.rollup;

import dev.longwatch.core.telemetry.PlatformMetrics;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The rollup's side of late data. After a batch's slabs are written, a slab whose hour (for a minute slab) or
 * day (for an hour slab written directly) the compactor may already have read gets a recompute request.
 *
 * <p>The progress is read after the writes, strongly consistent, and only for slots that closed more than
 * the compactor's grace ago, so live traffic costs nothing. What was read is kept: progress only grows, so a
 * remembered "claimed" stays true and saves the read; only "not claimed yet" is ever read again.
 *
 * <p>Also used by the archive path when the minute tier is written from the archive
 * ({@code dev.longwatch.core.archive.MinuteTierWriter}): it writes whole minute slabs and asks the same way.
 */
public final class LateArrivals {
    private static final int MAX_TENANTS = 100_000;

    private final CompactionStateStore state;
    private final PlatformMetrics metrics;
    /** Tenants whose progress this process has made sure of. */
    private final Set<String> started = ConcurrentHashMap.newKeySet();
    /** The highest progress read per tenant. */
    private final Map<String, CompactionProgress> seen = new ConcurrentHashMap<>();

    public LateArrivals(CompactionStateStore state, PlatformMetrics metrics) {
        this.state = state;
        this.metrics = metrics;
    }

    /**
     * Gives each tenant its compaction progress before its first slab is written, so that from then on
     * every write into a compacted slot is recognised as late (see {@link CompactionProgress#startingAt}).
     */
    public void ensureStarted(Collection<String> tenants, long now) {
        for (String tenant : tenants) {
            if (started.contains(tenant)) {
                continue;
            }
            state.start(tenant, CompactionProgress.startingAt(now));
            if (started.size() > MAX_TENANTS) {
                started.clear();
            }
            started.add(tenant);
        }
    }

    /** The coarser slot a written slab may have changed after its compaction; null if none can have been. */
    static RecomputeRequest candidate(SlabKey written, long now) {
        Tier coarser = written.tier().coarser().orElse(null);
        if (coarser == null) {
            return null;
        }
        long slot = coarser.slotStart(written.start());
        return CompactionProgress.mayBeClaimed(coarser, slot, now) ? RecomputeRequest.of(written, coarser, slot) : null;
    }

    /** Asks for recomputation of every claimed slot these written slabs fall into. Returns how many asks. */
    public int afterWrite(Collection<SlabKey> written, long now) {
        Map<String, Set<RecomputeRequest>> byTenant = new LinkedHashMap<>();
        for (SlabKey key : written) {
            RecomputeRequest r = candidate(key, now);
            if (r != null) {
                byTenant.computeIfAbsent(r.tenant(), t -> new LinkedHashSet<>()).add(r);
            }
        }
        List<RecomputeRequest> asks = new ArrayList<>();
        for (Map.Entry<String, Set<RecomputeRequest>> e : byTenant.entrySet()) {
            CompactionProgress p = seen.get(e.getKey());
            boolean fresh = false;
            for (RecomputeRequest r : e.getValue()) {
                if (!fresh && (p == null || r.slotStart() >= p.claimed(r.tier()))) {
                    p = read(e.getKey());
                    fresh = true;
                }
                if (r.slotStart() < p.claimed(r.tier())) {
                    asks.add(r);
                }
            }
        }
        if (!asks.isEmpty()) {
            state.request(asks);
            metrics.count("RecomputeRequested", asks.size());
        }
        return asks.size();
    }

    private CompactionProgress read(String tenant) {
        CompactionProgress p = state.progress(tenant).orElse(null);
        if (p == null) {
            started.remove(tenant); // start it again when the batch comes back
            throw new IllegalStateException("tenant " + tenant + " has no compaction progress");
        }
        if (seen.size() > MAX_TENANTS) {
            seen.clear();
        }
        return seen.merge(tenant, p, CompactionProgress::max);
    }
}

package dev.longwatch.core.rollup.compact;

import java.util.List;

/**
 * What one compactor run did. {@code complete} is false when the run stopped at its time budget or its
 * per-run bounds with work left (the next run goes on from the saved progress), or when a tenant failed.
 *
 * @param hoursCompacted     hour slots compacted (summed over tenants; one slot covers every series)
 * @param daysCompacted      day slots compacted
 * @param recomputed         recompute requests done (late data), hours and days
 * @param recomputesExpired  requests dropped because the finer tier may already be gone (logged)
 * @param slabWrites         hour and day slabs written
 * @param slabsUnchanged     slabs recomputed to exactly what was stored (a re-run): nothing written
 */
public record CompactionReport(int tenants, int hoursCompacted, int daysCompacted, int recomputed,
                               int recomputesExpired, int slabWrites, int slabsUnchanged, int failedTenants,
                               boolean complete, List<TenantProgress> progress) {

    /** Where a tenant stands after the run: every hour (day) before these starts is compacted. */
    public record TenantProgress(String tenant, long hoursCompactedThrough, long daysCompactedThrough) {
    }
}

package dev.longwatch.core.rollup;

import dev.longwatch.model.MetricType;

/**
 * A slot of an hour or day slab to recompute, because its finer tier changed after it was compacted
 * (late data). Keyed by tenant, tier, slot and series, so asking twice is one request. {@code token} is
 * renewed by every ask; the compactor deletes a request only if the token is still the one it read, so an
 * ask that comes in while a recompute runs is never lost.
 */
public record RecomputeRequest(String tenant, String seriesId, MetricType type, Tier tier, long slotStart,
                               String token) {

    public static RecomputeRequest of(SlabKey slabOfSeries, Tier tier, long slotStart) {
        String qualified = slabOfSeries.seriesId();
        return new RecomputeRequest(slabOfSeries.tenant(), qualified.substring(qualified.indexOf('/') + 1),
                slabOfSeries.type(), tier, slotStart, null);
    }

    /** The tenant-qualified series id, as in {@link SlabKey#seriesId()}. */
    public String qualifiedSeriesId() {
        return tenant + "/" + seriesId;
    }

    /** The slab that holds the slot. */
    public SlabKey slab() {
        return new SlabKey(qualifiedSeriesId(), tier, type, tier.slabStart(slotStart, type));
    }
}

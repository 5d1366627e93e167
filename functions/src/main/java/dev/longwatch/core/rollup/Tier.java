package dev.longwatch.core.rollup;

import dev.longwatch.model.MetricType;

/**
 * A rollup resolution. Items ("slabs") hold several consecutive slots of one series, so a 60-second
 * Kinesis batch usually costs one write per series rather than one per series-minute. Distributions
 * carry a sketch per slot and so get one slot per slab to stay under 1 KB (one write unit).
 * The hour and day tiers of the long-term storage work use the same layout with their own prefixes.
 */
public enum Tier {
    MINUTE("M", 60_000L, 10);

    private final String prefix;
    private final long slotMillis;
    private final int scalarSlotsPerSlab;

    Tier(String prefix, long slotMillis, int scalarSlotsPerSlab) {
        this.prefix = prefix;
        this.slotMillis = slotMillis;
        this.scalarSlotsPerSlab = scalarSlotsPerSlab;
    }

    public String prefix() {
        return prefix;
    }

    public long slotMillis() {
        return slotMillis;
    }

    public int slotsPerSlab(MetricType type) {
        return type == MetricType.DISTRIBUTION ? 1 : scalarSlotsPerSlab;
    }

    public long slabMillis(MetricType type) {
        return slotMillis * slotsPerSlab(type);
    }

    public long slabStart(long time, MetricType type) {
        return Math.floorDiv(time, slabMillis(type)) * slabMillis(type);
    }

    public long slotStart(long time) {
        return Math.floorDiv(time, slotMillis) * slotMillis;
    }
}

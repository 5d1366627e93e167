package dev.longwatch.core.rollup;

import dev.longwatch.model.MetricType;

import java.util.Locale;
import java.util.Optional;

/**
 * A rollup resolution. Items ("slabs") hold several consecutive slots of one series, so a 60-second
 * Kinesis batch usually costs one write per series rather than one per series-minute. On the stream path
 * ({@link #slotsPerSlab}) distributions carry a sketch per slot, rewritten with every batch, and so get one
 * slot per slab; scalar slabs are sized to stay under 1 KB, one write unit (measured in {@code SlabSizeTest}):
 * 10 minutes, 12 hours (two slabs a UTC day), 16 days. The minute tier written once an hour from the archive
 * uses whole-hour slabs of every type instead ({@link SlabKey#wholeHour}): written once, complete, they cost
 * one write per series-hour as long as they stay under 1 KB, which one point a minute does.
 * All tiers live in the rollups table; the sort key prefix names the tier ({@code M#}, {@code H#}, {@code D#}).
 *
 * <p>A finer tier's slab never straddles a slot of the next coarser tier (10 minutes divide an hour, 12 hours
 * a day), so an hour slot is recomputed from whole minute slabs and a day slot from whole hour slabs.
 */
public enum Tier {
    MINUTE("M", 60_000L, 10, 60),
    HOUR("H", 3_600_000L, 12, 12),
    DAY("D", 86_400_000L, 16, 16);

    private final String prefix;
    private final long slotMillis;
    private final int scalarSlotsPerSlab;
    private final int maxSlotsPerSlab;

    Tier(String prefix, long slotMillis, int scalarSlotsPerSlab, int maxSlotsPerSlab) {
        this.prefix = prefix;
        this.slotMillis = slotMillis;
        this.scalarSlotsPerSlab = scalarSlotsPerSlab;
        this.maxSlotsPerSlab = maxSlotsPerSlab;
    }

    public String prefix() {
        return prefix;
    }

    /** The name in the query API's {@code tiers} field: {@code minute}, {@code hour}, {@code day}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public long slotMillis() {
        return slotMillis;
    }

    /** The stream path's slots per slab. */
    public int slotsPerSlab(MetricType type) {
        return type == MetricType.DISTRIBUTION ? 1 : scalarSlotsPerSlab;
    }

    /** The most slots any writer puts in one slab of this tier: a whole hour of minutes, else as the stream's. */
    public int maxSlotsPerSlab() {
        return maxSlotsPerSlab;
    }

    public long slabMillis(MetricType type) {
        return slotMillis * slotsPerSlab(type);
    }

    public long slabStart(long time, MetricType type) {
        return Math.floorDiv(time, slabMillis(type)) * slabMillis(type);
    }

    /**
     * The earliest start of a slab of this tier and type, in any layout, that can hold {@code time}: where a range
     * read covering {@code time} begins. For minutes that is the hour (a whole-hour slab may hold it); every
     * layout's slabs are aligned to their length, and a whole hour is the longest.
     */
    public long earliestSlabStart(long time, MetricType type) {
        if (this == MINUTE) {
            long hour = slotMillis * maxSlotsPerSlab;
            return Math.floorDiv(time, hour) * hour;
        }
        return slabStart(time, type);
    }

    public long slotStart(long time) {
        return Math.floorDiv(time, slotMillis) * slotMillis;
    }

    /** The tier this one is recomputed from (empty for minutes, which come from the stream). */
    public Optional<Tier> finer() {
        return ordinal() == 0 ? Optional.empty() : Optional.of(values()[ordinal() - 1]);
    }

    /** The tier recomputed from this one (empty for days). */
    public Optional<Tier> coarser() {
        return ordinal() == values().length - 1 ? Optional.empty() : Optional.of(values()[ordinal() + 1]);
    }

    public static Tier ofPrefix(String prefix) {
        for (Tier t : values()) {
            if (t.prefix.equals(prefix)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown tier prefix " + prefix);
    }
}

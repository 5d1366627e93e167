package dev.longwatch.core.rollup;

import dev.longwatch.model.MetricType;

/**
 * Which rollup item: the tenant-qualified series id, the tier, the slab's start (epoch ms) and how many slots it
 * holds. {@link #sortKey()} sorts by time within a series: {@code M#0001763700000000}.
 *
 * <p>A tier has one layout per writer. The stream's rollup consumer writes {@link Tier#slotsPerSlab} slots (the
 * four-argument constructor); the minute tier written once an hour from the archive writes whole hours
 * ({@link #wholeHour}). The slot count is stored with the slots ({@link SlabCodec}), so a reader learns the
 * layout of what it reads and needs not know which writer wrote it: range reads of the minute tier start at the
 * hour ({@link Tier#earliestSlabStart}), the start of the longest minute slab.
 */
public record SlabKey(String seriesId, Tier tier, MetricType type, long start, int slots) {

    public SlabKey {
        if (slots < 1 || slots > tier.maxSlotsPerSlab()) {
            throw new IllegalArgumentException("a " + tier.wireName() + " slab holds 1 to " + tier.maxSlotsPerSlab()
                    + " slots, not " + slots);
        }
        if (Math.floorMod(start, tier.slotMillis() * slots) != 0) {
            throw new IllegalArgumentException("a slab of " + slots + " " + tier.wireName()
                    + " slots starts at a multiple of its length, not at " + start);
        }
    }

    /** The stream path's slab: {@link Tier#slotsPerSlab} slots of {@code type}. */
    public SlabKey(String seriesId, Tier tier, MetricType type, long start) {
        this(seriesId, tier, type, start, tier.slotsPerSlab(type));
    }

    /** The minute slab holding the whole hour that starts at {@code hour}: 60 slots, of any type. */
    public static SlabKey wholeHour(String seriesId, MetricType type, long hour) {
        return new SlabKey(seriesId, Tier.MINUTE, type, hour, Tier.MINUTE.maxSlotsPerSlab());
    }

    /** The same item with another slot count (what a stored slab says it holds). */
    public SlabKey withSlots(int count) {
        return count == slots ? this : new SlabKey(seriesId, tier, type, start, count);
    }

    /** The end of the slab's last slot (exclusive). */
    public long end() {
        return start + slots * tier.slotMillis();
    }

    public String sortKey() {
        return sortKey(tier, start);
    }

    public static String sortKey(Tier tier, long start) {
        return tier.prefix() + "#" + String.format("%016d", start);
    }

    public static long startOf(String sortKey) {
        return Long.parseLong(sortKey.substring(sortKey.indexOf('#') + 1));
    }

    public String tenant() {
        return seriesId.substring(0, seriesId.indexOf('/'));
    }
}

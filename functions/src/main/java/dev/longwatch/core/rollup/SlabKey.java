package dev.longwatch.core.rollup;

import dev.longwatch.model.MetricType;

/**
 * Which rollup item: the tenant-qualified series id, the tier and the slab's start (epoch ms).
 * {@link #sortKey()} sorts by time within a series: {@code M#0001763700000000}.
 */
public record SlabKey(String seriesId, Tier tier, MetricType type, long start) {

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

package dev.longwatch.core.rollup;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Port: where rollup slabs live (DynamoDB). Reads are strongly consistent; writes are conditional on the
 * version read, so two writers can never both apply their change to the same slab.
 */
public interface RollupStore {

    /** The stored slabs among {@code keys}; absent keys are missing from the map. */
    Map<SlabKey, Slab> load(Collection<SlabKey> keys);

    /**
     * Stores {@code slab} if the stored version is still {@code slab.version() - 1} (or absent for version 1).
     * Returns false if someone else wrote it first; throws if the store cannot be reached.
     */
    boolean put(Slab slab);

    /** All slabs of one series and tier whose start lies in [fromStart, toStart], in time order. */
    List<Slab> range(SlabKey first, long toStart);

    /**
     * {@link #range}, strongly consistent when {@code consistent} (the compactor reads the sources of a
     * recomputation this way). A store whose reads are always consistent may keep this default.
     */
    default List<Slab> range(SlabKey first, long toStart, boolean consistent) {
        return range(first, toStart);
    }
}

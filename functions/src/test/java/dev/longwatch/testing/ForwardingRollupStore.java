package dev.longwatch.testing;

import dev.longwatch.core.rollup.RollupStore;
import dev.longwatch.core.rollup.Slab;
import dev.longwatch.core.rollup.SlabKey;
import dev.longwatch.core.rollup.Tier;

import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real store seen through a wrapper: tests override a method to step into the middle of an operation, and
 * every range read is counted per tier (requests and slabs returned).
 */
public class ForwardingRollupStore implements RollupStore {
    protected final RollupStore delegate;
    private final Map<Tier, AtomicLong> rangeReads = new EnumMap<>(Tier.class);
    private final Map<Tier, AtomicLong> slabsRead = new EnumMap<>(Tier.class);

    public ForwardingRollupStore(RollupStore delegate) {
        this.delegate = delegate;
        for (Tier t : Tier.values()) {
            rangeReads.put(t, new AtomicLong());
            slabsRead.put(t, new AtomicLong());
        }
    }

    @Override
    public Map<SlabKey, Slab> load(Collection<SlabKey> keys) {
        return delegate.load(keys);
    }

    @Override
    public boolean put(Slab slab) {
        return delegate.put(slab);
    }

    @Override
    public List<Slab> range(SlabKey first, long toStart) {
        return counted(first.tier(), delegate.range(first, toStart));
    }

    @Override
    public List<Slab> range(SlabKey first, long toStart, boolean consistent) {
        return counted(first.tier(), delegate.range(first, toStart, consistent));
    }

    private List<Slab> counted(Tier tier, List<Slab> slabs) {
        rangeReads.get(tier).incrementAndGet();
        slabsRead.get(tier).addAndGet(slabs.size());
        return slabs;
    }

    /** Range requests made against {@code tier}. */
    public long rangeReads(Tier tier) {
        return rangeReads.get(tier).get();
    }

    /** Slabs of {@code tier} returned by range reads. */
    public long slabsRead(Tier tier) {
        return slabsRead.get(tier).get();
    }
}

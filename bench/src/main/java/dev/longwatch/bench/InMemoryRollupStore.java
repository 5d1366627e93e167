package dev.longwatch.bench;

import dev.longwatch.core.rollup.RollupStore;
import dev.longwatch.core.rollup.Slab;
import dev.longwatch.core.rollup.SlabCodec;
import dev.longwatch.core.rollup.SlabKey;

import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A rollup store in memory, for CPU benchmarks only (DynamoDB is measured by the write-units harness).
 * It keeps the encoded slab as the DynamoDB adapter does, so the codec's cost stays in the measurement,
 * and applies the same version condition.
 */
final class InMemoryRollupStore implements RollupStore {
    private record Item(byte[] data, Map<String, String> watermarks, long version) {
    }

    private final Map<SlabKey, Item> items = new ConcurrentHashMap<>();

    @Override
    public Map<SlabKey, Slab> load(Collection<SlabKey> keys) {
        Map<SlabKey, Slab> out = new LinkedHashMap<>();
        for (SlabKey k : keys) {
            Item i = items.get(k);
            if (i != null) {
                out.put(k, new Slab(k, SlabCodec.decode(k, i.data()), i.watermarks(), i.version()));
            }
        }
        return out;
    }

    @Override
    public boolean put(Slab slab) {
        Item next = new Item(SlabCodec.encode(slab), Map.copyOf(slab.watermarks()), slab.version());
        boolean[] written = {false};
        items.compute(slab.key(), (k, current) -> {
            long stored = current == null ? 0 : current.version();
            if (stored != slab.version() - 1) {
                return current;
            }
            written[0] = true;
            return next;
        });
        return written[0];
    }

    @Override
    public List<Slab> range(SlabKey first, long toStart) {
        return items.entrySet().stream()
                .filter(e -> e.getKey().seriesId().equals(first.seriesId()) && e.getKey().tier() == first.tier()
                        && e.getKey().start() >= first.start() && e.getKey().start() <= toStart)
                .sorted(Comparator.comparingLong(e -> e.getKey().start()))
                .map(e -> new Slab(e.getKey(), SlabCodec.decode(e.getKey(), e.getValue().data()),
                        e.getValue().watermarks(), e.getValue().version()))
                .toList();
    }

    int size() {
        return items.size();
    }

    void clear() {
        items.clear();
    }
}

package dev.longwatch.bench;

import dev.longwatch.core.rollup.RollupStore;
import dev.longwatch.core.rollup.Slab;
import dev.longwatch.core.rollup.SlabCodec;
import dev.longwatch.core.rollup.SlabKey;

import java.util.Collection;
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

    /** By series and sort key, as DynamoDB keys the items (the slot count is in the data). */
    private final Map<String, Item> items = new ConcurrentHashMap<>();

    private static String id(SlabKey k) {
        return k.seriesId() + "|" + k.sortKey();
    }

    private static Slab slab(SlabKey asked, Item i) {
        SlabKey k = asked.withSlots(SlabCodec.slotCount(i.data()));
        return new Slab(k, SlabCodec.decode(k, i.data()), i.watermarks(), i.version());
    }

    @Override
    public Map<SlabKey, Slab> load(Collection<SlabKey> keys) {
        Map<SlabKey, Slab> out = new LinkedHashMap<>();
        for (SlabKey k : keys) {
            Item i = items.get(id(k));
            if (i != null) {
                out.put(k, slab(k, i));
            }
        }
        return out;
    }

    @Override
    public boolean put(Slab slab) {
        Item next = new Item(SlabCodec.encode(slab), Map.copyOf(slab.watermarks()), slab.version());
        boolean[] written = {false};
        items.compute(id(slab.key()), (k, current) -> {
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
        String from = id(first);
        String to = id(new SlabKey(first.seriesId(), first.tier(), first.type(), toStart, 1));
        return items.entrySet().stream()
                .filter(e -> e.getKey().compareTo(from) >= 0 && e.getKey().compareTo(to) <= 0)
                .sorted(Map.Entry.comparingByKey())
                .map(e -> slab(new SlabKey(first.seriesId(), first.tier(), first.type(),
                        SlabKey.startOf(e.getKey().substring(e.getKey().indexOf('|') + 1)), 1), e.getValue()))
                .toList();
    }

    int size() {
        return items.size();
    }

    void clear() {
        items.clear();
    }
}

package dev.longwatch.core.rollup;

import dev.longwatch.model.Aggregate;
import dev.longwatch.model.MetricType;

import java.math.BigInteger;
import java.util.HashMap;
import java.util.Map;

/**
 * One rollup item: the aggregates of consecutive slots of one series, the per-shard watermark of the last
 * stream record applied to it, and a version for optimistic concurrency.
 *
 * <p>The watermarks make redelivery harmless: a record whose sequence number is at or below its shard's
 * watermark has already been counted in this slab. Each write applies every not-yet-applied record of a
 * batch for this slab at once, so what a slab has seen from a shard is always a prefix of that shard.
 */
public final class Slab {
    private final SlabKey key;
    private final Aggregate[] slots;
    private final Map<String, String> watermarks;
    private final long version;

    public Slab(SlabKey key, Aggregate[] slots, Map<String, String> watermarks, long version) {
        this.key = key;
        this.slots = slots;
        this.watermarks = new HashMap<>(watermarks);
        this.version = version;
    }

    public static Slab empty(SlabKey key) {
        return new Slab(key, new Aggregate[key.tier().slotsPerSlab(key.type())], Map.of(), 0);
    }

    public SlabKey key() {
        return key;
    }

    public Aggregate[] slots() {
        return slots;
    }

    public Map<String, String> watermarks() {
        return watermarks;
    }

    /** 0 for a slab that is not stored yet. */
    public long version() {
        return version;
    }

    /** True if the record at {@code sequenceNumber} of {@code shard} is already counted here. */
    public boolean hasApplied(String shard, String sequenceNumber) {
        String wm = watermarks.get(shard);
        return wm != null && compareSequence(sequenceNumber, wm) <= 0;
    }

    /** Adds one point to its slot. */
    public void add(long time, double value) {
        int i = (int) ((time - key.start()) / key.tier().slotMillis());
        Aggregate a = slots[i];
        if (a == null) {
            a = new Aggregate();
            slots[i] = a;
        }
        a.add(time, value, key.type() == MetricType.DISTRIBUTION);
    }

    /** The next version of this slab, having applied records up to these sequence numbers per shard. */
    public Slab advanced(Map<String, String> appliedUpTo) {
        Slab next = new Slab(key, slots, watermarks, version + 1);
        next.watermarks.putAll(appliedUpTo);
        return next;
    }

    /** Kinesis sequence numbers are decimal strings of up to 128 bits; compare them as numbers. */
    public static int compareSequence(String a, String b) {
        if (a.length() != b.length()) {
            return new BigInteger(a).compareTo(new BigInteger(b));
        }
        return a.compareTo(b);
    }
}

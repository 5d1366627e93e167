package dev.longwatch.core.rollup;

import dev.longwatch.model.Aggregate;
import dev.longwatch.model.MetricType;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One rollup item: the aggregates of consecutive slots of one series, the per-shard watermark of the last
 * stream record applied to it, and a version for optimistic concurrency.
 *
 * <p>The watermarks make redelivery harmless: a record whose sequence number is at or below its shard's
 * watermark has already been counted in this slab. Each write applies every not-yet-applied record of a
 * batch for this slab at once, so what a slab has seen from a shard is always a prefix of that shard.
 *
 * <p>Hour and day slabs have two parts. The <em>derived</em> slots ({@link #slots()}) are recomputed by the
 * compactor from the next finer tier, and their watermarks are the highest of the sources' (what the slab
 * contains, for reading; recomputation replaces a slot, it never adds to it). The <em>direct</em> slots hold
 * points too old for the finer tier, which the rollup applies here instead (see {@link Retention#baseTier});
 * they have watermarks of their own, with the prefix rule above. A reader sees both merged ({@link #merged()}).
 * On a minute slab every point is the rollup's and lives in {@link #slots()}.
 */
public final class Slab {
    private final SlabKey key;
    private final Aggregate[] slots;
    private final Map<String, String> watermarks;
    private final Aggregate[] direct;
    private final Map<String, String> directWatermarks;
    private final long version;

    public Slab(SlabKey key, Aggregate[] slots, Map<String, String> watermarks, long version) {
        this(key, slots, watermarks, null, Map.of(), version);
    }

    public Slab(SlabKey key, Aggregate[] slots, Map<String, String> watermarks, Aggregate[] direct,
                Map<String, String> directWatermarks, long version) {
        this.key = key;
        this.slots = slots;
        this.watermarks = new HashMap<>(watermarks);
        this.direct = direct;
        this.directWatermarks = new HashMap<>(directWatermarks);
        this.version = version;
    }

    public static Slab empty(SlabKey key) {
        return new Slab(key, new Aggregate[key.slots()], Map.of(), 0);
    }

    public SlabKey key() {
        return key;
    }

    /** The slots the rollup writes on a minute slab; the derived slots on an hour or day slab. */
    public Aggregate[] slots() {
        return slots;
    }

    public Map<String, String> watermarks() {
        return watermarks;
    }

    /** Points applied straight to this hour or day slab; null when there are none. */
    public Aggregate[] direct() {
        return direct;
    }

    public Map<String, String> directWatermarks() {
        return directWatermarks;
    }

    /** 0 for a slab that is not stored yet. */
    public long version() {
        return version;
    }

    /** What a reader sees: derived and direct slots merged (fresh copies where both exist). */
    public Aggregate[] merged() {
        if (direct == null) {
            return slots;
        }
        Aggregate[] out = new Aggregate[slots.length];
        for (int i = 0; i < slots.length; i++) {
            if (slots[i] == null || direct[i] == null) {
                out[i] = slots[i] != null ? slots[i] : direct[i];
            } else {
                out[i] = slots[i].copy();
                out[i].merge(direct[i]);
            }
        }
        return out;
    }

    private boolean minute() {
        return key.tier() == Tier.MINUTE;
    }

    /** True if the record at {@code sequenceNumber} of {@code shard} is already counted here by the rollup. */
    public boolean hasApplied(String shard, String sequenceNumber) {
        String wm = (minute() ? watermarks : directWatermarks).get(shard);
        return wm != null && compareSequence(sequenceNumber, wm) <= 0;
    }

    /** Adds one point to its slot: the slots of a minute slab, the direct slots of an hour or day slab. */
    public void add(long time, double value) {
        Aggregate[] target = slots;
        if (!minute()) {
            target = direct;
            if (target == null) {
                throw new IllegalStateException("take the slab from advanced() or withDirect() before adding");
            }
        }
        int i = (int) ((time - key.start()) / key.tier().slotMillis());
        Aggregate a = target[i];
        if (a == null) {
            a = new Aggregate();
            target[i] = a;
        }
        a.add(time, value, key.type() == MetricType.DISTRIBUTION);
    }

    /** This slab ready to take direct points (a copy of the direct slots, created when absent). */
    public Slab withDirect() {
        if (minute()) {
            return this;
        }
        Aggregate[] d = new Aggregate[slots.length];
        if (direct != null) {
            for (int i = 0; i < d.length; i++) {
                d[i] = direct[i] == null ? null : direct[i].copy();
            }
        }
        return new Slab(key, slots, watermarks, d, directWatermarks, version);
    }

    /** The next version of this slab, having applied records up to these sequence numbers per shard. */
    public Slab advanced(Map<String, String> appliedUpTo) {
        Slab next = new Slab(key, slots, watermarks, direct, directWatermarks, version + 1);
        (minute() ? next.watermarks : next.directWatermarks).putAll(appliedUpTo);
        return next;
    }

    /**
     * The next version with derived slot {@code index} replaced by {@code value} (recomputed from the finer
     * tier), and the sources' watermarks merged in (highest per shard).
     */
    public Slab withDerived(int index, Aggregate value, Map<String, String> sourceWatermarks) {
        Aggregate[] s = Arrays.copyOf(slots, slots.length);
        s[index] = value;
        Slab next = new Slab(key, s, watermarks, direct, directWatermarks, version + 1);
        sourceWatermarks.forEach((shard, seq) -> next.watermarks.merge(shard, seq, Slab::maxSequence));
        return next;
    }

    /** True if both hold the same slots and watermarks (versions aside): rewriting would change nothing. */
    public boolean sameContent(Slab other) {
        return Arrays.equals(SlabCodec.encode(key, slots), SlabCodec.encode(other.key, other.slots))
                && watermarks.equals(other.watermarks)
                && Arrays.equals(direct == null ? null : SlabCodec.encode(key, direct),
                other.direct == null ? null : SlabCodec.encode(other.key, other.direct))
                && directWatermarks.equals(other.directWatermarks);
    }

    /**
     * {@code slabs} (of one series and tier, in start order, as a range read returns them) without the minute slabs
     * a whole-hour slab supersedes: the minute tier written from the archive writes each hour complete, so a slab
     * the stream's rollup consumer wrote inside that hour before the deployment switched (its sort key is not the
     * hour's, so the whole-hour write did not replace it) holds minutes the whole-hour slab holds too.
     */
    public static List<Slab> withoutSuperseded(List<Slab> slabs) {
        long coveredUntil = Long.MIN_VALUE;
        List<Slab> out = null;
        for (int i = 0; i < slabs.size(); i++) {
            SlabKey k = slabs.get(i).key();
            if (k.start() < coveredUntil) {
                if (out == null) {
                    out = new ArrayList<>(slabs.subList(0, i));
                }
                continue;
            }
            if (k.tier() == Tier.MINUTE && k.slots() == Tier.MINUTE.maxSlotsPerSlab()) {
                coveredUntil = k.end();
            }
            if (out != null) {
                out.add(slabs.get(i));
            }
        }
        return out == null ? slabs : out;
    }

    /** Kinesis sequence numbers are decimal strings of up to 128 bits; compare them as numbers. */
    public static int compareSequence(String a, String b) {
        if (a.length() != b.length()) {
            return new BigInteger(a).compareTo(new BigInteger(b));
        }
        return a.compareTo(b);
    }

    public static String maxSequence(String a, String b) {
        return compareSequence(a, b) >= 0 ? a : b;
    }
}

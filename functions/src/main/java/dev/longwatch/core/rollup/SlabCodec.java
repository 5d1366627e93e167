package dev.longwatch.core.rollup;

import com.datadoghq.sketch.ddsketch.DDSketch;
import dev.longwatch.model.Aggregate;
import dev.longwatch.model.MetricType;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The binary form of a slab's slots (the {@code d} and {@code x} attributes of a rollup item). Written as
 * version 2; version 1, written before, is still read.
 * <pre>
 * version 2:
 *   u8 version=2 | u8 slotCount | presence bitmap | single bitmap
 *       (each bitmap ceil(slotCount / 8) bytes, bit i of byte i / 8 = slot i: present; of one point)
 *   per present slot, in slot order:
 *     one point:  f64 value | varint lastTime - slotStart
 *     otherwise:  varint count | f64 sum | f64 min | f64 max | f64 last | varint lastTime - slotStart
 *                 | varint sketchLength | sketch (DDSketch binary encoding; length 0 = none)
 * version 1 (read only): u8 version=1 | u8 slotCount | u32 presence bitmap | every present slot in the long form
 * </pre>
 * A slot of one point is stored as its value: its count is 1, its sum, min, max and last are the value, and a
 * distribution's sketch is the sketch of that one value — exactly what {@link Aggregate#add} makes of it, so the
 * slot decodes to the same aggregate to the bit (a slot that would not, such as a sum of {@code -0.0}, keeps the
 * long form). That is 11–12 bytes where the long form takes 36 (plus ~15 for a one-value sketch), so an hour of
 * one-point minutes (60 slots, ~700 bytes) stays within the 1 KB of one write unit ({@code SlabSizeTest}).
 *
 * <p>The slot count is the slab's own: a reader learns from it which layout wrote the slab ({@link SlabKey}).
 */
public final class SlabCodec {
    private static final int V1 = 1;
    private static final int V2 = 2;

    private SlabCodec() {
    }

    public static byte[] encode(Slab slab) {
        return encode(slab.key(), slab.slots());
    }

    /** Encodes any slot array of the slab {@code key} (the derived or the direct slots of an hour or day slab). */
    public static byte[] encode(SlabKey key, Aggregate[] slots) {
        if (slots.length != key.slots()) {
            throw new IllegalArgumentException("slab " + key + " holds " + key.slots() + " slots, not "
                    + slots.length);
        }
        int bitmapBytes = (slots.length + 7) / 8;
        byte[] present = new byte[bitmapBytes];
        byte[] single = new byte[bitmapBytes];
        boolean distribution = key.type() == MetricType.DISTRIBUTION;
        for (int i = 0; i < slots.length; i++) {
            if (slots[i] != null && slots[i].count() > 0) {
                present[i >>> 3] |= (byte) (1 << (i & 7));
                if (isSinglePoint(slots[i], distribution)) {
                    single[i >>> 3] |= (byte) (1 << (i & 7));
                }
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(2 + 2 * bitmapBytes + slots.length * 12);
        out.write(V2);
        out.write(slots.length);
        out.write(present, 0, bitmapBytes);
        out.write(single, 0, bitmapBytes);
        long slotMillis = key.tier().slotMillis();
        for (int i = 0; i < slots.length; i++) {
            if (!bit(present, i)) {
                continue;
            }
            Aggregate a = slots[i];
            long offset = a.lastTime() - (key.start() + i * slotMillis);
            if (bit(single, i)) {
                writeDouble(out, a.last());
                writeVarLong(out, offset);
                continue;
            }
            writeVarLong(out, a.count());
            writeDouble(out, a.sum());
            writeDouble(out, a.min());
            writeDouble(out, a.max());
            writeDouble(out, a.last());
            writeVarLong(out, offset);
            byte[] sketch = a.sketchBytes();
            writeVarLong(out, sketch == null ? 0 : sketch.length);
            if (sketch != null) {
                out.write(sketch, 0, sketch.length);
            }
        }
        return out.toByteArray();
    }

    /** The number of slots the encoded slab holds (its layout), read from its header. */
    public static int slotCount(byte[] data) {
        if (data.length < 2) {
            throw new IllegalStateException("a slab encoding of " + data.length + " bytes has no header");
        }
        return data[1] & 0xff;
    }

    /** Decodes the slots of slab {@code key}, which must say as many slots as the data holds. */
    public static Aggregate[] decode(SlabKey key, byte[] data) {
        ByteBuffer in = ByteBuffer.wrap(data);
        int version = in.get() & 0xff;
        if (version != V1 && version != V2) {
            throw new IllegalStateException("unknown slab encoding version " + version + " in " + key);
        }
        int count = in.get() & 0xff;
        if (count != key.slots()) {
            throw new IllegalStateException("slab " + key + " has " + count + " slots, expected " + key.slots());
        }
        byte[] present;
        byte[] single;
        if (version == V1) {
            int bitmap = in.getInt();
            present = new byte[4];
            for (int i = 0; i < 32; i++) {
                if ((bitmap & (1 << i)) != 0) {
                    present[i >>> 3] |= (byte) (1 << (i & 7));
                }
            }
            single = new byte[4];
        } else {
            present = new byte[(count + 7) / 8];
            single = new byte[present.length];
            in.get(present);
            in.get(single);
        }
        boolean distribution = key.type() == MetricType.DISTRIBUTION;
        Aggregate[] slots = new Aggregate[count];
        long slotMillis = key.tier().slotMillis();
        for (int i = 0; i < count; i++) {
            if (!bit(present, i)) {
                continue;
            }
            long slotStart = key.start() + i * slotMillis;
            if (bit(single, i)) {
                double value = in.getDouble();
                Aggregate a = new Aggregate();
                a.add(slotStart + readVarLong(in), value, distribution);
                slots[i] = a;
                continue;
            }
            long n = readVarLong(in);
            double sum = in.getDouble();
            double min = in.getDouble();
            double max = in.getDouble();
            double last = in.getDouble();
            long lastTime = slotStart + readVarLong(in);
            int sketchLength = (int) readVarLong(in);
            DDSketch sketch = null;
            if (sketchLength > 0) {
                byte[] b = new byte[sketchLength];
                in.get(b);
                sketch = Aggregate.decodeSketch(b);
            }
            slots[i] = new Aggregate(n, sum, min, max, last, lastTime, sketch);
        }
        return slots;
    }

    /** True if {@code a} is exactly what one point (its last) makes: then its value is all a slot needs. */
    static boolean isSinglePoint(Aggregate a, boolean distribution) {
        if (a.count() != 1) {
            return false;
        }
        Aggregate one = new Aggregate();
        one.add(a.lastTime(), a.last(), distribution);
        if (Double.doubleToRawLongBits(one.sum()) != Double.doubleToRawLongBits(a.sum())
                || Double.doubleToRawLongBits(one.min()) != Double.doubleToRawLongBits(a.min())
                || Double.doubleToRawLongBits(one.max()) != Double.doubleToRawLongBits(a.max())
                || (a.sketch() == null) == distribution) {
            return false; // a distribution slot without a sketch, or a scalar one with one, keeps the long form
        }
        return !distribution || Arrays.equals(one.sketchBytes(), a.sketchBytes());
    }

    private static boolean bit(byte[] bitmap, int i) {
        return (bitmap[i >>> 3] & (1 << (i & 7))) != 0;
    }

    private static void writeDouble(ByteArrayOutputStream out, double d) {
        long v = Double.doubleToRawLongBits(d);
        for (int s = 56; s >= 0; s -= 8) {
            out.write((int) (v >>> s));
        }
    }

    private static void writeVarLong(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    private static long readVarLong(ByteBuffer in) {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte b = in.get();
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return v;
            }
        }
        throw new IllegalStateException("malformed varint in slab");
    }
}

package dev.longwatch.core.rollup;

import com.datadoghq.sketch.ddsketch.DDSketch;
import dev.longwatch.model.Aggregate;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/**
 * The binary form of a slab's slots (the {@code d} attribute of a rollup item), version 1:
 * <pre>
 * u8 version=1 | u8 slotCount | u32 presence bitmap (bit i = slot i present)
 * per present slot: varint count | f64 sum | f64 min | f64 max | f64 last | varint lastTime - slotStart
 *                   | varint sketchLength | sketch (DDSketch binary encoding; length 0 = none)
 * </pre>
 * About 40 bytes a slot, so a 10-slot minute slab, a 12-slot hour slab and a 16-slot day slab all stay under
 * the 1 KB of one write unit (item size measured in {@code SlabSizeTest}).
 */
public final class SlabCodec {
    private static final int VERSION = 1;

    private SlabCodec() {
    }

    public static byte[] encode(Slab slab) {
        return encode(slab.key(), slab.slots());
    }

    /** Encodes any slot array of the slab {@code key} (the derived or the direct slots of an hour or day slab). */
    public static byte[] encode(SlabKey key, Aggregate[] slots) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 + slots.length * 40);
        out.write(VERSION);
        out.write(slots.length);
        int bitmap = 0;
        for (int i = 0; i < slots.length; i++) {
            if (slots[i] != null && slots[i].count() > 0) {
                bitmap |= 1 << i;
            }
        }
        writeInt(out, bitmap);
        long slotMillis = key.tier().slotMillis();
        for (int i = 0; i < slots.length; i++) {
            if ((bitmap & (1 << i)) == 0) {
                continue;
            }
            Aggregate a = slots[i];
            writeVarLong(out, a.count());
            writeDouble(out, a.sum());
            writeDouble(out, a.min());
            writeDouble(out, a.max());
            writeDouble(out, a.last());
            writeVarLong(out, a.lastTime() - (key.start() + i * slotMillis));
            byte[] sketch = a.sketchBytes();
            writeVarLong(out, sketch == null ? 0 : sketch.length);
            if (sketch != null) {
                out.write(sketch, 0, sketch.length);
            }
        }
        return out.toByteArray();
    }

    public static Aggregate[] decode(SlabKey key, byte[] data) {
        ByteBuffer in = ByteBuffer.wrap(data);
        int version = in.get() & 0xff;
        if (version != VERSION) {
            throw new IllegalStateException("unknown slab encoding version " + version + " in " + key);
        }
        int count = in.get() & 0xff;
        int expected = key.tier().slotsPerSlab(key.type());
        if (count != expected) {
            throw new IllegalStateException("slab " + key + " has " + count + " slots, expected " + expected);
        }
        int bitmap = in.getInt();
        Aggregate[] slots = new Aggregate[count];
        long slotMillis = key.tier().slotMillis();
        for (int i = 0; i < count; i++) {
            if ((bitmap & (1 << i)) == 0) {
                continue;
            }
            long n = readVarLong(in);
            double sum = in.getDouble();
            double min = in.getDouble();
            double max = in.getDouble();
            double last = in.getDouble();
            long lastTime = key.start() + i * slotMillis + readVarLong(in);
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

    private static void writeInt(ByteArrayOutputStream out, int v) {
        out.write(v >>> 24);
        out.write(v >>> 16);
        out.write(v >>> 8);
        out.write(v);
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

package dev.longwatch.core.archive;

import java.util.Arrays;

/** Appends bits most-significant first into a growing byte array (the Gorilla streams of a block). */
final class BitWriter {
    private byte[] buf;
    /** Bits written so far. */
    private long bits;

    BitWriter(int initialBytes) {
        buf = new byte[Math.max(16, initialBytes)];
    }

    void writeBit(boolean bit) {
        ensure(1);
        if (bit) {
            buf[(int) (bits >>> 3)] |= (byte) (0x80 >>> (bits & 7));
        }
        bits++;
    }

    /** Writes the low {@code count} bits of {@code value} (0..64), most significant first. */
    void writeBits(long value, int count) {
        if (count == 0) {
            return;
        }
        ensure(count);
        int remaining = count;
        while (remaining > 0) {
            int index = (int) (bits >>> 3);
            int free = 8 - (int) (bits & 7);
            int take = Math.min(free, remaining);
            int chunk = (int) ((value >>> (remaining - take)) & ((1L << take) - 1));
            buf[index] |= (byte) (chunk << (free - take));
            bits += take;
            remaining -= take;
        }
    }

    long bitLength() {
        return bits;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buf, (int) ((bits + 7) >>> 3));
    }

    private void ensure(int moreBits) {
        long needBytes = (bits + moreBits + 7) >>> 3;
        if (needBytes > buf.length) {
            if (needBytes > Integer.MAX_VALUE - 16) {
                throw new IllegalStateException("a series chunk cannot exceed 2 GB");
            }
            buf = Arrays.copyOf(buf, (int) Math.max(needBytes, Math.min(Integer.MAX_VALUE - 16L, buf.length * 2L)));
        }
    }
}

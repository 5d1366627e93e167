package dev.longwatch.core.archive;

/** Reads bits most-significant first from a byte range; running past the end is a corrupt block. */
final class BitReader {
    private final byte[] buf;
    private final long endBit;
    private long pos;

    BitReader(byte[] buf, int offset, int length) {
        this.buf = buf;
        this.pos = (long) offset * 8;
        this.endBit = (long) (offset + length) * 8;
    }

    boolean readBit() {
        if (pos >= endBit) {
            throw new CorruptBlockException("a series chunk ends in the middle of a point");
        }
        boolean bit = (buf[(int) (pos >>> 3)] & (0x80 >>> (pos & 7))) != 0;
        pos++;
        return bit;
    }

    /** Reads {@code count} bits (0..64) as an unsigned value. */
    long readBits(int count) {
        if (count == 0) {
            return 0;
        }
        if (pos + count > endBit) {
            throw new CorruptBlockException("a series chunk ends in the middle of a point");
        }
        long value = 0;
        int remaining = count;
        while (remaining > 0) {
            int index = (int) (pos >>> 3);
            int avail = 8 - (int) (pos & 7);
            int take = Math.min(avail, remaining);
            int b = buf[index] & 0xff;
            int chunk = (b >>> (avail - take)) & ((1 << take) - 1);
            value = (value << take) | chunk;
            pos += take;
            remaining -= take;
        }
        return value;
    }

    /** Bits left after the current position (padding of the last byte included). */
    long remaining() {
        return endBit - pos;
    }
}

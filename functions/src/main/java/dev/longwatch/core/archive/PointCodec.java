package dev.longwatch.core.archive;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * The points of one series chunk (see api-spec/archive-block-format.md, "Series data"): Gorilla's scheme —
 * timestamps as delta-of-delta, values XOR-ed with the previous value — with two refinements measured on
 * realistic series: residuals are Rice-coded with a parameter picked per chunk (millisecond jitter costs a few
 * bits instead of a fixed bucket), and chunks whose values are all integers may code them as integer deltas or
 * as offsets from a base when that is smaller (counters).
 *
 * <p>Arithmetic on timestamps and integers wraps (two's complement), so any {@code long} round-trips, also out
 * of order. XOR mode handles values as raw IEEE-754 bits: every double (−0.0, subnormals, infinities, NaN
 * payloads) comes back bit for bit; integer modes are chosen only when they are exact too.
 */
final class PointCodec {
    static final int TIME_DOD = 0;
    static final int TIME_INTERVAL = 1;
    static final int VALUE_XOR = 0;
    static final int VALUE_INT_DELTA = 1;
    static final int VALUE_INT_OFFSET = 2;
    /** A Rice quotient of this many ones is an escape: the zigzag value follows in 64 bits. */
    static final int ESCAPE_ONES = 32;
    /** Integers up to 2^53 are exact in a double. */
    private static final double MAX_EXACT = 9_007_199_254_740_992.0;
    static final int MAX_DECIMALS = 6;
    private static final double[] POW10 = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000};

    private PointCodec() {
    }

    // ---- writing --------------------------------------------------------------------------------------

    /** The chunk bytes for points [0, n) of the arrays; {@code base} is the block's window start. */
    static byte[] encode(long[] times, double[] values, int n, long base) {
        ByteArrayOutputStream header = new ByteArrayOutputStream(32);
        if (n == 0) {
            return new byte[0];
        }
        long interval = medianDelta(times, n);
        long[] dodResidual = new long[Math.max(0, n - 1)];
        long[] intervalResidual = new long[Math.max(0, n - 1)];
        long prevDelta = interval;
        for (int i = 1; i < n; i++) {
            long delta = times[i] - times[i - 1];
            dodResidual[i - 1] = zigzag(delta - prevDelta);
            intervalResidual[i - 1] = zigzag(delta - interval);
            prevDelta = delta;
        }
        int dodK = bestK(dodResidual);
        int intervalK = bestK(intervalResidual);
        boolean useInterval = riceCost(intervalResidual, intervalK) < riceCost(dodResidual, dodK);
        int timeMode = useInterval ? TIME_INTERVAL : TIME_DOD;
        long[] timeCodes = useInterval ? intervalResidual : dodResidual;
        int timeK = useInterval ? intervalK : dodK;

        int valueMode = VALUE_XOR;
        long xorCost = xorCost(values, n);
        long[] valueCodes = null;
        int valueK = 0;
        long intBase = 0;
        int valueShift = 0;
        int decimals = decimalsOf(values, n);
        if (decimals >= 0) {
            long[] ints = new long[n];
            for (int i = 0; i < n; i++) {
                ints[i] = scaledInt(values[i], decimals);
            }
            intBase = median(ints);
            // Integers that are all multiples of 2^s apart (bytes in KiB, pages) lose those zero bits.
            long or = 0;
            for (int i = 1; i < n; i++) {
                or |= (ints[i] - ints[i - 1]) | (ints[i] - intBase);
            }
            valueShift = or == 0 ? 0 : Long.numberOfTrailingZeros(or);
            long[] deltas = new long[n - 1];
            long[] offsets = new long[n - 1];
            for (int i = 1; i < n; i++) {
                deltas[i - 1] = zigzag((ints[i] - ints[i - 1]) >> valueShift);
                offsets[i - 1] = zigzag((ints[i] - intBase) >> valueShift);
            }
            int deltaK = bestK(deltas);
            int offsetK = bestK(offsets);
            long deltaCost = riceCost(deltas, deltaK);
            long offsetCost = riceCost(offsets, offsetK) + 8L * varintSize(zigzag(intBase));
            if (Math.min(deltaCost, offsetCost) + 16 < xorCost) {
                boolean offset = offsetCost < deltaCost;
                valueMode = offset ? VALUE_INT_OFFSET : VALUE_INT_DELTA;
                valueCodes = offset ? offsets : deltas;
                valueK = offset ? offsetK : deltaK;
            }
        }

        header.write(timeMode | valueMode << 2);
        writeSvarint(header, times[0] - base);
        writeSvarint(header, interval);
        header.write(timeK);
        if (valueMode == VALUE_XOR) {
            long bits = Double.doubleToRawLongBits(values[0]);
            for (int s = 56; s >= 0; s -= 8) {
                header.write((int) (bits >>> s));
            }
        } else {
            writeSvarint(header, scaledInt(values[0], decimals));
            if (valueMode == VALUE_INT_OFFSET) {
                writeSvarint(header, intBase);
            }
            header.write(valueK);
            header.write(valueShift);
            header.write(decimals);
        }

        BitWriter out = new BitWriter(n * 2 + 16);
        XorState xor = new XorState(Double.doubleToRawLongBits(values[0]));
        for (int i = 1; i < n; i++) {
            writeRice(out, timeCodes[i - 1], timeK);
            if (valueMode == VALUE_XOR) {
                xor.write(out, Double.doubleToRawLongBits(values[i]));
            } else {
                writeRice(out, valueCodes[i - 1], valueK);
            }
        }
        byte[] bits = out.toByteArray();
        header.write(bits, 0, bits.length);
        return header.toByteArray();
    }

    /** Gorilla's XOR coding of a value against the previous one and the previous meaningful-bit window. */
    private static final class XorState {
        long prevBits;
        int prevLeading = -1;
        int prevTrailing;

        XorState(long first) {
            prevBits = first;
        }

        /** Writes (out != null) or only counts the bits; returns their number. */
        int write(BitWriter out, long bits) {
            long xor = bits ^ prevBits;
            prevBits = bits;
            if (xor == 0) {
                if (out != null) {
                    out.writeBit(false);
                }
                return 1;
            }
            int leading = Math.min(31, Long.numberOfLeadingZeros(xor));
            int trailing = Long.numberOfTrailingZeros(xor);
            if (prevLeading >= 0 && leading >= prevLeading && trailing >= prevTrailing) {
                int width = 64 - prevLeading - prevTrailing;
                if (out != null) {
                    out.writeBits(0b10, 2);
                    out.writeBits(xor >>> prevTrailing, width);
                }
                return 2 + width;
            }
            int meaningful = 64 - leading - trailing;
            if (out != null) {
                out.writeBits(0b11, 2);
                out.writeBits(leading, 5);
                out.writeBits(meaningful - 1, 6);
                out.writeBits(xor >>> trailing, meaningful);
            }
            prevLeading = leading;
            prevTrailing = trailing;
            return 13 + meaningful;
        }
    }

    private static long xorCost(double[] values, int n) {
        XorState s = new XorState(Double.doubleToRawLongBits(values[0]));
        long bits = 0;
        for (int i = 1; i < n; i++) {
            bits += s.write(null, Double.doubleToRawLongBits(values[i]));
        }
        return bits;
    }

    /**
     * The fewest decimal places d (0..{@value #MAX_DECIMALS}) such that every value is exactly the double nearest
     * to some integer / 10^d — what parsing "21.3" gives — or -1. Such values code as integers without loss.
     */
    static int decimalsOf(double[] values, int n) {
        for (int d = 0; d <= MAX_DECIMALS; d++) {
            if (allScaled(values, n, d)) {
                return d;
            }
        }
        return -1;
    }

    private static boolean allScaled(double[] values, int n, int d) {
        for (int i = 0; i < n; i++) {
            double v = values[i];
            if (!(Math.abs(d == 0 ? v : v * POW10[d]) <= MAX_EXACT)) {
                return false;
            }
            // Exactly what decoding computes, compared by bits (so -0.0 stays XOR-coded and keeps its sign).
            if (Double.doubleToRawLongBits(scaled(scaledInt(v, d), d)) != Double.doubleToRawLongBits(v)) {
                return false;
            }
        }
        return true;
    }

    private static long scaledInt(double v, int decimals) {
        return (long) Math.rint(decimals == 0 ? v : v * POW10[decimals]);
    }

    private static void writeRice(BitWriter out, long z, int k) {
        long q = z >>> k;
        if (q >= ESCAPE_ONES) {
            out.writeBits(-1L, ESCAPE_ONES);
            out.writeBits(z, 64);
            return;
        }
        int ones = (int) q;
        // q ones and a terminating zero (at most 33 bits: write in one go when it fits a long)
        out.writeBits(((1L << ones) - 1) << 1, ones + 1);
        out.writeBits(z, k);
    }

    private static long riceCost(long[] codes, int k) {
        long bits = 0;
        for (long z : codes) {
            long q = z >>> k;
            bits += q >= ESCAPE_ONES ? ESCAPE_ONES + 64 : q + 1 + k;
        }
        return bits;
    }

    /** The Rice parameter with the fewest bits: start near log2 of the mean, then walk downhill. */
    static int bestK(long[] codes) {
        if (codes.length == 0) {
            return 0;
        }
        double mean = 0;
        for (long z : codes) {
            mean += ((z >>> 1) * 2.0) / codes.length; // unsigned, near enough for a first guess
        }
        int k = mean < 1 ? 0 : Math.min(62, (int) Math.floor(Math.log(mean) / Math.log(2)));
        long cost = riceCost(codes, k);
        while (k > 0) {
            long lower = riceCost(codes, k - 1);
            if (lower > cost) {
                break;
            }
            k--;
            cost = lower;
        }
        while (k < 62) {
            long higher = riceCost(codes, k + 1);
            if (higher >= cost) {
                break;
            }
            k++;
            cost = higher;
        }
        return k;
    }

    private static long medianDelta(long[] times, int n) {
        if (n < 2) {
            return 0;
        }
        long[] d = new long[n - 1];
        for (int i = 1; i < n; i++) {
            d[i - 1] = times[i] - times[i - 1];
        }
        return median(d);
    }

    private static long median(long[] xs) {
        long[] c = Arrays.copyOf(xs, xs.length);
        Arrays.sort(c);
        return c[c.length / 2];
    }

    static long zigzag(long v) {
        return (v << 1) ^ (v >> 63);
    }

    static long unzigzag(long z) {
        return (z >>> 1) ^ -(z & 1);
    }

    private static void writeSvarint(ByteArrayOutputStream out, long v) {
        long u = zigzag(v);
        while ((u & ~0x7FL) != 0) {
            out.write((int) ((u & 0x7F) | 0x80));
            u >>>= 7;
        }
        out.write((int) u);
    }

    private static int varintSize(long u) {
        int n = 1;
        while ((u & ~0x7FL) != 0) {
            u >>>= 7;
            n++;
        }
        return n;
    }

    // ---- reading --------------------------------------------------------------------------------------

    /** Decodes a chunk of {@code count} points from {@code bytes[offset, offset + length)} into {@code out}. */
    static void decode(byte[] bytes, int offset, int length, int count, long base, Points out) {
        if (count == 0) {
            if (length != 0) {
                throw new CorruptBlockException("a series chunk without points has data");
            }
            return;
        }
        int[] pos = {offset};
        int end = offset + length;
        int modes = u8(bytes, pos, end);
        int timeMode = modes & 3;
        int valueMode = (modes >>> 2) & 3;
        if ((modes & ~0xF) != 0 || timeMode > TIME_INTERVAL || valueMode > VALUE_INT_OFFSET) {
            throw new CorruptBlockException("a series chunk has unknown coding modes " + modes);
        }
        long time = base + readSvarint(bytes, pos, end);
        long interval = readSvarint(bytes, pos, end);
        int timeK = u8(bytes, pos, end);
        long firstBits;
        long intValue = 0;
        long intBase = 0;
        int valueK = 0;
        int valueShift = 0;
        int decimals = 0;
        if (valueMode == VALUE_XOR) {
            firstBits = 0;
            for (int i = 0; i < 8; i++) {
                firstBits = firstBits << 8 | u8(bytes, pos, end);
            }
        } else {
            intValue = readSvarint(bytes, pos, end);
            if (valueMode == VALUE_INT_OFFSET) {
                intBase = readSvarint(bytes, pos, end);
            }
            valueK = u8(bytes, pos, end);
            valueShift = u8(bytes, pos, end);
            decimals = u8(bytes, pos, end);
            if (decimals > MAX_DECIMALS) {
                throw new CorruptBlockException("a series chunk has " + decimals + " decimal places, more than "
                        + MAX_DECIMALS);
            }
            firstBits = Double.doubleToRawLongBits(scaled(intValue, decimals));
        }
        if (timeK > 63 || valueK > 63 || valueShift > 63) {
            throw new CorruptBlockException("a series chunk has a Rice parameter or shift above 63");
        }
        out.add(time, Double.longBitsToDouble(firstBits));

        BitReader in = new BitReader(bytes, pos[0], end - pos[0]);
        long prevDelta = interval;
        long prevBits = firstBits;
        int leading = 0;
        int trailing = 0;
        boolean windowSet = false;
        for (int i = 1; i < count; i++) {
            long residual = unzigzag(readRice(in, timeK));
            long delta = (timeMode == TIME_DOD ? prevDelta : interval) + residual;
            time += delta;
            prevDelta = delta;
            double value;
            if (valueMode == VALUE_XOR) {
                long bits;
                if (!in.readBit()) {
                    bits = prevBits;
                } else {
                    if (in.readBit()) {
                        leading = (int) in.readBits(5);
                        int meaningful = (int) in.readBits(6) + 1;
                        trailing = 64 - leading - meaningful;
                        if (trailing < 0) {
                            throw new CorruptBlockException("a value's bit window is wider than 64 bits");
                        }
                        windowSet = true;
                    } else if (!windowSet) {
                        throw new CorruptBlockException("a value reuses a bit window before any was set");
                    }
                    bits = prevBits ^ (in.readBits(64 - leading - trailing) << trailing);
                }
                prevBits = bits;
                value = Double.longBitsToDouble(bits);
            } else {
                long z = unzigzag(readRice(in, valueK)) << valueShift;
                intValue = valueMode == VALUE_INT_DELTA ? intValue + z : intBase + z;
                value = scaled(intValue, decimals);
            }
            out.add(time, value);
        }
        if (in.remaining() >= 8) {
            throw new CorruptBlockException("a series chunk has " + in.remaining() / 8 + " bytes after its last point");
        }
    }

    private static double scaled(long m, int decimals) {
        return decimals == 0 ? (double) m : (double) m / POW10[decimals];
    }

    private static long readRice(BitReader in, int k) {
        int ones = 0;
        while (ones < ESCAPE_ONES && in.readBit()) {
            ones++;
        }
        if (ones == ESCAPE_ONES) {
            return in.readBits(64);
        }
        return ((long) ones << k) | in.readBits(k);
    }

    private static int u8(byte[] b, int[] pos, int end) {
        if (pos[0] >= end) {
            throw new CorruptBlockException("a series chunk ends early");
        }
        return b[pos[0]++] & 0xff;
    }

    private static long readSvarint(byte[] b, int[] pos, int end) {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int x = u8(b, pos, end);
            v |= (long) (x & 0x7F) << shift;
            if ((x & 0x80) == 0) {
                return unzigzag(v);
            }
        }
        throw new CorruptBlockException("a varint runs past 64 bits");
    }
}

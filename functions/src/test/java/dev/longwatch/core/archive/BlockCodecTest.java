package dev.longwatch.core.archive;

import dev.longwatch.model.MetricType;
import dev.longwatch.model.SeriesKey;
import dev.longwatch.model.Tags;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BlockCodecTest {
    static final long HOUR = 1763700000000L - Math.floorMod(1763700000000L, ArchiveBlock.HOUR_MILLIS);
    static final long DAY = HOUR - Math.floorMod(HOUR, ArchiveBlock.DAY_MILLIS);
    static final String SHARD = "shardId-000000000001";
    static final SeriesKey CPU = new SeriesKey("acme", "cpu", MetricType.GAUGE, Tags.of("host", "a"));
    static final SeriesKey REQ = new SeriesKey("acme", "http.requests", MetricType.COUNTER, Tags.of("route", "/x", "code", "200"));
    static final SeriesKey LAT = new SeriesKey("acme", "latency", MetricType.DISTRIBUTION, Tags.EMPTY);

    static BigInteger seq(long n) {
        return new BigInteger("4959033827149025660855969253836157109592157598913658" + String.format("%04d", n));
    }

    static ArchiveBlock roundTrip(ArchiveBlock b) {
        return BlockCodec.decode(BlockCodec.encode(b));
    }

    static ArchiveBlock hourBlockOf(SeriesKey key, Points points) {
        BlockPart part = BlockPart.merged(HOUR, Map.of(SHARD, new SeqRange(null, seq(9))));
        part.series().put(key, points);
        return ArchiveBlock.hour("acme", HOUR).add(part);
    }

    static Points decodedPoints(ArchiveBlock b, SeriesKey key) {
        return roundTrip(b).parts().get(0).series().get(key);
    }

    static void assertBitExact(Points expected, Points actual) {
        assertEquals(expected.size(), actual.size(), "point count");
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.time(i), actual.time(i), "time of point " + i);
            assertEquals(Double.doubleToRawLongBits(expected.value(i)), Double.doubleToRawLongBits(actual.value(i)),
                    "bits of point " + i + " (" + expected.value(i) + " vs " + actual.value(i) + ")");
        }
    }

    @Test
    void valuesThatAreHardForFloatingPointComeBackBitForBit() {
        double[] special = {-0.0, 0.0, Double.MIN_VALUE, -Double.MIN_VALUE, Double.MIN_NORMAL, 2.2250738585072E-308,
                Double.MAX_VALUE, -Double.MAX_VALUE, 1e308, -1e-300, Double.POSITIVE_INFINITY,
                Double.NEGATIVE_INFINITY, 9007199254740992.0, 9007199254740994.0, -9007199254740993.0, 0.1 + 0.2,
                1.0 / 3, 21.3, -0.0, 0.0, Math.ulp(1.0), Double.longBitsToDouble(0x7ff8000000000123L)};
        Points p = new Points();
        for (int i = 0; i < special.length; i++) {
            p.add(HOUR + i * 1000L, special[i]);
        }
        assertBitExact(p, decodedPoints(hourBlockOf(CPU, p), CPU));
    }

    @Test
    void negativeZeroAmongIntegersKeepsItsSign() {
        // Integers code in integer mode, which has no -0.0: the chunk must fall back to XOR.
        Points p = Points.of(new long[]{HOUR, HOUR + 1, HOUR + 2, HOUR + 3}, new double[]{1, -0.0, 2, 0.0});
        assertBitExact(p, decodedPoints(hourBlockOf(REQ, p), REQ));
    }

    @Test
    void randomBitPatternsAndTimestampsRoundTrip() {
        Random r = new Random(42);
        for (int round = 0; round < 50; round++) {
            int n = 1 + r.nextInt(400);
            Points p = new Points(n);
            long t = HOUR + r.nextInt(1000);
            for (int i = 0; i < n; i++) {
                t = switch (r.nextInt(5)) {
                    case 0 -> r.nextLong(); // anywhere, wrapping arithmetic must cope
                    case 1 -> t - r.nextInt(100_000); // out of order
                    default -> t + 10_000 + r.nextInt(41) - 20;
                };
                double v = switch (r.nextInt(4)) {
                    case 0 -> Double.longBitsToDouble(r.nextLong());
                    case 1 -> r.nextInt(100);
                    case 2 -> Math.round(r.nextGaussian() * 1000) / 10.0;
                    default -> r.nextGaussian();
                };
                p.add(t, v);
            }
            assertBitExact(p, decodedPoints(hourBlockOf(CPU, p), CPU));
        }
    }

    @Test
    void extremeTimestampsRoundTrip() {
        Points p = Points.of(new long[]{Long.MIN_VALUE, Long.MAX_VALUE, 0, -1, Long.MAX_VALUE, Long.MIN_VALUE},
                new double[]{1, 2, 3, 4, 5, 6});
        assertBitExact(p, decodedPoints(hourBlockOf(CPU, p), CPU));
    }

    @Test
    void eachValueCodingIsChosenWhereItIsSmallestAndRoundTrips() {
        long[] ts = new long[200];
        for (int i = 0; i < ts.length; i++) {
            ts[i] = HOUR + i * 10_000L;
        }
        Random r = new Random(7);
        double[] walk = new double[ts.length];
        double[] iid = new double[ts.length];
        double[] tenths = new double[ts.length];
        double[] noisy = new double[ts.length];
        long level = 1_000;
        double temp = 21.0;
        for (int i = 0; i < ts.length; i++) {
            level += r.nextInt(3) - 1;
            walk[i] = level;
            iid[i] = 120 + r.nextInt(21) - 10;
            temp += (r.nextInt(3) - 1) / 10.0;
            tenths[i] = Math.round(temp * 10) / 10.0;
            noisy[i] = r.nextGaussian();
        }
        assertEquals(PointCodec.VALUE_INT_DELTA, valueMode(ts, walk));
        assertEquals(PointCodec.VALUE_INT_OFFSET, valueMode(ts, iid));
        assertEquals(PointCodec.VALUE_INT_DELTA, valueMode(ts, tenths));
        assertEquals(1, PointCodec.decimalsOf(tenths, tenths.length), "tenths code as integers with one decimal place");
        assertEquals(PointCodec.VALUE_XOR, valueMode(ts, noisy));
        for (double[] vs : List.of(walk, iid, tenths, noisy)) {
            Points p = Points.of(ts, vs);
            Points back = new Points();
            byte[] chunk = PointCodec.encode(ts, vs, ts.length, HOUR);
            PointCodec.decode(chunk, 0, chunk.length, ts.length, HOUR, back);
            assertBitExact(p, back);
        }
    }

    static int valueMode(long[] ts, double[] vs) {
        return (PointCodec.encode(ts, vs, ts.length, HOUR)[0] >>> 2) & 3;
    }

    @Test
    void decimalsAreUsedOnlyWhenEveryValueIsExactlyTheNearestDoubleOfItsDecimal() {
        assertEquals(1, PointCodec.decimalsOf(new double[]{21.3, 21.4, -0.1}, 3));
        assertEquals(-1, PointCodec.decimalsOf(new double[]{21.3, 0.1 + 0.2}, 2), "0.30000000000000004 has no short decimal");
        assertEquals(0, PointCodec.decimalsOf(new double[]{1, 2, 9007199254740992.0}, 3));
        assertEquals(-1, PointCodec.decimalsOf(new double[]{1, -0.0}, 2), "-0.0 must keep its sign");
        assertEquals(-1, PointCodec.decimalsOf(new double[]{1e300}, 1));
    }

    @Test
    void aDailyBlockKeepsItsPartsCoverageAndRunsPerSeries() {
        BlockPart h0 = BlockPart.merged(DAY, Map.of(SHARD, new SeqRange(null, seq(10)),
                "shardId-000000000002", new SeqRange(seq(3), seq(40))));
        h0.points(CPU).add(DAY + 1000, 1.5);
        h0.points(REQ).add(DAY + 2000, 7);
        BlockPart h5 = BlockPart.merged(DAY + 5 * ArchiveBlock.HOUR_MILLIS, Map.of(SHARD, new SeqRange(seq(10), seq(20))));
        h5.points(REQ).add(DAY + 5 * ArchiveBlock.HOUR_MILLIS + 60_000, 3);
        h5.points(LAT).add(DAY + 5 * ArchiveBlock.HOUR_MILLIS + 1, 0.25);
        BlockPart late0 = BlockPart.merged(DAY, Map.of(SHARD, new SeqRange(seq(20), seq(30))));
        late0.points(CPU).add(DAY + 500, 2.5); // earlier than the first part's point: stream order is kept
        ArchiveBlock day = ArchiveBlock.day("acme", DAY).add(h0).add(h5).add(late0);

        ArchiveBlock back = roundTrip(day);

        assertEquals(ArchiveBlock.Kind.DAY, back.kind());
        assertEquals(DAY, back.windowStart());
        assertEquals(3, back.parts().size());
        for (int i = 0; i < 3; i++) {
            BlockPart want = day.parts().get(i);
            BlockPart got = back.parts().get(i);
            assertEquals(want.hourStart(), got.hourStart());
            assertEquals(want.coverage(), got.coverage());
            assertEquals(want.series(), got.series(), "series and points of part " + i);
        }
    }

    @Test
    void aBatchBlockKeepsItsShardRangeAndOnePartPerRecord() {
        ArchiveBlock b = ArchiveBlock.batch("acme", HOUR, SHARD, seq(1), seq(9));
        BlockPart r2 = BlockPart.record(HOUR, SHARD, seq(2));
        r2.points(CPU).add(HOUR + 5, 1);
        BlockPart r7 = BlockPart.record(HOUR, SHARD, seq(7));
        r7.points(CPU).add(HOUR + 6, 2);
        r7.points(REQ).add(HOUR + 6, 3);
        b.add(r2).add(r7);

        ArchiveBlock back = roundTrip(b);

        assertEquals(SHARD, back.shard());
        assertEquals(seq(1), back.firstSequence());
        assertEquals(seq(9), back.lastSequence());
        assertEquals(List.of(seq(2), seq(7)), back.parts().stream().map(BlockPart::recordSequence).toList());
        assertEquals(r7.series(), back.parts().get(1).series());
        assertNull(roundTrip(hourBlockOf(CPU, Points.of(new long[]{HOUR}, new double[]{1}))).shard());
    }

    @Test
    void anUnknownVersionIsRefusedWithAnErrorSayingWhatToDo() {
        byte[] bytes = BlockCodec.encode(hourBlockOf(CPU, Points.of(new long[]{HOUR}, new double[]{1})));
        bytes[4] = 2;

        UnsupportedBlockVersionException e = assertThrows(UnsupportedBlockVersionException.class,
                () -> BlockCodec.decode(bytes));
        assertEquals(2, e.version());
        assertTrue(e.getMessage().contains("format version 2 is not supported")
                && e.getMessage().contains("reads version 1") && e.getMessage().contains("upgrade"), e.getMessage());
    }

    @Test
    void bytesThatAreNotABlockOrAreDamagedAreRefused() {
        byte[] good = BlockCodec.encode(hourBlockOf(CPU, Points.of(new long[]{HOUR, HOUR + 1}, new double[]{1, 2})));
        assertThrows(CorruptBlockException.class, () -> BlockCodec.decode("hello".getBytes(StandardCharsets.UTF_8)),
                "not LWBK");
        byte[] flipped = good.clone();
        flipped[good.length / 2] ^= 0x10;
        CorruptBlockException damaged = assertThrows(CorruptBlockException.class, () -> BlockCodec.decode(flipped));
        assertTrue(damaged.getMessage().contains("checksum"), damaged.getMessage());
        assertThrows(CorruptBlockException.class, () -> BlockCodec.decode(Arrays.copyOf(good, good.length - 3)));
    }

    @Test
    void aSeriesWhoseNameDoesNotMatchItsIdIsRefused() {
        byte[] bytes = BlockCodec.encode(hourBlockOf(CPU, Points.of(new long[]{HOUR}, new double[]{1})));
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int at = text.indexOf("cpu");
        bytes[at] = 'g'; // "gpu": still valid UTF-8, but not the series the id was computed for
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        ByteBuffer.wrap(bytes, bytes.length - 4, 4).putInt((int) crc.getValue());

        CorruptBlockException e = assertThrows(CorruptBlockException.class, () -> BlockCodec.decode(bytes));
        assertTrue(e.getMessage().contains("does not match its id"), e.getMessage());
    }

    @Test
    void encodingIsDeterministicSoARedeliveredBatchWritesTheSameBytes() {
        Points p = Points.of(new long[]{HOUR, HOUR + 10}, new double[]{1.25, 3});
        assertArrayEquals(BlockCodec.encode(hourBlockOf(CPU, p)), BlockCodec.encode(hourBlockOf(CPU, p)));
    }
}

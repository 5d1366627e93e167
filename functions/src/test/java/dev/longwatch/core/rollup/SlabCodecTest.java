package dev.longwatch.core.rollup;

import dev.longwatch.model.Aggregate;
import dev.longwatch.model.MetricType;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The binary form of a slab's slots: exact round trips, and small enough for one write unit. */
class SlabCodecTest {
    static final long START = 1_795_168_800_000L; // a 10-minute boundary
    static final SlabKey GAUGE = new SlabKey("acme/0123456789abcdef0123456789abcdef", Tier.MINUTE, MetricType.GAUGE, START);
    static final SlabKey DIST = new SlabKey("acme/0123456789abcdef0123456789abcdef", Tier.MINUTE,
            MetricType.DISTRIBUTION, START);

    static void assertSameAggregate(Aggregate expected, Aggregate actual, String where) {
        assertEquals(expected.count(), actual.count(), where + " count");
        assertEquals(Double.doubleToRawLongBits(expected.sum()), Double.doubleToRawLongBits(actual.sum()), where + " sum");
        assertEquals(expected.min(), actual.min(), where + " min");
        assertEquals(expected.max(), actual.max(), where + " max");
        assertEquals(expected.last(), actual.last(), where + " last");
        assertEquals(expected.lastTime(), actual.lastTime(), where + " lastTime");
    }

    @Test
    void aSlabWithEmptySlotsAndNegativeValuesRoundTripsExactly() {
        Slab slab = Slab.empty(GAUGE);
        slab.add(START + 5, -3.25);
        slab.add(START + 59_999, 1e-300);
        slab.add(START + 30_000, -Double.MAX_VALUE);
        slab.add(START + 4 * 60_000 + 1, 0.1);
        slab.add(START + 9 * 60_000 + 59_999, -0.0);
        Aggregate[] decoded = SlabCodec.decode(GAUGE, SlabCodec.encode(slab));

        assertEquals(10, decoded.length);
        for (int i = 0; i < 10; i++) {
            if (slab.slots()[i] == null) {
                assertNull(decoded[i], "slot " + i + " stays empty");
            } else {
                assertSameAggregate(slab.slots()[i], decoded[i], "slot " + i);
            }
        }
        assertEquals(START + 59_999, decoded[0].lastTime());
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(decoded[9].last()));
    }

    @Test
    void anEmptySlabRoundTripsToEmptySlots() {
        Aggregate[] decoded = SlabCodec.decode(GAUGE, SlabCodec.encode(Slab.empty(GAUGE)));
        for (Aggregate a : decoded) {
            assertNull(a);
        }
    }

    @Test
    void aDistributionSlotKeepsItsSketchAcrossTheRoundTrip() {
        Slab slab = Slab.empty(DIST);
        Random r = new Random(1);
        for (int i = 0; i < 5_000; i++) {
            slab.add(START + r.nextInt(60_000), Math.exp(3 + r.nextGaussian()));
        }
        Aggregate before = slab.slots()[0];
        Aggregate after = SlabCodec.decode(DIST, SlabCodec.encode(slab))[0];

        assertSameAggregate(before, after, "slot 0");
        for (double q : new double[]{0.5, 0.9, 0.99}) {
            assertEquals(before.quantile(q), after.quantile(q), "p" + q + " is unchanged by encoding");
        }
        // A decoded sketch must merge with sketches made fresh in memory (the rollup does exactly that).
        Aggregate merged = after.copy();
        merged.merge(before);
        assertEquals(10_000, merged.count());
        assertEquals(before.quantile(0.5), merged.quantile(0.5), before.quantile(0.5) * 0.02);
    }

    @Test
    void aFullTenSlotGaugeSlabFitsInOneWriteUnit() {
        Slab slab = Slab.empty(GAUGE);
        Random r = new Random(2);
        for (int i = 0; i < 10; i++) {
            for (int p = 0; p < 60; p++) {
                slab.add(START + i * 60_000L + p * 1_000L, r.nextDouble() * 1e6 - 5e5);
            }
        }
        byte[] data = SlabCodec.encode(slab);
        // The whole item counts: pk (tenant/32-hex id), sk, t, v, one shard watermark, attribute names.
        int overhead = "pk".length() + GAUGE.seriesId().length() + "sk".length() + GAUGE.sortKey().length()
                + "t".length() + "gauge".length() + "v".length() + 21 + "w".length() + 3
                + "shardId-000000000000".length() + 56 + "d".length();
        assertTrue(data.length + overhead < 1024, "slab data " + data.length + " bytes + item overhead "
                + overhead + " must stay under 1 KB");
        assertTrue(data.length <= 10 * 40 + 6, "about 40 bytes a slot: " + data.length);
    }

    @Test
    void decodingWithTheWrongSlotCountOrVersionIsRefused() {
        byte[] gauge = SlabCodec.encode(Slab.empty(GAUGE));
        assertThrows(IllegalStateException.class, () -> SlabCodec.decode(DIST, gauge));
        byte[] future = gauge.clone();
        future[0] = 3;
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> SlabCodec.decode(GAUGE, future));
        assertTrue(e.getMessage().contains("unknown slab encoding version 3"), e.getMessage());
    }

    @Test
    void aOnePointSlotIsStoredAsItsValueAndDecodesToWhatAddingThatPointMakes() {
        Slab slab = Slab.empty(GAUGE);
        slab.add(START + 42_123, 17.5);
        byte[] data = SlabCodec.encode(slab);
        // header 2 + two 2-byte bitmaps + 8-byte value + 3-byte varint offset
        assertEquals(2 + 2 + 2 + 8 + 3, data.length);
        assertSameAggregate(slab.slots()[0], SlabCodec.decode(GAUGE, data)[0], "slot 0");

        Slab dist = Slab.empty(DIST);
        dist.add(START + 7, 250.0);
        byte[] distData = SlabCodec.encode(dist);
        assertEquals(2 + 1 + 1 + 8 + 1, distData.length, "a distribution's one-value sketch is implied");
        Aggregate decoded = SlabCodec.decode(DIST, distData)[0];
        assertSameAggregate(dist.slots()[0], decoded, "distribution slot");
        assertEquals(250.0, decoded.quantile(0.99), 250.0 * 0.01, "the implied sketch answers percentiles");
        assertTrue(java.util.Arrays.equals(dist.slots()[0].sketchBytes(), decoded.sketchBytes()),
                "the implied sketch is the sketch adding the point made");
    }

    @Test
    void aOnePointSlotThatAddingWouldNotReproduceKeepsTheLongForm() {
        // count 1, but the sum differs from the value: a merged or corrected aggregate, not one point as added.
        Aggregate odd = new Aggregate(1, 3.0, 2.0, 2.0, 2.0, START + 5, null);
        Aggregate[] slots = new Aggregate[10];
        slots[3] = odd;
        Aggregate decoded = SlabCodec.decode(GAUGE, SlabCodec.encode(GAUGE, slots))[3];
        assertSameAggregate(odd, decoded, "slot 3");
        assertEquals(3.0, decoded.sum());
        // -0.0 added to a fresh aggregate sums to +0.0: the long form keeps both signs.
        Slab zero = Slab.empty(GAUGE);
        zero.add(START + 1, -0.0);
        Aggregate z = SlabCodec.decode(GAUGE, SlabCodec.encode(zero))[0];
        assertEquals(Double.doubleToRawLongBits(0.0), Double.doubleToRawLongBits(z.sum()));
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(z.min()));
    }

    @Test
    void aWholeHourOfOnePointMinutesTakesAboutTwelveBytesAMinute() {
        long hour = 1_795_168_800_000L - Math.floorMod(1_795_168_800_000L, 3_600_000L);
        Random r = new Random(3);
        for (MetricType type : MetricType.values()) {
            SlabKey key = SlabKey.wholeHour("acme/0123456789abcdef0123456789abcdef", type, hour);
            Slab slab = Slab.empty(key);
            for (int m = 0; m < 60; m++) {
                slab.add(hour + m * 60_000L + 30_000L + r.nextInt(30_000), r.nextGaussian() * 1e4);
            }
            byte[] data = SlabCodec.encode(slab);
            assertTrue(data.length <= 2 + 16 + 60 * 11, type + ": " + data.length + " bytes");
            assertEquals(60, SlabCodec.slotCount(data));
            Aggregate[] decoded = SlabCodec.decode(key, data);
            for (int m = 0; m < 60; m++) {
                assertSameAggregate(slab.slots()[m], decoded[m], type + " minute " + m);
            }
        }
    }

    @Test
    void slabsWrittenInVersionOneStillDecode() {
        // Version 1, as written before version 2: u8 1 | u8 slots | u32 presence | long-form slots.
        java.nio.ByteBuffer v1 = java.nio.ByteBuffer.allocate(2 + 4 + 2 * (1 + 32 + 3 + 1));
        v1.put((byte) 1).put((byte) 10).putInt((1 << 2) | (1 << 9));
        for (int slot : new int[]{2, 9}) {
            v1.put((byte) 3); // count 3
            v1.putDouble(6.0).putDouble(1.0).putDouble(3.0).putDouble(2.0);
            v1.put((byte) 0xDF).put((byte) 0xD4).put((byte) 0x03); // varint 59,999: the slot's last millisecond
            v1.put((byte) 0); // no sketch
        }
        Aggregate[] decoded = SlabCodec.decode(GAUGE, v1.array());
        for (int i = 0; i < 10; i++) {
            if (i == 2 || i == 9) {
                assertSameAggregate(new Aggregate(3, 6.0, 1.0, 3.0, 2.0, START + i * 60_000L + 59_999, null),
                        decoded[i], "slot " + i);
            } else {
                assertNull(decoded[i], "slot " + i);
            }
        }
        // Rewriting it writes version 2 with the same content.
        assertEquals(2, SlabCodec.encode(GAUGE, decoded)[0]);
        Aggregate[] again = SlabCodec.decode(GAUGE, SlabCodec.encode(GAUGE, decoded));
        assertSameAggregate(decoded[9], again[9], "slot 9 re-encoded");
    }

    @Test
    void advancingASlabKeepsItsSlotsAndRaisesVersionAndWatermarks() {
        Slab slab = new Slab(GAUGE, new Aggregate[10], Map.of("shard-1", "100"), 3);
        Slab next = slab.advanced(Map.of("shard-1", "205", "shard-2", "7"));
        assertEquals(4, next.version());
        assertEquals(Map.of("shard-1", "205", "shard-2", "7"), next.watermarks());
        assertEquals(Map.of("shard-1", "100"), slab.watermarks(), "the previous version is unchanged");
        assertTrue(next.hasApplied("shard-1", "205"));
        assertTrue(next.hasApplied("shard-1", "99"));
        assertTrue(!next.hasApplied("shard-1", "206"));
        assertTrue(!next.hasApplied("shard-3", "1"));
    }
}

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
        future[0] = 2;
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> SlabCodec.decode(GAUGE, future));
        assertTrue(e.getMessage().contains("unknown slab encoding version 2"), e.getMessage());
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

package dev.longwatch.aws.dynamodb;

import dev.longwatch.core.rollup.Slab;
import dev.longwatch.core.rollup.SlabKey;
import dev.longwatch.core.rollup.Tier;
import dev.longwatch.core.telemetry.InMemoryMetrics;
import dev.longwatch.model.MetricType;
import dev.longwatch.model.SeriesKey;
import dev.longwatch.model.Tags;
import dev.longwatch.testing.LocalDynamo;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Rollup slabs in DynamoDB Local: conditional writes, time-ordered ranges, one write unit per gauge slab. */
class DynamoDbRollupStoreTest {
    static final long T0 = Instant.parse("2026-11-20T10:00:00Z").toEpochMilli();
    static final String SERIES = new SeriesKey("acme", "cpu", MetricType.GAUGE, Tags.of("host", "a")).qualifiedId();

    final InMemoryMetrics metrics = new InMemoryMetrics();
    DynamoDbRollupStore store;

    @BeforeEach
    void setUp() {
        store = new DynamoDbRollupStore(LocalDynamo.client(), LocalDynamo.freshTables().rollups(), metrics);
    }

    static SlabKey key(long start) {
        return new SlabKey(SERIES, Tier.MINUTE, MetricType.GAUGE, start);
    }

    static Slab fullSlab(long start, String sequence) {
        Slab slab = Slab.empty(key(start));
        Random r = new Random(start);
        for (int i = 0; i < 600; i++) {
            slab.add(start + i * 1_000L, r.nextDouble() * 1e6);
        }
        return slab.advanced(Map.of("shardId-000000000000", sequence));
    }

    @Test
    void aFullTenSlotGaugeSlabCostsOneWriteUnit() {
        assertTrue(store.put(fullSlab(T0, "49590338271490256608559692538361571095921575989136588801")));
        assertEquals(1.0, metrics.counter("DynamoDbWriteUnits"), "consumed capacity reported by DynamoDB");
    }

    @Test
    void aWriteBasedOnAStaleVersionIsRefused() {
        Slab v1 = fullSlab(T0, "1");
        assertTrue(store.put(v1));
        assertFalse(store.put(fullSlab(T0, "2")), "a second first version loses");

        Slab loaded = store.load(List.of(key(T0))).get(key(T0));
        assertEquals(1, loaded.version());
        Slab v2 = loaded.advanced(Map.of("shardId-000000000000", "3"));
        assertTrue(store.put(v2));
        assertFalse(store.put(loaded.advanced(Map.of("shardId-000000000000", "4"))), "v2 already written");
        assertEquals(2.0, metrics.counter("RollupWriteConflicts"));
        assertEquals(Map.of("shardId-000000000000", "3"), store.load(List.of(key(T0))).get(key(T0)).watermarks());
    }

    @Test
    void loadReturnsOnlyStoredSlabs() {
        store.put(fullSlab(T0, "1"));
        Map<SlabKey, Slab> loaded = store.load(List.of(key(T0), key(T0 + 600_000)));
        assertEquals(List.of(key(T0)), List.copyOf(loaded.keySet()));
        assertEquals(60, loaded.get(key(T0)).slots()[0].count());
    }

    @Test
    void aRangeReturnsTheSlabsBetweenBothStartsInTimeOrder() {
        long slab = 600_000;
        for (long start : new long[]{T0 + 3 * slab, T0, T0 + slab, T0 + 5 * slab, T0 - slab}) {
            store.put(fullSlab(start, "1"));
        }
        List<Long> starts = store.range(key(T0), T0 + 3 * slab).stream().map(s -> s.key().start()).toList();
        assertEquals(List.of(T0, T0 + slab, T0 + 3 * slab), starts);
    }
}

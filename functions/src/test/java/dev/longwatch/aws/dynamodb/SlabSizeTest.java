package dev.longwatch.aws.dynamodb;

import dev.longwatch.core.rollup.Retention;
import dev.longwatch.core.rollup.Slab;
import dev.longwatch.core.rollup.SlabCodec;
import dev.longwatch.core.rollup.SlabKey;
import dev.longwatch.core.rollup.Tier;
import dev.longwatch.core.telemetry.InMemoryMetrics;
import dev.longwatch.model.Aggregate;
import dev.longwatch.model.MetricType;
import dev.longwatch.model.SeriesKey;
import dev.longwatch.model.Tags;
import dev.longwatch.testing.LocalDynamo;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The slots per slab of each tier keep a full scalar slab in one write unit (1 KB), measured on DynamoDB
 * Local's consumed capacity with the largest realistic key, counts and watermarks; and every slab carries
 * its TTL: slab end plus its tier's retention.
 */
class SlabSizeTest {
    static final long T0 = Instant.parse("2026-11-20T00:00:00Z").toEpochMilli();
    /** The longest tenant id there can be (63 characters). */
    static final String SERIES = new SeriesKey("t".repeat(63), "cpu", MetricType.COUNTER, Tags.of("host", "a"))
            .qualifiedId();
    static final String SEQ = "49590338271490256608559692538361571095921575989136588801";

    /** Every slot present, each with a count in the millions and its last point at the very end of the slot. */
    static Slab fullSlab(Tier tier, long start) {
        int slots = tier.slotsPerSlab(MetricType.COUNTER);
        Aggregate[] a = new Aggregate[slots];
        Random r = new Random(start);
        for (int i = 0; i < slots; i++) {
            long slotEnd = start + (i + 1) * tier.slotMillis() - 1;
            a[i] = new Aggregate(5_000_000L + r.nextInt(1000), r.nextDouble() * 1e12, -r.nextDouble(), r.nextDouble(),
                    r.nextDouble(), slotEnd, null);
        }
        // Two shards: the series' shard was split once (parent and child both wrote to it).
        Map<String, String> marks = Map.of("shardId-000000000003", SEQ, "shardId-000000000007", SEQ);
        return new Slab(new SlabKey(SERIES, tier, MetricType.COUNTER, start), a, marks, 1);
    }

    @Test
    void aFullScalarSlabOfEveryTierCostsOneWriteUnit() {
        for (Tier tier : Tier.values()) {
            InMemoryMetrics metrics = new InMemoryMetrics();
            DynamoDbRollupStore store = new DynamoDbRollupStore(LocalDynamo.client(),
                    LocalDynamo.freshTables().rollups(), metrics);
            Slab slab = fullSlab(tier, tier.slabStart(T0, MetricType.COUNTER));
            assertTrue(store.put(slab));
            int bytes = SlabCodec.encode(slab).length;
            assertEquals(1.0, metrics.counter("DynamoDbWriteUnits"), tier + ": " + bytes + " bytes of slots");
            System.out.println("full " + tier + " slab: " + tier.slotsPerSlab(MetricType.COUNTER) + " slots, "
                    + bytes + " bytes of slots, 1 write unit");
        }
    }

    @Test
    void aWholeHourMinuteSlabOfOnePointAMinuteCostsOneWriteUnitForEveryType() {
        long hour = Tier.HOUR.slotStart(T0);
        Random r = new Random(hour);
        for (MetricType type : MetricType.values()) {
            String series = new SeriesKey("t".repeat(63), "request.latency", type, Tags.of("host", "a"))
                    .qualifiedId();
            SlabKey key = SlabKey.wholeHour(series, type, hour);
            Slab slab = Slab.empty(key);
            for (int m = 0; m < 60; m++) {
                // a point late in each minute (3-byte offsets), noisy values with every bit of the double used
                slab.add(hour + m * 60_000L + 59_000 + r.nextInt(1_000), r.nextGaussian() * 1e9);
            }
            InMemoryMetrics metrics = new InMemoryMetrics();
            DynamoDbRollupStore store = new DynamoDbRollupStore(LocalDynamo.client(),
                    LocalDynamo.freshTables().rollups(), metrics);
            // As the minute tier from the archive writes it: version 1, no shard watermarks.
            assertTrue(store.put(new Slab(key, slab.slots(), Map.of(), 1)));
            int bytes = SlabCodec.encode(slab).length;
            assertEquals(1.0, metrics.counter("DynamoDbWriteUnits"), type + ": " + bytes + " bytes of slots");
            System.out.println("whole-hour " + type.wireName() + " minute slab: 60 one-point minutes, " + bytes
                    + " bytes of slots, 1 write unit");
        }
    }

    @Test
    void everySlabCarriesItsTtlAtSlabEndPlusItsTiersRetention() {
        Retention retention = Retention.ofDays(7L, 400L, 800L);
        TableNames tables = LocalDynamo.freshTables();
        DynamoDbRollupStore store = new DynamoDbRollupStore(LocalDynamo.client(), tables.rollups(),
                new InMemoryMetrics(), retention);
        Map<Tier, Duration> expected = Map.of(Tier.MINUTE, Duration.ofMinutes(10).plusDays(7),
                Tier.HOUR, Duration.ofHours(12).plusDays(400), Tier.DAY, Duration.ofDays(16 + 800));
        for (Tier tier : Tier.values()) {
            long start = tier.slabStart(T0, MetricType.COUNTER);
            store.put(fullSlab(tier, start));
            Map<String, AttributeValue> item = LocalDynamo.client().getItem(b -> b.tableName(tables.rollups())
                    .key(Map.of("pk", AttributeValue.fromS(SERIES),
                            "sk", AttributeValue.fromS(SlabKey.sortKey(tier, start))))).item();
            assertEquals((start + expected.get(tier).toMillis()) / 1000, Long.parseLong(item.get("ttl").n()),
                    tier + " ttl");
        }
        // A whole-hour minute slab lives until its hour's end plus the minute retention.
        long hour = Tier.HOUR.slotStart(T0) + Tier.HOUR.slotMillis();
        SlabKey whole = SlabKey.wholeHour(SERIES, MetricType.COUNTER, hour);
        Slab slab = Slab.empty(whole);
        slab.add(hour + 5, 1.0);
        store.put(new Slab(whole, slab.slots(), Map.of(), 1));
        Map<String, AttributeValue> item = LocalDynamo.client().getItem(b -> b.tableName(tables.rollups())
                .key(Map.of("pk", AttributeValue.fromS(SERIES), "sk", AttributeValue.fromS(whole.sortKey())))).item();
        assertEquals((hour + Duration.ofHours(1).plusDays(7).toMillis()) / 1000, Long.parseLong(item.get("ttl").n()),
                "whole-hour minute slab ttl");
    }

    @Test
    void theDefaultRetentionBeatsCloudWatchOnEveryTier() {
        assertEquals(Duration.ofDays(30), Retention.DEFAULTS.of(Tier.MINUTE), "CloudWatch: 15 days");
        assertEquals(Duration.ofDays(1827), Retention.DEFAULTS.of(Tier.HOUR), "CloudWatch: 455 days");
        assertEquals(Duration.ofDays(3653), Retention.DEFAULTS.of(Tier.DAY), "CloudWatch: none");
    }
}

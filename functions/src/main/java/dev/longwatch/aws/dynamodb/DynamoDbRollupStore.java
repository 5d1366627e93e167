package dev.longwatch.aws.dynamodb;

import dev.longwatch.core.rollup.Retention;
import dev.longwatch.core.rollup.RollupStore;
import dev.longwatch.core.rollup.Slab;
import dev.longwatch.core.rollup.SlabCodec;
import dev.longwatch.core.rollup.SlabKey;
import dev.longwatch.core.rollup.Tier;
import dev.longwatch.core.telemetry.PlatformMetrics;
import dev.longwatch.model.Aggregate;
import dev.longwatch.model.MetricType;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rollup slabs in DynamoDB. Item: {@code pk} = tenant/seriesId, {@code sk} = tier#start, {@code t} = type,
 * {@code d} = slots ({@link SlabCodec}, which also says how many: the slab's layout, see {@link SlabKey}),
 * {@code w} = shard watermarks, {@code v} = version, {@code ttl} = when
 * DynamoDB deletes it (epoch seconds: slab end + the tier's retention). Hour and day slabs may also have
 * {@code x} and {@code xw}: the slots and watermarks of points written to them directly (see {@link Slab}).
 * Every write is conditional on the version that was read.
 */
public final class DynamoDbRollupStore implements RollupStore {
    private final DynamoDbClient ddb;
    private final String table;
    private final PlatformMetrics metrics;
    private final Retention retention;

    public DynamoDbRollupStore(DynamoDbClient ddb, String table, PlatformMetrics metrics) {
        this(ddb, table, metrics, Retention.DEFAULTS);
    }

    public DynamoDbRollupStore(DynamoDbClient ddb, String table, PlatformMetrics metrics, Retention retention) {
        this.ddb = ddb;
        this.table = table;
        this.metrics = metrics;
        this.retention = retention;
    }

    @Override
    public Map<SlabKey, Slab> load(Collection<SlabKey> keys) {
        Map<String, SlabKey> byId = new HashMap<>();
        List<Map<String, AttributeValue>> itemKeys = new ArrayList<>(keys.size());
        for (SlabKey k : keys) {
            byId.put(k.seriesId() + "|" + k.sortKey(), k);
            itemKeys.add(Map.of("pk", AttributeValue.fromS(k.seriesId()), "sk", AttributeValue.fromS(k.sortKey())));
        }
        Map<SlabKey, Slab> out = new LinkedHashMap<>();
        for (Map<String, AttributeValue> item : Batches.get(ddb, table, itemKeys, true, metrics)) {
            SlabKey k = byId.get(item.get("pk").s() + "|" + item.get("sk").s());
            out.put(k, fromItem(k, item)); // the slab's own key says the layout it was written in
        }
        return out;
    }

    @Override
    public boolean put(Slab slab) {
        SlabKey k = slab.key();
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("pk", AttributeValue.fromS(k.seriesId()));
        item.put("sk", AttributeValue.fromS(k.sortKey()));
        item.put("t", AttributeValue.fromS(k.type().wireName()));
        item.put("d", AttributeValue.fromB(SdkBytes.fromByteArrayUnsafe(SlabCodec.encode(slab))));
        item.put("w", watermarks(slab.watermarks()));
        item.put("v", AttributeValue.fromN(Long.toString(slab.version())));
        item.put("ttl", AttributeValue.fromN(Long.toString(retention.ttlSeconds(k))));
        if (slab.direct() != null) {
            item.put("x", AttributeValue.fromB(SdkBytes.fromByteArrayUnsafe(SlabCodec.encode(k, slab.direct()))));
            item.put("xw", watermarks(slab.directWatermarks()));
        }
        PutItemRequest.Builder req = PutItemRequest.builder().tableName(table).item(item)
                .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL);
        if (slab.version() <= 1) {
            req.conditionExpression("attribute_not_exists(pk)");
        } else {
            req.conditionExpression("v = :prev")
                    .expressionAttributeValues(Map.of(":prev", AttributeValue.fromN(Long.toString(slab.version() - 1))));
        }
        try {
            Batches.count(metrics, "DynamoDbWriteUnits", ddb.putItem(req.build()).consumedCapacity());
            return true;
        } catch (ConditionalCheckFailedException e) {
            metrics.count("RollupWriteConflicts", 1);
            return false;
        }
    }

    @Override
    public List<Slab> range(SlabKey first, long toStart) {
        return range(first, toStart, false);
    }

    @Override
    public List<Slab> range(SlabKey first, long toStart, boolean consistent) {
        List<Slab> out = new ArrayList<>();
        Map<String, AttributeValue> startKey = null;
        do {
            QueryRequest.Builder q = QueryRequest.builder().tableName(table)
                    .keyConditionExpression("pk = :pk AND sk BETWEEN :a AND :b")
                    .expressionAttributeValues(Map.of(
                            ":pk", AttributeValue.fromS(first.seriesId()),
                            ":a", AttributeValue.fromS(first.sortKey()),
                            ":b", AttributeValue.fromS(SlabKey.sortKey(first.tier(), toStart))))
                    .consistentRead(consistent)
                    .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL);
            if (startKey != null) {
                q.exclusiveStartKey(startKey);
            }
            QueryResponse r = ddb.query(q.build());
            Batches.count(metrics, "DynamoDbReadUnits", r.consumedCapacity());
            for (Map<String, AttributeValue> item : r.items()) {
                MetricType type = MetricType.fromWire(item.get("t").s()).orElseThrow();
                SlabKey k = new SlabKey(first.seriesId(), first.tier(), type, SlabKey.startOf(item.get("sk").s()),
                        SlabCodec.slotCount(item.get("d").b().asByteArrayUnsafe()));
                out.add(fromItem(k, item));
            }
            startKey = r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? r.lastEvaluatedKey() : null;
        } while (startKey != null);
        return out;
    }

    private static AttributeValue watermarks(Map<String, String> marks) {
        Map<String, AttributeValue> m = new HashMap<>();
        marks.forEach((shard, seq) -> m.put(shard, AttributeValue.fromS(seq)));
        return AttributeValue.fromM(m);
    }

    private static Map<String, String> watermarks(AttributeValue attribute) {
        Map<String, String> out = new HashMap<>();
        if (attribute != null && attribute.hasM()) {
            attribute.m().forEach((shard, seq) -> out.put(shard, seq.s()));
        }
        return out;
    }

    /** The stored slab at {@code asked}'s item, keyed with the slot count it was written with. */
    private static Slab fromItem(SlabKey asked, Map<String, AttributeValue> item) {
        long version = Long.parseLong(item.get("v").n());
        byte[] d = item.get("d").b().asByteArrayUnsafe();
        SlabKey k = asked.withSlots(SlabCodec.slotCount(d));
        AttributeValue x = item.get("x");
        Aggregate[] direct = x == null ? null : SlabCodec.decode(k, x.b().asByteArrayUnsafe());
        return new Slab(k, SlabCodec.decode(k, d), watermarks(item.get("w")), direct, watermarks(item.get("xw")),
                version);
    }

    /** Tier of a sort key, for readers that scan across tiers. */
    static Tier tierOf(String sortKey) {
        try {
            return Tier.ofPrefix(sortKey.substring(0, sortKey.indexOf('#')));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("unknown tier in sort key " + sortKey);
        }
    }
}

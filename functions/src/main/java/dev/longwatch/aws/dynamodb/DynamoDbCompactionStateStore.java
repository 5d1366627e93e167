package dev.longwatch.aws.dynamodb;

import dev.longwatch.core.rollup.CompactionProgress;
import dev.longwatch.core.rollup.CompactionStateStore;
import dev.longwatch.core.rollup.RecomputeRequest;
import dev.longwatch.core.rollup.Tier;
import dev.longwatch.core.telemetry.PlatformMetrics;
import dev.longwatch.model.MetricType;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The compactor's state in the state table (pk/sk strings), beside other jobs' items:
 * <ul>
 *   <li>progress: {@code pk} = {@code compactor#<tenant>}, {@code sk} = {@code progress}, numbers
 *       {@code hourClaimed}, {@code hourDone}, {@code dayClaimed}, {@code dayDone} (epoch ms, exclusive);</li>
 *   <li>recompute requests: {@code pk} = {@code compactor#<tenant>#recompute},
 *       {@code sk} = {@code <H|D>#<slot start, 16 digits>#<series id>}, {@code t} = metric type,
 *       {@code token} = a fresh random id per ask.</li>
 * </ul>
 * Marks only move forward ({@code SET m = :v IF m < :v}); a request is deleted only while its token is the one
 * that was read.
 */
public final class DynamoDbCompactionStateStore implements CompactionStateStore {
    private static final String PROGRESS = "progress";

    private final DynamoDbClient ddb;
    private final String table;
    private final PlatformMetrics metrics;

    public DynamoDbCompactionStateStore(DynamoDbClient ddb, String table, PlatformMetrics metrics) {
        this.ddb = ddb;
        this.table = table;
        this.metrics = metrics;
    }

    private static String progressKey(String tenant) {
        return "compactor#" + tenant;
    }

    private static String requestsKey(String tenant) {
        return "compactor#" + tenant + "#recompute";
    }

    private static String requestSortKey(Tier tier, long slotStart, String seriesId) {
        return tier.prefix() + "#" + String.format("%016d", slotStart) + "#" + seriesId;
    }

    @Override
    public Optional<CompactionProgress> progress(String tenant) {
        GetItemResponse r = ddb.getItem(b -> b.tableName(table).consistentRead(true)
                .key(Map.of("pk", AttributeValue.fromS(progressKey(tenant)), "sk", AttributeValue.fromS(PROGRESS)))
                .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL));
        Batches.count(metrics, "DynamoDbReadUnits", r.consumedCapacity());
        if (!r.hasItem() || r.item().isEmpty()) {
            return Optional.empty();
        }
        Map<String, AttributeValue> i = r.item();
        return Optional.of(new CompactionProgress(n(i, CompactionProgress.Mark.HOUR_CLAIMED),
                n(i, CompactionProgress.Mark.HOUR_DONE), n(i, CompactionProgress.Mark.DAY_CLAIMED),
                n(i, CompactionProgress.Mark.DAY_DONE)));
    }

    private static long n(Map<String, AttributeValue> item, CompactionProgress.Mark mark) {
        return Long.parseLong(item.get(mark.attribute()).n());
    }

    @Override
    public boolean start(String tenant, CompactionProgress initial) {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put("pk", AttributeValue.fromS(progressKey(tenant)));
        item.put("sk", AttributeValue.fromS(PROGRESS));
        item.put(CompactionProgress.Mark.HOUR_CLAIMED.attribute(), num(initial.hourClaimed()));
        item.put(CompactionProgress.Mark.HOUR_DONE.attribute(), num(initial.hourDone()));
        item.put(CompactionProgress.Mark.DAY_CLAIMED.attribute(), num(initial.dayClaimed()));
        item.put(CompactionProgress.Mark.DAY_DONE.attribute(), num(initial.dayDone()));
        try {
            Batches.count(metrics, "DynamoDbWriteUnits", ddb.putItem(b -> b.tableName(table).item(item)
                    .conditionExpression("attribute_not_exists(pk)")
                    .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)).consumedCapacity());
            return true;
        } catch (ConditionalCheckFailedException alreadyStarted) {
            return false;
        }
    }

    @Override
    public void advance(String tenant, CompactionProgress.Mark mark, long through) {
        try {
            Batches.count(metrics, "DynamoDbWriteUnits", ddb.updateItem(b -> b.tableName(table)
                    .key(Map.of("pk", AttributeValue.fromS(progressKey(tenant)), "sk", AttributeValue.fromS(PROGRESS)))
                    .updateExpression("SET #m = :v")
                    .conditionExpression("attribute_exists(pk) AND #m < :v")
                    .expressionAttributeNames(Map.of("#m", mark.attribute()))
                    .expressionAttributeValues(Map.of(":v", num(through)))
                    .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)).consumedCapacity());
        } catch (ConditionalCheckFailedException alreadyThere) {
            // Another run got there first: progress never moves back.
        }
    }

    @Override
    public void request(Collection<RecomputeRequest> requests) {
        Map<String, Map<String, AttributeValue>> items = new LinkedHashMap<>();
        for (RecomputeRequest r : requests) {
            String pk = requestsKey(r.tenant());
            String sk = requestSortKey(r.tier(), r.slotStart(), r.seriesId());
            items.put(pk + "|" + sk, Map.of( // one batch may not hold the same key twice
                    "pk", AttributeValue.fromS(pk),
                    "sk", AttributeValue.fromS(sk),
                    "t", AttributeValue.fromS(r.type().wireName()),
                    "token", AttributeValue.fromS(UUID.randomUUID().toString())));
        }
        Batches.put(ddb, table, new ArrayList<>(items.values()), metrics);
    }

    @Override
    public List<RecomputeRequest> pending(String tenant, Tier tier, int limit) {
        QueryResponse r = ddb.query(b -> b.tableName(table).consistentRead(true).limit(limit)
                .keyConditionExpression("pk = :pk AND begins_with(sk, :tier)")
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(requestsKey(tenant)),
                        ":tier", AttributeValue.fromS(tier.prefix() + "#")))
                .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL));
        Batches.count(metrics, "DynamoDbReadUnits", r.consumedCapacity());
        List<RecomputeRequest> out = new ArrayList<>(r.items().size());
        for (Map<String, AttributeValue> item : r.items()) {
            String[] sk = item.get("sk").s().split("#", 3);
            out.add(new RecomputeRequest(tenant, sk[2], MetricType.fromWire(item.get("t").s()).orElseThrow(), tier,
                    Long.parseLong(sk[1]), item.get("token").s()));
        }
        return out;
    }

    @Override
    public boolean complete(RecomputeRequest request) {
        try {
            Batches.count(metrics, "DynamoDbWriteUnits", ddb.deleteItem(b -> b.tableName(table)
                    .key(Map.of("pk", AttributeValue.fromS(requestsKey(request.tenant())),
                            "sk", AttributeValue.fromS(requestSortKey(request.tier(), request.slotStart(),
                                    request.seriesId()))))
                    .conditionExpression("#token = :token")
                    .expressionAttributeNames(Map.of("#token", "token"))
                    .expressionAttributeValues(Map.of(":token", AttributeValue.fromS(request.token())))
                    .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)).consumedCapacity());
            return true;
        } catch (ConditionalCheckFailedException askedAgain) {
            return false;
        }
    }

    private static AttributeValue num(long v) {
        return AttributeValue.fromN(Long.toString(v));
    }
}

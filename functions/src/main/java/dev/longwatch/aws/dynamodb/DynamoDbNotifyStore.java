package dev.longwatch.aws.dynamodb;

import dev.longwatch.core.notify.Delivery;
import dev.longwatch.core.notify.NotifyStore;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The notification state in the {@code notifications} table. Keys ({@code pk}, {@code sk}):
 * <ul>
 *   <li>documents: {@code <tenant>#channel|route|silence|window|inhibition|setting}, id; attribute {@code doc} (JSON);
 *       changes the audit log records are conditional on the document read ({@code doc = :expected})</li>
 *   <li>groups: {@code <tenant>#group}, group id; {@code doc}, {@code version}, {@code nextAt}</li>
 *   <li>delivery log: {@code <tenant>#delivery}, delivery id (time-ordered); {@code doc}, {@code status},
 *       {@code nextAt} while a retry is scheduled; 30 days of TTL</li>
 *   <li>once-only markers: {@code <tenant>#seen#<scope>}, id; TTL</li>
 *   <li>rate budgets: {@code <tenant>#rate}, {@code <channel>#<minute>}; {@code n}; TTL</li>
 * </ul>
 * Items with {@code nextAt} (epoch ms) also carry {@code gsi1pk = "due"} and {@code gsi1sk = <13-digit nextAt>}: the
 * sparse index {@code gsi1} the periodic tick queries for due work across tenants (every write here is a whole-item
 * put, so an item whose work is done leaves the index).
 */
public final class DynamoDbNotifyStore implements NotifyStore {
    static final long DELIVERY_TTL_MILLIS = 30L * 86_400_000;
    private final DynamoDbClient ddb;
    private final String table;

    public DynamoDbNotifyStore(DynamoDbClient ddb, String table) {
        this.ddb = ddb;
        this.table = table;
    }

    private static AttributeValue s(String v) {
        return AttributeValue.fromS(v);
    }

    private static AttributeValue n(long v) {
        return AttributeValue.fromN(Long.toString(v));
    }

    private static String pk(String tenant, Kind kind) {
        return tenant + "#" + kind.name().toLowerCase(Locale.ROOT);
    }

    private static Map<String, AttributeValue> key(String pk, String sk) {
        return Map.of("pk", s(pk), "sk", s(sk));
    }

    @Override
    public void putDoc(String tenant, Kind kind, String id, String json, Long expiresAtMillis) {
        Map<String, AttributeValue> item = new HashMap<>(key(pk(tenant, kind), id));
        item.put("doc", s(json));
        if (expiresAtMillis != null) {
            item.put("ttl", n(expiresAtMillis / 1000));
        }
        ddb.putItem(b -> b.tableName(table).item(item));
    }

    @Override
    public boolean createDoc(String tenant, Kind kind, String id, String json) {
        Map<String, AttributeValue> item = new HashMap<>(key(pk(tenant, kind), id));
        item.put("doc", s(json));
        try {
            ddb.putItem(b -> b.tableName(table).item(item).conditionExpression("attribute_not_exists(pk)"));
            return true;
        } catch (ConditionalCheckFailedException exists) {
            return false;
        }
    }

    @Override
    public Optional<String> getDoc(String tenant, Kind kind, String id) {
        GetItemResponse r = ddb.getItem(b -> b.tableName(table).consistentRead(true).key(key(pk(tenant, kind), id)));
        return r.hasItem() && r.item().containsKey("doc") ? Optional.of(r.item().get("doc").s()) : Optional.empty();
    }

    @Override
    public List<String> listDocs(String tenant, Kind kind) {
        List<String> out = new ArrayList<>();
        query(pk(tenant, kind), true, Integer.MAX_VALUE, null).forEach(i -> out.add(i.get("doc").s()));
        return out;
    }

    private List<Map<String, AttributeValue>> query(String pk, boolean forward, int limit, String after) {
        List<Map<String, AttributeValue>> out = new ArrayList<>();
        Map<String, AttributeValue> start = after == null ? null : key(pk, after);
        do {
            QueryRequest.Builder q = QueryRequest.builder().tableName(table).consistentRead(true)
                    .keyConditionExpression("pk = :pk").expressionAttributeValues(Map.of(":pk", s(pk)))
                    .scanIndexForward(forward);
            if (start != null) {
                q.exclusiveStartKey(start);
            }
            QueryResponse r = ddb.query(q.build());
            for (Map<String, AttributeValue> i : r.items()) {
                if (out.size() < limit) {
                    out.add(i);
                }
            }
            start = r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? r.lastEvaluatedKey() : null;
        } while (start != null && out.size() < limit);
        return out;
    }

    @Override
    public boolean deleteDoc(String tenant, Kind kind, String id) {
        try {
            ddb.deleteItem(b -> b.tableName(table).key(key(pk(tenant, kind), id))
                    .conditionExpression("attribute_exists(pk)"));
            return true;
        } catch (ConditionalCheckFailedException absent) {
            return false;
        }
    }

    @Override
    public Optional<String> removeDoc(String tenant, Kind kind, String id) {
        try {
            Map<String, AttributeValue> old = ddb.deleteItem(b -> b.tableName(table).key(key(pk(tenant, kind), id))
                    .conditionExpression("attribute_exists(pk)").returnValues(ReturnValue.ALL_OLD)).attributes();
            return Optional.ofNullable(old.get("doc")).map(AttributeValue::s);
        } catch (ConditionalCheckFailedException absent) {
            return Optional.empty();
        }
    }

    @Override
    public boolean replaceDoc(String tenant, Kind kind, String id, String expected, String json, Long expiresAtMillis) {
        Map<String, AttributeValue> item = new HashMap<>(key(pk(tenant, kind), id));
        item.put("doc", s(json));
        if (expiresAtMillis != null) {
            item.put("ttl", n(expiresAtMillis / 1000));
        }
        try {
            ddb.putItem(b -> b.tableName(table).item(item).conditionExpression("doc = :expected")
                    .expressionAttributeValues(Map.of(":expected", s(expected))));
            return true;
        } catch (ConditionalCheckFailedException changed) {
            return false;
        }
    }

    @Override
    public Optional<GroupItem> getGroup(String tenant, String id) {
        GetItemResponse r = ddb.getItem(b -> b.tableName(table).consistentRead(true).key(key(tenant + "#group", id)));
        return r.hasItem() ? Optional.of(group(tenant, r.item())) : Optional.empty();
    }

    private static GroupItem group(String tenant, Map<String, AttributeValue> i) {
        return new GroupItem(tenant, i.get("sk").s(), i.get("doc").s(), Long.parseLong(i.get("version").n()),
                i.containsKey("nextAt") ? Long.parseLong(i.get("nextAt").n()) : null);
    }

    @Override
    public List<GroupItem> listGroups(String tenant) {
        List<GroupItem> out = new ArrayList<>();
        query(tenant + "#group", true, Integer.MAX_VALUE, null).forEach(i -> out.add(group(tenant, i)));
        return out;
    }

    @Override
    public boolean putGroup(GroupItem g) {
        Map<String, AttributeValue> item = new HashMap<>(key(g.tenant() + "#group", g.id()));
        item.put("doc", s(g.json()));
        item.put("version", n(g.version()));
        item.put("type", s("group"));
        if (g.nextAt() != null) {
            due(item, g.nextAt());
        }
        try {
            if (g.version() == 1) {
                ddb.putItem(b -> b.tableName(table).item(item).conditionExpression("attribute_not_exists(pk)"));
            } else {
                ddb.putItem(b -> b.tableName(table).item(item).conditionExpression("version = :v")
                        .expressionAttributeValues(Map.of(":v", n(g.version() - 1))));
            }
            return true;
        } catch (ConditionalCheckFailedException raced) {
            return false;
        }
    }

    @Override
    public boolean deleteGroup(String tenant, String id, long version) {
        try {
            ddb.deleteItem(b -> b.tableName(table).key(key(tenant + "#group", id)).conditionExpression("version = :v")
                    .expressionAttributeValues(Map.of(":v", n(version))));
            return true;
        } catch (ConditionalCheckFailedException raced) {
            return false;
        }
    }

    private static void due(Map<String, AttributeValue> item, long at) {
        item.put("nextAt", n(at));
        item.put("gsi1pk", s("due"));
        item.put("gsi1sk", s(String.format(Locale.ROOT, "%013d", at)));
    }

    @Override
    public List<Due> due(long now) {
        try {
            return dueFromIndex(now);
        } catch (software.amazon.awssdk.services.dynamodb.model.DynamoDbException e) {
            if (e.statusCode() != 400 || e.getMessage() == null || !e.getMessage().toLowerCase(Locale.ROOT)
                    .contains("index")) {
                throw e;
            }
            // A table made before gsi1 existed (an old local-dev data dir): correct, but reads the whole table.
            dev.longwatch.core.telemetry.Log.get(DynamoDbNotifyStore.class).warn("the notifications table has no "
                    + "gsi1 index; scanning it for due work (recreate the table to add the index)", "table", table);
            return dueFromScan(now);
        }
    }

    @Override
    public Optional<Long> nextDue(long now) {
        try {
            QueryResponse r = ddb.query(QueryRequest.builder().tableName(table).indexName("gsi1")
                    .keyConditionExpression("gsi1pk = :due AND gsi1sk > :now").projectionExpression("nextAt")
                    .expressionAttributeValues(Map.of(":due", s("due"), ":now",
                            s(String.format(Locale.ROOT, "%013d", now))))
                    .scanIndexForward(true).limit(1).build());
            return r.items().stream().findFirst().map(i -> Long.parseLong(i.get("nextAt").n()));
        } catch (software.amazon.awssdk.services.dynamodb.model.DynamoDbException e) {
            if (e.statusCode() != 400 || e.getMessage() == null || !e.getMessage().toLowerCase(Locale.ROOT)
                    .contains("index")) {
                throw e;
            }
            return nextDueFromScan(now); // a table made before gsi1 existed (see due)
        }
    }

    private Optional<Long> nextDueFromScan(long now) {
        long min = Long.MAX_VALUE;
        Map<String, AttributeValue> start = null;
        do {
            software.amazon.awssdk.services.dynamodb.model.ScanRequest.Builder q =
                    software.amazon.awssdk.services.dynamodb.model.ScanRequest.builder().tableName(table)
                            .filterExpression("nextAt > :now").projectionExpression("nextAt")
                            .expressionAttributeValues(Map.of(":now", n(now)));
            if (start != null) {
                q.exclusiveStartKey(start);
            }
            var r = ddb.scan(q.build());
            for (Map<String, AttributeValue> i : r.items()) {
                min = Math.min(min, Long.parseLong(i.get("nextAt").n()));
            }
            start = r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? r.lastEvaluatedKey() : null;
        } while (start != null);
        return min == Long.MAX_VALUE ? Optional.empty() : Optional.of(min);
    }

    private List<Due> dueFromScan(long now) {
        List<Due> out = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            software.amazon.awssdk.services.dynamodb.model.ScanRequest.Builder q =
                    software.amazon.awssdk.services.dynamodb.model.ScanRequest.builder().tableName(table)
                            .filterExpression("nextAt <= :now").projectionExpression("pk, sk, #t")
                            .expressionAttributeNames(Map.of("#t", "type"))
                            .expressionAttributeValues(Map.of(":now", n(now)));
            if (start != null) {
                q.exclusiveStartKey(start);
            }
            var r = ddb.scan(q.build());
            for (Map<String, AttributeValue> i : r.items()) {
                String pk = i.get("pk").s();
                out.add(new Due(pk.substring(0, pk.indexOf('#')), i.get("type").s(), i.get("sk").s()));
            }
            start = r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? r.lastEvaluatedKey() : null;
        } while (start != null);
        return out;
    }

    private List<Due> dueFromIndex(long now) {
        List<Due> out = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            QueryRequest.Builder q = QueryRequest.builder().tableName(table).indexName("gsi1")
                    .keyConditionExpression("gsi1pk = :due AND gsi1sk <= :now")
                    .projectionExpression("pk, sk, #t").expressionAttributeNames(Map.of("#t", "type"))
                    .expressionAttributeValues(Map.of(":due", s("due"), ":now",
                            s(String.format(Locale.ROOT, "%013d", now))));
            if (start != null) {
                q.exclusiveStartKey(start);
            }
            QueryResponse r = ddb.query(q.build());
            for (Map<String, AttributeValue> i : r.items()) {
                String pk = i.get("pk").s();
                out.add(new Due(pk.substring(0, pk.indexOf('#')), i.get("type").s(), i.get("sk").s()));
            }
            start = r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? r.lastEvaluatedKey() : null;
        } while (start != null);
        return out;
    }

    @Override
    public boolean firstSeen(String tenant, String scope, String id, long expiresAtMillis) {
        Map<String, AttributeValue> item = new HashMap<>(key(tenant + "#seen#" + scope, id));
        item.put("ttl", n(expiresAtMillis / 1000));
        try {
            ddb.putItem(b -> b.tableName(table).item(item).conditionExpression("attribute_not_exists(pk)"));
            return true;
        } catch (ConditionalCheckFailedException seen) {
            return false;
        }
    }

    private Map<String, AttributeValue> deliveryItem(Delivery d) {
        Map<String, AttributeValue> item = new HashMap<>(key(d.tenant() + "#delivery", d.id()));
        item.put("doc", s(d.toStored()));
        item.put("status", s(d.status()));
        item.put("type", s("delivery"));
        item.put("ttl", n((d.createdAt() + DELIVERY_TTL_MILLIS) / 1000));
        if (d.nextAttemptAt() != null) {
            due(item, d.nextAttemptAt());
        }
        return item;
    }

    @Override
    public boolean claimDelivery(Delivery d) {
        try {
            ddb.putItem(b -> b.tableName(table).item(deliveryItem(d)).conditionExpression("attribute_not_exists(pk)"));
            return true;
        } catch (ConditionalCheckFailedException claimed) {
            return false;
        }
    }

    @Override
    public void saveDelivery(Delivery d) {
        ddb.putItem(b -> b.tableName(table).item(deliveryItem(d)));
    }

    @Override
    public Optional<Delivery> getDelivery(String tenant, String id) {
        GetItemResponse r = ddb.getItem(b -> b.tableName(table).consistentRead(true).key(key(tenant + "#delivery", id)));
        return r.hasItem() ? Optional.of(Delivery.fromStored(r.item().get("doc").s())) : Optional.empty();
    }

    @Override
    public List<Delivery> listDeliveries(String tenant, String status, int limit, String after) {
        List<Delivery> out = new ArrayList<>();
        Map<String, AttributeValue> start = after == null ? null : key(tenant + "#delivery", after);
        do {
            QueryRequest.Builder q = QueryRequest.builder().tableName(table).consistentRead(true)
                    .keyConditionExpression("pk = :pk").scanIndexForward(false).limit(Math.max(limit, 25));
            if (status == null) {
                q.expressionAttributeValues(Map.of(":pk", s(tenant + "#delivery")));
            } else {
                q.filterExpression("#st = :st").expressionAttributeNames(Map.of("#st", "status"))
                        .expressionAttributeValues(Map.of(":pk", s(tenant + "#delivery"), ":st", s(status)));
            }
            if (start != null) {
                q.exclusiveStartKey(start);
            }
            QueryResponse r = ddb.query(q.build());
            for (Map<String, AttributeValue> i : r.items()) {
                if (out.size() < limit) {
                    out.add(Delivery.fromStored(i.get("doc").s()));
                }
            }
            start = r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? r.lastEvaluatedKey() : null;
        } while (start != null && out.size() < limit);
        return out;
    }

    @Override
    public boolean takeRate(String tenant, String channelId, long minute, int limit) {
        try {
            ddb.updateItem(b -> b.tableName(table).key(key(tenant + "#rate", channelId + "#" + minute))
                    .updateExpression("ADD n :one SET #ttl = :ttl")
                    .conditionExpression("attribute_not_exists(n) OR n < :limit")
                    .expressionAttributeNames(Map.of("#ttl", "ttl"))
                    .expressionAttributeValues(Map.of(":one", n(1), ":limit", n(limit),
                            ":ttl", n((minute + 3_600_000) / 1000))));
            return true;
        } catch (ConditionalCheckFailedException spent) {
            return false;
        }
    }
}

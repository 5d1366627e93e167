package dev.longwatch.aws.dynamodb;

import dev.longwatch.core.events.EventStore;
import dev.longwatch.core.telemetry.PlatformMetrics;
import dev.longwatch.model.Event;
import dev.longwatch.model.Tags;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Events in DynamoDB: {@code pk} = tenant#yyyy-MM-dd (UTC day), {@code sk} = 16-digit time#id. The id is
 * part of the key, so storing a redelivered event overwrites it with the same content.
 */
public final class DynamoDbEventStore implements EventStore {
    private final DynamoDbClient ddb;
    private final String table;
    private final PlatformMetrics metrics;

    public DynamoDbEventStore(DynamoDbClient ddb, String table, PlatformMetrics metrics) {
        this.ddb = ddb;
        this.table = table;
        this.metrics = metrics;
    }

    @Override
    public void putAll(Collection<TenantEvent> events) {
        Map<String, Map<String, AttributeValue>> items = new LinkedHashMap<>();
        for (TenantEvent te : events) {
            Event e = te.event();
            Map<String, AttributeValue> item = new HashMap<>();
            String pk = partition(te.tenant(), e.time());
            String sk = String.format("%016d", e.time()) + "#" + e.id();
            item.put("pk", AttributeValue.fromS(pk));
            item.put("sk", AttributeValue.fromS(sk));
            item.put("id", AttributeValue.fromS(e.id()));
            item.put("title", AttributeValue.fromS(e.title()));
            item.put("kind", AttributeValue.fromS(e.kind()));
            item.put("time", AttributeValue.fromN(Long.toString(e.time())));
            Map<String, AttributeValue> tags = new HashMap<>();
            e.tags().asMap().forEach((k, v) -> tags.put(k, AttributeValue.fromS(v)));
            item.put("tags", AttributeValue.fromM(tags));
            if (e.text() != null) {
                item.put("text", AttributeValue.fromS(e.text()));
            }
            if (e.source() != null) {
                item.put("source", AttributeValue.fromS(e.source()));
            }
            if (e.link() != null) {
                item.put("link", AttributeValue.fromS(e.link()));
            }
            items.put(pk + "|" + sk, item); // one batch may not hold the same key twice
        }
        Batches.put(ddb, table, new ArrayList<>(items.values()), metrics);
    }

    @Override
    public List<Event> find(String tenant, long from, long to, int limit) {
        List<Event> out = new ArrayList<>();
        LocalDate day = LocalDate.ofInstant(Instant.ofEpochMilli(from), ZoneOffset.UTC);
        LocalDate lastDay = LocalDate.ofInstant(Instant.ofEpochMilli(to - 1), ZoneOffset.UTC);
        for (; !day.isAfter(lastDay) && out.size() < limit; day = day.plusDays(1)) {
            Map<String, AttributeValue> startKey = null;
            do {
                QueryRequest.Builder q = QueryRequest.builder().tableName(table)
                        .keyConditionExpression("pk = :pk AND sk BETWEEN :a AND :b")
                        .expressionAttributeValues(Map.of(
                                ":pk", AttributeValue.fromS(tenant + "#" + day),
                                ":a", AttributeValue.fromS(String.format("%016d", from)),
                                ":b", AttributeValue.fromS(String.format("%016d", to - 1) + "#\uffff")))
                        .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL);
                if (startKey != null) {
                    q.exclusiveStartKey(startKey);
                }
                QueryResponse r = ddb.query(q.build());
                Batches.count(metrics, "DynamoDbReadUnits", r.consumedCapacity());
                for (Map<String, AttributeValue> item : r.items()) {
                    if (out.size() < limit) {
                        out.add(toEvent(item));
                    }
                }
                startKey = r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() && out.size() < limit
                        ? r.lastEvaluatedKey() : null;
            } while (startKey != null);
        }
        return out;
    }

    private static String partition(String tenant, long time) {
        return tenant + "#" + LocalDate.ofInstant(Instant.ofEpochMilli(time), ZoneOffset.UTC);
    }

    private static Event toEvent(Map<String, AttributeValue> item) {
        Map<String, String> tags = new HashMap<>();
        AttributeValue t = item.get("tags");
        if (t != null && t.hasM()) {
            t.m().forEach((k, v) -> tags.put(k, v.s()));
        }
        return new Event(item.get("id").s(), item.get("title").s(), item.get("kind").s(),
                Long.parseLong(item.get("time").n()), Tags.of(tags), s(item, "text"), s(item, "source"),
                s(item, "link"));
    }

    private static String s(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null ? null : v.s();
    }
}

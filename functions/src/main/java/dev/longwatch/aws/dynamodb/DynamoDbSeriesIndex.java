package dev.longwatch.aws.dynamodb;

import dev.longwatch.core.series.SeriesDescriptor;
import dev.longwatch.core.series.SeriesIndex;
import dev.longwatch.core.telemetry.PlatformMetrics;
import dev.longwatch.model.MetricType;
import dev.longwatch.model.Tags;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The series catalogue in one table with three kinds of item:
 * tenant ({@code pk} = {@code #tenants}, {@code sk} = tenant; tenant ids never contain {@code #}),
 * metric ({@code pk} = tenant, {@code sk} = metric name, {@code t} = type) and
 * series ({@code pk} = tenant#metric, {@code sk} = series id, {@code t} = type, {@code tags} = map).
 * Items are fully determined by the series, so registering is a plain idempotent batch put.
 */
public final class DynamoDbSeriesIndex implements SeriesIndex {
    static final String TENANTS = "#tenants";
    private final DynamoDbClient ddb;
    private final String table;
    private final PlatformMetrics metrics;

    public DynamoDbSeriesIndex(DynamoDbClient ddb, String table, PlatformMetrics metrics) {
        this.ddb = ddb;
        this.table = table;
        this.metrics = metrics;
    }

    @Override
    public void register(Collection<SeriesDescriptor> series) {
        Map<String, Map<String, AttributeValue>> items = new LinkedHashMap<>();
        for (SeriesDescriptor d : series) {
            items.putIfAbsent(TENANTS + "|" + d.tenant(), Map.of(
                    "pk", AttributeValue.fromS(TENANTS),
                    "sk", AttributeValue.fromS(d.tenant())));
            items.putIfAbsent(d.tenant() + "|" + d.metric(), Map.of(
                    "pk", AttributeValue.fromS(d.tenant()),
                    "sk", AttributeValue.fromS(d.metric()),
                    "t", AttributeValue.fromS(d.type().wireName())));
            Map<String, AttributeValue> tags = new HashMap<>();
            d.tags().asMap().forEach((k, v) -> tags.put(k, AttributeValue.fromS(v)));
            items.put(d.tenant() + "#" + d.metric() + "|" + d.id(), Map.of(
                    "pk", AttributeValue.fromS(d.tenant() + "#" + d.metric()),
                    "sk", AttributeValue.fromS(d.id()),
                    "t", AttributeValue.fromS(d.type().wireName()),
                    "tags", AttributeValue.fromM(tags)));
        }
        Batches.put(ddb, table, new ArrayList<>(items.values()), metrics);
    }

    @Override
    public List<MetricInfo> metrics(String tenant) {
        List<MetricInfo> out = new ArrayList<>();
        query(tenant, item -> out.add(new MetricInfo(item.get("sk").s(), type(item))));
        return out;
    }

    @Override
    public List<SeriesDescriptor> series(String tenant, String metric) {
        List<SeriesDescriptor> out = new ArrayList<>();
        query(tenant + "#" + metric, item -> {
            Map<String, String> tags = new HashMap<>();
            AttributeValue t = item.get("tags");
            if (t != null && t.hasM()) {
                t.m().forEach((k, v) -> tags.put(k, v.s()));
            }
            out.add(new SeriesDescriptor(tenant, metric, type(item), Tags.of(tags), item.get("sk").s()));
        });
        return out;
    }

    @Override
    public List<String> tenants() {
        List<String> out = new ArrayList<>();
        query(TENANTS, item -> out.add(item.get("sk").s()));
        return out;
    }

    private static MetricType type(Map<String, AttributeValue> item) {
        return MetricType.fromWire(item.get("t").s()).orElseThrow();
    }

    private void query(String pk, Consumer<Map<String, AttributeValue>> each) {
        Map<String, AttributeValue> startKey = null;
        do {
            QueryRequest.Builder q = QueryRequest.builder().tableName(table)
                    .keyConditionExpression("pk = :pk")
                    .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(pk)))
                    .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL);
            if (startKey != null) {
                q.exclusiveStartKey(startKey);
            }
            QueryResponse r = ddb.query(q.build());
            Batches.count(metrics, "DynamoDbReadUnits", r.consumedCapacity());
            r.items().forEach(each);
            startKey = r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? r.lastEvaluatedKey() : null;
        } while (startKey != null);
    }
}

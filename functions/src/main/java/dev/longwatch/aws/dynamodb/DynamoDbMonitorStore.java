package dev.longwatch.aws.dynamodb;

import dev.longwatch.core.alerting.MonitorStore;
import dev.longwatch.model.alerting.Monitor;
import dev.longwatch.model.alerting.Monitors;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Monitors in the {@code alerting} table (layout: {@link AlertingItems}); writes conditional on {@code v}. */
public final class DynamoDbMonitorStore implements MonitorStore {
    private final DynamoDbClient ddb;
    private final String table;

    public DynamoDbMonitorStore(DynamoDbClient ddb, String table) {
        this.ddb = ddb;
        this.table = table;
    }

    private Map<String, AttributeValue> item(String tenant, Monitor m) {
        return Map.of("pk", AttributeValue.fromS(AlertingItems.monitors(tenant)), "sk", AttributeValue.fromS(m.id()),
                "doc", AttributeValue.fromS(Monitors.toJson(m).toString()),
                "v", AttributeValue.fromN(Long.toString(m.version())));
    }

    @Override
    public boolean create(String tenant, Monitor m) {
        ddb.putItem(b -> b.tableName(table).item(Map.of("pk", AttributeValue.fromS(AlertingItems.TENANTS),
                "sk", AttributeValue.fromS(tenant))));
        try {
            ddb.putItem(b -> b.tableName(table).item(item(tenant, m)).conditionExpression("attribute_not_exists(pk)"));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    @Override
    public boolean update(String tenant, Monitor m) {
        try {
            ddb.putItem(b -> b.tableName(table).item(item(tenant, m)).conditionExpression("v = :v")
                    .expressionAttributeValues(Map.of(":v", AttributeValue.fromN(Long.toString(m.version() - 1)))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    @Override
    public boolean delete(String tenant, String id, long version) {
        try {
            ddb.deleteItem(b -> b.tableName(table).key(Map.of("pk", AttributeValue.fromS(AlertingItems.monitors(tenant)),
                            "sk", AttributeValue.fromS(id))).conditionExpression("v = :v")
                    .expressionAttributeValues(Map.of(":v", AttributeValue.fromN(Long.toString(version)))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    @Override
    public Optional<Monitor> get(String tenant, String id) {
        GetItemResponse r = ddb.getItem(b -> b.tableName(table).consistentRead(true).key(Map.of(
                "pk", AttributeValue.fromS(AlertingItems.monitors(tenant)), "sk", AttributeValue.fromS(id))));
        if (!r.hasItem() || r.item().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(Monitors.fromStored(r.item().get("doc").s()));
    }

    @Override
    public List<Monitor> list(String tenant) {
        List<Monitor> out = new ArrayList<>();
        for (Map<String, AttributeValue> i : AlertingItems.all(ddb, table, AlertingItems.monitors(tenant))) {
            out.add(Monitors.fromStored(i.get("doc").s()));
        }
        return out;
    }

    @Override
    public List<String> tenants() {
        List<String> out = new ArrayList<>();
        for (Map<String, AttributeValue> i : AlertingItems.all(ddb, table, AlertingItems.TENANTS)) {
            out.add(i.get("sk").s());
        }
        return out;
    }
}

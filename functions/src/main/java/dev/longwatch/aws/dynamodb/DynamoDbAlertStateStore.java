package dev.longwatch.aws.dynamodb;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.longwatch.core.alerting.AlertInstance;
import dev.longwatch.core.alerting.AlertStateStore;
import dev.longwatch.core.telemetry.PlatformMetrics;
import dev.longwatch.model.alerting.AlertState;
import dev.longwatch.model.alerting.AlertTransition;
import dev.longwatch.model.alerting.AlertTransitions;
import dev.longwatch.model.alerting.Severity;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Alert instances and their transitions in the {@code alerting} table (layout: {@link AlertingItems}). An instance
 * is written only if its stored version {@code v} is the one read; with transitions, the instance and every
 * transition (each only if its id is new) are one transaction, so a retried or overlapping evaluation of the same
 * minute records each transition once.
 */
public final class DynamoDbAlertStateStore implements AlertStateStore {
    public static final Duration HISTORY_RETENTION = Duration.ofDays(90);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DynamoDbClient ddb;
    private final String table;
    private final PlatformMetrics metrics;

    public DynamoDbAlertStateStore(DynamoDbClient ddb, String table, PlatformMetrics metrics) {
        this.ddb = ddb;
        this.table = table;
        this.metrics = metrics;
    }

    @Override
    public List<AlertInstance> instances(String tenant) {
        List<AlertInstance> out = new ArrayList<>();
        for (Map<String, AttributeValue> i : AlertingItems.all(ddb, table, AlertingItems.alerts(tenant))) {
            out.add(fromItem(i));
        }
        return out;
    }

    @Override
    public Optional<AlertInstance> get(String tenant, String alertId) {
        GetItemResponse r = ddb.getItem(b -> b.tableName(table).consistentRead(true).key(Map.of(
                "pk", AttributeValue.fromS(AlertingItems.alerts(tenant)), "sk", AttributeValue.fromS(alertId))));
        return !r.hasItem() || r.item().isEmpty() ? Optional.empty() : Optional.of(fromItem(r.item()));
    }

    @Override
    public boolean save(String tenant, AlertInstance next, List<AlertTransition> transitions) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("pk", AttributeValue.fromS(AlertingItems.alerts(tenant)));
        item.put("sk", AttributeValue.fromS(next.alertId()));
        item.put("doc", AttributeValue.fromS(toJson(next)));
        item.put("v", AttributeValue.fromN(Long.toString(next.version())));
        String condition = next.version() == 1 ? "attribute_not_exists(pk)" : "v = :v";
        Map<String, AttributeValue> values = next.version() == 1 ? null
                : Map.of(":v", AttributeValue.fromN(Long.toString(next.version() - 1)));
        try {
            if (transitions.isEmpty()) {
                ddb.putItem(b -> b.tableName(table).item(item).conditionExpression(condition)
                        .expressionAttributeValues(values));
                return true;
            }
            List<TransactWriteItem> writes = new ArrayList<>();
            writes.add(TransactWriteItem.builder().put(Put.builder().tableName(table).item(item)
                    .conditionExpression(condition).expressionAttributeValues(values).build()).build());
            for (AlertTransition t : transitions) {
                Map<String, AttributeValue> ti = new HashMap<>();
                ti.put("pk", AttributeValue.fromS(AlertingItems.history(tenant, t.alertId())));
                ti.put("sk", AttributeValue.fromS(AlertingItems.time(t.at()) + "#" + t.to().wire()));
                ti.put("id", AttributeValue.fromS(t.id()));
                ti.put("doc", AttributeValue.fromS(AlertTransitions.toJson(t)));
                ti.put("ttl", AttributeValue.fromN(Long.toString((t.at() + HISTORY_RETENTION.toMillis()) / 1000)));
                writes.add(TransactWriteItem.builder().put(Put.builder().tableName(table).item(ti)
                        .conditionExpression("attribute_not_exists(pk)").build()).build());
            }
            ddb.transactWriteItems(b -> b.transactItems(writes));
            metrics.count("AlertTransitionsRecorded", transitions.size());
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        } catch (TransactionCanceledException e) {
            boolean conflict = e.cancellationReasons().stream().anyMatch(r -> "ConditionalCheckFailed".equals(r.code()));
            if (conflict) {
                return false;
            }
            throw e;
        }
    }

    @Override
    public List<AlertTransition> transitions(String tenant, String alertId, int limit) {
        List<AlertTransition> out = new ArrayList<>();
        AlertingItems.query(ddb, table, AlertingItems.history(tenant, alertId), null, null, true, limit,
                i -> out.add(AlertTransitions.fromJson(i.get("doc").s())));
        return out;
    }

    @Override
    public void deleteInstances(String tenant, String monitorId) {
        for (Map<String, AttributeValue> i : AlertingItems.all(ddb, table, AlertingItems.alerts(tenant))) {
            if (i.get("sk").s().startsWith(monitorId + ":")) {
                ddb.deleteItem(b -> b.tableName(table).key(Map.of("pk", i.get("pk"), "sk", i.get("sk"))));
            }
        }
    }

    static String toJson(AlertInstance a) {
        ObjectNode o = JSON.createObjectNode();
        o.put("alertId", a.alertId());
        o.put("monitorId", a.monitorId());
        o.put("monitorName", a.monitorName());
        a.group().forEach(o.putObject("group")::put);
        o.put("state", a.state().wire());
        o.put("inner", a.inner().wire());
        o.put("severity", a.severity().wire());
        o.put("since", a.since());
        o.put("pendingSince", a.pendingSince());
        o.put("firingSince", a.firingSince());
        o.put("recoveringSince", a.recoveringSince());
        o.put("lastEvaluatedAt", a.lastEvaluatedAt());
        if (a.value() != null && Double.isFinite(a.value())) {
            o.put("value", a.value());
        }
        if (a.threshold() != null && Double.isFinite(a.threshold())) {
            o.put("threshold", a.threshold());
        }
        o.put("recent", a.recent());
        a.changes().forEach(o.putArray("changes")::add);
        if (a.ack() != null) {
            ObjectNode ack = o.putObject("ack");
            ack.put("by", a.ack().by());
            ack.put("at", a.ack().at());
            if (a.ack().note() != null) {
                ack.put("note", a.ack().note());
            }
        }
        a.labels().forEach(o.putObject("labels")::put);
        if (a.error() != null) {
            o.put("error", a.error());
        }
        a.outbox().forEach(t -> o.withArray("outbox").add(AlertTransitions.toJson(t)));
        return o.toString();
    }

    static AlertInstance fromItem(Map<String, AttributeValue> item) {
        JsonNode o;
        try {
            o = JSON.readTree(item.get("doc").s());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored alert instance is not JSON", e);
        }
        List<Long> changes = new ArrayList<>();
        o.path("changes").forEach(n -> changes.add(n.asLong()));
        List<AlertTransition> outbox = new ArrayList<>();
        o.path("outbox").forEach(n -> outbox.add(AlertTransitions.fromJson(n.asText())));
        JsonNode ack = o.get("ack");
        return new AlertInstance(o.get("alertId").asText(), o.get("monitorId").asText(),
                o.path("monitorName").asText(null), map(o.get("group")), AlertState.fromWire(o.get("state").asText()),
                AlertState.fromWire(o.get("inner").asText()), Severity.fromWire(o.get("severity").asText()),
                o.path("since").asLong(), o.path("pendingSince").asLong(), o.path("firingSince").asLong(),
                o.path("recoveringSince").asLong(), o.path("lastEvaluatedAt").asLong(),
                o.has("value") ? o.get("value").asDouble() : null,
                o.has("threshold") ? o.get("threshold").asDouble() : null, o.path("recent").asText(""), changes,
                ack == null ? null : new AlertInstance.Ack(ack.get("by").asText(), ack.get("at").asLong(),
                        ack.has("note") ? ack.get("note").asText() : null),
                map(o.get("labels")), o.has("error") ? o.get("error").asText() : null, outbox,
                Long.parseLong(item.get("v").n()));
    }

    private static Map<String, String> map(JsonNode n) {
        Map<String, String> m = new LinkedHashMap<>();
        if (n != null) {
            n.properties().forEach(e -> m.put(e.getKey(), e.getValue().asText()));
        }
        return m;
    }
}

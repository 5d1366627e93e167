package dev.longwatch.aws.dynamodb;

import dev.longwatch.core.alerting.AuditLog;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/** The audit log in the {@code alerting} table, kept {@link #RETENTION} (TTL). */
public final class DynamoDbAuditLog implements AuditLog {
    public static final Duration RETENTION = Duration.ofDays(400);

    private final DynamoDbClient ddb;
    private final String table;
    private final SecureRandom random = new SecureRandom();

    public DynamoDbAuditLog(DynamoDbClient ddb, String table) {
        this.ddb = ddb;
        this.table = table;
    }

    @Override
    public void record(String tenant, Entry e) {
        byte[] r = new byte[4];
        random.nextBytes(r);
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("pk", AttributeValue.fromS(AlertingItems.audit(tenant)));
        item.put("sk", AttributeValue.fromS(AlertingItems.time(e.at()) + "#" + HexFormat.of().formatHex(r)));
        item.put("who", AttributeValue.fromS(e.who()));
        item.put("action", AttributeValue.fromS(e.action()));
        item.put("target", AttributeValue.fromS(e.target()));
        if (e.before() != null) {
            item.put("before", AttributeValue.fromS(e.before()));
        }
        if (e.after() != null) {
            item.put("after", AttributeValue.fromS(e.after()));
        }
        if (e.summary() != null) {
            item.put("summary", AttributeValue.fromS(e.summary()));
        }
        item.put("ttl", AttributeValue.fromN(Long.toString((e.at() + RETENTION.toMillis()) / 1000)));
        ddb.putItem(b -> b.tableName(table).item(item).conditionExpression("attribute_not_exists(pk)"));
    }

    @Override
    public List<Entry> list(String tenant, long from, long to, int limit) {
        List<Entry> out = new ArrayList<>();
        AlertingItems.query(ddb, table, AlertingItems.audit(tenant), AlertingItems.time(from),
                AlertingItems.time(to - 1) + "#\uffff", true, limit, i -> out.add(new Entry(
                        Long.parseLong(i.get("sk").s().substring(0, 13)), i.get("who").s(), i.get("action").s(),
                        i.get("target").s(), i.containsKey("before") ? i.get("before").s() : null,
                        i.containsKey("after") ? i.get("after").s() : null,
                        i.containsKey("summary") ? i.get("summary").s() : null)));
        return out;
    }
}

package dev.longwatch.aws.dynamodb;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The layout of the {@code alerting} table (pk/sk strings, every pk starts with the tenant, except the directory
 * of tenants with monitors, which holds only tenant ids, like the series table's {@code #tenants}):
 * <pre>
 * monitor            pk = tenant#monitors        sk = monitor id          doc (JSON), v
 * tenant directory   pk = #monitor-tenants       sk = tenant
 * alert instance     pk = tenant#alerts          sk = alert id            doc (JSON), v
 * transition         pk = tenant#alert#alertId   sk = at (13 digits)#TO   doc (transition JSON v1), ttl
 * audit entry        pk = tenant#audit           sk = at (13 digits)#rnd  who, action, target, before, after, ttl
 * </pre>
 */
final class AlertingItems {
    static final String TENANTS = "#monitor-tenants";

    private AlertingItems() {
    }

    static String monitors(String tenant) {
        return tenant + "#monitors";
    }

    static String alerts(String tenant) {
        return tenant + "#alerts";
    }

    static String history(String tenant, String alertId) {
        return tenant + "#alert#" + alertId;
    }

    static String audit(String tenant) {
        return tenant + "#audit";
    }

    static String time(long at) {
        return String.format("%013d", at);
    }

    /** Every item of a partition (all pages), optionally newest first and limited. */
    static void query(DynamoDbClient ddb, String table, String pk, String skFrom, String skTo, boolean newestFirst,
                      int limit, Consumer<Map<String, AttributeValue>> each) {
        Map<String, AttributeValue> start = null;
        int seen = 0;
        do {
            QueryRequest.Builder q = QueryRequest.builder().tableName(table).consistentRead(true)
                    .scanIndexForward(!newestFirst);
            if (skFrom != null) {
                q.keyConditionExpression("pk = :pk AND sk BETWEEN :a AND :b").expressionAttributeValues(Map.of(
                        ":pk", AttributeValue.fromS(pk), ":a", AttributeValue.fromS(skFrom),
                        ":b", AttributeValue.fromS(skTo)));
            } else {
                q.keyConditionExpression("pk = :pk").expressionAttributeValues(Map.of(":pk",
                        AttributeValue.fromS(pk)));
            }
            if (limit < Integer.MAX_VALUE) {
                q.limit(Math.min(1000, limit - seen));
            }
            if (start != null) {
                q.exclusiveStartKey(start);
            }
            QueryResponse r = ddb.query(q.build());
            for (Map<String, AttributeValue> item : r.items()) {
                if (seen < limit) {
                    each.accept(item);
                    seen++;
                }
            }
            start = r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() && seen < limit
                    ? r.lastEvaluatedKey() : null;
        } while (start != null);
    }

    static List<Map<String, AttributeValue>> all(DynamoDbClient ddb, String table, String pk) {
        List<Map<String, AttributeValue>> out = new ArrayList<>();
        query(ddb, table, pk, null, null, false, Integer.MAX_VALUE, out::add);
        return out;
    }
}

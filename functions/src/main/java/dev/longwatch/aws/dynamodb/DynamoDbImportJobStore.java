package dev.longwatch.aws.dynamodb;

import dev.longwatch.core.importer.CloudWatchImportJob;
import dev.longwatch.core.importer.CloudWatchImportJobs;
import dev.longwatch.core.importer.ImportJobStore;
import dev.longwatch.model.IngestLimits;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * CloudWatch import jobs in the state table: {@code pk} = {@value #PK}, {@code sk} = {@code tenant#id};
 * {@code job} (the definition as JSON), {@code source}, {@code cursor}, {@code leaseOwner}, {@code leaseUntil},
 * {@code lastRunAt}, {@code lastError}, {@code points}. One partition holds every job, so a run lists them with
 * one strongly consistent query. Every progress change is a conditional update.
 */
public final class DynamoDbImportJobStore implements ImportJobStore {
    static final String PK = "import#cloudwatch";
    private static final Map<String, String> NAMES = Map.of("#job", "job", "#src", "source", "#cur", "cursor",
            "#lo", "leaseOwner", "#lu", "leaseUntil", "#lr", "lastRunAt", "#le", "lastError", "#pts", "points");

    private final DynamoDbClient ddb;
    private final String table;
    private final CloudWatchImportJobs codec = new CloudWatchImportJobs(IngestLimits.DEFAULT);

    public DynamoDbImportJobStore(DynamoDbClient ddb, String table) {
        this.ddb = ddb;
        this.table = table;
    }

    private static Map<String, AttributeValue> key(String tenant, String id) {
        return Map.of("pk", AttributeValue.fromS(PK), "sk", AttributeValue.fromS(tenant + "#" + id));
    }

    private static Map<String, String> names(String... used) {
        Map<String, String> m = new HashMap<>();
        for (String u : used) {
            m.put(u, NAMES.get(u));
        }
        return m;
    }

    @Override
    public void define(CloudWatchImportJob job, String source) {
        ddb.updateItem(b -> b.tableName(table).key(key(job.tenant(), job.id()))
                .updateExpression("SET #job = :j, #src = :s")
                .expressionAttributeNames(names("#job", "#src"))
                .expressionAttributeValues(Map.of(":j", AttributeValue.fromS(CloudWatchImportJobs.toJson(job).toString()),
                        ":s", AttributeValue.fromS(source))));
    }

    @Override
    public List<Entry> list() {
        List<Entry> out = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse r = ddb.query(b -> b.tableName(table).consistentRead(true)
                    .keyConditionExpression("pk = :pk").expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(PK)))
                    .exclusiveStartKey(from));
            for (Map<String, AttributeValue> item : r.items()) {
                out.add(entry(item));
            }
            start = r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? r.lastEvaluatedKey() : null;
        } while (start != null);
        return out;
    }

    @Override
    public Optional<Entry> get(String tenant, String id) {
        var r = ddb.getItem(b -> b.tableName(table).consistentRead(true).key(key(tenant, id)));
        return r.hasItem() && !r.item().isEmpty() ? Optional.of(entry(r.item())) : Optional.empty();
    }

    @Override
    public boolean delete(String tenant, String id) {
        var r = ddb.deleteItem(b -> b.tableName(table).key(key(tenant, id)).returnValues(ReturnValue.ALL_OLD));
        return r.hasAttributes() && !r.attributes().isEmpty();
    }

    @Override
    public Optional<Entry> claim(String tenant, String id, String owner, long now, long leaseUntil) {
        try {
            UpdateItemResponse r = ddb.updateItem(b -> b.tableName(table).key(key(tenant, id))
                    .updateExpression("SET #lo = :o, #lu = :u")
                    .conditionExpression("attribute_exists(pk) AND (attribute_not_exists(#lu) OR #lu < :now OR #lo = :o)")
                    .expressionAttributeNames(names("#lo", "#lu"))
                    .expressionAttributeValues(Map.of(":o", AttributeValue.fromS(owner), ":u", n(leaseUntil),
                            ":now", n(now)))
                    .returnValues(ReturnValue.ALL_NEW));
            return Optional.of(entry(r.attributes()));
        } catch (ConditionalCheckFailedException heldOrGone) {
            return Optional.empty();
        }
    }

    @Override
    public boolean advance(String tenant, String id, String owner, Long expectedCursor, long newCursor, long points,
                           long leaseUntil) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":o", AttributeValue.fromS(owner));
        values.put(":c", n(newCursor));
        values.put(":u", n(leaseUntil));
        values.put(":p", n(points));
        String cursorCondition;
        if (expectedCursor == null) {
            cursorCondition = "attribute_not_exists(#cur)";
        } else {
            cursorCondition = "#cur = :e";
            values.put(":e", n(expectedCursor));
        }
        try {
            ddb.updateItem(b -> b.tableName(table).key(key(tenant, id))
                    .updateExpression("SET #cur = :c, #lu = :u ADD #pts :p")
                    .conditionExpression("#lo = :o AND " + cursorCondition)
                    .expressionAttributeNames(names("#cur", "#lu", "#pts", "#lo"))
                    .expressionAttributeValues(values));
            return true;
        } catch (ConditionalCheckFailedException lostLeaseOrMoved) {
            return false;
        }
    }

    @Override
    public void release(String tenant, String id, String owner, long now, String error) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":o", AttributeValue.fromS(owner));
        values.put(":now", n(now));
        String update;
        if (error == null) {
            update = "SET #lr = :now REMOVE #lo, #lu, #le";
        } else {
            update = "SET #lr = :now, #le = :err REMOVE #lo, #lu";
            values.put(":err", AttributeValue.fromS(error));
        }
        try {
            ddb.updateItem(b -> b.tableName(table).key(key(tenant, id)).updateExpression(update)
                    .conditionExpression("#lo = :o")
                    .expressionAttributeNames(names("#lr", "#lo", "#lu", "#le"))
                    .expressionAttributeValues(values));
        } catch (ConditionalCheckFailedException notOurs) {
            // Another run took the job over (or it was deleted): its lease is not ours to give back.
        }
    }

    private Entry entry(Map<String, AttributeValue> item) {
        CloudWatchImportJob job = codec.parse(item.get("job").s().getBytes(StandardCharsets.UTF_8));
        return new Entry(job, s(item, "source"), l(item, "cursor"), s(item, "leaseOwner"), l(item, "leaseUntil"),
                l(item, "lastRunAt"), s(item, "lastError"), item.containsKey("points") ? Long.parseLong(item.get("points").n()) : 0);
    }

    private static String s(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null ? null : v.s();
    }

    private static Long l(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null ? null : Long.parseLong(v.n());
    }

    private static AttributeValue n(long v) {
        return AttributeValue.fromN(Long.toString(v));
    }
}

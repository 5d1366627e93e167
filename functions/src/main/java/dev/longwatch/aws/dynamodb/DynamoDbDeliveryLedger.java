package dev.longwatch.aws.dynamodb;

import dev.longwatch.core.cloudwatch.DeliveryLedger;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;

import java.util.Map;

/**
 * Firehose deliveries in the state table: {@code pk} = {@code firehose#<tenant>}, {@code sk} = request id,
 * {@code state} ({@code claimed} or {@code done}), {@code claimedUntil} (epoch ms) and {@code ttl} (epoch
 * seconds, for the table's TTL; expiry is also checked here, since TTL deletes late). A claim is a
 * conditional put, so two attempts of one delivery can never both process it.
 */
public final class DynamoDbDeliveryLedger implements DeliveryLedger {
    private static final Map<String, String> NAMES = Map.of("#st", "state", "#cu", "claimedUntil", "#ttl", "ttl");

    private final DynamoDbClient ddb;
    private final String table;

    public DynamoDbDeliveryLedger(DynamoDbClient ddb, String table) {
        this.ddb = ddb;
        this.table = table;
    }

    private static Map<String, AttributeValue> key(String tenant, String id) {
        return Map.of("pk", AttributeValue.fromS("firehose#" + tenant), "sk", AttributeValue.fromS(id));
    }

    @Override
    public Claim claim(String tenant, String deliveryId, long now, long claimUntil, long expiresAt) {
        Map<String, AttributeValue> item = new java.util.HashMap<>(key(tenant, deliveryId));
        item.put("state", AttributeValue.fromS("claimed"));
        item.put("claimedUntil", n(claimUntil));
        item.put("ttl", n(expiresAt / 1000));
        try {
            ddb.putItem(b -> b.tableName(table).item(item)
                    // New, expired, or claimed by an attempt that gave up without saying so (it crashed).
                    .conditionExpression("attribute_not_exists(pk) OR #ttl < :nowSec OR (#st = :claimed AND #cu < :now)")
                    .expressionAttributeNames(NAMES)
                    .expressionAttributeValues(Map.of(":claimed", AttributeValue.fromS("claimed"), ":now", n(now),
                            ":nowSec", n(now / 1000))));
            return Claim.CLAIMED;
        } catch (ConditionalCheckFailedException taken) {
            GetItemResponse r = ddb.getItem(b -> b.tableName(table).consistentRead(true).key(key(tenant, deliveryId)));
            if (r.hasItem() && r.item().containsKey("state") && "done".equals(r.item().get("state").s())) {
                return Claim.DONE;
            }
            return Claim.IN_PROGRESS;
        }
    }

    @Override
    public void complete(String tenant, String deliveryId, long expiresAt) {
        ddb.updateItem(b -> b.tableName(table).key(key(tenant, deliveryId))
                .updateExpression("SET #st = :done, #ttl = :ttl REMOVE #cu")
                .expressionAttributeNames(NAMES)
                .expressionAttributeValues(Map.of(":done", AttributeValue.fromS("done"), ":ttl", n(expiresAt / 1000))));
    }

    @Override
    public void abandon(String tenant, String deliveryId) {
        try {
            ddb.deleteItem(b -> b.tableName(table).key(key(tenant, deliveryId))
                    .conditionExpression("#st = :claimed")
                    .expressionAttributeNames(Map.of("#st", "state"))
                    .expressionAttributeValues(Map.of(":claimed", AttributeValue.fromS("claimed"))));
        } catch (ConditionalCheckFailedException alreadyDone) {
            // Done by another attempt meanwhile: keep it.
        }
    }

    private static AttributeValue n(long v) {
        return AttributeValue.fromN(Long.toString(v));
    }
}

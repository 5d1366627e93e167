package dev.longwatch.aws.dynamodb;

import dev.longwatch.core.notify.Delivery;
import dev.longwatch.core.notify.NotifyStore;
import dev.longwatch.testing.LocalDynamo;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The notification state on DynamoDB Local: due work through the sparse gsi1, once-only claims, tenant keys. */
class DynamoDbNotifyStoreTest {

    static NotifyStore.GroupItem group(String tenant, String id, long version, Long nextAt) {
        return new NotifyStore.GroupItem(tenant, id, "{}", version, nextAt);
    }

    static Delivery retrying(String tenant, String id, long next) {
        return new Delivery(id, tenant, "ch", "webhook", "alert", "g", List.of(), "t", Delivery.RETRYING, 1, "503",
                503, 0, 0, next, "{}", null);
    }

    void dueWorkIsFoundUntilItIsDone(DynamoDbNotifyStore store) {
        assertTrue(store.putGroup(group("acme", "g1", 1, 1_000L)));
        assertTrue(store.putGroup(group("other", "g2", 1, 5_000L)));
        assertTrue(store.putGroup(group("acme", "g3", 1, null)));
        store.saveDelivery(retrying("acme", "d1", 2_000L));
        assertEquals(List.of(new NotifyStore.Due("acme", "group", "g1"), new NotifyStore.Due("acme", "delivery", "d1")),
                store.due(2_000L).stream().sorted((a, b) -> a.type().compareTo(b.type()) * -1).toList());
        assertEquals(3, store.due(5_000L).size());
        assertEquals(Optional.of(2_000L), store.nextDue(1_000L), "the earliest after now, groups and retries alike");
        assertEquals(Optional.of(5_000L), store.nextDue(2_000L), "across tenants");
        assertEquals(Optional.empty(), store.nextDue(5_000L));
        assertTrue(store.putGroup(group("acme", "g1", 2, null)));
        store.saveDelivery(retrying("acme", "d1", 2_000L).with(Delivery.SENT, 2, null, 200, 3_000L, null, null));
        assertEquals(List.of(new NotifyStore.Due("other", "group", "g2")), store.due(5_000L));
    }

    @Test
    void dueWorkComesFromTheSparseIndexAndLeavesItWhenDone() {
        dueWorkIsFoundUntilItIsDone(new DynamoDbNotifyStore(LocalDynamo.client(), LocalDynamo.freshTables().notifications()));
    }

    @Test
    void aTableWithoutTheIndexStillFindsDueWorkByScanning() {
        String table = "old-" + UUID.randomUUID().toString().substring(0, 8);
        LocalDynamo.client().createTable(b -> b.tableName(table).billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(AttributeDefinition.builder().attributeName("pk").attributeType(ScalarAttributeType.S).build(),
                        AttributeDefinition.builder().attributeName("sk").attributeType(ScalarAttributeType.S).build())
                .keySchema(KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build(),
                        KeySchemaElement.builder().attributeName("sk").keyType(KeyType.RANGE).build()));
        dueWorkIsFoundUntilItIsDone(new DynamoDbNotifyStore(LocalDynamo.client(), table));
    }

    @Test
    void claimsAreOnceOnlyAndGroupsAreOptimistic() {
        DynamoDbNotifyStore store = new DynamoDbNotifyStore(LocalDynamo.client(), LocalDynamo.freshTables().notifications());
        assertTrue(store.claimDelivery(retrying("acme", "d1", 1L)));
        assertFalse(store.claimDelivery(retrying("acme", "d1", 1L)));
        assertTrue(store.claimDelivery(retrying("other", "d1", 1L)), "another tenant's key");
        assertTrue(store.putGroup(group("acme", "g", 1, null)));
        assertFalse(store.putGroup(group("acme", "g", 1, null)), "already created");
        assertFalse(store.putGroup(group("acme", "g", 3, null)), "skips a version");
        assertTrue(store.putGroup(group("acme", "g", 2, null)));
        assertTrue(store.firstSeen("acme", "slack", "sig", 10_000L));
        assertFalse(store.firstSeen("acme", "slack", "sig", 10_000L));
        store.putDoc("acme", NotifyStore.Kind.CHANNEL, "c1", "{\"a\":1}", null);
        assertEquals(Optional.empty(), store.getDoc("other", NotifyStore.Kind.CHANNEL, "c1"));
        assertTrue(store.takeRate("acme", "c1", 0, 2));
        assertTrue(store.takeRate("acme", "c1", 0, 2));
        assertFalse(store.takeRate("acme", "c1", 0, 2));
        assertTrue(store.takeRate("acme", "c1", 60_000, 2), "a new minute");
    }
}

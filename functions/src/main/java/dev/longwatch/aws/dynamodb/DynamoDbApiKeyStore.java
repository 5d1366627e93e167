package dev.longwatch.aws.dynamodb;

import dev.longwatch.core.auth.ApiKeyStore;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** API keys by SHA-256 hash: {@code pk} = hash, {@code tenant}, {@code keyId}, {@code name}, {@code createdAt}. */
public final class DynamoDbApiKeyStore implements ApiKeyStore {
    private final DynamoDbClient ddb;
    private final String table;

    public DynamoDbApiKeyStore(DynamoDbClient ddb, String table) {
        this.ddb = ddb;
        this.table = table;
    }

    @Override
    public Optional<ApiKeyRecord> find(String keyHash) {
        GetItemResponse r = ddb.getItem(b -> b.tableName(table).consistentRead(true)
                .key(Map.of("pk", AttributeValue.fromS(keyHash))));
        if (!r.hasItem() || r.item().isEmpty()) {
            return Optional.empty();
        }
        Map<String, AttributeValue> i = r.item();
        return Optional.of(new ApiKeyRecord(keyHash, i.get("tenant").s(), i.get("keyId").s(),
                i.containsKey("name") ? i.get("name").s() : "", Long.parseLong(i.get("createdAt").n())));
    }

    @Override
    public void put(ApiKeyRecord record) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("pk", AttributeValue.fromS(record.keyHash()));
        item.put("tenant", AttributeValue.fromS(record.tenant()));
        item.put("keyId", AttributeValue.fromS(record.keyId()));
        item.put("name", AttributeValue.fromS(record.name()));
        item.put("createdAt", AttributeValue.fromN(Long.toString(record.createdAt())));
        ddb.putItem(b -> b.tableName(table).item(item));
    }
}

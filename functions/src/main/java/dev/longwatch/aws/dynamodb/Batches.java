package dev.longwatch.aws.dynamodb;

import dev.longwatch.core.telemetry.PlatformMetrics;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** BatchGetItem / BatchWriteItem with chunking and bounded retries of unprocessed items; capacity counted. */
final class Batches {
    private static final int MAX_ATTEMPTS = 8;

    private Batches() {
    }

    static List<Map<String, AttributeValue>> get(DynamoDbClient ddb, String table, List<Map<String, AttributeValue>> keys,
                                                 boolean consistent, PlatformMetrics metrics) {
        List<Map<String, AttributeValue>> out = new ArrayList<>(keys.size());
        for (int from = 0; from < keys.size(); from += 100) {
            Map<String, KeysAndAttributes> request = Map.of(table, KeysAndAttributes.builder()
                    .keys(keys.subList(from, Math.min(keys.size(), from + 100))).consistentRead(consistent).build());
            for (int attempt = 0; !request.isEmpty(); attempt++) {
                if (attempt >= MAX_ATTEMPTS) {
                    throw new IllegalStateException("DynamoDB left keys of " + table + " unprocessed after "
                            + MAX_ATTEMPTS + " attempts");
                }
                backoff(attempt);
                Map<String, KeysAndAttributes> req = request;
                BatchGetItemResponse r = ddb.batchGetItem(b -> b.requestItems(req)
                        .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL));
                out.addAll(r.responses().getOrDefault(table, List.of()));
                count(metrics, "DynamoDbReadUnits", r.consumedCapacity());
                request = r.unprocessedKeys() == null ? Map.of() : r.unprocessedKeys();
            }
        }
        return out;
    }

    static void put(DynamoDbClient ddb, String table, List<Map<String, AttributeValue>> items, PlatformMetrics metrics) {
        for (int from = 0; from < items.size(); from += 25) {
            List<WriteRequest> writes = new ArrayList<>();
            for (Map<String, AttributeValue> item : items.subList(from, Math.min(items.size(), from + 25))) {
                writes.add(WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build());
            }
            Map<String, List<WriteRequest>> request = Map.of(table, writes);
            for (int attempt = 0; !request.isEmpty(); attempt++) {
                if (attempt >= MAX_ATTEMPTS) {
                    throw new IllegalStateException("DynamoDB left writes to " + table + " unprocessed after "
                            + MAX_ATTEMPTS + " attempts");
                }
                backoff(attempt);
                Map<String, List<WriteRequest>> req = request;
                BatchWriteItemResponse r = ddb.batchWriteItem(b -> b.requestItems(req)
                        .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL));
                count(metrics, "DynamoDbWriteUnits", r.consumedCapacity());
                request = r.unprocessedItems() == null ? Map.of() : r.unprocessedItems();
            }
        }
    }

    static void count(PlatformMetrics metrics, String name, List<ConsumedCapacity> capacity) {
        if (capacity == null) {
            return;
        }
        for (ConsumedCapacity c : capacity) {
            count(metrics, name, c);
        }
    }

    static void count(PlatformMetrics metrics, String name, ConsumedCapacity c) {
        if (c != null && c.capacityUnits() != null) {
            metrics.count(name, "Table", c.tableName(), c.capacityUnits());
        }
    }

    private static void backoff(int attempt) {
        if (attempt == 0) {
            return;
        }
        try {
            Thread.sleep(Math.min(1_000L, 25L << attempt));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while retrying DynamoDB", e);
        }
    }
}

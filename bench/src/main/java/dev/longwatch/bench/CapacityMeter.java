package dev.longwatch.bench;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.CreateTableResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * A DynamoDB client that passes every call to the real one (DynamoDB Local here) and, on the side, counts
 * the capacity units the calls would cost by the documented rules ({@link ItemSizes}), per table. It also
 * counts requests and remembers the size of every item written, because a put that replaces an item costs
 * the larger of the old and the new size.
 *
 * <p>Only the operations the Longwatch adapters use are passed on; any other one fails loudly.
 */
final class CapacityMeter implements DynamoDbClient {
    private final DynamoDbClient delegate;
    private final Map<String, DoubleAdder> writeUnits = new ConcurrentHashMap<>();
    private final Map<String, DoubleAdder> readUnits = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> itemsWritten = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> writeRequests = new ConcurrentHashMap<>();
    private final Map<String, Long> storedSizes = new ConcurrentHashMap<>();
    private final Map<String, List<String>> keyNames = new ConcurrentHashMap<>();
    private final Map<String, Long> maxItemBytes = new ConcurrentHashMap<>();

    CapacityMeter(DynamoDbClient delegate) {
        this.delegate = delegate;
    }

    double writeUnits(String table) {
        DoubleAdder a = writeUnits.get(table);
        return a == null ? 0 : a.sum();
    }

    double readUnits(String table) {
        DoubleAdder a = readUnits.get(table);
        return a == null ? 0 : a.sum();
    }

    long itemsWritten(String table) {
        LongAdder a = itemsWritten.get(table);
        return a == null ? 0 : a.sum();
    }

    long writeRequests(String table) {
        LongAdder a = writeRequests.get(table);
        return a == null ? 0 : a.sum();
    }

    long maxItemBytes(String table) {
        return maxItemBytes.getOrDefault(table, 0L);
    }

    /** The size in bytes of the item last written under this key, or 0. */
    long storedSize(String table, Map<String, AttributeValue> item) {
        return storedSizes.getOrDefault(keyOf(table, item), 0L);
    }

    @Override
    public CreateTableResponse createTable(CreateTableRequest request) {
        keyNames.put(request.tableName(), request.keySchema().stream().map(k -> k.attributeName()).toList());
        return delegate.createTable(request);
    }

    @Override
    public PutItemResponse putItem(PutItemRequest request) {
        String table = request.tableName();
        count(writeRequests, table);
        try {
            PutItemResponse r = delegate.putItem(request);
            written(table, request.item());
            return r;
        } catch (ConditionalCheckFailedException e) {
            // A refused conditional write is still charged for the item it would have written.
            add(writeUnits, table, ItemSizes.writeUnits(Math.max(ItemSizes.itemBytes(request.item()),
                    storedSize(table, request.item()))));
            throw e;
        }
    }

    @Override
    public BatchWriteItemResponse batchWriteItem(BatchWriteItemRequest request) {
        BatchWriteItemResponse r = delegate.batchWriteItem(request);
        for (Map.Entry<String, List<WriteRequest>> e : request.requestItems().entrySet()) {
            String table = e.getKey();
            count(writeRequests, table);
            Set<WriteRequest> unprocessed = r.hasUnprocessedItems() && r.unprocessedItems().containsKey(table)
                    ? new HashSet<>(r.unprocessedItems().get(table)) : Set.of();
            for (WriteRequest w : e.getValue()) {
                if (w.putRequest() != null && !unprocessed.contains(w)) {
                    written(table, w.putRequest().item());
                }
            }
        }
        return r;
    }

    @Override
    public BatchGetItemResponse batchGetItem(BatchGetItemRequest request) {
        BatchGetItemResponse r = delegate.batchGetItem(request);
        for (Map.Entry<String, KeysAndAttributes> e : request.requestItems().entrySet()) {
            String table = e.getKey();
            boolean consistent = Boolean.TRUE.equals(e.getValue().consistentRead());
            int unprocessed = r.hasUnprocessedKeys() && r.unprocessedKeys().containsKey(table)
                    ? r.unprocessedKeys().get(table).keys().size() : 0;
            List<Map<String, AttributeValue>> found = r.responses().getOrDefault(table, List.of());
            double units = 0;
            for (Map<String, AttributeValue> item : found) {
                units += ItemSizes.readUnits(ItemSizes.itemBytes(item), consistent);
            }
            int missing = e.getValue().keys().size() - unprocessed - found.size();
            units += missing * ItemSizes.readUnits(0, consistent);
            add(readUnits, table, units);
        }
        return r;
    }

    @Override
    public QueryResponse query(QueryRequest request) {
        QueryResponse r = delegate.query(request);
        long bytes = r.items().stream().mapToLong(ItemSizes::itemBytes).sum();
        add(readUnits, request.tableName(), ItemSizes.readUnits(bytes, Boolean.TRUE.equals(request.consistentRead())));
        return r;
    }

    private void written(String table, Map<String, AttributeValue> item) {
        long size = ItemSizes.itemBytes(item);
        Long previous = storedSizes.put(keyOf(table, item), size);
        maxItemBytes.merge(table, size, Math::max);
        add(writeUnits, table, ItemSizes.writeUnits(Math.max(size, previous == null ? 0 : previous)));
        count(itemsWritten, table);
    }

    private String keyOf(String table, Map<String, AttributeValue> item) {
        List<String> names = keyNames.getOrDefault(table, List.of("pk", "sk"));
        StringBuilder sb = new StringBuilder(table);
        for (String n : names) {
            AttributeValue v = item.get(n);
            sb.append('\u0000').append(v == null ? "" : v.s());
        }
        return sb.toString();
    }

    private static void add(Map<String, DoubleAdder> m, String table, double v) {
        m.computeIfAbsent(table, k -> new DoubleAdder()).add(v);
    }

    private static void count(Map<String, LongAdder> m, String table) {
        m.computeIfAbsent(table, k -> new LongAdder()).increment();
    }

    @Override
    public String serviceName() {
        return delegate.serviceName();
    }

    @Override
    public void close() {
        delegate.close();
    }
}

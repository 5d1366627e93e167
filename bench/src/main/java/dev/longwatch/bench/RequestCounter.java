package dev.longwatch.bench;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Passes calls to DynamoDB Local and counts requests per operation and the items read. */
final class RequestCounter implements DynamoDbClient {
    private final DynamoDbClient d;
    private final Map<String, LongAdder> requests = new ConcurrentHashMap<>();
    private final LongAdder itemsRead = new LongAdder();

    RequestCounter(DynamoDbClient d) {
        this.d = d;
    }

    void reset() {
        requests.clear();
        itemsRead.reset();
    }

    private void count(String op) {
        requests.computeIfAbsent(op, k -> new LongAdder()).increment();
    }

    Map<String, Long> reads() {
        Map<String, Long> out = new TreeMap<>();
        requests.forEach((k, v) -> {
            if (k.equals("Query") || k.equals("GetItem") || k.equals("BatchGetItem")) {
                out.put(k, v.sum());
            }
        });
        return out;
    }

    Map<String, Long> writes() {
        Map<String, Long> out = new TreeMap<>();
        requests.forEach((k, v) -> {
            if (!k.equals("Query") && !k.equals("GetItem") && !k.equals("BatchGetItem")) {
                out.put(k, v.sum());
            }
        });
        return out;
    }

    long itemsRead() {
        return itemsRead.sum();
    }

    @Override
    public QueryResponse query(QueryRequest r) {
        count("Query");
        QueryResponse out = d.query(r);
        itemsRead.add(out.count());
        return out;
    }

    @Override
    public GetItemResponse getItem(GetItemRequest r) {
        count("GetItem");
        GetItemResponse out = d.getItem(r);
        itemsRead.add(out.hasItem() ? 1 : 0);
        return out;
    }

    @Override
    public BatchGetItemResponse batchGetItem(BatchGetItemRequest r) {
        count("BatchGetItem");
        BatchGetItemResponse out = d.batchGetItem(r);
        out.responses().values().forEach(l -> itemsRead.add(l.size()));
        return out;
    }

    @Override
    public PutItemResponse putItem(PutItemRequest r) {
        count("PutItem");
        return d.putItem(r);
    }

    @Override
    public BatchWriteItemResponse batchWriteItem(BatchWriteItemRequest r) {
        count("BatchWriteItem");
        return d.batchWriteItem(r);
    }

    @Override
    public TransactWriteItemsResponse transactWriteItems(TransactWriteItemsRequest r) {
        count("TransactWriteItems");
        return d.transactWriteItems(r);
    }

    @Override
    public DeleteItemResponse deleteItem(DeleteItemRequest r) {
        count("DeleteItem");
        return d.deleteItem(r);
    }

    @Override
    public String serviceName() {
        return d.serviceName();
    }

    @Override
    public void close() {
        d.close();
    }
}

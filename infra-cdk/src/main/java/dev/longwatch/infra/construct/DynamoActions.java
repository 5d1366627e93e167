package dev.longwatch.infra.construct;

/**
 * The DynamoDB actions the alerting and notification adapters are granted, in named sets, so each grant says
 * what kind of access it is. None includes {@code Scan} or table management.
 */
final class DynamoActions {
    /** Reading items by key and by partition. */
    static final String[] READ = {"dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query"};
    /**
     * Reading and writing items: conditional puts and updates (exactly-once effects), deletes, batch writes, and
     * {@code ConditionCheckItem} for transactions ({@code TransactWriteItems} is authorized per item action).
     */
    static final String[] READ_WRITE = {"dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query",
            "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem",
            "dynamodb:ConditionCheckItem"};
    /** What the query path reads (QueryService through its adapters), as the query function is granted it. */
    static final String[] QUERY = {"dynamodb:Query", "dynamodb:GetItem"};

    private DynamoActions() {
    }
}

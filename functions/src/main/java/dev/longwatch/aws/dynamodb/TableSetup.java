package dev.longwatch.aws.dynamodb;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

import java.util.ArrayList;
import java.util.List;

/**
 * Creates the tables where nothing else does: DynamoDB Local in local-dev, tests and benchmarks.
 * On AWS the CDK app owns them; both must agree on these key schemas (pk/sk strings).
 */
public final class TableSetup {
    private TableSetup() {
    }

    public static void createIfMissing(DynamoDbClient ddb, TableNames names) {
        create(ddb, names.rollups(), true);
        create(ddb, names.series(), true);
        create(ddb, names.events(), true);
        create(ddb, names.apiKeys(), false);
        create(ddb, names.state(), true);
        create(ddb, names.alerting(), true);
        create(ddb, names.notifications(), true, "gsi1");
    }

    private static void create(DynamoDbClient ddb, String table, boolean withSortKey) {
        create(ddb, table, withSortKey, null);
    }

    /**
     * {@code gsi}: the notifications table's one GSI, {@code gsi1} ({@code gsi1pk}, {@code gsi1sk}, both S,
     * projection ALL): a sparse index of the items with work due (groups to flush, deliveries to retry), so the
     * periodic tick queries what is due instead of scanning the table.
     */
    private static void create(DynamoDbClient ddb, String table, boolean withSortKey, String gsi) {
        List<AttributeDefinition> attrs = new ArrayList<>();
        List<KeySchemaElement> keys = new ArrayList<>();
        attrs.add(AttributeDefinition.builder().attributeName("pk").attributeType(ScalarAttributeType.S).build());
        keys.add(KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build());
        if (withSortKey) {
            attrs.add(AttributeDefinition.builder().attributeName("sk").attributeType(ScalarAttributeType.S).build());
            keys.add(KeySchemaElement.builder().attributeName("sk").keyType(KeyType.RANGE).build());
        }
        List<software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex> gsis = new ArrayList<>();
        if (gsi != null) {
            attrs.add(AttributeDefinition.builder().attributeName(gsi + "pk").attributeType(ScalarAttributeType.S).build());
            attrs.add(AttributeDefinition.builder().attributeName(gsi + "sk").attributeType(ScalarAttributeType.S).build());
            gsis.add(software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex.builder().indexName(gsi)
                    .keySchema(KeySchemaElement.builder().attributeName(gsi + "pk").keyType(KeyType.HASH).build(),
                            KeySchemaElement.builder().attributeName(gsi + "sk").keyType(KeyType.RANGE).build())
                    .projection(p -> p.projectionType(software.amazon.awssdk.services.dynamodb.model.ProjectionType.ALL))
                    .build());
        }
        try {
            ddb.createTable(b -> {
                b.tableName(table).attributeDefinitions(attrs).keySchema(keys).billingMode(BillingMode.PAY_PER_REQUEST);
                if (!gsis.isEmpty()) {
                    b.globalSecondaryIndexes(gsis);
                }
            });
        } catch (ResourceInUseException alreadyThere) {
            // Created by an earlier start.
        }
    }
}

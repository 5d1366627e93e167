package dev.longwatch.testing;

import dev.longwatch.aws.dynamodb.TableNames;
import dev.longwatch.aws.dynamodb.TableSetup;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.dynamodb.services.local.embedded.DynamoDBEmbedded;

import java.util.UUID;

/**
 * DynamoDB Local, in-process, shared by every test of the JVM (it takes a second or two to start).
 * Each caller gets its own freshly created tables, so tests never see each other's items.
 */
public final class LocalDynamo {
    private static DynamoDbClient client;

    private LocalDynamo() {
    }

    public static synchronized DynamoDbClient client() {
        if (client == null) {
            client = DynamoDBEmbedded.create(true).dynamoDbClient();
        }
        return client;
    }

    /** New, empty tables with a unique prefix. */
    public static TableNames freshTables() {
        String p = "t" + UUID.randomUUID().toString().substring(0, 8) + "-";
        TableNames names = TableNames.defaults().prefixed(p);
        TableSetup.createIfMissing(client(), names);
        return names;
    }
}

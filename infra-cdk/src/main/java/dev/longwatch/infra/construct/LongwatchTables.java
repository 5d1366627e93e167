package dev.longwatch.infra.construct;

import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.BillingMode;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.GlobalSecondaryIndexProps;
import software.amazon.awscdk.services.dynamodb.ProjectionType;
import software.amazon.awscdk.services.dynamodb.Table;
import software.constructs.Construct;

/**
 * The DynamoDB tables. Key schemas must match {@code TableSetup} in the functions module (which creates the
 * same tables on DynamoDB Local): string {@code pk}, string {@code sk}, and api-keys has no sort key.
 *
 * <p>On-demand billing (ingest is bursty and a provisioned floor would cost more than it saves at small
 * scale), point-in-time recovery, and TTL on the attribute {@code ttl} for rollups (a slab expires at its end
 * plus its tier's retention) and events. {@code state} holds job progress (the compactor's marks and the
 * recompute requests late data leaves for it). {@code alerting} and {@code notifications} hold the monitors and
 * alerts, and the channels, routes, silences and delivery log (both with TTL). In production the tables are retained and protected from
 * deletion.
 */
public final class LongwatchTables extends Construct {
    public static final String TTL_ATTRIBUTE = "ttl";
    /** The notifications table's one global secondary index. */
    public static final String DUE_INDEX = "gsi1";

    public record Props(boolean production) {
    }

    private final TableSet tables;

    public LongwatchTables(Construct scope, String id, Props props) {
        super(scope, id);
        Table notifications = table("Notifications", true, true, props);
        // A sparse index of the items with work due (groups to flush, deliveries to retry): the notifier's
        // minute tick queries it instead of scanning. Same name and keys as TableSetup's on DynamoDB Local.
        notifications.addGlobalSecondaryIndex(GlobalSecondaryIndexProps.builder().indexName(DUE_INDEX)
                .partitionKey(Attribute.builder().name(DUE_INDEX + "pk").type(AttributeType.STRING).build())
                .sortKey(Attribute.builder().name(DUE_INDEX + "sk").type(AttributeType.STRING).build())
                .projectionType(ProjectionType.ALL).build());
        this.tables = new TableSet(
                table("Rollups", true, true, props),
                table("Series", true, false, props),
                table("Events", true, true, props),
                table("ApiKeys", false, false, props),
                table("State", true, false, props),
                // Monitors, alert instances, transitions, audit; channels, routes, silences, windows, groups, the
                // delivery log. Transitions, delivery log entries and expired silences carry a `ttl`.
                table("Alerting", true, true, props),
                notifications);
    }

    private Table table(String id, boolean sortKey, boolean ttl, Props props) {
        Table.Builder b = Table.Builder.create(this, id)
                .partitionKey(Attribute.builder().name("pk").type(AttributeType.STRING).build())
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .pointInTimeRecoverySpecification(PointInTimeRecoverySpecification.builder()
                        .pointInTimeRecoveryEnabled(true).build())
                .deletionProtection(props.production())
                .removalPolicy(props.production() ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY);
        if (sortKey) {
            b.sortKey(Attribute.builder().name("sk").type(AttributeType.STRING).build());
        }
        if (ttl) {
            b.timeToLiveAttribute(TTL_ATTRIBUTE);
        }
        return b.build();
    }

    public TableSet tables() {
        return tables;
    }
}

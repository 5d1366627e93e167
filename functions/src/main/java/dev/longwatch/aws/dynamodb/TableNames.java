package dev.longwatch.aws.dynamodb;

import java.util.Map;

/**
 * The DynamoDB tables of Longwatch ({@code state} holds job progress: compactor, importers; {@code alerting} holds
 * monitors, alert instances, transitions and the audit log; {@code notifications} holds channels, routes, silences and
 * the delivery log). On AWS the names come from the environment the CDK app sets
 * ({@code LONGWATCH_ROLLUPS_TABLE}, ...); local-dev and tests use {@link #defaults()}.
 */
public record TableNames(String rollups, String series, String events, String apiKeys, String state,
                         String alerting, String notifications) {

    public static TableNames defaults() {
        return new TableNames("longwatch-rollups", "longwatch-series", "longwatch-events", "longwatch-api-keys",
                "longwatch-state", "longwatch-alerting", "longwatch-notifications");
    }

    /** The same tables with every name prefixed (tests and benchmarks keep their tables apart this way). */
    public TableNames prefixed(String prefix) {
        return new TableNames(prefix + rollups, prefix + series, prefix + events, prefix + apiKeys, prefix + state,
                prefix + alerting, prefix + notifications);
    }

    /** Each function gets only the variables of the tables it uses; a missing one fails on first use. */
    public static TableNames fromEnvironment(Map<String, String> env) {
        return new TableNames(env.get("LONGWATCH_ROLLUPS_TABLE"), env.get("LONGWATCH_SERIES_TABLE"),
                env.get("LONGWATCH_EVENTS_TABLE"), env.get("LONGWATCH_API_KEYS_TABLE"),
                env.get("LONGWATCH_STATE_TABLE"), env.get("LONGWATCH_ALERTING_TABLE"),
                env.get("LONGWATCH_NOTIFICATIONS_TABLE"));
    }

    /** The table name, or a clear error naming the variable the deployment must set. */
    public static String required(String name, String variable) {
        if (name == null || name.isBlank()) {
            throw new IllegalStateException("environment variable " + variable + " is not set");
        }
        return name;
    }

}

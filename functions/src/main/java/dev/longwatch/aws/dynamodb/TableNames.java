package dev.longwatch.aws.dynamodb;

import java.util.Map;

/**
 * The DynamoDB tables of Longwatch ({@code state} holds job progress: compactor, importers). On AWS the names come from the environment the CDK app sets
 * ({@code LONGWATCH_ROLLUPS_TABLE}, ...); local-dev and tests use {@link #defaults()}.
 */
public record TableNames(String rollups, String series, String events, String apiKeys, String state) {

    public static TableNames defaults() {
        return new TableNames("longwatch-rollups", "longwatch-series", "longwatch-events", "longwatch-api-keys",
                "longwatch-state");
    }

    /** Each function gets only the variables of the tables it uses; a missing one fails on first use. */
    public static TableNames fromEnvironment(Map<String, String> env) {
        return new TableNames(env.get("LONGWATCH_ROLLUPS_TABLE"), env.get("LONGWATCH_SERIES_TABLE"),
                env.get("LONGWATCH_EVENTS_TABLE"), env.get("LONGWATCH_API_KEYS_TABLE"),
                env.get("LONGWATCH_STATE_TABLE"));
    }

    /** The table name, or a clear error naming the variable the deployment must set. */
    public static String required(String name, String variable) {
        if (name == null || name.isBlank()) {
            throw new IllegalStateException("environment variable " + variable + " is not set");
        }
        return name;
    }

}

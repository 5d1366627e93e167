package dev.longwatch.aws.dynamodb;

import java.util.Map;

/**
 * The DynamoDB tables of Longwatch. On AWS the names come from the environment the CDK app sets
 * ({@code LONGWATCH_ROLLUPS_TABLE}, ...); local-dev and tests use {@link #defaults()}.
 */
public record TableNames(String rollups, String series, String events, String apiKeys) {

    public static TableNames defaults() {
        return new TableNames("longwatch-rollups", "longwatch-series", "longwatch-events", "longwatch-api-keys");
    }

    public static TableNames fromEnvironment(Map<String, String> env) {
        return new TableNames(require(env, "LONGWATCH_ROLLUPS_TABLE"), require(env, "LONGWATCH_SERIES_TABLE"),
                require(env, "LONGWATCH_EVENTS_TABLE"), require(env, "LONGWATCH_API_KEYS_TABLE"));
    }

    static String require(Map<String, String> env, String name) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            throw new IllegalStateException("environment variable " + name + " is not set");
        }
        return v;
    }
}

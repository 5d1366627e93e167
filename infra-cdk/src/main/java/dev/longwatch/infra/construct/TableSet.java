package dev.longwatch.infra.construct;

import software.amazon.awscdk.services.dynamodb.ITable;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The Longwatch tables, as the functions receive them: by name in the environment, by grant in IAM.
 * {@code state} holds the progress of jobs (compactor, importers); {@code alerting} the monitors and alerts,
 * {@code notifications} the channels, routes, silences and delivery log.
 */
public record TableSet(ITable rollups, ITable series, ITable events, ITable apiKeys, ITable state,
                       ITable alerting, ITable notifications) {

    public TableSet {
        Objects.requireNonNull(rollups, "rollups");
        Objects.requireNonNull(series, "series");
        Objects.requireNonNull(events, "events");
        Objects.requireNonNull(apiKeys, "apiKeys");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(alerting, "alerting");
        Objects.requireNonNull(notifications, "notifications");
    }

    /**
     * The variables {@code TableNames.fromEnvironment} reads, for just the tables a function uses: a function
     * is not even told the names of the others.
     */
    public Map<String, String> environmentFor(ITable... used) {
        Map<String, String> env = new LinkedHashMap<>();
        for (ITable t : used) {
            env.put(variable(t), t.getTableName());
        }
        return env;
    }

    private String variable(ITable t) {
        if (t == rollups) {
            return "LONGWATCH_ROLLUPS_TABLE";
        } else if (t == series) {
            return "LONGWATCH_SERIES_TABLE";
        } else if (t == events) {
            return "LONGWATCH_EVENTS_TABLE";
        } else if (t == apiKeys) {
            return "LONGWATCH_API_KEYS_TABLE";
        } else if (t == state) {
            return "LONGWATCH_STATE_TABLE";
        } else if (t == alerting) {
            return "LONGWATCH_ALERTING_TABLE";
        } else if (t == notifications) {
            return "LONGWATCH_NOTIFICATIONS_TABLE";
        }
        throw new IllegalArgumentException("not a Longwatch table: " + t.getNode().getPath());
    }
}

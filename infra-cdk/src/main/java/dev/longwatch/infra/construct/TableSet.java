package dev.longwatch.infra.construct;

import software.amazon.awscdk.services.dynamodb.ITable;

import java.util.Map;
import java.util.Objects;

/** The Longwatch tables, as the functions receive them: by name in the environment, by grant in IAM. */
public record TableSet(ITable rollups, ITable series, ITable events, ITable apiKeys) {

    public TableSet {
        Objects.requireNonNull(rollups, "rollups");
        Objects.requireNonNull(series, "series");
        Objects.requireNonNull(events, "events");
        Objects.requireNonNull(apiKeys, "apiKeys");
    }

    /**
     * The variables {@code TableNames.fromEnvironment} requires. Every function gets all four names, since the
     * functions' wiring reads them at start-up; a name grants nothing, the IAM grants decide what is reachable.
     */
    public Map<String, String> environment() {
        return Map.of(
                "LONGWATCH_ROLLUPS_TABLE", rollups.getTableName(),
                "LONGWATCH_SERIES_TABLE", series.getTableName(),
                "LONGWATCH_EVENTS_TABLE", events.getTableName(),
                "LONGWATCH_API_KEYS_TABLE", apiKeys.getTableName());
    }
}

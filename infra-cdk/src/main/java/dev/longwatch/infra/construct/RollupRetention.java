package dev.longwatch.infra.construct;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How long each rollup tier is kept, in days (DynamoDB TTL on the rollups table). The rollup, query and
 * compactor functions must all be told the same values: the rollup function routes old points to a coarser
 * tier, the compactor stops recomputing from a tier about to expire, and queries switch tiers, all by the
 * same rule ({@code Retention} in the functions module).
 */
public record RollupRetention(int minuteDays, int hourDays, int dayDays) {

    public RollupRetention {
        if (minuteDays < 1 || hourDays < minuteDays || dayDays < hourDays) {
            throw new IllegalArgumentException("retention must be at least a day and must not shrink from minutes ("
                    + minuteDays + ") to hours (" + hourDays + ") to days (" + dayDays + ")");
        }
    }

    /** The variables {@code AwsWiring.retention} reads. */
    public Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("LONGWATCH_RETENTION_MINUTE_DAYS", Integer.toString(minuteDays));
        env.put("LONGWATCH_RETENTION_HOUR_DAYS", Integer.toString(hourDays));
        env.put("LONGWATCH_RETENTION_DAY_DAYS", Integer.toString(dayDays));
        return env;
    }
}

package dev.longwatch.core.importer;

import java.time.Instant;
import java.util.List;
import java.util.SortedMap;

/**
 * What to copy from CloudWatch into a tenant's Longwatch series: one metric (namespace, name, the exact
 * dimensions) and the statistics to read of it. {@code period} (seconds) is the finest resolution wanted;
 * null means the finest CloudWatch still keeps for each age (1 minute up to 15 days, 5 minutes up to 63 days,
 * 1 hour up to 455 days). {@code since} is where the first run starts (null: as far back as CloudWatch has
 * data); {@code until}, when set, ends the job there (e.g. where a metric stream takes over). {@code account}
 * is only a tag, to line the series up with those of a metric stream of the same account.
 */
public record CloudWatchImportJob(
        String tenant,
        String id,
        String namespace,
        String metricName,
        SortedMap<String, String> dimensions,
        List<String> statistics,
        Integer period,
        String account,
        Instant since,
        Instant until) {

    public CloudWatchImportJob {
        dimensions = java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(dimensions));
        statistics = List.copyOf(statistics);
    }

    /** The job's key: ids are unique per tenant. */
    public String key() {
        return tenant + "/" + id;
    }
}

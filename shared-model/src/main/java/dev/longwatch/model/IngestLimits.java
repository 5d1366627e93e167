package dev.longwatch.model;

import java.time.Duration;

/**
 * Every limit the ingest API enforces. The defaults are documented in docs/api.md and api-spec/openapi.yaml;
 * change both with these.
 */
public record IngestLimits(
        int maxBodyBytes,
        int maxMetricNameLength,
        int maxTags,
        int maxTagKeyLength,
        int maxTagValueLength,
        Duration maxPast,
        Duration maxFuture,
        int maxEventTitleLength,
        int maxEventTextLength,
        int maxEventFieldLength) {

    /** 1 MiB decoded body; 200-char names; 20 tags of 100/200 chars; ten years back, ten minutes ahead. */
    public static final IngestLimits DEFAULT = new IngestLimits(
            1024 * 1024, 200, 20, 100, 200, Duration.ofDays(3653), Duration.ofMinutes(10), 500, 10_000, 2_000);
}

package dev.longwatch.core.importer;

import java.time.Instant;
import java.util.List;
import java.util.SortedMap;

/**
 * Port: CloudWatch's {@code GetMetricData}, one page at a time. The adapter speaks whatever wire protocol the
 * SDK does; failures (throttling after the SDK's retries, access denied, an unreachable endpoint) are thrown,
 * never turned into an empty page.
 */
public interface CloudWatchMetricsSource {
    /** GetMetricData takes at most this many queries per call. */
    int MAX_QUERIES_PER_CALL = 500;
    /** ...and returns at most this many datapoints per call (more are paged with NextToken). */
    int MAX_DATAPOINTS_PER_CALL = 100_800;

    /** One statistic of one metric at one period; {@code id} must start with a lower-case letter. */
    record MetricQuery(String id, String namespace, String metricName, SortedMap<String, String> dimensions,
                       String statistic, int periodSeconds) {
    }

    /**
     * The datapoints of one query on one page. {@code status} is CloudWatch's {@code StatusCode}
     * ({@code Complete}, {@code PartialData}, {@code InternalError}, {@code Forbidden}); {@code messages}
     * are its {@code Messages} as "code: value".
     */
    record QueryResult(String id, String status, long[] timestamps, double[] values, List<String> messages) {
    }

    /** One answer: results by query, and the token of the next page (null on the last page). */
    record Page(List<QueryResult> results, String nextToken, List<String> messages) {
    }

    /** Datapoints of {@code queries} with timestamps in [start, end), oldest first, one page. */
    Page getMetricData(List<MetricQuery> queries, Instant start, Instant end, String nextToken);

    /** The region this source reads (the {@code aws_region} tag of what it imports). */
    String region();
}

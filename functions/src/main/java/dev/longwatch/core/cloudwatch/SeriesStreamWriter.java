package dev.longwatch.core.cloudwatch;

import dev.longwatch.core.ingest.StreamPublisher;
import dev.longwatch.model.Series;
import dev.longwatch.model.StreamRecord;
import dev.longwatch.model.StreamRecords;

import java.util.ArrayList;
import java.util.List;

/**
 * Puts series that Longwatch built itself (from CloudWatch) on the stream the same way the ingest API does:
 * format v1 records of one series each, keyed by the series id so a series stays on one shard, at most
 * {@link #MAX_POINTS_PER_RECORD} points per record. Returns only when the stream holds all of them.
 */
public final class SeriesStreamWriter {
    /** The ingest API's limit too: keeps every record far below the 1 MiB Kinesis limit. */
    public static final int MAX_POINTS_PER_RECORD = 10_000;

    private final StreamRecords records;
    private final StreamPublisher publisher;

    public SeriesStreamWriter(StreamRecords records, StreamPublisher publisher) {
        this.records = records;
        this.publisher = publisher;
    }

    /** Publishes every point of {@code series} for {@code tenant}; returns the number of points. */
    public int publish(String tenant, List<Series> series) {
        List<StreamPublisher.OutgoingRecord> out = new ArrayList<>();
        int points = 0;
        for (Series s : series) {
            if (s.size() == 0) {
                continue;
            }
            String partitionKey = s.key(tenant).id();
            for (int from = 0; from < s.size(); from += MAX_POINTS_PER_RECORD) {
                Series part = s.size() <= MAX_POINTS_PER_RECORD ? s
                        : s.slice(from, Math.min(s.size(), from + MAX_POINTS_PER_RECORD));
                out.add(new StreamPublisher.OutgoingRecord(partitionKey,
                        records.encode(new StreamRecord.Metrics(tenant, List.of(part)))));
            }
            points += s.size();
        }
        if (!out.isEmpty()) {
            publisher.publish(out);
        }
        return points;
    }
}

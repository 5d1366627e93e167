package dev.longwatch.core.cloudwatch;

import dev.longwatch.core.ingest.StreamPublisher;
import dev.longwatch.model.Series;
import dev.longwatch.model.StreamPacker;
import dev.longwatch.model.StreamRecords;

import java.util.ArrayList;
import java.util.List;

/**
 * Puts series that Longwatch built itself (from CloudWatch) on the stream the same way the ingest API does: packed
 * by {@link StreamPacker} into format v1 records, one per partition bucket (a series always keeps its bucket's
 * key, so it stays on one shard), a long series sliced into parts of at most
 * {@link StreamPacker#MAX_POINTS_PER_SERIES_PART} points. Returns only when the stream holds all of them.
 */
public final class SeriesStreamWriter {
    private final StreamPacker packer;
    private final StreamPublisher publisher;

    public SeriesStreamWriter(StreamRecords records, StreamPublisher publisher) {
        this(records, publisher, StreamPacker.DEFAULT_BUCKETS);
    }

    /** With {@code buckets} partition keys, as the ingest API of the same deployment uses. */
    public SeriesStreamWriter(StreamRecords records, StreamPublisher publisher, int buckets) {
        this.packer = new StreamPacker(records, buckets);
        this.publisher = publisher;
    }

    /** Publishes every point of {@code series} for {@code tenant}; returns the number of points. */
    public int publish(String tenant, List<Series> series) {
        List<StreamPublisher.OutgoingRecord> out = new ArrayList<>();
        int points = 0;
        for (StreamPacker.Packed p : packer.packMetrics(tenant, series)) {
            out.add(new StreamPublisher.OutgoingRecord(p.partitionKey(), p.data()));
            points += p.points();
        }
        if (!out.isEmpty()) {
            publisher.publish(out);
        }
        return points;
    }
}

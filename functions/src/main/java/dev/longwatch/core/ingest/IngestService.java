package dev.longwatch.core.ingest;

import dev.longwatch.core.telemetry.PlatformMetrics;
import dev.longwatch.model.Event;
import dev.longwatch.model.ParsedEvents;
import dev.longwatch.model.ParsedMetrics;
import dev.longwatch.model.Payloads;
import dev.longwatch.model.Rejection;
import dev.longwatch.model.StreamPacker;
import dev.longwatch.model.StreamRecord;
import dev.longwatch.model.StreamRecords;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads and validates a tenant's metrics or events, and puts what is good on the stream. Returns only
 * after the stream holds every accepted item, so a 202 means the data is durable.
 */
public final class IngestService {
    /** Events per stream record. */
    static final int MAX_EVENTS_PER_RECORD = 100;

    private final Payloads payloads;
    private final StreamRecords records;
    private final StreamPacker packer;
    private final StreamPublisher publisher;
    private final PlatformMetrics metrics;

    public IngestService(Payloads payloads, StreamPublisher publisher, PlatformMetrics metrics) {
        this(payloads, publisher, metrics, StreamPacker.DEFAULT_BUCKETS);
    }

    /**
     * @param partitionBuckets how many partition keys the metrics records spread over ({@link StreamPacker}): at
     *                         least the stream's shard count, ideally a multiple of it
     */
    public IngestService(Payloads payloads, StreamPublisher publisher, PlatformMetrics metrics, int partitionBuckets) {
        this.payloads = payloads;
        this.records = new StreamRecords(payloads);
        this.packer = new StreamPacker(records, partitionBuckets);
        this.publisher = publisher;
        this.metrics = metrics;
    }

    public IngestResult ingestMetrics(String tenant, byte[] body) {
        ParsedMetrics parsed = payloads.parseMetrics(body);
        // Few records (one per partition bucket the request's series fall in), each series always on one shard.
        List<StreamPublisher.OutgoingRecord> out = new ArrayList<>(packer.buckets());
        for (StreamPacker.Packed p : packer.packMetrics(tenant, parsed.series())) {
            out.add(new StreamPublisher.OutgoingRecord(p.partitionKey(), p.data()));
        }
        if (!out.isEmpty()) {
            publisher.publish(out);
        }
        metrics.count("PointsAccepted", parsed.acceptedPoints());
        countRejections(parsed.rejected());
        return new IngestResult(parsed.acceptedPoints(), parsed.rejected());
    }

    public IngestResult ingestEvents(String tenant, byte[] body) {
        ParsedEvents parsed = payloads.parseEvents(body);
        List<StreamPublisher.OutgoingRecord> out = new ArrayList<>();
        List<Event> events = parsed.events();
        for (int from = 0; from < events.size(); from += MAX_EVENTS_PER_RECORD) {
            List<Event> part = events.subList(from, Math.min(events.size(), from + MAX_EVENTS_PER_RECORD));
            // Events of a tenant spread over shards by their first id; order between events is by time.
            out.add(new StreamPublisher.OutgoingRecord(tenant + "/" + part.get(0).id(),
                    records.encode(new StreamRecord.Events(tenant, List.copyOf(part)))));
        }
        if (!out.isEmpty()) {
            publisher.publish(out);
        }
        metrics.count("EventsAccepted", events.size());
        countRejections(parsed.rejected());
        return new IngestResult(events.size(), parsed.rejected());
    }

    private void countRejections(List<Rejection> rejected) {
        for (Rejection r : rejected) {
            metrics.count("ItemsRejected", "Reason", reasonClass(r.reason()), 1);
        }
    }

    /** A low-cardinality label for a rejection reason (the metric dimension must not explode). */
    static String reasonClass(String reason) {
        if (reason.startsWith("timestamp") || reason.startsWith("time ")) {
            return "time";
        }
        if (reason.startsWith("value")) {
            return "value";
        }
        if (reason.startsWith("metric")) {
            return "metric";
        }
        if (reason.startsWith("type")) {
            return "type";
        }
        if (reason.startsWith("tag") || reason.startsWith("too many tags")) {
            return "tags";
        }
        return "shape";
    }
}

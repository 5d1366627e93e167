package dev.longwatch.core.ingest;

import java.util.List;

/**
 * Port: puts records on the stream (Kinesis on AWS, the in-process stream locally). Returns only when
 * every record is durably on the stream; otherwise throws {@link StreamUnavailableException}, never drops.
 */
public interface StreamPublisher {

    /** A record and the key that picks its shard (the series id, so a series stays on one shard). */
    record OutgoingRecord(String partitionKey, byte[] data) {
    }

    void publish(List<OutgoingRecord> records);
}

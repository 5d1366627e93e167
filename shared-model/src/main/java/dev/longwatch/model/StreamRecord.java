package dev.longwatch.model;

import java.util.List;

/**
 * One Kinesis record's content (format v1, documented in api-spec/kinesis-record-format.md): a tenant and
 * either metric series or events. Tenants' own producers may write these records straight to the stream.
 */
public sealed interface StreamRecord {
    String tenant();

    record Metrics(String tenant, List<Series> series) implements StreamRecord {
    }

    record Events(String tenant, List<Event> events) implements StreamRecord {
    }
}

package dev.longwatch.handler;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.longwatch.core.telemetry.Log;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** What the Kinesis consumers share: reading Lambda's Kinesis event and answering with batch item failures. */
final class KinesisBatches {
    private KinesisBatches() {
    }

    /** One record as delivered: shard (from the event id {@code shardId-…:seq}), sequence, arrival, bytes. */
    record Delivered(String shard, String sequence, long arrivalMillis, byte[] data) {
    }

    static List<Delivered> read(KinesisEvent event) {
        List<Delivered> out = new ArrayList<>(event.getRecords().size());
        for (KinesisEvent.KinesisEventRecord r : event.getRecords()) {
            KinesisEvent.Record k = r.getKinesis();
            String eventId = r.getEventID();
            String shard = eventId == null ? "unknown" : eventId.substring(0, Math.max(0, eventId.indexOf(':')));
            // A read-only view: reading the event's own buffer would empty it for a second reader.
            ByteBuffer data = k.getData().asReadOnlyBuffer();
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            long arrival = k.getApproximateArrivalTimestamp() == null ? 0
                    : k.getApproximateArrivalTimestamp().getTime();
            out.add(new Delivered(shard, k.getSequenceNumber(), arrival, bytes));
        }
        return out;
    }

    /** The partial batch response: Lambda redelivers from the lowest of these sequence numbers. */
    static StreamsEventResponse failures(List<String> failedSequences, int batchSize, Class<?> consumer) {
        List<StreamsEventResponse.BatchItemFailure> failures = new ArrayList<>(failedSequences.size());
        for (String seq : failedSequences) {
            failures.add(StreamsEventResponse.BatchItemFailure.builder().withItemIdentifier(seq).build());
        }
        if (!failures.isEmpty()) {
            Log.get(consumer).warn("batch partially failed", "records", batchSize, "failed", failures.size());
        }
        return StreamsEventResponse.builder().withBatchItemFailures(failures).build();
    }
}

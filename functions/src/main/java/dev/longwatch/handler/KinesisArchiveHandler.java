package dev.longwatch.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.longwatch.core.archive.ArchiveService;
import dev.longwatch.core.telemetry.Log;
import dev.longwatch.core.telemetry.PlatformMetrics;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The archive consumer: a Kinesis batch in, raw points to S3, partial batch failures out. It has its own event
 * source mapping (with {@code ReportBatchItemFailures} and {@code ParallelizationFactor} 1), independent of the
 * rollup consumer, so an S3 problem never delays rollups and its batching window can be longer.
 */
public final class KinesisArchiveHandler implements RequestHandler<KinesisEvent, StreamsEventResponse> {
    private final ArchiveService archive;
    private final PlatformMetrics metrics;

    public KinesisArchiveHandler() {
        this(AwsWiring.get().archiveService(), AwsWiring.get().metrics());
    }

    public KinesisArchiveHandler(ArchiveService archive, PlatformMetrics metrics) {
        this.archive = archive;
        this.metrics = metrics;
    }

    @Override
    public StreamsEventResponse handleRequest(KinesisEvent event, Context context) {
        List<ArchiveService.IncomingRecord> batch = new ArrayList<>(event.getRecords().size());
        for (KinesisEvent.KinesisEventRecord r : event.getRecords()) {
            KinesisEvent.Record k = r.getKinesis();
            String eventId = r.getEventID();
            String shard = eventId == null ? "unknown" : eventId.substring(0, Math.max(0, eventId.indexOf(':')));
            ByteBuffer data = k.getData().asReadOnlyBuffer();
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            batch.add(new ArchiveService.IncomingRecord(shard, k.getSequenceNumber(), bytes));
        }
        try {
            ArchiveService.BatchOutcome outcome = archive.apply(batch);
            List<StreamsEventResponse.BatchItemFailure> failures = new ArrayList<>();
            for (String seq : outcome.failedSequenceNumbers()) {
                failures.add(StreamsEventResponse.BatchItemFailure.builder().withItemIdentifier(seq).build());
            }
            if (!failures.isEmpty()) {
                Log.get(KinesisArchiveHandler.class).warn("archive batch partially failed", "records", batch.size(),
                        "failed", failures.size());
            }
            return StreamsEventResponse.builder().withBatchItemFailures(failures).build();
        } finally {
            metrics.flush();
        }
    }
}

package dev.longwatch.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.longwatch.core.archive.ArchiveService;
import dev.longwatch.core.telemetry.PlatformMetrics;

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
        List<ArchiveService.IncomingRecord> batch = KinesisBatches.read(event).stream()
                .map(d -> new ArchiveService.IncomingRecord(d.shard(), d.sequence(), d.data())).toList();
        try {
            return KinesisBatches.failures(archive.apply(batch).failedSequenceNumbers(), batch.size(),
                    KinesisArchiveHandler.class);
        } finally {
            metrics.flush();
        }
    }
}

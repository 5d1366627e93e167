package dev.longwatch.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.longwatch.core.rollup.RollupService;
import dev.longwatch.core.telemetry.PlatformMetrics;

import java.util.List;

/**
 * The rollup consumer: a Kinesis batch in, partial batch failures out (the event source mapping must
 * have {@code ReportBatchItemFailures}). Lambda redelivers from the lowest failed sequence number.
 */
public final class KinesisRollupHandler implements RequestHandler<KinesisEvent, StreamsEventResponse> {
    private final RollupService rollups;
    private final PlatformMetrics metrics;

    public KinesisRollupHandler() {
        this(AwsWiring.get().rollupService(), AwsWiring.get().metrics());
    }

    public KinesisRollupHandler(RollupService rollups, PlatformMetrics metrics) {
        this.rollups = rollups;
        this.metrics = metrics;
    }

    @Override
    public StreamsEventResponse handleRequest(KinesisEvent event, Context context) {
        List<RollupService.IncomingRecord> batch = KinesisBatches.read(event).stream()
                .map(d -> new RollupService.IncomingRecord(d.shard(), d.sequence(), d.arrivalMillis(), d.data()))
                .toList();
        try {
            return KinesisBatches.failures(rollups.apply(batch).failedSequenceNumbers(), batch.size(),
                    KinesisRollupHandler.class);
        } finally {
            metrics.flush();
        }
    }
}

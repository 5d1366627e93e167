package dev.longwatch.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.longwatch.core.rollup.RollupService;
import dev.longwatch.core.telemetry.Log;
import dev.longwatch.core.telemetry.PlatformMetrics;

import java.nio.ByteBuffer;
import java.util.ArrayList;
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
        List<RollupService.IncomingRecord> batch = new ArrayList<>(event.getRecords().size());
        for (KinesisEvent.KinesisEventRecord r : event.getRecords()) {
            KinesisEvent.Record k = r.getKinesis();
            String eventId = r.getEventID();
            String shard = eventId == null ? "unknown" : eventId.substring(0, Math.max(0, eventId.indexOf(':')));
            ByteBuffer data = k.getData().asReadOnlyBuffer();
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            long arrival = k.getApproximateArrivalTimestamp() == null ? 0
                    : k.getApproximateArrivalTimestamp().getTime();
            batch.add(new RollupService.IncomingRecord(shard, k.getSequenceNumber(), arrival, bytes));
        }
        try {
            RollupService.BatchOutcome outcome = rollups.apply(batch);
            List<StreamsEventResponse.BatchItemFailure> failures = new ArrayList<>();
            for (String seq : outcome.failedSequenceNumbers()) {
                failures.add(StreamsEventResponse.BatchItemFailure.builder().withItemIdentifier(seq).build());
            }
            if (!failures.isEmpty()) {
                Log.get(KinesisRollupHandler.class).warn("batch partially failed", "records", batch.size(),
                        "failed", failures.size());
            }
            return StreamsEventResponse.builder().withBatchItemFailures(failures).build();
        } finally {
            metrics.flush();
        }
    }
}

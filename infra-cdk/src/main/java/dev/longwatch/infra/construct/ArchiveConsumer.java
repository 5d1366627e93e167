package dev.longwatch.infra.construct;

import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.kinesis.IStream;
import software.amazon.awscdk.services.lambda.eventsources.KinesisEventSource;
import software.amazon.awscdk.services.sqs.Queue;
import software.constructs.Construct;

import java.util.Objects;

/**
 * The archive consumer: a second, independent event source mapping on the stream and the function that writes
 * each batch's raw points to S3 (docs/operations.md#archive), so an S3 problem never delays the rollups.
 *
 * <p>Its own mapping has its own batching window: a per-batch object costs one PUT whatever its size, so the
 * window trades PUT requests against how fresh the archive is (raw-resolution queries read it). Parallelization
 * stays 1: redelivery is recognised by record identity, which relies on each shard arriving in order. Partial
 * batch responses, bisection, bounded retries and an on-failure queue as for the rollup consumer. A shared-
 * throughput mapping (not enhanced fan-out): two consumers poll each shard once a second, within Kinesis's five
 * reads per second and 2 MB/s per shard, and enhanced fan-out would add a charge per consumer-shard-hour.
 */
public final class ArchiveConsumer extends Construct {
    static final String HANDLER = "dev.longwatch.handler.KinesisArchiveHandler";

    /**
     * @param batchingWindow how long Lambda gathers records per shard: longer means fewer, bigger objects
     * @param batchSize      at most this many records per invocation (the 6 MB payload limit applies too)
     * @param retryAttempts  retries of a failing batch before it goes to the on-failure queue
     * @param maxRecordAge   records older than this are not retried but described on the on-failure queue
     */
    public record Props(ArchiveBucket archive, IStream stream, FunctionSettings functions, Duration batchingWindow,
                        int batchSize, int retryAttempts, Duration maxRecordAge) {
        public Props {
            Objects.requireNonNull(archive, "archive");
            Objects.requireNonNull(stream, "stream");
            Objects.requireNonNull(functions, "functions");
            Objects.requireNonNull(batchingWindow, "batchingWindow");
            Objects.requireNonNull(maxRecordAge, "maxRecordAge");
        }
    }

    private final LongwatchFunction function;
    private final Queue onFailure;

    public ArchiveConsumer(Construct scope, String id, Props props) {
        super(scope, id);
        // 1 GB: a batch is decoded and re-encoded per tenant and hour in memory; 5 minutes covers a full batch
        // against a slow S3.
        this.function = new LongwatchFunction(this, "Archive", new LongwatchFunction.Props(HANDLER,
                "Longwatch archive: writes each stream batch's raw points to S3", 1024, Duration.minutes(5),
                props.archive().environment(), props.functions()));
        props.archive().grantWriteBatches(function);

        this.onFailure = StreamMapping.attach(this, function, props.stream(), "archive", props.batchingWindow(),
                props.batchSize(), 1, props.retryAttempts(), props.maxRecordAge());
    }

    public LongwatchFunction function() {
        return function;
    }

    /** Where batches the archive consumer gave up on are described. */
    public Queue onFailureQueue() {
        return onFailure;
    }
}

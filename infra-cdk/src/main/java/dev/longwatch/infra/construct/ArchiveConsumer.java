package dev.longwatch.infra.construct;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.kinesis.IStream;
import software.amazon.awscdk.services.lambda.StartingPosition;
import software.amazon.awscdk.services.lambda.eventsources.KinesisEventSource;
import software.amazon.awscdk.services.lambda.eventsources.KinesisEventSourceProps;
import software.amazon.awscdk.services.lambda.eventsources.SqsDlq;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

import java.util.List;
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

        this.onFailure = Queue.Builder.create(this, "OnFailure")
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .retentionPeriod(Duration.days(14))
                .build();
        NagSuppressions.addResourceSuppressions(onFailure, List.of(NagPackSuppression.builder()
                .id("AwsSolutions-SQS3")
                .reason("This queue is itself the dead-letter destination of the archive event source mapping;"
                        + " nothing consumes it automatically, an operator reads it to replay shard ranges.")
                .build()));

        function.alias().addEventSource(new KinesisEventSource(props.stream(),
                KinesisEventSourceProps.builder()
                        // First deploy: archive everything still on the stream, lose nothing.
                        .startingPosition(StartingPosition.TRIM_HORIZON)
                        .maxBatchingWindow(props.batchingWindow())
                        .batchSize(props.batchSize())
                        .parallelizationFactor(1)
                        .reportBatchItemFailures(true)
                        .bisectBatchOnError(true)
                        .retryAttempts(props.retryAttempts())
                        .maxRecordAge(props.maxRecordAge())
                        .onFailure(new SqsDlq(onFailure))
                        .build()));
    }

    public LongwatchFunction function() {
        return function;
    }

    /** Where batches the archive consumer gave up on are described. */
    public Queue onFailureQueue() {
        return onFailure;
    }
}

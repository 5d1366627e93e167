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

/**
 * What the stream's consumers (rollup, archive) share: an event source mapping on the function's alias that
 * starts at the trim horizon, reports partial batch failures, bisects, retries a bounded number of times, and
 * describes what it gave up on in its own on-failure queue ({@code OnFailure} in {@code scope}).
 */
final class StreamMapping {
    private StreamMapping() {
    }

    /**
     * @param consumer          the consumer's name in the queue's cdk-nag reason ("rollup", "archive")
     * @param parallelization   the mapping's parallelization factor, or null for Lambda's default
     * @return the on-failure queue
     */
    static Queue attach(Construct scope, LongwatchFunction function, IStream stream, String consumer,
                        Duration batchingWindow, int batchSize, Integer parallelization, int retryAttempts,
                        Duration maxRecordAge) {
        return attach(scope, function, stream, consumer, batchingWindow, batchSize, parallelization, retryAttempts,
                maxRecordAge, true);
    }

    /** @param enabled false: the mapping exists but reads nothing (a consumer switched off by configuration) */
    static Queue attach(Construct scope, LongwatchFunction function, IStream stream, String consumer,
                        Duration batchingWindow, int batchSize, Integer parallelization, int retryAttempts,
                        Duration maxRecordAge, boolean enabled) {
        Queue onFailure = Queue.Builder.create(scope, "OnFailure")
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                // The longest SQS keeps anything; the records themselves expire with the stream's retention.
                .retentionPeriod(Duration.days(14))
                .build();
        NagSuppressions.addResourceSuppressions(onFailure, List.of(NagPackSuppression.builder()
                .id("AwsSolutions-SQS3")
                .reason("This queue is itself the dead-letter destination of the " + consumer + " event source "
                        + "mapping; nothing consumes it automatically, an operator reads it to replay shard ranges.")
                .build()));
        KinesisEventSourceProps.Builder mapping = KinesisEventSourceProps.builder()
                // First deploy: take everything still on the stream, lose nothing.
                .startingPosition(StartingPosition.TRIM_HORIZON)
                .maxBatchingWindow(batchingWindow)
                .batchSize(batchSize)
                .reportBatchItemFailures(true)
                .bisectBatchOnError(true)
                .retryAttempts(retryAttempts)
                .maxRecordAge(maxRecordAge)
                .onFailure(new SqsDlq(onFailure))
                .enabled(enabled);
        if (parallelization != null) {
            mapping.parallelizationFactor(parallelization);
        }
        // The mapping targets the alias, so SnapStart's published version does the work.
        function.alias().addEventSource(new KinesisEventSource(stream, mapping.build()));
        return onFailure;
    }
}

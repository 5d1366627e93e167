package dev.longwatch.infra;

import dev.longwatch.infra.construct.ArchiveBucket;
import dev.longwatch.infra.construct.ArchiveConsumer;
import dev.longwatch.infra.construct.FunctionSettings;
import dev.longwatch.infra.construct.MinuteTierWiring;
import dev.longwatch.infra.construct.RollupConsumer;
import dev.longwatch.infra.construct.ScheduledCompactor;
import dev.longwatch.infra.construct.TableSet;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.kinesis.IStream;
import software.constructs.Construct;

import java.util.Objects;

/**
 * What builds the rollups: the stream's rollup consumer and the compactor that turns minutes into hours and
 * days, and the archive consumer that writes raw points to S3 (the compactor also merges the archive's blocks).
 * They deploy together because the rollup function's recompute requests are for the compactor.
 */
public final class RollupStack extends Stack {

    public record Props(LongwatchConfig config, TableSet tables, IStream stream, FunctionSettings functions,
                        ArchiveBucket archive) {
        public Props {
            Objects.requireNonNull(config, "config");
            Objects.requireNonNull(tables, "tables");
            Objects.requireNonNull(stream, "stream");
            Objects.requireNonNull(functions, "functions");
            Objects.requireNonNull(archive, "archive");
        }
    }

    private final RollupConsumer rollup;
    private final ScheduledCompactor compactor;
    private final ArchiveConsumer archive;

    public RollupStack(Construct scope, String id, StackProps stackProps, Props props) {
        super(scope, id, stackProps);
        LongwatchConfig c = props.config();
        this.rollup = new RollupConsumer(this, "Rollups", new RollupConsumer.Props(props.tables(), props.stream(),
                props.functions(), c.rollupRetention(), Duration.seconds(c.batchingWindowSeconds()), c.rollupBatchSize(),
                c.rollupRetryAttempts(), Duration.hours(c.rollupMaxRecordAgeHours())),
                !c.minuteTierFromArchive()); // with the minute tier from the archive, its mapping reads nothing
        CfnOutput.Builder.create(this, "OnFailureQueueUrl").value(rollup.onFailureQueue().getQueueUrl())
                .description("Shard ranges the rollup consumer gave up on (see infra-cdk/README.md)")
                .build();
        this.compactor = new ScheduledCompactor(this, "Compaction", new ScheduledCompactor.Props(props.tables(),
                props.functions(), c.rollupRetention(), props.archive()));
        CfnOutput.Builder.create(this, "CompactorDeadLetterQueueUrl").value(compactor.deadLetters().getQueueUrl())
                .description("Compactor ticks EventBridge Scheduler could not deliver (see infra-cdk/README.md)")
                .build();
        this.archive = new ArchiveConsumer(this, "Archive", new ArchiveConsumer.Props(props.archive(), props.stream(),
                props.functions(), Duration.seconds(archiveWindowSeconds(c)), c.rollupBatchSize(),
                c.rollupRetryAttempts(), Duration.hours(c.rollupMaxRecordAgeHours())));
        if (c.minuteTierFromArchive()) {
            MinuteTierWiring.archiveConsumer(archive, props.tables());
            MinuteTierWiring.compactor(compactor, props.tables());
        }
        CfnOutput.Builder.create(this, "ArchiveOnFailureQueueUrl").value(archive.onFailureQueue().getQueueUrl())
                .description("Shard ranges the archive consumer gave up on (replay them like the rollup's)")
                .build();
    }

    /**
     * The archive mapping's batching window. With the minute tier from the archive, the evaluator reads the minute
     * just ended from the archive's per-batch objects, the evaluator's settle time after it: the archive then keeps
     * the rollup window ({@code batchingWindowSeconds}, 10 s by default) if that is shorter than its own.
     */
    static int archiveWindowSeconds(LongwatchConfig c) {
        return c.minuteTierFromArchive() ? Math.min(c.archiveBatchingWindowSeconds(), c.batchingWindowSeconds())
                : c.archiveBatchingWindowSeconds();
    }

    public RollupConsumer rollup() {
        return rollup;
    }

    public ScheduledCompactor compactor() {
        return compactor;
    }

    public ArchiveConsumer archive() {
        return archive;
    }
}

package dev.longwatch.infra;

import dev.longwatch.infra.construct.FunctionSettings;
import dev.longwatch.infra.construct.RollupConsumer;
import dev.longwatch.infra.construct.TableSet;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.kinesis.IStream;
import software.constructs.Construct;

import java.util.Objects;

/**
 * The stream's consumers. Today the rollup consumer; the S3 archive writer and the compactor's schedule
 * belong here when they exist.
 */
public final class RollupStack extends Stack {

    public record Props(LongwatchConfig config, TableSet tables, IStream stream, FunctionSettings functions) {
        public Props {
            Objects.requireNonNull(config, "config");
            Objects.requireNonNull(tables, "tables");
            Objects.requireNonNull(stream, "stream");
            Objects.requireNonNull(functions, "functions");
        }
    }

    private final RollupConsumer rollup;

    public RollupStack(Construct scope, String id, StackProps stackProps, Props props) {
        super(scope, id, stackProps);
        LongwatchConfig c = props.config();
        this.rollup = new RollupConsumer(this, "Rollups", new RollupConsumer.Props(props.tables(), props.stream(),
                props.functions(), Duration.seconds(c.batchingWindowSeconds()), c.rollupBatchSize(),
                c.rollupRetryAttempts(), Duration.hours(c.rollupMaxRecordAgeHours())));
        CfnOutput.Builder.create(this, "OnFailureQueueUrl").value(rollup.onFailureQueue().getQueueUrl())
                .description("Shard ranges the rollup consumer gave up on (see infra-cdk/README.md)")
                .build();
    }

    public RollupConsumer rollup() {
        return rollup;
    }
}

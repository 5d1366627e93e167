package dev.longwatch.infra.construct;

import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.kinesis.IStream;
import software.amazon.awscdk.services.lambda.eventsources.KinesisEventSource;
import software.amazon.awscdk.services.sqs.Queue;
import software.constructs.Construct;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The rollup consumer: the Kinesis event source mapping and the function that folds a batch into the
 * rollup slabs.
 *
 * <p>The function reports partial batch failures and is idempotent per slab (shard watermarks), so Lambda may
 * bisect and redeliver freely. A batch that still fails after the bounded retries, or whose records grew older
 * than the maximum age, is described (shard and sequence range, not the data) on the on-failure queue, from
 * where an operator can replay it while the stream still holds the records.
 */
public final class RollupConsumer extends Construct {
    static final String HANDLER = "dev.longwatch.handler.KinesisRollupHandler";

    /**
     * @param batchingWindow how long Lambda gathers records per shard: longer means fewer, fuller slab writes
     * @param batchSize      at most this many records per invocation (the 6 MB payload limit applies too)
     * @param retryAttempts  retries of a failing batch before it goes to the on-failure queue
     * @param maxRecordAge   records older than this are not retried but sent to the on-failure queue
     */
    public record Props(TableSet tables, IStream stream, FunctionSettings functions, RollupRetention retention,
                        Duration batchingWindow, int batchSize, int retryAttempts, Duration maxRecordAge) {
        public Props {
            Objects.requireNonNull(tables, "tables");
            Objects.requireNonNull(retention, "retention");
            Objects.requireNonNull(stream, "stream");
            Objects.requireNonNull(functions, "functions");
            Objects.requireNonNull(batchingWindow, "batchingWindow");
            Objects.requireNonNull(maxRecordAge, "maxRecordAge");
        }
    }

    private final LongwatchFunction function;
    private final Queue onFailure;

    public RollupConsumer(Construct scope, String id, Props props) {
        this(scope, id, props, true);
    }

    /**
     * @param enabled false with the minute tier from the archive: the function and its queue stay (so alarms,
     *                dashboard and a switch back keep their resources) but its mapping reads nothing
     */
    public RollupConsumer(Construct scope, String id, Props props, boolean enabled) {
        super(scope, id);
        // 1.5 GB: a full batch (up to 6 MB of records) is decoded and aggregated in memory, and the extra CPU
        // shortens the DynamoDB round trips' share of the run. 5 minutes covers a full batch with conflicts.
        // The retention picks the tier an old point goes to (and its TTL); the state table is where late points
        // ask the compactor to recompute their hour or day.
        Map<String, String> env = new HashMap<>(props.tables().environmentFor(props.tables().rollups(),
                props.tables().series(), props.tables().events(), props.tables().state()));
        env.putAll(props.retention().environment());
        this.function = new LongwatchFunction(this, "Rollup", new LongwatchFunction.Props(HANDLER,
                "Longwatch rollup: folds stream batches into per-minute rollups, series and events", 1536,
                Duration.minutes(5), env, props.functions()));
        // Least privilege: read slabs (BatchGetItem), write them conditionally (PutItem); the series index and
        // events are written with idempotent batch puts. Nothing is read back from series or events.
        props.tables().rollups().grant(function.alias(), "dynamodb:BatchGetItem", "dynamodb:PutItem");
        props.tables().series().grant(function.alias(), "dynamodb:BatchWriteItem");
        props.tables().events().grant(function.alias(), "dynamodb:BatchWriteItem");
        // State (DynamoDbCompactionStateStore via LateArrivals): read a tenant's progress (GetItem), start it
        // once (conditional PutItem), record recompute requests (BatchWriteItem). Updating or deleting progress
        // and requests is the compactor's alone.
        props.tables().state().grant(function.alias(), "dynamodb:GetItem", "dynamodb:PutItem",
                "dynamodb:BatchWriteItem");

        this.onFailure = StreamMapping.attach(this, function, props.stream(), "rollup", props.batchingWindow(),
                props.batchSize(), null, props.retryAttempts(), props.maxRecordAge(), enabled);
    }

    public LongwatchFunction function() {
        return function;
    }

    /** Where batches that exhausted their retries are described. */
    public Queue onFailureQueue() {
        return onFailure;
    }
}

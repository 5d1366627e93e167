package dev.longwatch.infra.construct;

import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.sqs.IQueue;
import software.constructs.Construct;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The evaluator: every minute, EventBridge Scheduler puts one round per shard on the queue of evaluator rounds
 * ({@link EvaluatorRounds}), which delivers it the settle time later to {@code SqsEvaluatorHandler}; each round
 * evaluates its share of the monitors for its minute against the rollups, series and events (through the query
 * path) and sends the alert transitions onto the notification queue.
 *
 * <p>Runs are bounded by a one-minute timeout, so the next minute's run never overlaps more than one other; alert
 * state is written with conditional writes, so a round delivered twice changes nothing twice. A failed round is
 * delivered again (a few times, then it goes to the rounds' dead-letter queue).
 */
public final class AlertEvaluator extends Construct {
    static final String HANDLER = "dev.longwatch.handler.SqsEvaluatorHandler";
    /** How often each shard runs: the dead-man's switch expects this many invocations per shard and period. */
    public static final Duration EVERY = Duration.minutes(1);

    /**
     * @param notifyQueue where transitions go ({@code LONGWATCH_NOTIFY_QUEUE_URL}); the evaluator may only send
     * @param shards      evaluator invocations per minute
     * @param settle      how long after its minute a round is evaluated (the rounds queue's delivery delay)
     */
    public record Props(TableSet tables, FunctionSettings functions, RollupRetention retention, IQueue notifyQueue,
                        int shards, Duration settle) {
        public Props {
            Objects.requireNonNull(tables, "tables");
            Objects.requireNonNull(functions, "functions");
            Objects.requireNonNull(retention, "retention");
            Objects.requireNonNull(notifyQueue, "notifyQueue");
            Objects.requireNonNull(settle, "settle");
            if (shards < 1) {
                throw new IllegalArgumentException("at least one evaluator shard, got " + shards);
            }
        }
    }

    private final LongwatchFunction function;
    private final EvaluatorRounds rounds;
    private final int shards;

    public AlertEvaluator(Construct scope, String id, Props props) {
        super(scope, id);
        this.shards = props.shards();
        TableSet t = props.tables();
        // Reads series, rollups and events (as backtests and queries do, with the same retention to pick the tier)
        // and the alerting table; never the compactor's state.
        Map<String, String> env = new HashMap<>(t.environmentFor(t.rollups(), t.series(), t.events(), t.alerting()));
        env.putAll(props.retention().environment());
        env.put("LONGWATCH_NOTIFY_QUEUE_URL", props.notifyQueue().getQueueUrl());
        // 1.5 GB: a run queries every monitor of its shard (DDSketch merges for percentiles), and more memory buys
        // the CPU. 60 s: a run belongs to its minute; the next round starts the next one.
        this.function = new LongwatchFunction(this, "Evaluator", new LongwatchFunction.Props(HANDLER,
                "Longwatch evaluator: monitors of one shard against the latest data, every minute", 1536,
                Duration.seconds(60), env, props.functions()));

        // Least privilege, what EvaluatorService calls through its adapters: the series index, rollup slabs and
        // events are only read;
        for (var table : List.of(t.rollups(), t.series(), t.events())) {
            table.grant(function.alias(), DynamoActions.READ);
        }
        // monitors and alert state: conditional writes and transactions (DynamoDbAlertStateStore). No Scan: a shard
        // reads its monitors by key.
        t.alerting().grant(function.alias(), DynamoActions.READ_WRITE);
        // Transitions to the notifier: send only; it can neither read nor purge the queue.
        props.notifyQueue().grantSendMessages(function.alias());

        this.rounds = new EvaluatorRounds(this, "Rounds", new EvaluatorRounds.Props(function, shards, EVERY,
                props.settle()));
    }

    public LongwatchFunction function() {
        return function;
    }

    /** The rounds' schedules, queue and dead-letter queue. */
    public EvaluatorRounds rounds() {
        return rounds;
    }

    public int shards() {
        return shards;
    }
}

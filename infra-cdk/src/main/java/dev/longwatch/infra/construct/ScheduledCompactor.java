package dev.longwatch.infra.construct;

import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.scheduler.ScheduleGroup;
import software.amazon.awscdk.services.sqs.Queue;
import software.constructs.Construct;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The compactor: minute rollups into hours, hours into days, recompute requests of late data, and (with an
 * archive bucket) the archive's per-batch objects into hourly and daily blocks, every minute from EventBridge
 * Scheduler.
 *
 * <p>Each run works within the invocation's remaining time less a margin (the handler reads it from the
 * Lambda context) and saves progress as it goes, so the timeout bounds a run and the next run continues.
 * Runs may overlap or be delivered twice: compaction is idempotent (version-conditioned writes, claims that
 * only move forward). So a failed run is not retried, neither by the scheduler beyond delivery nor by
 * Lambda's asynchronous retries: the next minute's run does the same work.
 *
 * <p>The scheduler's own failures (it could not invoke the function within its retries) land on a
 * dead-letter queue that an alarm watches; a compactor that stopped running is caught by the dead-man's
 * switch in {@code PlatformAlarms}.
 */
public final class ScheduledCompactor extends Construct {
    static final String HANDLER = "dev.longwatch.handler.ScheduledCompactorHandler";
    /** How often the scheduler invokes the compactor: the dead-man's switch expects this many per period. */
    public static final Duration EVERY = Duration.minutes(1);

    /** {@code archive} may be null: then the compactor builds the rollup tiers only. */
    public record Props(TableSet tables, FunctionSettings functions, RollupRetention retention,
                        ArchiveBucket archive) {
        public Props {
            Objects.requireNonNull(tables, "tables");
            Objects.requireNonNull(functions, "functions");
            Objects.requireNonNull(retention, "retention");
        }

        public Props(TableSet tables, FunctionSettings functions, RollupRetention retention) {
            this(tables, functions, retention, null);
        }
    }

    private final LongwatchFunction function;
    private final FunctionSchedule schedule;

    public ScheduledCompactor(Construct scope, String id, Props props) {
        super(scope, id);
        TableSet t = props.tables();
        Map<String, String> env = new HashMap<>(t.environmentFor(t.rollups(), t.series(), t.state()));
        env.putAll(props.retention().environment());
        if (props.archive() != null) {
            env.putAll(props.archive().environment()); // the handler then also compacts the archive's blocks
        }
        // 1.5 GB: 16 tenants' slots are merged at once, each from up to 60 minute slabs (DDSketch for
        // distributions), and more memory buys the CPU for it. 2 minutes: a run works for the timeout less 15 s;
        // a run delayed past the next tick overlaps it harmlessly, and a backlog (first deploy, an outage) is
        // worked off in the longer runs.
        this.function = new LongwatchFunction(this, "Compactor", new LongwatchFunction.Props(HANDLER,
                "Longwatch compactor: minute rollups into hours, hours into days, late-data recomputes, archive blocks",
                1536,
                Duration.minutes(2), env, props.functions()));

        // Least privilege, exactly what CompactorService calls through the adapters:
        // rollups: load slabs (BatchGetItem), read a slot's sources (Query), write version-conditioned (PutItem);
        t.rollups().grant(function.alias(), "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:PutItem");
        // series: list tenants and their series (Query); never written here;
        t.series().grant(function.alias(), "dynamodb:Query");
        // state (DynamoDbCompactionStateStore): progress read (GetItem), started (PutItem), advanced (UpdateItem);
        // recompute requests read (Query) and completed (DeleteItem). Requests are written by the rollup function.
        t.state().grant(function.alias(), "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem",
                "dynamodb:Query", "dynamodb:DeleteItem");
        // archive (ArchiveCompactor): list, read, conditional write and delete of blocks under v1/.
        if (props.archive() != null) {
            props.archive().grantCompact(function);
        }

        this.schedule = new FunctionSchedule(this, "EveryMinute", new FunctionSchedule.Props(function, EVERY,
                "the Longwatch compactor"));
    }

    public LongwatchFunction function() {
        return function;
    }

    public ScheduleGroup group() {
        return schedule.group();
    }

    public Role schedulerRole() {
        return schedule.role();
    }

    /** Ticks the scheduler could not deliver to the compactor. */
    public Queue deadLetters() {
        return schedule.deadLetters();
    }
}

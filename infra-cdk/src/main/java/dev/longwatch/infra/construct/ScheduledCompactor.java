package dev.longwatch.infra.construct;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.lambda.EventInvokeConfigOptions;
import software.amazon.awscdk.services.scheduler.ContextAttribute;
import software.amazon.awscdk.services.scheduler.Schedule;
import software.amazon.awscdk.services.scheduler.ScheduleExpression;
import software.amazon.awscdk.services.scheduler.ScheduleGroup;
import software.amazon.awscdk.services.scheduler.ScheduleTargetInput;
import software.amazon.awscdk.services.scheduler.TimeWindow;
import software.amazon.awscdk.services.scheduler.targets.LambdaInvoke;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The compactor: minute rollups into hours, hours into days, recompute requests of late data, every minute
 * from EventBridge Scheduler.
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

    public record Props(TableSet tables, FunctionSettings functions, RollupRetention retention) {
        public Props {
            Objects.requireNonNull(tables, "tables");
            Objects.requireNonNull(functions, "functions");
            Objects.requireNonNull(retention, "retention");
        }
    }

    private final LongwatchFunction function;
    private final ScheduleGroup group;
    private final Schedule schedule;
    private final Role schedulerRole;
    private final Queue deadLetters;

    public ScheduledCompactor(Construct scope, String id, Props props) {
        super(scope, id);
        TableSet t = props.tables();
        Map<String, String> env = new HashMap<>(t.environmentFor(t.rollups(), t.series(), t.state()));
        env.putAll(props.retention().environment());
        // 1.5 GB: 16 tenants' slots are merged at once, each from up to 60 minute slabs (DDSketch for
        // distributions), and more memory buys the CPU for it. 2 minutes: a run works for the timeout less 15 s;
        // a run delayed past the next tick overlaps it harmlessly, and a backlog (first deploy, an outage) is
        // worked off in the longer runs.
        this.function = new LongwatchFunction(this, "Compactor", new LongwatchFunction.Props(HANDLER,
                "Longwatch compactor: minute rollups into hours, hours into days, late-data recomputes", 1536,
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

        // A failed run is not retried asynchronously: the next tick does the same work, and a retry a minute or
        // two later would only add a concurrent run. 60 s is the shortest event age Lambda accepts.
        function.alias().configureAsyncInvoke(EventInvokeConfigOptions.builder()
                .retryAttempts(0)
                .maxEventAge(Duration.seconds(60))
                .build());

        this.deadLetters = Queue.Builder.create(this, "ScheduleDeadLetters")
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                // Only a record that a tick was lost (no data): a week is enough to notice and look.
                .retentionPeriod(Duration.days(7))
                .build();
        NagSuppressions.addResourceSuppressions(deadLetters, List.of(NagPackSuppression.builder()
                .id("AwsSolutions-SQS3")
                .reason("This queue is itself the dead-letter queue of the compactor's EventBridge schedule: it"
                        + " records ticks the scheduler could not deliver, an alarm watches its depth, and nothing"
                        + " consumes it automatically.")
                .build()));

        this.group = ScheduleGroup.Builder.create(this, "Schedules")
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();

        // The scheduler's own role: it may invoke the compactor's alias and put failed ticks on the queue,
        // nothing else. Only schedules of this account and this group may assume it (confused deputy).
        Stack stack = Stack.of(this);
        this.schedulerRole = Role.Builder.create(this, "SchedulerRole")
                .description("EventBridge Scheduler: invokes the Longwatch compactor every minute")
                .assumedBy(new ServicePrincipal("scheduler.amazonaws.com").withConditions(Map.of(
                        "StringEquals", Map.of("aws:SourceAccount", stack.getAccount()),
                        "ArnLike", Map.of("aws:SourceArn", "arn:" + stack.getPartition() + ":scheduler:"
                                + stack.getRegion() + ":" + stack.getAccount() + ":schedule/"
                                + group.getScheduleGroupName() + "/*"))))
                .build();

        this.schedule = Schedule.Builder.create(this, "EveryMinute")
                .description("Longwatch compactor, every minute")
                .scheduleGroup(group)
                .schedule(ScheduleExpression.rate(EVERY))
                // Exactly on the minute: the dead-man's switch counts invocations per period.
                .timeWindow(TimeWindow.off())
                .target(LambdaInvoke.Builder.create(function.alias())
                        .role(schedulerRole)
                        // The handler ignores its input; the tick's time makes a run traceable in the logs.
                        .input(ScheduleTargetInput.fromObject(Map.of(
                                "scheduledTime", ContextAttribute.getScheduledTime())))
                        // A tick not delivered within a minute is superseded by the next one.
                        .retryAttempts(3)
                        .maxEventAge(Duration.seconds(60))
                        .deadLetterQueue(deadLetters)
                        .build())
                .build();
        // The schedule names its group by a literal name (no reference CloudFormation could order by), so the
        // group must exist first; and the role's policy, so the first tick may already invoke.
        schedule.getNode().addDependency(group, schedulerRole);
    }

    public LongwatchFunction function() {
        return function;
    }

    public ScheduleGroup group() {
        return group;
    }

    public Schedule schedule() {
        return schedule;
    }

    public Role schedulerRole() {
        return schedulerRole;
    }

    /** Ticks the scheduler could not deliver to the compactor. */
    public Queue deadLetters() {
        return deadLetters;
    }
}

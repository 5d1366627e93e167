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

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A Longwatch job on EventBridge Scheduler: its own schedule group, a fixed rate with the flexible window off,
 * a role that may only invoke the job's {@code live} alias (and put undeliverable ticks on the dead-letter
 * queue), a bounded retry policy, and the dead-letter queue.
 *
 * <p>The jobs (compactor, importer) save progress as they go and are idempotent, so a failed run is not retried
 * by Lambda either: the next tick does the same work.
 */
public final class FunctionSchedule extends Construct {

    /**
     * @param what   the job's name in descriptions, e.g. "the Longwatch compactor"
     * @param inputs one schedule per entry, each invoking with its entry (plus {@code scheduledTime}) as input:
     *               how a sharded job (the evaluator) gets {@code {"shard": i, "shardCount": N}}
     */
    public record Props(LongwatchFunction function, Duration rate, String what, List<Map<String, Object>> inputs) {
        public Props {
            Objects.requireNonNull(function, "function");
            Objects.requireNonNull(rate, "rate");
            Objects.requireNonNull(what, "what");
            inputs = List.copyOf(inputs);
            if (inputs.isEmpty()) {
                throw new IllegalArgumentException("a schedule needs at least one input");
            }
        }

        /** One schedule whose input is only the tick's time. */
        public Props(LongwatchFunction function, Duration rate, String what) {
            this(function, rate, what, List.of(Map.of()));
        }
    }

    private final ScheduleGroup group;
    private final List<Schedule> schedules = new java.util.ArrayList<>();
    private final Role role;
    private final Queue deadLetters;

    public FunctionSchedule(Construct scope, String id, Props props) {
        super(scope, id);
        LongwatchFunction function = props.function();

        // A failed run is not retried asynchronously: the next tick does the same work, and a retry a minute or
        // two later would only add a concurrent run. 60 s is the shortest event age Lambda accepts.
        function.alias().configureAsyncInvoke(EventInvokeConfigOptions.builder()
                .retryAttempts(0)
                .maxEventAge(Duration.seconds(60))
                .build());

        this.deadLetters = Queue.Builder.create(this, "DeadLetters")
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                // Only a record that a tick was lost (no data): a week is enough to notice and look.
                .retentionPeriod(Duration.days(7))
                .build();
        NagSuppressions.addResourceSuppressions(deadLetters, List.of(NagPackSuppression.builder()
                .id("AwsSolutions-SQS3")
                .reason("This queue is itself the dead-letter queue of an EventBridge schedule of " + props.what()
                        + ": it records ticks the scheduler could not deliver, an alarm watches its depth, and"
                        + " nothing consumes it automatically.")
                .build()));

        this.group = ScheduleGroup.Builder.create(this, "Group")
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();

        // The scheduler's own role: it may invoke the alias and put failed ticks on the queue, nothing else.
        this.role = schedulerRole(this, group, "EventBridge Scheduler: invokes " + props.what());

        for (int i = 0; i < props.inputs().size(); i++) {
            Map<String, Object> input = new java.util.LinkedHashMap<>(props.inputs().get(i));
            // The tick's time makes a run traceable in the logs.
            input.put("scheduledTime", ContextAttribute.getScheduledTime());
            // The first keeps the id "Schedule" that a single schedule always had (no replacement on upgrade).
            Schedule schedule = Schedule.Builder.create(this, i == 0 ? "Schedule" : "Schedule" + i)
                    .description("Invokes " + props.what() + (props.inputs().size() > 1
                            ? " (" + (i + 1) + " of " + props.inputs().size() + ")" : ""))
                    .scheduleGroup(group)
                    .schedule(ScheduleExpression.rate(props.rate()))
                    // Exactly on the tick: a dead-man's switch may count invocations per period.
                    .timeWindow(TimeWindow.off())
                    .target(LambdaInvoke.Builder.create(function.alias())
                            .role(role)
                            .input(ScheduleTargetInput.fromObject(input))
                            // Delivery only (the invocation is asynchronous); a tick older than a minute is stale.
                            .retryAttempts(3)
                            .maxEventAge(Duration.seconds(60))
                            .deadLetterQueue(deadLetters)
                            .build())
                    .build();
            // The schedule names its group by a literal name (no reference CloudFormation could order by), so the
            // group must exist first; and the role's policy, so the first tick may already invoke.
            schedule.getNode().addDependency(group, role);
            schedules.add(schedule);
        }
    }

    public ScheduleGroup group() {
        return group;
    }

    public Schedule schedule() {
        return schedules.get(0);
    }

    /** One per input, in the order of {@link Props#inputs()}. */
    public List<Schedule> schedules() {
        return List.copyOf(schedules);
    }

    public Role role() {
        return role;
    }

    /** Ticks the scheduler could not deliver. */
    public Queue deadLetters() {
        return deadLetters;
    }

    /**
     * An EventBridge Scheduler role (id {@code SchedulerRole}) with no permissions yet, which only schedules of this
     * account and of {@code group} may assume (the confused-deputy conditions).
     */
    static Role schedulerRole(Construct scope, ScheduleGroup group, String description) {
        Stack stack = Stack.of(scope);
        return Role.Builder.create(scope, "SchedulerRole")
                .description(description)
                .assumedBy(new ServicePrincipal("scheduler.amazonaws.com").withConditions(Map.of(
                        "StringEquals", Map.of("aws:SourceAccount", stack.getAccount()),
                        "ArnLike", Map.of("aws:SourceArn", "arn:" + stack.getPartition() + ":scheduler:"
                                + stack.getRegion() + ":" + stack.getAccount() + ":schedule/"
                                + group.getScheduleGroupName() + "/*"))))
                .build();
    }
}

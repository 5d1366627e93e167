package dev.longwatch.infra.construct;

import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.lambda.eventsources.SqsEventSource;
import software.amazon.awscdk.services.scheduler.ContextAttribute;
import software.amazon.awscdk.services.scheduler.Schedule;
import software.amazon.awscdk.services.scheduler.ScheduleExpression;
import software.amazon.awscdk.services.scheduler.ScheduleGroup;
import software.amazon.awscdk.services.scheduler.ScheduleTargetInput;
import software.amazon.awscdk.services.scheduler.TimeWindow;
import software.amazon.awscdk.services.scheduler.targets.SqsSendMessage;
import software.amazon.awscdk.services.sqs.DeadLetterQueue;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How the evaluator is started: every minute, EventBridge Scheduler puts one round per shard, {@code {"shard": i,
 * "shardCount": N, "time": "<scheduled time>"}}, on the queue of evaluator rounds, whose delivery delay is the settle
 * time; the evaluator ({@code SqsEvaluatorHandler}) receives each round that long after its minute ended, when the
 * rollup consumer has written the minute, and evaluates the minute the round names.
 *
 * <p>Why a queue rather than the scheduler invoking the function: the scheduler has no delay of its own (its
 * flexible window is a random spread, not an offset), and the queue adds redelivery. A round that fails is handed
 * back (partial batch failure) and delivered again after the visibility timeout, up to {@link #MAX_RECEIVES} times,
 * then moved to the dead-letter queue; ticks the scheduler could not put on the queue go to the same dead-letter
 * queue. Either way one alarm watches it. The evaluator's conditional writes make a redelivered round record and
 * send nothing twice.
 */
public final class EvaluatorRounds extends Construct {
    /** Receives of one round before it goes to the dead-letter queue. */
    public static final int MAX_RECEIVES = 3;
    /** A round older than this is dropped (the evaluator's dead-man's switch has long alarmed by then). */
    static final Duration RETENTION = Duration.hours(1);

    /**
     * @param evaluator the function that consumes the rounds (its {@code live} alias)
     * @param shards    rounds per minute
     * @param rate      how often the rounds are scheduled (a minute)
     * @param settle    the queue's delivery delay: how long after its minute a round is evaluated
     */
    public record Props(LongwatchFunction evaluator, int shards, Duration rate, Duration settle) {
        public Props {
            Objects.requireNonNull(evaluator, "evaluator");
            Objects.requireNonNull(rate, "rate");
            Objects.requireNonNull(settle, "settle");
            if (shards < 1) {
                throw new IllegalArgumentException("at least one shard, got " + shards);
            }
            if (settle.toSeconds().intValue() < 0 || settle.toSeconds().intValue() > 900) {
                throw new IllegalArgumentException("SQS delays delivery by 0 to 900 s, got " + settle.toSeconds());
            }
        }
    }

    private final Queue queue;
    private final Queue deadLetters;
    private final ScheduleGroup group;
    private final Role role;
    private final List<Schedule> schedules = new ArrayList<>();

    public EvaluatorRounds(Construct scope, String id, Props props) {
        super(scope, id);
        LongwatchFunction evaluator = props.evaluator();

        this.deadLetters = Queue.Builder.create(this, "DeadLetters")
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                // A record of a minute not evaluated (and why): a week is enough to notice and look.
                .retentionPeriod(Duration.days(7))
                .build();
        // (No dead-letter queue of its own: cdk-nag knows it as the rounds queue's.)

        // Visibility: twice the evaluator's timeout, so a round still being evaluated is not handed to a second
        // evaluator, yet a failed round is retried within about two minutes (Lambda's advice of six times covers
        // batching windows and throttled batches; a round is one message, gathered without a window).
        long timeout = evaluator.function().getTimeout() == null ? 60
                : evaluator.function().getTimeout().toSeconds().longValue();
        this.queue = Queue.Builder.create(this, "Queue")
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .deliveryDelay(props.settle())
                .visibilityTimeout(Duration.seconds(timeout * 2))
                .retentionPeriod(RETENTION)
                .deadLetterQueue(DeadLetterQueue.builder().queue(deadLetters).maxReceiveCount(MAX_RECEIVES).build())
                .build();

        this.group = ScheduleGroup.Builder.create(this, "Group")
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();
        // The scheduler's own role: it may put rounds on the queue and failed ticks on the dead-letter queue,
        // nothing else. Only schedules of this account and this group may assume it (confused deputy).
        this.role = FunctionSchedule.schedulerRole(this, group,
                "EventBridge Scheduler: puts the Longwatch evaluator's rounds on their queue");

        for (int i = 0; i < props.shards(); i++) {
            Map<String, Object> round = new LinkedHashMap<>();
            round.put("shard", i);
            round.put("shardCount", props.shards());
            // The minute to evaluate: the tick's scheduled time, however late the round is delivered.
            round.put("time", ContextAttribute.getScheduledTime());
            Schedule schedule = Schedule.Builder.create(this, "Shard" + i)
                    .description("Evaluator round of shard " + (i + 1) + " of " + props.shards() + ", evaluated "
                            + props.settle().toSeconds() + " s after its minute")
                    .scheduleGroup(group)
                    .schedule(ScheduleExpression.rate(props.rate()))
                    // Exactly on the minute: the settle time is counted from there.
                    .timeWindow(TimeWindow.off())
                    .target(SqsSendMessage.Builder.create(queue)
                            .role(role)
                            .input(ScheduleTargetInput.fromObject(round))
                            // Putting a message on a queue: a tick not delivered within a minute is the next
                            // minute's business.
                            .retryAttempts(3)
                            .maxEventAge(Duration.seconds(60))
                            .deadLetterQueue(deadLetters)
                            .build())
                    .build();
            // The schedule names its group by a literal name (no reference CloudFormation could order by), so the
            // group must exist first; and the role's policy, so the first tick may already send.
            schedule.getNode().addDependency(group, role);
            schedules.add(schedule);
        }

        // One round per invocation, so the shards of a minute are evaluated in parallel; partial batch failures
        // hand a failed round back. At most as many concurrent evaluators as shards (SQS's minimum is 2).
        evaluator.alias().addEventSource(SqsEventSource.Builder.create(queue)
                .batchSize(1)
                .reportBatchItemFailures(true)
                .maxConcurrency(Math.max(2, props.shards()))
                .build());
    }

    /** The queue of evaluator rounds. */
    public Queue queue() {
        return queue;
    }

    /** Rounds that failed {@link #MAX_RECEIVES} times, and ticks the scheduler could not put on the queue. */
    public Queue deadLetters() {
        return deadLetters;
    }

    public ScheduleGroup group() {
        return group;
    }

    public Role role() {
        return role;
    }

    /** One per shard, in shard order. */
    public List<Schedule> schedules() {
        return List.copyOf(schedules);
    }
}

package dev.longwatch.infra.construct;

import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.CreateAlarmOptions;
import software.amazon.awscdk.services.cloudwatch.Dashboard;
import software.amazon.awscdk.services.cloudwatch.GraphWidget;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.MathExpression;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TextWidget;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.sqs.IQueue;
import software.constructs.Construct;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The alarms and dashboard rows of the alerting path (in addition to the errors and throttles every function gets
 * in {@link PlatformAlarms}): a dead-man's switch for the evaluator, which must run every minute per shard; the
 * dead-letter queues (transitions the notifier gave up on, evaluator rounds that failed or were not delivered, flush
 * ticks the scheduler could not deliver); and
 * notifications waiting too long on the queue.
 */
public final class AlertingAlarms extends Construct {
    private static final Duration PERIOD = Duration.minutes(5);
    private static final Duration GRAPH_PERIOD = Duration.minutes(1);
    /** The oldest transition waiting longer than this means notifications are late. */
    static final Duration NOTIFY_DELAY = Duration.minutes(5);

    public record Props(OperatorAlerts alerts, AlertEvaluator evaluator, NotificationPipeline notifications) {
        public Props {
            Objects.requireNonNull(alerts, "alerts");
            Objects.requireNonNull(evaluator, "evaluator");
            Objects.requireNonNull(notifications, "notifications");
        }
    }

    private final Props props;
    private final Alarm evaluatorNotRunning;

    public AlertingAlarms(Construct scope, String id, Props props) {
        super(scope, id);
        this.props = props;
        OperatorAlerts alerts = props.alerts();
        AlertEvaluator evaluator = props.evaluator();

        int shards = evaluator.shards();
        long perShard = PERIOD.toMinutes().longValue() / AlertEvaluator.EVERY.toMinutes().longValue();
        long expected = perShard * shards;
        // One tick per shard may slip across a period boundary; anything less is a stopped (or partly stopped)
        // evaluator.
        long threshold = expected - shards;
        this.evaluatorNotRunning = alerts.route(evaluator.function().function().metricInvocations(
                MetricOptions.builder().statistic("Sum").period(PERIOD).build()).createAlarm(this,
                "EvaluatorNotRunning", CreateAlarmOptions.builder()
                        .alarmDescription("Dead-man's switch: the evaluator ran fewer than " + threshold + " of its "
                                + expected + " expected times (" + shards + " shard(s), every minute) in each of two"
                                + " 5-minute periods, or not at all. Monitors are not evaluated and no alert fires."
                                + " Check that its EventBridge schedules are enabled, EvaluatorScheduleFailed, and the"
                                + " account's Lambda throttles and concurrency.")
                        .threshold(threshold)
                        .comparisonOperator(ComparisonOperator.LESS_THAN_THRESHOLD)
                        .evaluationPeriods(2)
                        .datapointsToAlarm(2)
                        // A stopped evaluator publishes no datapoint at all: exactly what this alarm is for.
                        .treatMissingData(TreatMissingData.BREACHING)
                        .build()));

        alerts.route(queueAlarm("NotificationsGaveUp", props.notifications().deadLetters(),
                "The notifier failed on alert transitions " + NotificationPipeline.MAX_RECEIVES + " times and moved"
                        + " them to its dead-letter queue: those notifications were not (all) delivered. The"
                        + " Notifier log says why (channel refused, secret unreadable); fix it, then redrive the"
                        + " dead-letter queue to the notification queue (infra-cdk/README.md)."));
        alerts.route(queueAlarm("EvaluatorScheduleFailed", evaluator.rounds().deadLetters(),
                "A minute of a shard was not evaluated: the evaluator failed its round " + EvaluatorRounds.MAX_RECEIVES
                        + " times, or EventBridge Scheduler could not put the round on its queue (retries"
                        + " exhausted). Each message on the rounds' dead-letter queue is such a minute; the Evaluator"
                        + " log (or the message's error attributes) says why. Fix the cause, then purge the queue;"
                        + " the next minute evaluates again (infra-cdk/README.md)."));
        alerts.route(queueAlarm("NotifierFlushScheduleFailed", props.notifications().flushSchedule().deadLetters(),
                "EventBridge Scheduler could not invoke the notifier's group flush: grouped notifications and"
                        + " repeats wait until a later run. Each message says why; fix the cause, then purge the"
                        + " queue."));
        alerts.route(props.notifications().queue().metricApproximateAgeOfOldestMessage(
                MetricOptions.builder().statistic("Maximum").period(PERIOD).build()).createAlarm(this,
                "NotificationsDelayed", CreateAlarmOptions.builder()
                        .alarmDescription("An alert transition has waited more than " + NOTIFY_DELAY.toMinutes()
                                + " minutes on the notification queue in each of two 5-minute periods: notifications"
                                + " are late. Look for Notifier errors and throttles, or a channel that answers"
                                + " slowly.")
                        .threshold(NOTIFY_DELAY.toSeconds().doubleValue())
                        .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
                        .evaluationPeriods(2)
                        .datapointsToAlarm(2)
                        .treatMissingData(TreatMissingData.NOT_BREACHING)
                        .build()));
    }

    private Alarm queueAlarm(String id, IQueue queue, String description) {
        return queue.metricApproximateNumberOfMessagesVisible(
                MetricOptions.builder().statistic("Maximum").period(PERIOD).build()).createAlarm(this, id,
                CreateAlarmOptions.builder()
                        .alarmDescription(description)
                        .threshold(1)
                        .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
                        .evaluationPeriods(1)
                        .datapointsToAlarm(1)
                        .treatMissingData(TreatMissingData.NOT_BREACHING)
                        .build());
    }

    public Alarm evaluatorNotRunning() {
        return evaluatorNotRunning;
    }

    /** The evaluator's and the notifier's rows on the platform dashboard. */
    public void addWidgets(Dashboard dashboard) {
        AlertEvaluator evaluator = props.evaluator();
        NotificationPipeline n = props.notifications();
        MetricOptions sum = MetricOptions.builder().statistic("Sum").period(GRAPH_PERIOD).build();
        MetricOptions max = MetricOptions.builder().statistic("Maximum").period(GRAPH_PERIOD).build();
        var eval = evaluator.function().function();
        dashboard.addWidgets(TextWidget.Builder.create()
                .markdown("## Alerting\nEvaluator (every minute, " + evaluator.shards() + " shard(s)) → notification"
                        + " queue → notifier → channels; the notifier's group flush runs every minute.")
                .width(24).height(2).build());
        dashboard.addWidgets(
                graph("Evaluator runs (expected " + evaluator.shards() + "/min)", List.of(
                        eval.metricInvocations(sum).with(MetricOptions.builder().label("invocations").build()),
                        eval.metricErrors(sum).with(MetricOptions.builder().label("errors").build()))),
                graph("Evaluator duration (ms)", List.of(
                        eval.metricDuration(MetricOptions.builder().statistic("p50").period(GRAPH_PERIOD).build()),
                        eval.metricDuration(MetricOptions.builder().statistic("Maximum").period(GRAPH_PERIOD)
                                .build()))),
                graph("Evaluator schedule", List.of(
                        evaluator.rounds().group().metricAttempts(sum).with(
                                MetricOptions.builder().label("rounds scheduled").build()),
                        evaluator.rounds().group().metricTargetErrors(sum).with(
                                MetricOptions.builder().label("target errors").build()),
                        evaluator.rounds().queue().metricApproximateAgeOfOldestMessage(max).with(
                                MetricOptions.builder().label("oldest round (s)").build()),
                        evaluator.rounds().deadLetters().metricApproximateNumberOfMessagesVisible(max).with(
                                MetricOptions.builder().label("minutes lost (dead-letter queue)").build()))),
                graph("Evaluator's own metrics", List.of(own(eval.getFunctionName()))));
        var notifier = n.notifier().function();
        var flush = n.flush().function();
        dashboard.addWidgets(
                graph("Notification queue", List.of(
                        n.queue().metricApproximateNumberOfMessagesVisible(max).with(
                                MetricOptions.builder().label("waiting").build()),
                        n.queue().metricApproximateAgeOfOldestMessage(max).with(
                                MetricOptions.builder().label("oldest (s)").build()),
                        n.deadLetters().metricApproximateNumberOfMessagesVisible(max).with(
                                MetricOptions.builder().label("given up (dead-letter queue)").build()))),
                graph("Notifier runs", List.of(
                        notifier.metricInvocations(sum).with(MetricOptions.builder().label("notifier").build()),
                        notifier.metricErrors(sum).with(MetricOptions.builder().label("notifier errors").build()),
                        flush.metricInvocations(sum).with(MetricOptions.builder().label("group flush").build()),
                        flush.metricErrors(sum).with(MetricOptions.builder().label("flush errors").build()))),
                graph("Notifier duration p99 (ms)", List.of(
                        notifier.metricDuration(MetricOptions.builder().statistic("p99").period(GRAPH_PERIOD)
                                .label("notifier").build()),
                        flush.metricDuration(MetricOptions.builder().statistic("p99").period(GRAPH_PERIOD)
                                .label("group flush").build()))),
                graph("Notifier's own metrics", List.of(own(notifier.getFunctionName()))));
    }

    /** Whatever the function publishes in the Longwatch namespace (deliveries, transitions, ...), one line each. */
    private static IMetric own(String function) {
        return MathExpression.Builder.create()
                .expression("SEARCH('{" + PlatformDashboard.NAMESPACE + ",Function} Function=\"" + function
                        + "\"', 'Sum', " + GRAPH_PERIOD.toSeconds() + ")")
                .usingMetrics(Map.<String, IMetric>of())
                .label("")
                .period(GRAPH_PERIOD)
                .build();
    }

    private static GraphWidget graph(String title, List<? extends IMetric> metrics) {
        return GraphWidget.Builder.create().title(title).left(new ArrayList<IMetric>(metrics)).width(6).height(6)
                .build();
    }
}

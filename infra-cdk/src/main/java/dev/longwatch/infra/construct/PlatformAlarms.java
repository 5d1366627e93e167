package dev.longwatch.infra.construct;

import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.apigatewayv2.HttpStage;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.CreateAlarmOptions;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.constructs.Construct;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The alarms that tell operators the platform itself is unwell. Each description says what it means and
 * where to look, since it is what arrives in the operator's mailbox.
 */
public final class PlatformAlarms extends Construct {
    private static final Duration PERIOD = Duration.minutes(5);
    /** Hour rollups trailing the clock by more than this are late (current is about 65 minutes). */
    static final Duration COMPACTOR_LAG = Duration.hours(3);

    /**
     * @param functions     every function, for errors and throttles
     * @param maxLag        the rollup consumer's iterator age above which it is falling behind
     */
    public record Props(OperatorAlerts alerts, List<LongwatchFunction> functions, RollupConsumer rollup,
                        ScheduledCompactor compactor, CloudWatchImporter importer, HttpStage api, Duration maxLag) {
        public Props {
            Objects.requireNonNull(alerts, "alerts");
            functions = List.copyOf(functions);
            Objects.requireNonNull(rollup, "rollup");
            Objects.requireNonNull(compactor, "compactor");
            Objects.requireNonNull(importer, "importer");
            Objects.requireNonNull(api, "api");
            Objects.requireNonNull(maxLag, "maxLag");
        }
    }

    public PlatformAlarms(Construct scope, String id, Props props) {
        super(scope, id);
        OperatorAlerts alerts = props.alerts();

        alerts.route(alarm("RollupGaveUp",
                props.rollup().onFailureQueue().metricApproximateNumberOfMessagesVisible(
                        MetricOptions.builder().statistic("Maximum").period(PERIOD).build()),
                1, 1, "The rollup consumer gave up on stream records (retries exhausted or records older than the"
                        + " maximum age): their points are not in the rollups. Each message on the on-failure"
                        + " queue names a shard and sequence range; replay them while the stream still holds"
                        + " them (infra-cdk/README.md, 'Records the rollup consumer gave up on')."));

        double lagMillis = props.maxLag().toMilliseconds().doubleValue();
        alerts.route(alarm("RollupLagging",
                props.rollup().function().function().metric("IteratorAge",
                        MetricOptions.builder().statistic("Maximum").period(PERIOD).build()),
                lagMillis, 2, "The rollup consumer is more than " + props.maxLag().toMinutes() + " minutes behind"
                        + " the stream for 10 minutes: charts lag and records approach the maximum age. Look for"
                        + " rollup errors, DynamoDB throttling, or a stream that needs more shards."));

        compactorAlarms(alerts, props.compactor());
        alerts.route(alarm("CloudWatchImportScheduleFailed",
                props.importer().schedule().deadLetters().metricApproximateNumberOfMessagesVisible(
                        MetricOptions.builder().statistic("Maximum").period(PERIOD).build()),
                1, 1, "EventBridge Scheduler could not invoke the CloudWatch importer (retries exhausted): each"
                        + " message on its dead-letter queue is a lost tick and says why. The next run resumes every"
                        + " job from its cursor; fix the cause, then purge the queue."));

        alerts.route(alarm("ApiServerErrors",
                props.api().metricServerError(MetricOptions.builder().statistic("Sum").period(PERIOD).build()),
                5, 2, "The tenant API answered 5xx at least 5 times in each of two 5-minute periods. 503s mean Kinesis"
                        + " refused records after retries (stream throttled: add shards or use on-demand); see"
                        + " the API access logs and the ingest and query function logs."));

        for (LongwatchFunction f : props.functions()) {
            String name = f.getNode().getId();
            alerts.route(alarm(name + "Errors",
                    f.function().metricErrors(MetricOptions.builder().statistic("Sum").period(PERIOD).build()),
                    1, 1, "The " + name + " function failed invocations (uncaught errors or timeouts). Its log"
                            + " group holds the stack traces."));
            alerts.route(alarm(name + "Throttles",
                    f.function().metricThrottles(MetricOptions.builder().statistic("Sum").period(PERIOD).build()),
                    1, 1, "Lambda throttled the " + name + " function: the account's concurrency is exhausted."
                            + " Request a higher concurrency quota or find what else uses it."));
        }
    }

    /**
     * The compactor runs every minute, so silence is the failure to watch for: a dead-man's switch on its
     * invocations (missing data breaches), the schedule's dead-letter queue, and its lag behind the clock.
     */
    private void compactorAlarms(OperatorAlerts alerts, ScheduledCompactor compactor) {
        long expected = PERIOD.toMinutes().longValue() / ScheduledCompactor.EVERY.toMinutes().longValue();
        alerts.route(compactor.function().function().metricInvocations(
                MetricOptions.builder().statistic("Sum").period(PERIOD).build()).createAlarm(this, "CompactorNotRunning",
                CreateAlarmOptions.builder()
                        .alarmDescription("Dead-man's switch: the compactor ran fewer than " + (expected - 1)
                                + " of its " + expected + " expected times in each of two 5-minute periods (or not at"
                                + " all). Hour and day rollups stop being built and hourly queries stop advancing."
                                + " Check that its EventBridge schedule is enabled, its dead-letter queue, and the"
                                + " Lambda throttles and concurrency of the account.")
                        // One tick may slip across a period boundary; two missing in a row is a stopped compactor.
                        .threshold(expected - 1)
                        .comparisonOperator(ComparisonOperator.LESS_THAN_THRESHOLD)
                        .evaluationPeriods(2)
                        .datapointsToAlarm(2)
                        // No invocations publish no datapoint at all: exactly what this alarm exists to catch.
                        .treatMissingData(TreatMissingData.BREACHING)
                        .build()));

        alerts.route(alarm("CompactorScheduleFailed",
                compactor.deadLetters().metricApproximateNumberOfMessagesVisible(
                        MetricOptions.builder().statistic("Maximum").period(PERIOD).build()),
                1, 1, "EventBridge Scheduler could not invoke the compactor (retries exhausted): each message on the"
                        + " compactor's dead-letter queue is a lost tick and says why (permissions, a missing alias,"
                        + " throttling). Missed ticks are made up by later runs; fix the cause, then purge the queue."));

        alerts.route(alarm("CompactorBehind",
                Metric.Builder.create().namespace(PlatformDashboard.NAMESPACE).metricName("CompactorLagMillis")
                        .dimensionsMap(Map.of("Function", compactor.function().function().getFunctionName()))
                        .statistic("Minimum").period(PERIOD).build(),
                COMPACTOR_LAG.toMilliseconds().doubleValue(), 3, "The compactor runs, but the hour rollups of the"
                        + " most behind tenant trail the clock by more than " + COMPACTOR_LAG.toHours() + " hours"
                        + " for 15 minutes (about 65 minutes is current): runs fail for a tenant or cannot keep up."
                        + " See CompactorFailedTenants on the dashboard and the compactor's log."));
    }

    private Alarm alarm(String id, Metric metric, double threshold, int periods, String description) {
        return metric.createAlarm(this, id, CreateAlarmOptions.builder()
                .alarmDescription(description)
                .threshold(threshold)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
                .evaluationPeriods(periods)
                .datapointsToAlarm(periods)
                // No data means no traffic (or no failures) in the period, which is healthy.
                .treatMissingData(TreatMissingData.NOT_BREACHING)
                .build());
    }
}

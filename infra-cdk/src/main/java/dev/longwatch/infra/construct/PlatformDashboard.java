package dev.longwatch.infra.construct;

import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.apigatewayv2.HttpStage;
import software.amazon.awscdk.services.cloudwatch.AlarmStatusWidget;
import software.amazon.awscdk.services.cloudwatch.Dashboard;
import software.amazon.awscdk.services.cloudwatch.GraphWidget;
import software.amazon.awscdk.services.cloudwatch.IAlarm;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.IWidget;
import software.amazon.awscdk.services.cloudwatch.MathExpression;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TextWidget;
import software.amazon.awscdk.services.kinesis.IStream;
import software.constructs.Construct;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * One CloudWatch dashboard of the platform, in the order a datapoint travels: API, ingest, stream, rollups,
 * compaction, DynamoDB, then the functions and the alarms. The {@code Longwatch} namespace holds the functions' own
 * metrics (Embedded Metric Format, dimension {@code Function}; see docs/operations.md).
 */
public final class PlatformDashboard extends Construct {
    public static final String NAMESPACE = "Longwatch";
    private static final Duration PERIOD = Duration.minutes(1);

    public record Props(String name, HttpStage api, IStream stream, LongwatchFunction ingest,
                        RollupConsumer rollup, ScheduledCompactor compactor, LongwatchFunction metricStream,
                        CloudWatchImporter importer, List<LongwatchFunction> functions,
                        List<? extends IAlarm> alarms) {
        public Props {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(api, "api");
            Objects.requireNonNull(stream, "stream");
            Objects.requireNonNull(ingest, "ingest");
            Objects.requireNonNull(rollup, "rollup");
            Objects.requireNonNull(compactor, "compactor");
            Objects.requireNonNull(metricStream, "metricStream");
            Objects.requireNonNull(importer, "importer");
            functions = List.copyOf(functions);
            alarms = List.copyOf(alarms);
        }
    }

    private final Dashboard dashboard;

    public PlatformDashboard(Construct scope, String id, Props props) {
        super(scope, id);
        this.dashboard = Dashboard.Builder.create(this, "Dashboard")
                .dashboardName(props.name())
                .defaultInterval(Duration.hours(3))
                .build();
        String ingest = props.ingest().function().getFunctionName();
        String rollup = props.rollup().function().function().getFunctionName();
        MetricOptions sum = MetricOptions.builder().statistic("Sum").period(PERIOD).build();

        dashboard.addWidgets(TextWidget.Builder.create()
                .markdown("# Longwatch\nTenant API → ingest → Kinesis → rollups → DynamoDB. Namespace `"
                        + NAMESPACE + "` holds the functions' own counters (docs/operations.md).")
                .width(24).height(2).build());

        dashboard.addWidgets(
                graph("API requests", List.of(props.api().metricCount(sum))),
                graph("API errors", List.of(props.api().metricClientError(sum), props.api().metricServerError(sum))),
                graph("API latency (ms)", List.of(
                        props.api().metricLatency(MetricOptions.builder().statistic("p50").period(PERIOD).build()),
                        props.api().metricLatency(MetricOptions.builder().statistic("p99").period(PERIOD).build()))));

        dashboard.addWidgets(
                graph("Accepted by ingest", List.of(own("PointsAccepted", ingest), own("EventsAccepted", ingest))),
                graph("Rejected by ingest, by reason", List.of(search("ItemsRejected", "Reason", ingest))),
                graph("Stream in", List.of(
                        props.stream().metricIncomingRecords(sum),
                        props.stream().metricWriteProvisionedThroughputExceeded(sum))));

        String streams = props.metricStream().function().getFunctionName();
        String importer = props.importer().function().function().getFunctionName();
        dashboard.addWidgets(
                graph("CloudWatch metric streams (Firehose)", List.of(own("MetricStreamPointsAccepted", streams),
                        own("MetricStreamItemsRejected", streams), own("MetricStreamDuplicateDeliveries", streams))),
                graph("CloudWatch import", List.of(own("CloudWatchPointsImported", importer),
                        own("CloudWatchImportRequests", importer))),
                graph("CloudWatch import trouble", List.of(own("CloudWatchImportFailures", importer),
                        props.importer().schedule().deadLetters().metricApproximateNumberOfMessagesVisible(
                                MetricOptions.builder().statistic("Maximum").period(PERIOD)
                                        .label("ticks lost (dead-letter queue)").build()))));

        dashboard.addWidgets(
                graph("Rolled up", 6, List.of(own("PointsRolledUp", rollup),
                        own("PointsSkippedAsDuplicate", rollup))),
                graph("Slab writes", 6, List.of(own("RollupWrites", rollup), own("RollupWriteConflicts", rollup))),
                graph("Unusable stream input", 6, List.of(own("UnreadableRecords", rollup),
                        own("StreamItemsRejected", rollup))),
                graph("Rollup lag (ms)", 6, List.of(
                        Metric.Builder.create().namespace(NAMESPACE).metricName("StreamLagMillis")
                                .dimensionsMap(Map.of("Function", rollup)).statistic("Maximum").period(PERIOD)
                                .label("StreamLagMillis (oldest record of a batch)").build(),
                        props.rollup().function().function().metric("IteratorAge",
                                MetricOptions.builder().statistic("Maximum").period(PERIOD).build()))));

        String compactor = props.compactor().function().function().getFunctionName();
        MetricOptions max = MetricOptions.builder().statistic("Maximum").period(PERIOD).build();
        dashboard.addWidgets(
                graph("Compacted slots (hours, days)", 6, List.of(own("CompactedHours", compactor),
                        own("CompactedDays", compactor))),
                graph("Compactor writes and recomputes", 6, List.of(own("CompactorWrites", compactor),
                        own("RecomputesDone", compactor), own("RecomputesExpired", compactor))),
                graph("Compactor lag (ms; ~65 min is current)", 6, List.of(
                        Metric.Builder.create().namespace(NAMESPACE).metricName("CompactorLagMillis")
                                .dimensionsMap(Map.of("Function", compactor)).statistic("Maximum").period(PERIOD)
                                .label("CompactorLagMillis (most behind tenant's hours)").build())),
                graph("Compactor trouble", 6, List.of(own("CompactorFailedTenants", compactor),
                        own("CompactorSlotsSkipped", compactor))));
        dashboard.addWidgets(
                graph("Late and expired input (rollup)", List.of(own("RecomputeRequested", rollup),
                        own("PointsPastRetention", rollup))),
                graph("Compactor schedule", List.of(
                        props.compactor().group().metricAttempts(sum).with(
                                MetricOptions.builder().label("invocation attempts").build()),
                        props.compactor().group().metricTargetErrors(sum).with(
                                MetricOptions.builder().label("target errors").build()),
                        props.compactor().group().metricSentToDLQ(sum).with(
                                MetricOptions.builder().label("sent to dead-letter queue").build()),
                        props.compactor().function().function().metricInvocations(sum).with(
                                MetricOptions.builder().label("compactor invocations").build()))),
                graph("Compactor ticks lost (dead-letter queue)", List.of(
                        props.compactor().deadLetters().metricApproximateNumberOfMessagesVisible(max))));

        dashboard.addWidgets(
                graph("DynamoDB write units, by table", List.of(search("DynamoDbWriteUnits", "Table", null))),
                graph("DynamoDB read units, by table", List.of(search("DynamoDbReadUnits", "Table", null))),
                graph("Records given up (on-failure queue)", List.of(
                        props.rollup().onFailureQueue().metricApproximateNumberOfMessagesVisible(
                                MetricOptions.builder().statistic("Maximum").period(PERIOD).build()))));

        dashboard.addWidgets(
                perFunction("Invocations", props.functions(), f -> f.function().metricInvocations(sum)),
                perFunction("Errors", props.functions(), f -> f.function().metricErrors(sum)),
                perFunction("Throttles", props.functions(), f -> f.function().metricThrottles(sum)),
                perFunction("Duration p99 (ms)", props.functions(), f -> f.function().metricDuration(
                        MetricOptions.builder().statistic("p99").period(PERIOD).build())));

        if (!props.alarms().isEmpty()) {
            dashboard.addWidgets(AlarmStatusWidget.Builder.create()
                    .title("Alarms")
                    .alarms(new ArrayList<IAlarm>(props.alarms()))
                    .width(24)
                    .build());
        }
    }

    private static Metric own(String name, String function) {
        return Metric.Builder.create().namespace(NAMESPACE).metricName(name)
                .dimensionsMap(Map.of("Function", function)).statistic("Sum").period(PERIOD).label(name).build();
    }

    /** One line per value of {@code dimension}, whatever values appear (new reasons, new tables). */
    private static IMetric search(String name, String dimension, String function) {
        String filter = function == null ? "" : " Function=\"" + function + "\"";
        return MathExpression.Builder.create()
                .expression("SEARCH('{" + NAMESPACE + ",Function," + dimension + "} MetricName=\"" + name + "\""
                        + filter + "', 'Sum', " + PERIOD.toSeconds() + ")")
                .usingMetrics(Map.of())
                .label("")
                .period(PERIOD)
                .build();
    }

    private static GraphWidget graph(String title, List<? extends IMetric> metrics) {
        return graph(title, 8, metrics);
    }

    private static GraphWidget graph(String title, int width, List<? extends IMetric> metrics) {
        return GraphWidget.Builder.create().title(title).left(new ArrayList<IMetric>(metrics))
                .width(width).height(6).build();
    }

    private static IWidget perFunction(String title, List<LongwatchFunction> functions,
                                       Function<LongwatchFunction, Metric> metric) {
        List<IMetric> metrics = new ArrayList<>();
        for (LongwatchFunction f : functions) {
            metrics.add(metric.apply(f).with(MetricOptions.builder().label(f.getNode().getId()).build()));
        }
        return GraphWidget.Builder.create().title(title).left(metrics).width(6).height(6).build();
    }

    public Dashboard dashboard() {
        return dashboard;
    }
}

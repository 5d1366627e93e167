package dev.longwatch.infra;

import dev.longwatch.infra.construct.AlertingAlarms;
import dev.longwatch.infra.construct.CloudWatchImporter;
import dev.longwatch.infra.construct.IngestApi;
import dev.longwatch.infra.construct.LongwatchFunction;
import dev.longwatch.infra.construct.OperatorAlerts;
import dev.longwatch.infra.construct.PlatformAlarms;
import dev.longwatch.infra.construct.PlatformDashboard;
import dev.longwatch.infra.construct.RollupConsumer;
import dev.longwatch.infra.construct.ScheduledCompactor;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.kinesis.IStream;
import software.constructs.Construct;

import java.util.List;
import java.util.Objects;

/**
 * How operators watch the platform itself: the operator topic, the alarms and the dashboard. New functions
 * (evaluator, notifier, ...) join through {@link Props#functions()}; their own alarms (such as the
 * compactor's dead-man's switch) are routed through {@link #alerts()}.
 */
public final class ObservabilityStack extends Stack {

    /** @param alerting the evaluator and the notification path (their alarms and dashboard rows) */
    public record Props(LongwatchConfig config, IStream stream, IngestApi api, RollupConsumer rollup,
                        ScheduledCompactor compactor, CloudWatchImporter importer, List<LongwatchFunction> functions,
                        AlertingStack alerting) {
        public Props {
            Objects.requireNonNull(config, "config");
            Objects.requireNonNull(stream, "stream");
            Objects.requireNonNull(api, "api");
            Objects.requireNonNull(rollup, "rollup");
            Objects.requireNonNull(compactor, "compactor");
            Objects.requireNonNull(importer, "importer");
            functions = List.copyOf(functions);
            Objects.requireNonNull(alerting, "alerting");
        }
    }

    private final OperatorAlerts alerts;
    private final PlatformDashboard dashboard;

    public ObservabilityStack(Construct scope, String id, StackProps stackProps, Props props) {
        super(scope, id, stackProps);
        this.alerts = new OperatorAlerts(this, "OperatorAlerts", new OperatorAlerts.Props(props.config().alarmEmail()));
        new PlatformAlarms(this, "Alarms", new PlatformAlarms.Props(alerts, props.functions(), props.rollup(),
                props.compactor(), props.importer(), props.api().stage(), Duration.minutes(props.config().iteratorAgeAlarmMinutes())));
        // Before the dashboard, whose alarm status shows every alarm routed so far.
        AlertingAlarms alerting = new AlertingAlarms(this, "AlertingAlarms", new AlertingAlarms.Props(alerts,
                props.alerting().evaluator(), props.alerting().notifications()));
        this.dashboard = new PlatformDashboard(this, "Dashboard", new PlatformDashboard.Props(
                "Longwatch-" + props.config().stage(), props.api().stage(), props.stream(), props.api().ingest(),
                props.rollup(), props.compactor(), props.api().metricStream(), props.importer(), props.functions(),
                alerts.alarms()));
        alerting.addWidgets(dashboard.dashboard());
        CfnOutput.Builder.create(this, "OperatorTopicArn").value(alerts.topic().getTopicArn())
                .description("Subscribe operators (e-mail, chat, paging) to the platform's alarms here")
                .build();
    }

    public OperatorAlerts alerts() {
        return alerts;
    }

    public PlatformDashboard dashboard() {
        return dashboard;
    }
}

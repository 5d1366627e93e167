package dev.longwatch.infra;

import dev.longwatch.infra.construct.AlertEvaluator;
import dev.longwatch.infra.construct.AlertingApi;
import dev.longwatch.infra.construct.ArchiveBucket;
import dev.longwatch.infra.construct.CdkHelperFunctions;
import dev.longwatch.infra.construct.ConsoleApi;
import dev.longwatch.infra.construct.FunctionSettings;
import dev.longwatch.infra.construct.IngestApi;
import dev.longwatch.infra.construct.LongwatchFunction;
import dev.longwatch.infra.construct.NotificationPipeline;
import dev.longwatch.infra.construct.TableSet;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import io.github.cdklabs.cdknag.RegexAppliesTo;
import software.constructs.Construct;


import java.util.List;
import java.util.Objects;

/**
 * Monitors to notifications: the evaluator on its schedules and queue of rounds, the notification queue and the notifier, the alert
 * topic, the channel-secrets key, the charts bucket, the alerting and notification handlers on the tenant API, and
 * the console API (the same handlers for console users). Deployed after the data, ingest and console stacks, whose
 * tables, tenant API and user pool it uses.
 */
public final class AlertingStack extends Stack {

    /**
     * @param publicApiUrl the tenant API's address as users reach it (the custom domain if there is one)
     * @param archive      the raw-point archive, read by chat's {@code graph} for the newest minutes when the rollup
     *                     window is longer than a minute (may be null: then graphs read the rollups only)
     */
    public record Props(LongwatchConfig config, AlertingConfig alerting, TableSet tables, IngestApi tenantApi,
                        String publicApiUrl, ConsoleStack console, FunctionSettings functions, ArchiveBucket archive) {
        public Props(LongwatchConfig config, AlertingConfig alerting, TableSet tables, IngestApi tenantApi,
                     String publicApiUrl, ConsoleStack console, FunctionSettings functions) {
            this(config, alerting, tables, tenantApi, publicApiUrl, console, functions, null);
        }

        public Props {
            Objects.requireNonNull(config, "config");
            Objects.requireNonNull(alerting, "alerting");
            Objects.requireNonNull(tables, "tables");
            Objects.requireNonNull(tenantApi, "tenantApi");
            Objects.requireNonNull(publicApiUrl, "publicApiUrl");
            Objects.requireNonNull(console, "console");
            Objects.requireNonNull(functions, "functions");
        }
    }

    private final NotificationPipeline notifications;
    private final AlertEvaluator evaluator;
    private final AlertingApi api;
    private final ConsoleApi consoleApi;

    public AlertingStack(Construct scope, String id, StackProps stackProps, Props props) {
        super(scope, id, stackProps);
        LongwatchConfig c = props.config();
        String consoleUrl = props.console().site().url();
        this.notifications = new NotificationPipeline(this, "Notifications", new NotificationPipeline.Props(
                props.tables(), props.functions(), c.rollupRetention(), consoleUrl, props.publicApiUrl(),
                props.alerting().notifierMemoryMb(), c.production(), props.alerting().snsChannelTopicArns()));
        this.evaluator = new AlertEvaluator(this, "Evaluation", new AlertEvaluator.Props(props.tables(),
                props.functions(), c.rollupRetention(), notifications.queue(), props.alerting().evaluatorShards(),
                software.amazon.awscdk.Duration.seconds(props.alerting().evaluationSettleSeconds())));
        this.api = new AlertingApi(this, "Handlers", new AlertingApi.Props(props.tables(), props.functions(),
                c.rollupRetention(), props.tenantApi().api(), notifications.queue(), notifications.secretsKey(),
                consoleUrl, props.publicApiUrl(), new AlertingApi.Graphs(notifications.charts(), props.archive(),
                IngestStack.freshFromArchiveSeconds(c), c.minuteTierFromArchive())));
        this.consoleApi = new ConsoleApi(this, "ConsoleApi", new ConsoleApi.Props(
                props.console().users().pool(), props.console().users().client(), consoleUrl,
                props.console().users().signInUrl(), props.publicApiUrl(), props.console().site().bucket(),
                props.console().site().distribution(), api.monitors().alias(), api.notifications().alias(),
                props.tenantApi().query().alias(), props.functions(), c.apiRateLimit(), c.apiBurstLimit()));
        CdkHelperFunctions.excuse(this);
        // Table.grant adds "<table>/index/*" once a table has an index. The notifications table has exactly one,
        // the sparse due-work index gsi1 (LongwatchTables.DUE_INDEX), so the wildcard names nothing else.
        NagPackSuppression dueIndex = NagPackSuppression.builder().id("AwsSolutions-IAM5")
                .reason("the notifications table's only index is gsi1, the sparse index of due work the notifier "
                        + "queries; Table.grant writes it as index/*")
                .appliesTo(List.of(RegexAppliesTo.builder()
                        .regex("/^Resource::<TablesNotifications[0-9A-F]+\\.Arn>\\/index\\/\\*$/").build()))
                .build();
        for (LongwatchFunction f : List.of(notifications.notifier(), notifications.flush(), api.notifications(),
                api.chat())) {
            NagSuppressions.addResourceSuppressions(f.role().getNode().findChild("DefaultPolicy"), List.of(dueIndex));
        }

        CfnOutput.Builder.create(this, "ConsoleApiUrl").value(consoleApi.url())
                .description("The console's API (Cognito ID tokens); the console reads it from /config.json").build();
        CfnOutput.Builder.create(this, "NotifyDeadLetterQueueUrl").value(notifications.deadLetters().getQueueUrl())
                .description("Transitions the notifier gave up on (see infra-cdk/README.md)").build();
        CfnOutput.Builder.create(this, "EvaluatorRoundsDeadLetterQueueUrl")
                .value(evaluator.rounds().deadLetters().getQueueUrl())
                .description("Minutes of a shard that were not evaluated (see infra-cdk/README.md)").build();
        CfnOutput.Builder.create(this, "AlertTopicArn").value(notifications.alertTopic().getTopicArn())
                .description("Every alert transition is published here: subscribe other systems").build();
        CfnOutput.Builder.create(this, "SlackRequestUrl").value(props.publicApiUrl() + "v1/chat/slack/commands")
                .description("Slack app: slash command request URL (interactions: .../v1/chat/slack/interactions)")
                .build();
    }

    public NotificationPipeline notifications() {
        return notifications;
    }

    public AlertEvaluator evaluator() {
        return evaluator;
    }

    public AlertingApi api() {
        return api;
    }

    public ConsoleApi consoleApi() {
        return consoleApi;
    }

    /** Every function of the stack, for the platform's errors and throttles alarms and the dashboard. */
    public List<LongwatchFunction> functions() {
        return List.of(evaluator.function(), notifications.notifier(), notifications.flush(), api.monitors(),
                api.notifications(), api.chat());
    }
}

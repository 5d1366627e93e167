package dev.longwatch.infra.construct;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.kinesis.IStream;
import software.constructs.Construct;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The CloudWatch importer (docs/importing.md): on a schedule, copies the configured metrics with
 * {@code GetMetricData} onto the stream, resuming each job from its cursor in the state table.
 */
public final class CloudWatchImporter extends Construct {
    static final String HANDLER = "dev.longwatch.handler.ScheduledCloudWatchImportHandler";

    /**
     * @param jobs  the jobs as a JSON array ({@code LONGWATCH_CLOUDWATCH_IMPORTS}); empty leaves the table's jobs
     * @param every how often a run starts
     */
    public record Props(TableSet tables, IStream stream, FunctionSettings functions, Optional<String> jobs,
                        Duration every) {
        public Props {
            Objects.requireNonNull(tables, "tables");
            Objects.requireNonNull(stream, "stream");
            Objects.requireNonNull(functions, "functions");
            Objects.requireNonNull(jobs, "jobs");
            Objects.requireNonNull(every, "every");
        }
    }

    private final LongwatchFunction function;
    private final FunctionSchedule schedule;

    public CloudWatchImporter(Construct scope, String id, Props props) {
        super(scope, id);
        Map<String, String> env = new HashMap<>(props.tables().environmentFor(props.tables().state()));
        env.put("LONGWATCH_STREAM_NAME", props.stream().getStreamName());
        props.jobs().ifPresent(j -> env.put("LONGWATCH_CLOUDWATCH_IMPORTS", j));
        // 1 GB; 10 minutes: a run works until 30 s before its timeout, and the job lease (16 minutes) outlasts
        // any invocation. A first run reaches back 454 days, which several runs finish.
        this.function = new LongwatchFunction(this, "Importer", new LongwatchFunction.Props(HANDLER,
                "Longwatch CloudWatch importer: GetMetricData of the configured jobs onto the stream", 1024,
                Duration.minutes(10), env, props.functions()));

        // Least privilege, what CloudWatchImportService calls through its adapters: jobs and cursors in the state
        // table (DynamoDbImportJobStore: Query, GetItem, UpdateItem, DeleteItem), records onto the stream.
        props.tables().state().grant(function.alias(), "dynamodb:Query", "dynamodb:GetItem", "dynamodb:UpdateItem",
                "dynamodb:DeleteItem");
        props.stream().grant(function.alias(), "kinesis:PutRecords");
        function.role().addToPrincipalPolicy(PolicyStatement.Builder.create()
                .actions(List.of("cloudwatch:GetMetricData"))
                .resources(List.of("*"))
                .build());
        // On the role's policy (where the statement is), not on the role itself.
        NagSuppressions.addResourceSuppressions(function.role().getNode().findChild("DefaultPolicy"), List.of(NagPackSuppression.builder()
                .id("AwsSolutions-IAM5")
                .appliesTo(List.of("Resource::*"))
                .reason("cloudwatch:GetMetricData has no resource-level permissions: IAM accepts only '*' for it,"
                        + " and it is the only action of the importer on that resource (no ListMetrics, no writes).")
                .build()), true);

        this.schedule = new FunctionSchedule(this, "Every", new FunctionSchedule.Props(function, props.every(),
                "the Longwatch CloudWatch importer"));
    }

    public LongwatchFunction function() {
        return function;
    }

    public FunctionSchedule schedule() {
        return schedule;
    }
}

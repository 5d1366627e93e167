package dev.longwatch.infra;

import dev.longwatch.infra.construct.MinuteTierWiring;
import dev.longwatch.infra.construct.ApiDomain;
import dev.longwatch.infra.construct.FunctionSettings;
import dev.longwatch.infra.construct.LongwatchFunction;
import dev.longwatch.infra.construct.TenantApiCors;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.App;
import software.amazon.awscdk.CrossStackReferences;
import software.amazon.awscdk.ReferenceStrength;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.Tags;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The whole installation of one stage, as {@code cdk deploy --all} creates it. The app's main and the tests
 * both build it here, so the tests check exactly what is deployed.
 *
 * <p>Stacks are environment-agnostic (account and region come from the deploying credentials) and do no
 * lookups, so {@code cdk synth} needs no AWS access.
 */
public record LongwatchStacks(LongwatchConfig config, DataStack data, IngestStack ingest, RollupStack rollup,
                              ObservabilityStack observability, AlertingConfig alertingConfig,
                              ConsoleConfig consoleConfig, ConsoleStack console, AlertingStack alerting) {

    public static LongwatchStacks install(App app) {
        LongwatchConfig config = LongwatchConfig.fromContext(app.getNode());
        AlertingConfig alertingConfig = AlertingConfig.fromContext(app.getNode());
        ConsoleConfig consoleConfig = ConsoleConfig.fromContext(app.getNode());
        String prefix = "Longwatch-" + config.stage() + "-";
        FunctionSettings functions = new FunctionSettings(Path.of(config.functionsJar()), config.logRetention(),
                config.production() ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY);
        Tags.of(app).add("longwatch:stage", config.stage());
        // Exports/imports: the data stack cannot be deleted while a stack still uses its tables or stream.
        CrossStackReferences.of(app).consume(ReferenceStrength.STRONG);

        DataStack data = new DataStack(app, prefix + "Data",
                props(config, "Longwatch " + config.stage() + ": DynamoDB tables, the Kinesis stream and the S3 archive"), config);
        IngestStack ingest = new IngestStack(app, prefix + "Ingest",
                props(config, "Longwatch " + config.stage() + ": tenant API, ingest, query, metric streams, CloudWatch import"),
                new IngestStack.Props(config, data.tables(), data.stream(), functions, data.archive()));
        RollupStack rollup = new RollupStack(app, prefix + "Rollup",
                props(config, "Longwatch " + config.stage() + ": the stream's rollup and archive consumers and the compactor"),
                new RollupStack.Props(config, data.tables(), data.stream(), functions, data.archive()));
        // The query function reads the compactor's progress: it must never run with the state table while no
        // compactor builds the hours and days it then waits for, so the compactor (and the rollup function
        // that starts a tenant's progress) deploy first.
        ingest.addStackDependency(rollup, "the query function reads the progress of the compactor deployed there");

        // The tenant API under the operator's own name (optional).
        String publicApiUrl = consoleConfig.apiDomain().map(d -> {
            ApiDomain domain = new ApiDomain(ingest, "ApiDomain", new ApiDomain.Props(d, ingest.api().api(),
                    ingest.api().stage()));
            CfnOutput.Builder.create(ingest, "ApiDomainTarget").value(domain.target())
                    .description("Point a CNAME for " + d.name() + " here when no hostedZoneId is given").build();
            return d.url() + "/";
        }).orElse(ingest.api().url());
        // The console first: the alerting functions link to it and the console API trusts its user pool.
        ConsoleStack console = new ConsoleStack(app, prefix + "Console",
                props(config, "Longwatch " + config.stage() + ": web console (S3, CloudFront) and its Cognito users"),
                new ConsoleStack.Props(config, consoleConfig));
        // The console signs in with an API key against the tenant API: its origin may call it (Ingest now deploys
        // after Console, which depends on nothing).
        TenantApiCors.allow(ingest.api().api(), console.site().url());
        AlertingStack alerting = new AlertingStack(app, prefix + "Alerting",
                props(config, "Longwatch " + config.stage() + ": evaluator, notifications, chat, alerting and console APIs"),
                new AlertingStack.Props(config, alertingConfig, data.tables(), ingest.api(), publicApiUrl, console,
                        functions, data.archive()));
        // Monitors see the minutes the rollups do not have yet from the archive, as queries do: always with the
        // minute tier from the archive, and in stream mode with a rollup window above a minute.
        IngestStack.freshFromArchiveSeconds(config).ifPresent(seconds -> MinuteTierWiring.freshReader(
                alerting.evaluator().function(), data.archive(), data.tables(), config.minuteTierFromArchive(), seconds));
        List<LongwatchFunction> all = new ArrayList<>(List.of(ingest.api().ingest(), ingest.api().query(),
                ingest.api().metricStream(), ingest.importer().function(), rollup.rollup().function(),
                rollup.compactor().function(), rollup.archive().function()));
        all.addAll(alerting.functions());
        ObservabilityStack observability = new ObservabilityStack(app, prefix + "Observability",
                props(config, "Longwatch " + config.stage() + ": operator alarms and dashboard"),
                new ObservabilityStack.Props(config, data.stream(), ingest.api(), rollup.rollup(), rollup.compactor(),
                        ingest.importer(), all, alerting));
        return new LongwatchStacks(config, data, ingest, rollup, observability, alertingConfig, consoleConfig,
                console, alerting);
    }

    private static StackProps props(LongwatchConfig config, String description) {
        return StackProps.builder()
                .description(description)
                // A production stack cannot be deleted by accident; turn this off deliberately to tear down.
                .terminationProtection(config.production())
                .build();
    }

    public List<Stack> all() {
        return List.of(data, ingest, rollup, observability, console, alerting);
    }
}

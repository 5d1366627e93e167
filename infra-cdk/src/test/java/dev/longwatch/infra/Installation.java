package dev.longwatch.infra;

import software.amazon.awscdk.App;
import software.amazon.awscdk.CfnElement;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.cxapi.CloudAssembly;
import software.amazon.awscdk.cxapi.SynthesisMessage;
import software.constructs.IConstruct;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One synthesized installation, built exactly as the app's main builds it ({@link LongwatchApp#build}), with
 * the cdk-nag checks applied. Synthesizing costs seconds, so each configuration is built once per test run
 * and shared by the test classes.
 */
final class Installation {
    /** What an operator gets with no context at all. */
    static final Map<String, Object> DEFAULT_CONTEXT = Map.of();

    /**
     * A production install with every option changed from its default. Some values are strings, as
     * {@code cdk deploy -c key=value} passes them.
     */
    static final Map<String, Object> PRODUCTION_CONTEXT = Map.ofEntries(
            Map.entry("stage", "prod"),
            Map.entry("kinesisShards", "4"),
            Map.entry("streamRetentionHours", 48),
            Map.entry("alarmEmail", "ops@example.com"),
            Map.entry("batchingWindowSeconds", "300"),
            Map.entry("archiveBatchingWindowSeconds", "120"),
            Map.entry("rollupBatchSize", 2000),
            Map.entry("rollupRetryAttempts", 5),
            Map.entry("rollupMaxRecordAgeHours", 12),
            Map.entry("logRetentionDays", 365),
            Map.entry("apiRateLimit", 200),
            Map.entry("apiBurstLimit", 400),
            Map.entry("iteratorAgeAlarmMinutes", 15),
            Map.entry("minuteRetentionDays", "60"),
            Map.entry("hourRetentionDays", 730),
            Map.entry("dayRetentionDays", "7305"),
            Map.entry("cloudWatchImportMinutes", "5"),
            Map.entry("evaluatorShards", "3"),
            Map.entry("evaluationSettleSeconds", "40"),
            Map.entry("notifierMemoryMb", 2048),
            Map.entry("snsChannelTopicArns", "arn:aws:sns:*:123456789012:longwatch-*, arn:aws:sns:eu-west-1:123456789012:ops"),
            Map.entry("apiDomainName", "api.longwatch.example.com"),
            Map.entry("apiCertificateArn", "arn:aws:acm:eu-west-1:123456789012:certificate/api-cert"),
            Map.entry("consoleDomainName", "console.longwatch.example.com"),
            Map.entry("consoleCertificateArn", "arn:aws:acm:us-east-1:123456789012:certificate/console-cert"),
            Map.entry("hostedZoneId", "Z0123456789ABCDEFGHIJ"),
            Map.entry("hostedZoneName", "longwatch.example.com"),
            Map.entry("cognitoDomainPrefix", "acme-longwatch"),
            Map.entry("cloudWatchImports", "[{\"tenant\": \"acme\", \"id\": \"billing\", \"namespace\": \"AWS/Billing\","
                    + " \"metric\": \"EstimatedCharges\", \"dimensions\": {\"Currency\": \"USD\"},"
                    + " \"statistics\": [\"Maximum\"]}]"));

    private static Installation defaults;
    private static Installation production;

    final LongwatchStacks stacks;
    final CloudAssembly assembly;
    private final Map<Stack, Template> templates = new LinkedHashMap<>();

    private Installation(Map<String, Object> context) {
        App app = App.Builder.create().context(context).build();
        this.stacks = LongwatchApp.build(app);
        this.assembly = app.synth();
        // From the one synthesized assembly: Template.fromStack would synthesize the app again per stack.
        for (Stack s : stacks.all()) {
            templates.put(s, Template.fromJSON(templateOf(s)));
        }
    }

    static synchronized Installation defaults() {
        if (defaults == null) {
            defaults = new Installation(DEFAULT_CONTEXT);
        }
        return defaults;
    }

    private static Installation archiveMinuteTier;

    /** The defaults with the minute tier written from the archive ({@code -c minuteTierSource=archive}). */
    static synchronized Installation archiveMinuteTier() {
        if (archiveMinuteTier == null) {
            archiveMinuteTier = new Installation(Map.of("minuteTierSource", "archive"));
        }
        return archiveMinuteTier;
    }

    static synchronized Installation production() {
        if (production == null) {
            production = new Installation(PRODUCTION_CONTEXT);
        }
        return production;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> templateOf(Stack stack) {
        return (Map<String, Object>) assembly.getStackArtifact(stack.getArtifactId()).getTemplate();
    }

    /** What the synthesis reported about a stack (cdk-nag findings among them). */
    List<SynthesisMessage> messages(Stack stack) {
        return assembly.getStackArtifact(stack.getArtifactId()).getMessages();
    }

    Template template(Stack stack) {
        return templates.get(stack);
    }

    Template data() {
        return template(stacks.data());
    }

    Template ingest() {
        return template(stacks.ingest());
    }

    Template rollup() {
        return template(stacks.rollup());
    }

    Template observability() {
        return template(stacks.observability());
    }

    Template console() {
        return template(stacks.console());
    }

    Template alerting() {
        return template(stacks.alerting());
    }

    Map<Stack, Template> templates() {
        return templates;
    }

    /** The CloudFormation logical id of a construct's main resource. */
    static String logicalId(IConstruct construct) {
        CfnElement element = (CfnElement) construct.getNode().getDefaultChild();
        return Stack.of(construct).getLogicalId(element);
    }
}

package dev.longwatch.infra.construct;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.SnapStartConf;
import software.amazon.awscdk.services.logs.LogGroup;
import software.constructs.Construct;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One Longwatch Lambda function as every one of them is run: java21 on arm64 (Graviton is ~20% cheaper per
 * GB-second), SnapStart on published versions, and an alias {@code live} that triggers and integrations
 * must target (SnapStart only applies to published versions, never to {@code $LATEST}).
 *
 * <p>It has its own role with nothing but write access to its own log group; the construct that owns the
 * function grants the rest, so each grant sits next to the reason for it.
 */
public final class LongwatchFunction extends Construct {
    public static final String ALIAS = "live";

    /**
     * @param handler     the handler class in the functions jar
     * @param environment all of its configuration; nothing else sets environment variables
     */
    public record Props(String handler, String description, int memoryMb, Duration timeout,
                        Map<String, String> environment, FunctionSettings settings) {
        public Props {
            Objects.requireNonNull(handler, "handler");
            Objects.requireNonNull(description, "description");
            Objects.requireNonNull(timeout, "timeout");
            environment = Map.copyOf(environment);
            Objects.requireNonNull(settings, "settings");
        }
    }

    private final Function function;
    private final Alias alias;
    private final LogGroup logGroup;
    private final Role role;

    public LongwatchFunction(Construct scope, String id, Props props) {
        super(scope, id);
        this.logGroup = LogGroup.Builder.create(this, "Logs")
                .retention(props.settings().logRetention())
                .removalPolicy(props.settings().logRemovalPolicy())
                .build();
        // Not AWSLambdaBasicExecutionRole: that one may write to every log group in the account.
        this.role = Role.Builder.create(this, "Role")
                .assumedBy(new ServicePrincipal("lambda.amazonaws.com"))
                .description("Longwatch " + id + " function")
                .build();
        logGroup.grantWrite(role);
        this.function = Function.Builder.create(this, "Function")
                .runtime(Runtime.JAVA_21)
                .architecture(Architecture.ARM_64)
                .handler(props.handler())
                .code(props.settings().code())
                .description(props.description())
                .memorySize(props.memoryMb())
                .timeout(props.timeout())
                .environment(props.environment())
                .logGroup(logGroup)
                .role(role)
                .snapStart(SnapStartConf.ON_PUBLISHED_VERSIONS)
                .build();
        // The warning says SnapStart needs a published version: the alias below publishes one.
        Annotations.of(function).acknowledgeWarning("@aws-cdk/aws-lambda:snapStartRequirePublish",
                "the alias 'live' publishes currentVersion");
        NagSuppressions.addResourceSuppressions(function, List.of(NagPackSuppression.builder()
                .id("AwsSolutions-L1")
                .reason("java21 on purpose: the functions are compiled for Java 21 (the project's release level)"
                        + " and tested with SnapStart on it; moving to java25 is a deliberate upgrade of the"
                        + " whole build, not a runtime switch.")
                .build()), true);
        this.alias = Alias.Builder.create(this, "Alias")
                .aliasName(ALIAS)
                .version(function.getCurrentVersion())
                .build();
    }

    public Function function() {
        return function;
    }

    /** What triggers, integrations and grants target. */
    public Alias alias() {
        return alias;
    }

    public LogGroup logGroup() {
        return logGroup;
    }

    public Role role() {
        return role;
    }
}

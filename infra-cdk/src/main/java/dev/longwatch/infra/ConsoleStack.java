package dev.longwatch.infra;

import dev.longwatch.infra.construct.CdkHelperFunctions;
import dev.longwatch.infra.construct.ConsoleSite;
import dev.longwatch.infra.construct.ConsoleUsers;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.constructs.Construct;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The web console and who may use it: the console's files on S3 behind CloudFront, and the Cognito user pool of
 * console users. It depends on no other stack, so it deploys before the alerting stack, whose functions link to
 * the console and whose console API trusts this user pool.
 */
public final class ConsoleStack extends Stack {

    public record Props(LongwatchConfig config, ConsoleConfig console) {
        public Props {
            Objects.requireNonNull(config, "config");
            Objects.requireNonNull(console, "console");
        }
    }

    private final ConsoleSite site;
    private final ConsoleUsers users;

    public ConsoleStack(Construct scope, String id, StackProps stackProps, Props props) {
        super(scope, id, stackProps);
        boolean production = props.config().production();
        this.site = new ConsoleSite(this, "Site", new ConsoleSite.Props(Path.of(props.console().consoleDist()),
                props.console().consoleDomain(), production,
                props.console().apiDomain().map(d -> List.of(d.url())).orElse(List.of())));
        // Unique per account and stage unless the operator picks a prefix (the prefix is global per region).
        String prefix = props.console().cognitoDomainPrefix()
                .orElse("longwatch-" + props.config().stage() + "-" + Aws.ACCOUNT_ID);
        this.users = new ConsoleUsers(this, "Users", new ConsoleUsers.Props(site.url(), prefix, production));
        CdkHelperFunctions.excuse(this);

        CfnOutput.Builder.create(this, "ConsoleUrl").value(site.url())
                .description("The web console").build();
        CfnOutput.Builder.create(this, "ConsoleDistributionDomain").value(site.distribution().getDistributionDomainName())
                .description("Point a CNAME for consoleDomainName here when no hostedZoneId is given").build();
        CfnOutput.Builder.create(this, "UserPoolId").value(users.pool().getUserPoolId())
                .description("Console users: create them here with custom:tenant (infra-cdk/README.md)").build();
        CfnOutput.Builder.create(this, "SignInUrl").value(users.signInUrl())
                .description("Cognito hosted sign-in of the console").build();
    }

    public ConsoleSite site() {
        return site;
    }

    public ConsoleUsers users() {
        return users;
    }
}

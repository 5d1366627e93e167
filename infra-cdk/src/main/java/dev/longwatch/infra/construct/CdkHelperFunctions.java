package dev.longwatch.infra.construct;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import software.amazon.awscdk.Stack;
import software.constructs.IConstruct;

import java.util.List;

/**
 * The CDK's own helper function in a stack that deploys files to S3 ({@code BucketDeployment}): its role and
 * runtime are the CDK's, not ours, so its findings are excused here, once per stack, each on the resource it is
 * about. (The helper that empties buckets on deletion raises no finding.)
 */
public final class CdkHelperFunctions {
    private CdkHelperFunctions() {
    }

    /** Call at the end of a stack's constructor, after every construct that may add the helper. */
    public static void excuse(Stack stack) {
        for (IConstruct child : stack.getNode().getChildren()) {
            if (!child.getNode().getId().startsWith("Custom::CDKBucketDeployment")) {
                continue;
            }
            NagSuppressions.addResourceSuppressions(child, List.of(NagPackSuppression.builder()
                    .id("AwsSolutions-L1")
                    .reason("The CDK's BucketDeployment helper runs the Python runtime the CDK version pins (it"
                            + " bundles the AWS CLI for it); it moves with CDK upgrades, and runs only during a deploy.")
                    .build()));
            IConstruct role = child.getNode().findChild("ServiceRole");
            NagSuppressions.addResourceSuppressions(role, List.of(NagPackSuppression.builder()
                    .id("AwsSolutions-IAM4")
                    .reason("The CDK's BucketDeployment helper (runs only during a deployment) logs with"
                            + " AWSLambdaBasicExecutionRole, which the CDK attaches and does not let us replace; it"
                            + " has no access to tenant data.")
                    .build()));
            NagSuppressions.addResourceSuppressions(role.getNode().findChild("DefaultPolicy"), List.of(
                    NagPackSuppression.builder()
                            .id("AwsSolutions-IAM5")
                            .reason("The CDK's BucketDeployment helper copies the console's files: object-level"
                                    + " wildcards on the CDK asset bucket and on the console bucket only (and a"
                                    + " CloudFront invalidation), as the CDK generates them.")
                            .build()), true);
        }
    }
}

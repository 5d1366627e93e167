package dev.longwatch.infra;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;

/** The CDK app: {@code cdk synth}, {@code cdk deploy --all} (see infra-cdk/README.md). */
public final class LongwatchApp {
    private LongwatchApp() {
    }

    public static void main(String[] args) {
        App app = new App();
        LongwatchStacks.install(app);
        // The same checks as the tests, so `cdk synth` fails on a new unexplained finding.
        Aspects.of(app).add(new AwsSolutionsChecks());
        app.synth();
    }
}

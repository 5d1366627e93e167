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
        build(app);
        app.synth();
    }

    /** Everything {@code main} puts in the app; the tests call it too, so they check what is deployed. */
    public static LongwatchStacks build(App app) {
        LongwatchStacks stacks = LongwatchStacks.install(app);
        // The same checks in `cdk synth` as in the tests: a new unexplained finding fails the synth.
        Aspects.of(app).add(new AwsSolutionsChecks());
        return stacks;
    }
}

package dev.longwatch.infra;

import software.constructs.Node;

/**
 * The operator's choices for the alerting stack, read from CDK context like {@link LongwatchConfig} (kept apart so
 * the foundation's configuration stays as it was). Documented in {@code infra-cdk/README.md}.
 *
 * @param evaluatorShards  how many evaluator invocations run each minute, each with {@code {"shard": i,
 *                         "shardCount": N}}: the monitors are split among them
 * @param notifierMemoryMb memory of the notifier functions (they render charts)
 */
public record AlertingConfig(int evaluatorShards, int notifierMemoryMb) {

    public AlertingConfig {
        LongwatchConfig.check("evaluatorShards", evaluatorShards, 1, 50,
                "evaluator invocations per minute, each evaluating its share of the monitors");
        LongwatchConfig.check("notifierMemoryMb", notifierMemoryMb, 512, 10_240, "MB (Lambda's range from 512)");
    }

    public static AlertingConfig defaults() {
        return new AlertingConfig(1, 1024);
    }

    public static AlertingConfig fromContext(Node node) {
        AlertingConfig d = defaults();
        return new AlertingConfig(
                LongwatchConfig.integer(node, "evaluatorShards", d.evaluatorShards()),
                LongwatchConfig.integer(node, "notifierMemoryMb", d.notifierMemoryMb()));
    }
}

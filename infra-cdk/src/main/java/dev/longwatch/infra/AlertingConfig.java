package dev.longwatch.infra;

import software.constructs.Node;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The operator's choices for the alerting stack, read from CDK context like {@link LongwatchConfig} (kept apart so
 * the foundation's configuration stays as it was). Documented in {@code infra-cdk/README.md}.
 *
 * @param evaluatorShards     how many evaluator invocations run each minute, each with {@code {"shard": i,
 *                            "shardCount": N}}: the monitors are split among them
 * @param notifierMemoryMb    memory of the notifier functions
 * @param snsChannelTopicArns topics (ARN patterns, {@code *} allowed) tenants' SNS channels may publish to;
 *                            empty: none besides the platform's alert topic
 * @param evaluationSettleSeconds how long after a minute ends its evaluation runs (the delivery delay of the queue
 *                            of evaluator rounds): time for the rollup consumer to write that minute (its batching
 *                            window, {@code batchingWindowSeconds}, plus processing)
 */
public record AlertingConfig(int evaluatorShards, int notifierMemoryMb, List<String> snsChannelTopicArns,
                             int evaluationSettleSeconds) {
    /** The default settle time: the rollup consumer's default 10-s batching window, delivery and the write. */
    public static final int DEFAULT_SETTLE_SECONDS = 25;
    private static final Pattern TOPIC = Pattern.compile("arn:aws[a-z-]*:sns:[a-z0-9*-]+:(\\d{12}|\\*):[A-Za-z0-9_.*-]{1,256}");

    public AlertingConfig {
        LongwatchConfig.check("evaluatorShards", evaluatorShards, 1, 50,
                "evaluator invocations per minute, each evaluating its share of the monitors");
        LongwatchConfig.check("notifierMemoryMb", notifierMemoryMb, 512, 10_240, "MB (Lambda's range from 512)");
        // SQS delays delivery by up to 900 s; beyond 5 minutes an alert would be later than any batching window
        // needs, so a larger value is taken for a typo (use a monitor's evaluation.delay for late sources).
        LongwatchConfig.check("evaluationSettleSeconds", evaluationSettleSeconds, 0, 300,
                "seconds after a minute ends before it is evaluated");
        snsChannelTopicArns = List.copyOf(snsChannelTopicArns);
        for (String arn : snsChannelTopicArns) {
            if (!TOPIC.matcher(arn).matches() || arn.equals("arn:aws:sns:*:*:*")) {
                throw LongwatchConfig.invalid("snsChannelTopicArns", arn, "SNS topic ARNs, comma-separated, '*'"
                        + " allowed within a part (e.g. arn:aws:sns:*:123456789012:longwatch-*), not every topic");
            }
        }
    }

    public static AlertingConfig defaults() {
        return new AlertingConfig(1, 1024, List.of(), DEFAULT_SETTLE_SECONDS);
    }

    public static AlertingConfig fromContext(Node node) {
        AlertingConfig d = defaults();
        return new AlertingConfig(
                LongwatchConfig.integer(node, "evaluatorShards", d.evaluatorShards()),
                LongwatchConfig.integer(node, "notifierMemoryMb", d.notifierMemoryMb()),
                list(node.tryGetContext("snsChannelTopicArns")),
                LongwatchConfig.integer(node, "evaluationSettleSeconds", d.evaluationSettleSeconds()));
    }

    /** A comma-separated string from {@code -c key=a,b}, or a JSON array in cdk.json. */
    private static List<String> list(Object value) {
        List<String> out = new ArrayList<>();
        if (value instanceof List<?> l) {
            l.forEach(v -> out.add(String.valueOf(v).trim()));
        } else if (value != null) {
            for (String part : value.toString().split(",")) {
                if (!part.isBlank()) {
                    out.add(part.trim());
                }
            }
        }
        return out;
    }
}

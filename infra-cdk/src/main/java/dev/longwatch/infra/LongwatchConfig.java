package dev.longwatch.infra;

import dev.longwatch.infra.construct.RollupRetention;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.constructs.Node;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The operator's choices, read from CDK context ({@code cdk deploy -c stage=prod -c kinesisShards=4} or
 * {@code cdk.json}). Every value is checked here, so a typo fails the synth with the key, the value and the
 * allowed range instead of surfacing later as a CloudFormation error. Documented in {@code infra-cdk/README.md}.
 */
public record LongwatchConfig(
        String stage,
        int kinesisShards,
        int streamRetentionHours,
        Optional<String> alarmEmail,
        int batchingWindowSeconds,
        int rollupBatchSize,
        int rollupRetryAttempts,
        int rollupMaxRecordAgeHours,
        int logRetentionDays,
        int apiRateLimit,
        int apiBurstLimit,
        int iteratorAgeAlarmMinutes,
        int minuteRetentionDays,
        int hourRetentionDays,
        int dayRetentionDays,
        Optional<String> cloudWatchImports,
        int cloudWatchImportMinutes,
        String functionsJar,
        int archiveBatchingWindowSeconds,
        String minuteTierSource,
        int streamPartitionBuckets) {

    public static final String DEFAULT_FUNCTIONS_JAR = "../functions/target/longwatch-functions.jar";
    /**
     * The rollup mapping's default batching window: short enough that a minute's rollups are written before the
     * evaluator's settle time after that minute ({@code AlertingConfig.DEFAULT_SETTLE_SECONDS}, 25 s).
     */
    public static final int DEFAULT_ROLLUP_WINDOW_SECONDS = 10;
    /** Where minute rollups come from: the stream's rollup consumer (default) or the archive compactor. */
    public static final String MINUTE_TIER_STREAM = "stream";
    public static final String MINUTE_TIER_ARCHIVE = "archive";
    /** The functions' default partition buckets ({@code StreamPacker.DEFAULT_BUCKETS}) and their limit. */
    public static final int DEFAULT_STREAM_PARTITION_BUCKETS = 4;
    public static final int MAX_STREAM_PARTITION_BUCKETS = 1024;
    private static final Pattern STAGE = Pattern.compile("[a-z][a-z0-9-]{0,19}");
    /** 100 years: DynamoDB TTL takes any epoch second, but a longer "retention" is a typo. */
    private static final int MAX_RETENTION_DAYS = 36_500;
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");

    /** CloudWatch Logs accepts only these retention periods (days); 0 means "never expire". */
    private static final Map<Integer, RetentionDays> RETENTION = new LinkedHashMap<>();

    static {
        int[] days = {1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
                3288, 3653};
        RetentionDays[] values = {RetentionDays.ONE_DAY, RetentionDays.THREE_DAYS, RetentionDays.FIVE_DAYS,
                RetentionDays.ONE_WEEK, RetentionDays.TWO_WEEKS, RetentionDays.ONE_MONTH, RetentionDays.TWO_MONTHS,
                RetentionDays.THREE_MONTHS, RetentionDays.FOUR_MONTHS, RetentionDays.FIVE_MONTHS,
                RetentionDays.SIX_MONTHS, RetentionDays.ONE_YEAR, RetentionDays.THIRTEEN_MONTHS,
                RetentionDays.EIGHTEEN_MONTHS, RetentionDays.TWO_YEARS, RetentionDays.THREE_YEARS,
                RetentionDays.FIVE_YEARS, RetentionDays.SIX_YEARS, RetentionDays.SEVEN_YEARS,
                RetentionDays.EIGHT_YEARS, RetentionDays.NINE_YEARS, RetentionDays.TEN_YEARS};
        for (int i = 0; i < days.length; i++) {
            RETENTION.put(days[i], values[i]);
        }
        RETENTION.put(0, RetentionDays.INFINITE);
    }

    public LongwatchConfig {
        if (!STAGE.matcher(stage).matches()) {
            throw invalid("stage", stage, "1-20 characters of a-z, 0-9 and '-', starting with a letter");
        }
        check("kinesisShards", kinesisShards, 0, 500, "0 = on-demand, else the number of provisioned shards");
        check("streamRetentionHours", streamRetentionHours, 24, 8760, "hours");
        alarmEmail.ifPresent(e -> {
            if (!EMAIL.matcher(e).matches()) {
                throw invalid("alarmEmail", e, "an e-mail address");
            }
        });
        check("batchingWindowSeconds", batchingWindowSeconds, 0, 300, "seconds (Lambda's limit)");
        check("archiveBatchingWindowSeconds", archiveBatchingWindowSeconds, 0, 300, "seconds (Lambda's limit)");
        check("rollupBatchSize", rollupBatchSize, 1, 10_000, "records (Lambda's limit for Kinesis)");
        check("rollupRetryAttempts", rollupRetryAttempts, 0, 10_000, "retries of a failing batch");
        check("rollupMaxRecordAgeHours", rollupMaxRecordAgeHours, 1, Math.min(168, streamRetentionHours),
                "hours, at most 168 and at most streamRetentionHours");
        if (!RETENTION.containsKey(logRetentionDays)) {
            throw invalid("logRetentionDays", Integer.toString(logRetentionDays),
                    "one of CloudWatch Logs' periods " + RETENTION.keySet() + " (0 = never expire)");
        }
        check("apiRateLimit", apiRateLimit, 1, 10_000, "requests per second");
        check("apiBurstLimit", apiBurstLimit, 1, 5_000, "requests");
        check("iteratorAgeAlarmMinutes", iteratorAgeAlarmMinutes, 2, 1440, "minutes");
        // The functions refuse the same as Retention does (minutes at least a day, no tier keeping less than the
        // finer one it is built from); checked here so it fails the synth, not the first invocation.
        check("minuteRetentionDays", minuteRetentionDays, 1, MAX_RETENTION_DAYS, "days the minute rollups are kept");
        check("hourRetentionDays", hourRetentionDays, minuteRetentionDays, MAX_RETENTION_DAYS,
                "days the hour rollups are kept, at least minuteRetentionDays");
        check("dayRetentionDays", dayRetentionDays, hourRetentionDays, MAX_RETENTION_DAYS,
                "days the day rollups are kept, at least hourRetentionDays");
        cloudWatchImports.ifPresent(j -> {
            if (!j.trim().startsWith("[") || !j.trim().endsWith("]")) {
                throw invalid("cloudWatchImports", j, "a JSON array of import jobs (docs/importing.md)");
            }
            // Lambda allows 4 KB of environment variables in all; the rest of the importer's takes ~200 bytes.
            if (j.length() > 3_500) {
                throw invalid("cloudWatchImports", j.substring(0, 40) + "...", "at most 3500 characters (Lambda's"
                        + " 4 KB environment limit); define further jobs in the state table instead");
            }
        });
        check("cloudWatchImportMinutes", cloudWatchImportMinutes, 5, 60, "minutes between importer runs");
        if (!MINUTE_TIER_STREAM.equals(minuteTierSource) && !MINUTE_TIER_ARCHIVE.equals(minuteTierSource)) {
            throw invalid("minuteTierSource", String.valueOf(minuteTierSource), "\"stream\" (the rollup consumer "
                    + "writes minutes per batch) or \"archive\" (the archive compactor writes each hour's minutes "
                    + "once; docs/operations.md#minute-tier-source)");
        }
        check("streamPartitionBuckets", streamPartitionBuckets, Math.max(1, kinesisShards),
                MAX_STREAM_PARTITION_BUCKETS, "partition keys metrics records spread over, at least kinesisShards: "
                        + "a bucket's records all go to one shard, so shards beyond the buckets would carry nothing");
        if (functionsJar == null || functionsJar.isBlank()) {
            throw invalid("functionsJar", String.valueOf(functionsJar), "the path of the functions' deployment jar");
        }
    }

    /** The defaults, as an operator gets them with no context at all. */
    public static LongwatchConfig defaults() {
        // Retention: the functions' own defaults (Retention.DEFAULTS), longer than CloudWatch keeps each.
        // Batching: the rollup mapping gathers up to 10 s, so a minute's rollups are written within ~15 s of its
        // end and the evaluator, 25 s after the minute (evaluationSettleSeconds), reads it complete. Longer windows
        // cost less, since each batch costs about one DynamoDB write per series it touches, but minutes then arrive
        // later and the settle time or monitors' evaluation.delay must match (docs/operations.md). The archive
        // mapping gathers 60 s: S3 bills per object.
        return new LongwatchConfig("dev", 0, 24, Optional.empty(), DEFAULT_ROLLUP_WINDOW_SECONDS, 10_000, 10, 6, 30,
                500, 1000, 10, 30, 1827, 3653, Optional.empty(), 15, DEFAULT_FUNCTIONS_JAR, 60,
                MINUTE_TIER_STREAM, DEFAULT_STREAM_PARTITION_BUCKETS);
    }

    public static LongwatchConfig fromContext(Node node) {
        LongwatchConfig d = defaults();
        String email = string(node, "alarmEmail", "");
        int shards = integer(node, "kinesisShards", d.kinesisShards());
        return new LongwatchConfig(
                string(node, "stage", d.stage()),
                shards,
                integer(node, "streamRetentionHours", d.streamRetentionHours()),
                email.isBlank() ? Optional.empty() : Optional.of(email.trim()),
                integer(node, "batchingWindowSeconds", d.batchingWindowSeconds()),
                integer(node, "rollupBatchSize", d.rollupBatchSize()),
                integer(node, "rollupRetryAttempts", d.rollupRetryAttempts()),
                integer(node, "rollupMaxRecordAgeHours", d.rollupMaxRecordAgeHours()),
                integer(node, "logRetentionDays", d.logRetentionDays()),
                integer(node, "apiRateLimit", d.apiRateLimit()),
                integer(node, "apiBurstLimit", d.apiBurstLimit()),
                integer(node, "iteratorAgeAlarmMinutes", d.iteratorAgeAlarmMinutes()),
                integer(node, "minuteRetentionDays", d.minuteRetentionDays()),
                integer(node, "hourRetentionDays", d.hourRetentionDays()),
                integer(node, "dayRetentionDays", d.dayRetentionDays()),
                json(node, "cloudWatchImports"),
                integer(node, "cloudWatchImportMinutes", d.cloudWatchImportMinutes()),
                string(node, "functionsJar", d.functionsJar()),
                integer(node, "archiveBatchingWindowSeconds", d.archiveBatchingWindowSeconds()),
                string(node, "minuteTierSource", d.minuteTierSource()).trim(),
                // By default one bucket per provisioned shard, at least the functions' 4 (on-demand: 4).
                integer(node, "streamPartitionBuckets", Math.max(d.streamPartitionBuckets(), shards)));
    }

    /** Production keeps its data: tables and logs are retained and protected from deletion. */
    public boolean production() {
        return stage.equals("prod");
    }

    /** True: no rollup consumer runs; the archive compactor writes the minute tier once an hour. */
    public boolean minuteTierFromArchive() {
        return MINUTE_TIER_ARCHIVE.equals(minuteTierSource);
    }

    public boolean onDemandStream() {
        return kinesisShards == 0;
    }

    public RollupRetention rollupRetention() {
        return new RollupRetention(minuteRetentionDays, hourRetentionDays, dayRetentionDays);
    }

    public RetentionDays logRetention() {
        return RETENTION.get(logRetentionDays);
    }

    static String string(Node node, String key, String fallback) {
        Object v = node.tryGetContext(key);
        return v == null ? fallback : v.toString();
    }

    /** A JSON value: a string from {@code -c key='[...]'}, or structured in cdk.json. */
    private static Optional<String> json(Node node, String key) {
        Object v = node.tryGetContext(key);
        if (v == null || v.toString().isBlank()) {
            return Optional.empty();
        }
        if (v instanceof String s) {
            return Optional.of(s.trim());
        }
        try {
            return Optional.of(new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(v));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw invalid(key, v.toString(), "JSON");
        }
    }

    static int integer(Node node, String key, int fallback) {
        Object v = node.tryGetContext(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
            return n.intValue();
        }
        try {
            return Integer.parseInt(v.toString().trim());
        } catch (NumberFormatException e) {
            throw invalid(key, v.toString(), "a whole number");
        }
    }

    static void check(String key, int value, int min, int max, String meaning) {
        if (value < min || value > max) {
            throw invalid(key, Integer.toString(value), "between " + min + " and " + max + " (" + meaning + ")");
        }
    }

    static IllegalArgumentException invalid(String key, String value, String expected) {
        return new IllegalArgumentException("context '" + key + "' is '" + value + "': expected " + expected
                + ". Set it with `cdk deploy -c " + key + "=...` or in infra-cdk/cdk.json.");
    }
}

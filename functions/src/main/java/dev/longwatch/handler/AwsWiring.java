package dev.longwatch.handler;

import dev.longwatch.aws.cloudwatch.CloudWatchSdkMetricsSource;
import dev.longwatch.aws.dynamodb.DynamoDbAlertStateStore;
import dev.longwatch.aws.dynamodb.DynamoDbApiKeyStore;
import dev.longwatch.aws.dynamodb.DynamoDbAuditLog;
import dev.longwatch.aws.dynamodb.DynamoDbMonitorStore;
import dev.longwatch.aws.dynamodb.DynamoDbCompactionStateStore;
import dev.longwatch.aws.dynamodb.DynamoDbDeliveryLedger;
import dev.longwatch.aws.dynamodb.DynamoDbImportJobStore;
import dev.longwatch.aws.dynamodb.DynamoDbEventStore;
import dev.longwatch.aws.dynamodb.DynamoDbRollupStore;
import dev.longwatch.aws.dynamodb.DynamoDbSeriesIndex;
import dev.longwatch.aws.dynamodb.TableNames;
import dev.longwatch.aws.kinesis.KinesisStreamPublisher;
import dev.longwatch.aws.s3.S3ArchiveStore;
import dev.longwatch.aws.sqs.SqsTransitionSink;
import dev.longwatch.core.alerting.AlertService;
import dev.longwatch.core.alerting.AuditLog;
import dev.longwatch.core.alerting.MonitorService;
import dev.longwatch.core.alerting.TransitionSink;
import dev.longwatch.core.alerting.backtest.BacktestService;
import dev.longwatch.core.alerting.evaluate.EvaluatorService;
import dev.longwatch.aws.telemetry.EmfMetrics;
import dev.longwatch.core.archive.ArchiveCompactor;
import dev.longwatch.core.archive.ArchiveReader;
import dev.longwatch.core.archive.ArchiveService;
import dev.longwatch.core.archive.MinuteTierWriter;
import dev.longwatch.core.rollup.LateArrivals;
import dev.longwatch.core.query.ArchiveQueryService;
import dev.longwatch.core.auth.ApiKeys;
import dev.longwatch.core.cloudwatch.MetricStreamService;
import dev.longwatch.core.cloudwatch.SeriesStreamWriter;
import dev.longwatch.core.events.EventStore;
import dev.longwatch.core.importer.CloudWatchImportJob;
import dev.longwatch.core.importer.CloudWatchImportJobs;
import dev.longwatch.core.importer.CloudWatchImportService;
import dev.longwatch.core.ingest.IngestService;
import dev.longwatch.core.ingest.StreamPublisher;
import dev.longwatch.core.query.QueryService;
import dev.longwatch.core.rollup.Retention;
import dev.longwatch.core.rollup.RollupService;
import dev.longwatch.core.rollup.compact.CompactorService;
import dev.longwatch.core.telemetry.Log;
import dev.longwatch.core.telemetry.PlatformMetrics;
import dev.longwatch.model.IngestLimits;
import dev.longwatch.model.PayloadException;
import dev.longwatch.model.Payloads;
import dev.longwatch.model.StreamPacker;
import dev.longwatch.model.StreamRecords;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClientBuilder;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.s3.S3Client;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Builds the core services for Lambda from the environment the CDK app sets. Only the no-arg handler
 * constructors use it; tests and local-dev pass their own ports. Clients are created once per container
 * and only when a handler needs them.
 */
final class AwsWiring {
    private static volatile AwsWiring instance;

    private final Map<String, String> env;
    private final Clock clock;
    private final SdkClients sdk;
    private ArchiveReader archiveReader;
    private final IngestLimits limits = IngestLimits.DEFAULT;
    private final PlatformMetrics metrics;
    private final TableNames tables;
    private final Retention retention;
    private DynamoDbClient dynamo;
    private S3Client s3;

    private AwsWiring(Map<String, String> env) {
        this(env, new SdkClients(), Clock.systemUTC());
    }

    /** The wiring a function with this environment gets; tests pass clients pointed at emulators and their clock. */
    AwsWiring(Map<String, String> env, SdkClients sdk, Clock clock) {
        this.env = env;
        this.sdk = sdk;
        this.clock = clock;
        this.metrics = new EmfMetrics(env.getOrDefault("AWS_LAMBDA_FUNCTION_NAME", "longwatch"), System.out, clock);
        this.tables = TableNames.fromEnvironment(env);
        this.retention = retention(env);
    }

    /** {@code LONGWATCH_RETENTION_MINUTE_DAYS}, {@code _HOUR_DAYS}, {@code _DAY_DAYS}; defaults where unset. */
    static Retention retention(Map<String, String> env) {
        try {
            return Retention.ofDays(days(env, "LONGWATCH_RETENTION_MINUTE_DAYS"),
                    days(env, "LONGWATCH_RETENTION_HOUR_DAYS"), days(env, "LONGWATCH_RETENTION_DAY_DAYS"));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("invalid retention settings: " + e.getMessage(), e);
        }
    }

    private static Long days(Map<String, String> env, String variable) {
        String v = env.get(variable);
        if (v == null || v.isBlank()) {
            return null;
        }
        try {
            long d = Long.parseLong(v.trim());
            if (d < 1) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new IllegalStateException("environment variable " + variable + " must be a whole number of days "
                    + "(at least 1), got \"" + v + "\"");
        }
    }

    static AwsWiring get() {
        AwsWiring w = instance;
        if (w == null) {
            synchronized (AwsWiring.class) {
                if (instance == null) {
                    instance = new AwsWiring(System.getenv());
                }
                w = instance;
            }
        }
        return w;
    }

    IngestLimits limits() {
        return limits;
    }

    PlatformMetrics metrics() {
        return metrics;
    }

    private synchronized DynamoDbClient dynamo() {
        if (dynamo == null) {
            dynamo = sdk.dynamo();
        }
        return dynamo;
    }

    private synchronized S3Client s3() {
        if (s3 == null) {
            s3 = sdk.s3();
        }
        return s3;
    }

    private S3ArchiveStore archiveStore() {
        return new S3ArchiveStore(s3(), TableNames.required(env.get("LONGWATCH_ARCHIVE_BUCKET"),
                "LONGWATCH_ARCHIVE_BUCKET"));
    }

    private String rollupsTable() {
        return TableNames.required(tables.rollups(), "LONGWATCH_ROLLUPS_TABLE");
    }

    private String seriesTable() {
        return TableNames.required(tables.series(), "LONGWATCH_SERIES_TABLE");
    }

    private String eventsTable() {
        return TableNames.required(tables.events(), "LONGWATCH_EVENTS_TABLE");
    }

    private String apiKeysTable() {
        return TableNames.required(tables.apiKeys(), "LONGWATCH_API_KEYS_TABLE");
    }

    private String stateTable() {
        return TableNames.required(tables.state(), "LONGWATCH_STATE_TABLE");
    }

    private DynamoDbRollupStore rollupStore() {
        return new DynamoDbRollupStore(dynamo(), rollupsTable(), metrics, retention);
    }

    private DynamoDbCompactionStateStore compactionState() {
        return new DynamoDbCompactionStateStore(dynamo(), stateTable(), metrics);
    }

    /**
     * The compaction state for the rollup and query functions, or null without {@code LONGWATCH_STATE_TABLE}:
     * a deployment without the compactor function. Its rollups and queries then work as before the hour and
     * day tiers were compacted (old points still go to, and are read from, the coarser tiers). The state must
     * never reach the query function without the compactor running, or hourly queries would wait for hours
     * that are never built.
     */
    private DynamoDbCompactionStateStore compactionStateIfDeployed() {
        if (tables.state() == null || tables.state().isBlank()) {
            Log.get(AwsWiring.class).warn("LONGWATCH_STATE_TABLE is not set: hour and day rollups are not "
                    + "compacted by this deployment (deploy the compactor and give it, the rollup and the query "
                    + "function the state table)");
            return null;
        }
        return compactionState();
    }

    private Payloads payloads() {
        return new Payloads(limits, clock, () -> UUID.randomUUID().toString());
    }

    ApiKeys apiKeys() {
        return new ApiKeys(new DynamoDbApiKeyStore(dynamo(), apiKeysTable()), clock, new SecureRandom());
    }

    IngestService ingestService() {
        return new IngestService(payloads(), kinesisPublisher(), metrics, streamPartitionBuckets());
    }

    /**
     * How many partition keys metrics records spread over ({@code StreamPacker}): {@code LONGWATCH_STREAM_PARTITION_BUCKETS},
     * 4 by default (the CDK app sets it from {@code streamPartitionBuckets} on every function that writes the stream:
     * ingest, metric streams, the CloudWatch importer). At least the stream's shard count; see
     * api-spec/kinesis-record-format.md.
     */
    private int streamPartitionBuckets() {
        String v = env.get("LONGWATCH_STREAM_PARTITION_BUCKETS");
        if (v == null || v.isBlank()) {
            return StreamPacker.DEFAULT_BUCKETS;
        }
        try {
            int buckets = Integer.parseInt(v.trim());
            if (buckets >= 1 && buckets <= StreamPacker.MAX_BUCKETS) {
                return buckets;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new IllegalStateException("environment variable LONGWATCH_STREAM_PARTITION_BUCKETS must be a whole "
                + "number from 1 to " + StreamPacker.MAX_BUCKETS + ", got \"" + v + "\"");
    }

    private StreamPublisher kinesisPublisher() {
        String stream = env.get("LONGWATCH_STREAM_NAME");
        if (stream == null || stream.isBlank()) {
            throw new IllegalStateException("environment variable LONGWATCH_STREAM_NAME is not set");
        }
        KinesisClient kinesis = KinesisClient.builder().httpClient(UrlConnectionHttpClient.create()).build();
        return new KinesisStreamPublisher(kinesis, stream);
    }

    private SeriesStreamWriter seriesWriter() {
        return new SeriesStreamWriter(new StreamRecords(payloads()), kinesisPublisher(), streamPartitionBuckets());
    }

    /** Metric streams from Firehose; deliveries are deduplicated by request id in the state table. */
    MetricStreamService metricStreamService() {
        return new MetricStreamService(limits, seriesWriter(), new DynamoDbDeliveryLedger(dynamo(), stateTable()),
                metrics, clock);
    }

    /** The importer reads CloudWatch of LONGWATCH_CLOUDWATCH_REGION, or of the function's own region. */
    CloudWatchImportService cloudWatchImportService() {
        CloudWatchClientBuilder b = CloudWatchClient.builder().httpClient(UrlConnectionHttpClient.create());
        String region = env.get("LONGWATCH_CLOUDWATCH_REGION");
        if (region != null && !region.isBlank()) {
            b.region(Region.of(region));
        }
        return new CloudWatchImportService(new CloudWatchSdkMetricsSource(b.build()),
                new DynamoDbImportJobStore(dynamo(), stateTable()), seriesWriter(), limits, metrics, clock,
                CloudWatchImportService.Settings.DEFAULT);
    }

    /** The jobs of LONGWATCH_CLOUDWATCH_IMPORTS (a JSON array), or null when it is not set. */
    List<CloudWatchImportJob> declaredCloudWatchImports() {
        String json = env.get("LONGWATCH_CLOUDWATCH_IMPORTS");
        if (json == null || json.isBlank()) {
            return null;
        }
        try {
            return new CloudWatchImportJobs(limits).parseList(json);
        } catch (PayloadException e) {
            throw new IllegalStateException("LONGWATCH_CLOUDWATCH_IMPORTS is not valid at " + e.field() + ": "
                    + e.reason(), e);
        }
    }

    RollupService rollupService() {
        return new RollupService(new StreamRecords(payloads()), rollupStore(),
                new DynamoDbSeriesIndex(dynamo(), seriesTable(), metrics),
                new DynamoDbEventStore(dynamo(), eventsTable(), metrics), compactionStateIfDeployed(), retention,
                metrics,
                clock, 32);
    }

    ArchiveService archiveService() {
        if (minuteTierFromArchive()) {
            // No rollup consumer: this one registers series and starts tenants' compaction progress.
            return new ArchiveService(new StreamRecords(payloads()), archiveStore(), metrics, clock, 16,
                    new DynamoDbSeriesIndex(dynamo(), seriesTable(), metrics),
                    new LateArrivals(compactionState(), metrics));
        }
        return new ArchiveService(new StreamRecords(payloads()), archiveStore(), metrics, clock, 16);
    }

    /**
     * For the scheduled compactor: merges the archive's small objects (see {@link ArchiveCompactor#run}); with the
     * minute tier from the archive, each merged hour's minute slabs are written then ({@link MinuteTierWriter}).
     */
    ArchiveCompactor archiveCompactor() {
        if (minuteTierFromArchive()) {
            return new ArchiveCompactor(archiveStore(), metrics, Duration.ofMinutes(10), 16,
                    // 32 writers: a tenant-hour of 10,000 series is ~168,000 slab writes in one invocation.
                    new MinuteTierWriter(rollupStore(), new LateArrivals(compactionState(), metrics), retention,
                            metrics, clock, 32));
        }
        return new ArchiveCompactor(archiveStore(), metrics, Duration.ofMinutes(10), 16);
    }

    /**
     * {@code LONGWATCH_MINUTE_TIER}: {@code stream} (default; the Kinesis rollup consumer writes minute rollups per
     * batch) or {@code archive} (the archive compactor writes each hour's minute slabs once, when it merges the
     * hour; readers take the minutes not compacted yet from the archive). Anything else stops the function.
     */
    boolean minuteTierFromArchive() {
        return minuteTierFromArchive(env);
    }

    static boolean minuteTierFromArchive(Map<String, String> env) {
        String v = env.get("LONGWATCH_MINUTE_TIER");
        if (v == null || v.isBlank() || v.trim().equals("stream")) {
            return false;
        }
        if (v.trim().equals("archive")) {
            if (env.get("LONGWATCH_ARCHIVE_BUCKET") == null || env.get("LONGWATCH_ARCHIVE_BUCKET").isBlank()) {
                throw new IllegalStateException("LONGWATCH_MINUTE_TIER=archive needs LONGWATCH_ARCHIVE_BUCKET");
            }
            return true;
        }
        throw new IllegalStateException("environment variable LONGWATCH_MINUTE_TIER must be \"stream\" or "
                + "\"archive\", got \"" + v + "\"");
    }

    /** {@code LONGWATCH_ARCHIVE_CACHE_OBJECTS}: decoded archive objects a reader keeps (default 256). */
    static int archiveCacheObjects(Map<String, String> env) {
        String v = env.get("LONGWATCH_ARCHIVE_CACHE_OBJECTS");
        if (v == null || v.isBlank()) {
            return 256;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalStateException("environment variable LONGWATCH_ARCHIVE_CACHE_OBJECTS must be a whole "
                    + "number (0 or more), got \"" + v + "\"");
        }
    }

    /** The archive compactor, or null without {@code LONGWATCH_ARCHIVE_BUCKET} (a deployment without archive). */
    ArchiveCompactor archiveCompactorIfDeployed() {
        String bucket = env.get("LONGWATCH_ARCHIVE_BUCKET");
        return bucket == null || bucket.isBlank() ? null : archiveCompactor();
    }

    /** Raw queries from the archive, or null without {@code LONGWATCH_ARCHIVE_BUCKET}: they then answer 400. */
    ArchiveQueryService archiveQueryServiceIfDeployed() {
        String bucket = env.get("LONGWATCH_ARCHIVE_BUCKET");
        return bucket == null || bucket.isBlank() ? null
                : new ArchiveQueryService(new DynamoDbSeriesIndex(dynamo(), seriesTable(), metrics), archiveReader(),
                clock);
    }

    Clock clock() {
        return clock;
    }

    /**
     * One reader per container, shared by raw queries and the fresh tail of minute queries; it keeps the 256
     * most recently read per-batch and hourly objects decoded, so a query of the last minutes repeated every
     * minute fetches only the objects written since.
     */
    synchronized ArchiveReader archiveReader() {
        if (archiveReader == null) {
            archiveReader = new ArchiveReader(archiveStore(), 16, archiveCacheObjects(env));
        }
        return archiveReader;
    }

    QueryService queryService() {
        return new QueryService(new DynamoDbSeriesIndex(dynamo(), seriesTable(), metrics), rollupStore(),
                compactionStateIfDeployed(), retention, clock, 32, freshTailIfConfigured());
    }

    /**
     * With {@code LONGWATCH_FRESH_FROM_ARCHIVE_SECONDS} (the rollup mapping's batching window plus a margin) and
     * the archive bucket, minute queries read their newest minutes from the archive (QueryService.FreshTail).
     */
    QueryService.FreshTail freshTailIfConfigured() {
        String lag = env.get("LONGWATCH_FRESH_FROM_ARCHIVE_SECONDS");
        String bucket = env.get("LONGWATCH_ARCHIVE_BUCKET");
        if ((lag == null || lag.isBlank()) && minuteTierFromArchive()) {
            lag = "300"; // the minute tier from the archive always needs the tail; the compaction state bounds it
        }
        if (lag == null || lag.isBlank() || bucket == null || bucket.isBlank()) {
            return null;
        }
        long seconds;
        try {
            seconds = Long.parseLong(lag.trim());
        } catch (NumberFormatException e) {
            seconds = -1;
        }
        if (seconds < 1) {
            throw new IllegalStateException("environment variable LONGWATCH_FRESH_FROM_ARCHIVE_SECONDS must be a "
                    + "whole number of seconds (at least 1), got \"" + lag + "\"");
        }
        return minuteTierFromArchive() ? QueryService.FreshTail.untilCompacted(archiveReader(),
                Duration.ofSeconds(seconds)) : new QueryService.FreshTail(archiveReader(), Duration.ofSeconds(seconds));
    }

    CompactorService compactorService() {
        return new CompactorService(new DynamoDbSeriesIndex(dynamo(), seriesTable(), metrics), rollupStore(),
                compactionState(), retention, metrics, clock, CompactorService.Limits.DEFAULT);
    }

    // ---- notifications (channels, routes, silences, delivery log in LONGWATCH_NOTIFICATIONS_TABLE) ----

    private dev.longwatch.core.notify.NotificationService notificationService;
    private dev.longwatch.core.notify.NotificationConfig notificationConfig;

    /** The notifier's pipeline: KMS-sealed channel secrets, SNS, the console and public API URLs for links. */
    synchronized dev.longwatch.core.notify.NotificationService notificationService() {
        if (notificationService == null) {
            String table = TableNames.required(tables.notifications(), "LONGWATCH_NOTIFICATIONS_TABLE");
            dev.longwatch.core.notify.NotifyStore store = new dev.longwatch.aws.dynamodb.DynamoDbNotifyStore(dynamo(),
                    table);
            String keyId = TableNames.required(env.get("LONGWATCH_SECRETS_KEY_ID"), "LONGWATCH_SECRETS_KEY_ID");
            dev.longwatch.core.notify.secret.SecretBox box = new dev.longwatch.core.notify.secret.SecretBox(
                    new dev.longwatch.aws.kms.KmsSecretSealer(sdk.kms(), keyId));
            dev.longwatch.core.notify.ChannelService channels = new dev.longwatch.core.notify.ChannelService(store, box,
                    clock, () -> UUID.randomUUID().toString().replace("-", "").substring(0, 20), false);
            dev.longwatch.core.notify.channel.Notifiers notifiers = new dev.longwatch.core.notify.channel.Notifiers(
                    new dev.longwatch.core.notify.channel.HttpTransport(clock),
                    new dev.longwatch.aws.sns.SnsTopicPublisher(sdk.sns()), "https://slack.com/api", clock);
            EventStore events = tables.events() == null || tables.events().isBlank() ? null : eventStore();
            dev.longwatch.core.notify.chat.ActionLinks links = new dev.longwatch.core.notify.chat.ActionLinks(store, box,
                    env.get("LONGWATCH_PUBLIC_API_URL"));
            actionLinks = links;
            notificationService = new dev.longwatch.core.notify.NotificationService(store, channels, notifiers, events,
                    links, charts(events), deadLetters(), dev.longwatch.core.notify.Pacer.SLEEP, clock, metrics,
                    dev.longwatch.core.notify.NotificationService.Settings.DEFAULT
                            .withConsoleUrl(env.get("LONGWATCH_CONSOLE_URL")), notifyWakeups());
        }
        return notificationService;
    }

    private dev.longwatch.core.notify.chat.ActionLinks actionLinks;

    synchronized dev.longwatch.core.notify.chat.ActionLinks actionLinks() {
        if (actionLinks == null) {
            notificationService();
        }
        return actionLinks;
    }

    /**
     * ChatOps. {@code AlertCommands} is the alerting work's AlertService at merge; until it is bound, chat
     * commands that touch alerts answer that alerting is not deployed.
     */
    synchronized dev.longwatch.core.notify.chat.ChatService chatService() {
        return new dev.longwatch.core.notify.chat.ChatService(notificationService(), notificationConfig(),
                alertCommands(), charts(tables.events() == null ? null : eventStore()),
                new dev.longwatch.core.notify.channel.HttpTransport(clock), clock,
                env.get("LONGWATCH_CONSOLE_URL"));
    }

    /** Chat's acknowledge, resolve and status, carried out by the alerting service (audited as the chat user). */
    dev.longwatch.core.notify.chat.AlertCommands alertCommands() {
        return new dev.longwatch.core.notify.chat.AlertServiceCommands(alertService());
    }

    /**
     * LONGWATCH_NOTIFY_WAKE_QUEUE_URL (the notifier's own queue), when set: a group due before the next scheduled
     * tick is flushed on time by a delayed wake-up message; without it, by the tick.
     */
    private dev.longwatch.core.notify.Wakeups notifyWakeups() {
        String url = env.get("LONGWATCH_NOTIFY_WAKE_QUEUE_URL");
        if (url == null || url.isBlank()) {
            return dev.longwatch.core.notify.Wakeups.NONE;
        }
        return new dev.longwatch.aws.sqs.SqsWakeups(sdk.sqs(), url);
    }

    /** LONGWATCH_NOTIFY_DLQ_URL, when set: failed notifications also go to that queue (the delivery log keeps them). */
    private dev.longwatch.core.notify.DeadLetters deadLetters() {
        String url = env.get("LONGWATCH_NOTIFY_DLQ_URL");
        if (url == null || url.isBlank()) {
            return null;
        }
        return new dev.longwatch.aws.sqs.SqsDeadLetters(sdk.sqs(), url);
    }

    /** Chart images in LONGWATCH_CHARTS_BUCKET with presigned links, or none when the bucket is not set. */
    private dev.longwatch.core.notify.chart.QueryCharts charts(EventStore events) {
        String bucket = env.get("LONGWATCH_CHARTS_BUCKET");
        if (bucket == null || bucket.isBlank() || tables.series() == null || tables.rollups() == null) {
            return null;
        }
        return new dev.longwatch.core.notify.chart.QueryCharts(
                new dev.longwatch.core.notify.chart.QuerySeriesSource(queryService()), events,
                new dev.longwatch.aws.s3.S3ChartStore(s3(),
                        sdk.presigner(), bucket));
    }

    /** Configuration changes, audited in LONGWATCH_ALERTING_TABLE (only the functions that change it need that). */
    synchronized dev.longwatch.core.notify.NotificationConfig notificationConfig() {
        if (notificationConfig == null) {
            dev.longwatch.core.notify.NotificationService n = notificationService();
            notificationConfig = new dev.longwatch.core.notify.NotificationConfig(n.store(), n.channels(), auditLog(),
                    clock, () -> UUID.randomUUID().toString().replace("-", "").substring(0, 20));
        }
        return notificationConfig;
    }

    EventStore eventStore() {
        return new DynamoDbEventStore(dynamo(), eventsTable(), metrics);
    }

    // Alerting: monitors, alert instances, transitions and the audit log live in LONGWATCH_ALERTING_TABLE.

    private String alertingTable() {
        return TableNames.required(tables.alerting(), "LONGWATCH_ALERTING_TABLE");
    }

    /** Transitions go to the notifier's queue, LONGWATCH_NOTIFY_QUEUE_URL. */
    private TransitionSink transitionSink() {
        String url = TableNames.required(env.get("LONGWATCH_NOTIFY_QUEUE_URL"), "LONGWATCH_NOTIFY_QUEUE_URL");
        return new SqsTransitionSink(sdk.sqs(), url);
    }

    AuditLog auditLog() {
        return new DynamoDbAuditLog(dynamo(), alertingTable());
    }

    MonitorService monitorService() {
        return new MonitorService(new DynamoDbMonitorStore(dynamo(), alertingTable()),
                new DynamoDbAlertStateStore(dynamo(), alertingTable(), metrics), auditLog(), clock, new SecureRandom());
    }

    AlertService alertService() {
        return new AlertService(new DynamoDbAlertStateStore(dynamo(), alertingTable(), metrics),
                new DynamoDbMonitorStore(dynamo(), alertingTable()), auditLog(), transitionSink(), clock);
    }

    BacktestService backtestService() {
        return new BacktestService(new DynamoDbSeriesIndex(dynamo(), seriesTable(), metrics), rollupStore(),
                eventStore(), 32);
    }

    EvaluatorService evaluatorService() {
        // With LONGWATCH_FRESH_FROM_ARCHIVE_SECONDS and the bucket, monitors see the newest minutes from the
        // archive, as minute queries do (always wanted with LONGWATCH_MINUTE_TIER=archive).
        return new EvaluatorService(new DynamoDbMonitorStore(dynamo(), alertingTable()),
                new DynamoDbAlertStateStore(dynamo(), alertingTable(), metrics),
                new DynamoDbSeriesIndex(dynamo(), seriesTable(), metrics), rollupStore(), eventStore(),
                transitionSink(), metrics, 32, freshTailIfConfigured(),
                minuteTierFromArchive() ? compactionStateIfDeployed() : null);
    }
}

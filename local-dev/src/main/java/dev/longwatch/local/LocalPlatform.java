package dev.longwatch.local;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.longwatch.aws.dynamodb.DynamoDbAlertStateStore;
import dev.longwatch.aws.dynamodb.DynamoDbApiKeyStore;
import dev.longwatch.aws.dynamodb.DynamoDbAuditLog;
import dev.longwatch.aws.dynamodb.DynamoDbMonitorStore;
import dev.longwatch.aws.dynamodb.DynamoDbCompactionStateStore;
import dev.longwatch.aws.dynamodb.DynamoDbEventStore;
import dev.longwatch.aws.dynamodb.DynamoDbRollupStore;
import dev.longwatch.aws.dynamodb.DynamoDbSeriesIndex;
import dev.longwatch.aws.dynamodb.TableNames;
import dev.longwatch.aws.dynamodb.TableSetup;
import dev.longwatch.aws.s3.S3ArchiveStore;
import dev.longwatch.core.archive.ArchiveCompactor;
import dev.longwatch.core.archive.ArchiveReader;
import dev.longwatch.core.archive.ArchiveService;
import dev.longwatch.core.archive.MinuteTierWriter;
import dev.longwatch.core.rollup.LateArrivals;
import dev.longwatch.core.query.ArchiveQueryService;
import dev.longwatch.core.alerting.AlertService;
import dev.longwatch.core.notify.chat.AlertServiceCommands;
import dev.longwatch.core.alerting.MonitorService;
import dev.longwatch.core.alerting.backtest.BacktestService;
import dev.longwatch.core.alerting.evaluate.EvaluatorService;
import dev.longwatch.core.auth.ApiKeys;
import dev.longwatch.core.importer.CloudWatchMetricsSource;
import dev.longwatch.core.ingest.IngestService;
import dev.longwatch.core.query.QueryService;
import dev.longwatch.core.rollup.Retention;
import dev.longwatch.core.rollup.RollupService;
import dev.longwatch.core.rollup.compact.CompactorService;
import dev.longwatch.core.telemetry.InMemoryMetrics;
import dev.longwatch.core.telemetry.Log;
import dev.longwatch.handler.HttpApi;
import dev.longwatch.handler.HttpIngestRequestHandler;
import dev.longwatch.handler.HttpMonitorsRequestHandler;
import dev.longwatch.handler.HttpQueryRequestHandler;
import dev.longwatch.handler.KinesisArchiveHandler;
import dev.longwatch.handler.KinesisRollupHandler;
import dev.longwatch.handler.ScheduledCompactorHandler;
import dev.longwatch.handler.ScheduledEvaluatorHandler;
import dev.longwatch.local.stream.LocalStream;
import dev.longwatch.model.IngestLimits;
import dev.longwatch.model.Payloads;
import dev.longwatch.model.StreamRecords;
import dev.longwatch.model.TenantIds;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * All of Longwatch in one process: DynamoDB Local (persisted in the data dir), the durable in-process
 * stream, the same core services and Lambda handlers as AWS, behind an embedded HTTP server, with a
 * ticker that feeds the stream to the rollup handler like Lambda's event source mapping does.
 */
public final class LocalPlatform implements AutoCloseable {
    private static final Log LOG = Log.get(LocalPlatform.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final int MAX_BATCH_RECORDS = 10_000;
    public static final String DEV_TENANT = "dev";
    /** The archive's stream consumer; it polls every ten rollup intervals, for bigger objects. */
    static final String ARCHIVE_CONSUMER = "archive";

    private final LocalOptions options;
    private final DynamoDbLocalServer dynamo;
    private final LocalStream stream;
    private final InMemoryMetrics metrics = new InMemoryMetrics();
    private final ApiKeys apiKeys;
    private final KinesisRollupHandler rollupHandler;
    private final HttpIngestRequestHandler ingestHandler;
    private final HttpQueryRequestHandler queryHandler;
    private final ScheduledCompactorHandler compactorHandler;
    private final ScheduledExecutorService compactorTicker;
    private final LocalCloudWatch cloudWatch;
    private final LocalHttpServer http;
    private final String devApiKey;
    private final Clock clock;
    private final LocalS3Server s3;
    private final KinesisArchiveHandler archiveHandler;
    private final ArchiveCompactor archiveCompactor;
    private final ArchiveReader archiveReader;
    private final LocalConsole console = LocalConsole.fromClasspath();
    private final LocalTransitionQueue transitions = new LocalTransitionQueue();
    private final HttpMonitorsRequestHandler monitorsHandler;
    private final ScheduledEvaluatorHandler evaluatorHandler;
    private final ScheduledExecutorService evaluatorTicker;
    /** The last minute the ticker evaluated (it catches up on missed minutes, at most {@link #CATCH_UP}). */
    private long lastEvaluatedMinute = Long.MIN_VALUE;
    static final int CATCH_UP = 10;
    private final LocalNotifications notifications;

    private LocalPlatform(LocalOptions options, Clock clock, Supplier<CloudWatchMetricsSource> cloudWatchSource)
            throws Exception {
        this.options = options;
        this.clock = clock;
        Path data = options.dataDir().toAbsolutePath();
        Files.createDirectories(data);
        this.dynamo = DynamoDbLocalServer.start(data.resolve("dynamodb"));
        DynamoDbClient ddb = dynamo.client();
        TableNames tables = TableNames.defaults();
        TableSetup.createIfMissing(ddb, tables);

        Payloads payloads = new Payloads(IngestLimits.DEFAULT, clock, () -> UUID.randomUUID().toString());
        this.stream = new LocalStream(data.resolve("stream"), options.shards(), clock);
        this.apiKeys = new ApiKeys(new DynamoDbApiKeyStore(ddb, tables.apiKeys()), clock, new SecureRandom());
        DynamoDbSeriesIndex index = new DynamoDbSeriesIndex(ddb, tables.series(), metrics);
        DynamoDbRollupStore rollups = new DynamoDbRollupStore(ddb, tables.rollups(), metrics);
        DynamoDbEventStore events = new DynamoDbEventStore(ddb, tables.events(), metrics);
        DynamoDbCompactionStateStore compaction = new DynamoDbCompactionStateStore(ddb, tables.state(), metrics);
        Retention retention = Retention.DEFAULTS;
        this.rollupHandler = new KinesisRollupHandler(new RollupService(new StreamRecords(payloads), rollups, index,
                events, compaction, retention, metrics, clock, 16), metrics);
        this.ingestHandler = new HttpIngestRequestHandler(apiKeys, new IngestService(payloads, stream, metrics), metrics,
                IngestLimits.DEFAULT.maxBodyBytes());
        this.cloudWatch = new LocalCloudWatch(ddb, tables.state(), new StreamRecords(payloads), stream, apiKeys, metrics,
                clock, cloudWatchSource);
        this.s3 = LocalS3Server.start(data.resolve("archive"));
        S3ArchiveStore archive = new S3ArchiveStore(s3.client(), s3.bucket());
        boolean fromArchive = options.minuteTierFromArchive();
        // With the minute tier from the archive (--minute-tier archive) there is no rollup consumer: the archive
        // consumer registers series, the archive compactor writes each merged hour's minutes, and queries and
        // monitors read the minutes not compacted yet from the archive (as AwsWiring wires LONGWATCH_MINUTE_TIER).
        this.archiveHandler = new KinesisArchiveHandler(fromArchive
                ? new ArchiveService(new StreamRecords(payloads), archive, metrics, clock, 8, index,
                new LateArrivals(compaction, metrics))
                : new ArchiveService(new StreamRecords(payloads), archive, metrics, clock, 8), metrics);
        this.archiveCompactor = fromArchive
                ? new ArchiveCompactor(archive, metrics, Duration.ofMinutes(10), 8, new MinuteTierWriter(rollups,
                new LateArrivals(compaction, metrics), retention, metrics, clock, 8))
                : new ArchiveCompactor(archive, metrics, Duration.ofMinutes(10), 8);
        this.archiveReader = new ArchiveReader(archive, 8);
        QueryService.FreshTail freshTail = fromArchive
                ? QueryService.FreshTail.untilCompacted(new ArchiveReader(archive, 8, 1024), Duration.ofMinutes(5))
                : null;
        // Queries read the rollups, and the archive for raw points and steps below a minute.
        this.queryHandler = new HttpQueryRequestHandler(apiKeys,
                new QueryService(index, rollups, compaction, retention, clock, 16, freshTail),
                new ArchiveQueryService(index, archiveReader, clock), events, metrics);
        // The same handler EventBridge Scheduler invokes on AWS: rollup tiers, then the archive's blocks (with the
        // minute tier from the archive the other way round, so no hour is compacted before its minutes exist).
        this.compactorHandler = new ScheduledCompactorHandler(new CompactorService(index, rollups, compaction,
                retention, metrics, clock, CompactorService.Limits.DEFAULT), archiveCompactor, clock, metrics,
                fromArchive);
        this.compactorTicker = startCompactorTicker(options.pollInterval());
        DynamoDbMonitorStore monitorStore = new DynamoDbMonitorStore(ddb, tables.alerting());
        DynamoDbAlertStateStore alertStates = new DynamoDbAlertStateStore(ddb, tables.alerting(), metrics);
        DynamoDbAuditLog audit = new DynamoDbAuditLog(ddb, tables.alerting());
        AlertService alertService = new AlertService(alertStates, monitorStore, audit, transitions, clock);
        this.monitorsHandler = new HttpMonitorsRequestHandler(apiKeys,
                new MonitorService(monitorStore, alertStates, audit, clock, new SecureRandom()), alertService,
                new BacktestService(index, rollups, events, 8), audit, clock, metrics);
        this.evaluatorHandler = new ScheduledEvaluatorHandler(new EvaluatorService(monitorStore, alertStates, index,
                rollups, events, transitions, metrics, 8, freshTail, fromArchive ? compaction : null), clock, metrics);
        this.evaluatorTicker = startEvaluatorTicker(options.pollInterval(), options.evaluationSettle());
        this.devApiKey = ensureDevKey(data);
        s3.ensureBucket(LocalNotifications.CHARTS_BUCKET);
        this.notifications = new LocalNotifications(ddb, tables, data, apiKeys, events, metrics, clock,
                this::baseUriOrNull, options.pollInterval(), new AlertServiceCommands(alertService),
                transitions::drain, new QueryService(index, rollups, compaction, retention,
                clock, 16, freshTail), new dev.longwatch.aws.s3.S3ChartStore(s3.client(), s3.presigner(),
                LocalNotifications.CHARTS_BUCKET));
        this.http = new LocalHttpServer(options.host(), options.port(), this::route, clock);
        stream.registerConsumer(ARCHIVE_CONSUMER); // before any drain, so no segment goes before it has read it
        if (!fromArchive) {
            stream.start(rollupHandler, options.pollInterval(), MAX_BATCH_RECORDS);
        }
        stream.start(ARCHIVE_CONSUMER, archiveHandler, options.pollInterval().multipliedBy(10), MAX_BATCH_RECORDS);
    }

    public static LocalPlatform start(LocalOptions options, Clock clock) throws Exception {
        return new LocalPlatform(options, clock, LocalCloudWatch.fromEnvironment(System.getenv()));
    }

    /** With the CloudWatch the importer reads (tests point it at a local endpoint). */
    public static LocalPlatform start(LocalOptions options, Clock clock, Supplier<CloudWatchMetricsSource> cloudWatch)
            throws Exception {
        return new LocalPlatform(options, clock, cloudWatch);
    }

    public URI baseUri() {
        return URI.create("http://" + (options.host().equals("0.0.0.0") ? "127.0.0.1" : options.host()) + ":"
                + http.port());
    }

    /** Whether this build carries the web console (served at {@code /}). */
    public boolean consoleAvailable() {
        return console.available();
    }

    private String baseUriOrNull() {
        return http == null ? null : baseUri().toString();
    }

    /** Notifications: the in-process queue from the evaluator, the pipeline, the ticker (see {@link LocalNotifications}). */
    public LocalNotifications notifications() {
        return notifications;
    }

    /** DynamoDB Local's client (tests simulate an outage of a table with it). */
    DynamoDbClient dynamoClient() {
        return dynamo.client();
    }

    public String devApiKey() {
        return devApiKey;
    }

    public ApiKeys apiKeys() {
        return apiKeys;
    }

    public InMemoryMetrics metrics() {
        return metrics;
    }

    /** Feeds everything on the stream to the rollup handler now; returns the records rolled up. */
    public int runRollups() {
        int total = 0;
        if (options.minuteTierFromArchive()) {
            return 0; // no rollup consumer: the compactor writes minutes from the archive
        }
        for (int n; (n = stream.drain(rollupHandler, MAX_BATCH_RECORDS)) > 0; ) {
            total += n;
        }
        return total;
    }

    /**
     * Runs the compactor every minute like EventBridge Scheduler does (or at the poll interval when that is
     * longer: tests set a long one to drive every job by hand).
     */
    private ScheduledExecutorService startCompactorTicker(Duration pollInterval) {
        long every = Math.max(Duration.ofMinutes(1).toMillis(), pollInterval.toMillis());
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "compactor-ticker");
            t.setDaemon(true);
            return t;
        });
        ticker.scheduleWithFixedDelay(() -> {
            try {
                runCompactor();
            } catch (RuntimeException e) {
                LOG.error("scheduled compactor run failed; the next run retries", e);
            }
        }, every, every, TimeUnit.MILLISECONDS);
        return ticker;
    }

    /**
     * Runs the compactor now (the same handler EventBridge Scheduler invokes on AWS), then the archive's block
     * compaction; returns both reports.
     */
    public Map<String, Object> runCompactor() {
        return compactorHandler.handleRequest(Map.of(), null);
    }

    /**
     * Runs the evaluator every minute at the minute plus the settle time, like the rounds queue delivers on AWS (or at
     * the poll interval when that is longer: tests drive it by hand), evaluating each minute since the last run
     * once.
     */
    private ScheduledExecutorService startEvaluatorTicker(Duration pollInterval, Duration settle) {
        long every = Math.max(Duration.ofMinutes(1).toMillis(), pollInterval.toMillis());
        long settleMillis = settle.toMillis();
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "evaluator-ticker");
            t.setDaemon(true);
            return t;
        });
        ticker.scheduleAtFixedRate(() -> {
            try {
                // The latest minute whose settle time has passed.
                long now = Math.floorDiv(clock.millis() - settleMillis, EvaluatorService.MINUTE)
                        * EvaluatorService.MINUTE;
                long from = Math.max(lastEvaluatedMinute + EvaluatorService.MINUTE,
                        now - (CATCH_UP - 1) * EvaluatorService.MINUTE);
                for (long m = from; m <= now; m += EvaluatorService.MINUTE) {
                    runEvaluator(m);
                }
            } catch (RuntimeException e) {
                LOG.error("scheduled evaluator run failed; the next run retries", e);
            }
        }, firstEvaluatorRun(clock.millis(), every, settleMillis), every, TimeUnit.MILLISECONDS);
        return ticker;
    }

    /**
     * The wait before the ticker's first run: to the next minute boundary plus the settle time (the minute just
     * ended is then evaluated), as the rounds queue delivers on AWS, so a point waits for its minute to end and
     * settle, not also for whenever local-dev started.
     */
    static long firstEvaluatorRun(long nowMillis, long every, long settleMillis) {
        long minute = Duration.ofMinutes(1).toMillis();
        return every == minute ? Math.floorMod(settleMillis - nowMillis, minute) : every;
    }

    /** Evaluates the monitors for the minute containing {@code time} (the handler EventBridge invokes on AWS). */
    public synchronized Map<String, Object> runEvaluator(long time) {
        Map<String, Object> report = evaluatorHandler.handleRequest(Map.of("time",
                java.time.Instant.ofEpochMilli(time).toString()), null);
        lastEvaluatedMinute = Math.max(lastEvaluatedMinute, ((Number) report.get("minute")).longValue());
        return report;
    }

    /** The evaluator's transitions, waiting for the notification service to drain them. */
    public LocalTransitionQueue transitions() {
        return transitions;
    }

    /** Feeds everything on the stream to the archive consumer now; returns the records archived. */
    public int runArchive() {
        int total = 0;
        for (int n; (n = stream.drain(ARCHIVE_CONSUMER, archiveHandler, MAX_BATCH_RECORDS)) > 0; ) {
            total += n;
        }
        return total;
    }

    /** Reads points and re-derives rollups from the local archive. */
    public ArchiveReader archiveReader() {
        return archiveReader;
    }

    /** The dev key: LONGWATCH_DEV_API_KEY if set, else the one kept in the data dir, else a new one. */
    private String ensureDevKey(Path data) throws IOException {
        String key = options.devApiKey();
        Path file = data.resolve("dev-api-key");
        if (key == null && Files.exists(file)) {
            key = Files.readString(file, StandardCharsets.UTF_8).trim();
        }
        if (key == null || key.isEmpty()) {
            key = apiKeys.create(DEV_TENANT, "local dev key").key();
            Files.writeString(file, key, StandardCharsets.UTF_8);
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException notPosix) {
                // Windows: the file keeps its default permissions.
            }
            return key;
        }
        apiKeys.register(DEV_TENANT, "local dev key", "dev", key);
        return key;
    }

    private Function<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> route(String method, String path) {
        boolean post = method.equals("POST");
        boolean get = method.equals("GET");
        Function<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> cw = cloudWatch.route(method, path);
        if (cw != null) {
            return cw;
        }
        Function<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> consoleFile = console.route(method, path);
        if (consoleFile != null) {
            return consoleFile;
        }
        if (path.equals("/health") && get) {
            return e -> LocalHttpServer.json(200, "{\"status\":\"ok\"}");
        }
        if (path.startsWith("/v1/admin/")) {
            return admin(method, path);
        }
        if (HttpMonitorsRequestHandler.serves(path)) {
            return e -> monitorsHandler.handleRequest(e, null);
        }
        Function<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> notify = notifications.route(path);
        if (notify != null) {
            return notify;
        }
        if (post && (path.equals("/v1/metrics") || path.equals("/v1/events"))) {
            return e -> ingestHandler.handleRequest(e, null);
        }
        if (get && (path.equals("/v1/query") || path.equals("/v1/metrics") || path.equals("/v1/events")
                || (path.startsWith("/v1/metrics/") && path.endsWith("/tags")))) {
            return e -> queryHandler.handleRequest(e, null);
        }
        if (path.equals("/v1/metrics") || path.equals("/v1/events") || path.equals("/v1/query")) {
            return e -> HttpApi.error(405, null, method + " is not allowed on " + path);
        }
        return null;
    }

    /** Dev-only endpoints: they exist only in local-dev, which listens on loopback by default. */
    private Function<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> admin(String method, String path) {
        return switch (method + " " + path) {
            case "POST /v1/admin/tenants" -> this::createTenant;
            case "POST /v1/admin/jobs/rollup/run" -> e -> {
                int n = runRollups();
                return LocalHttpServer.json(200, "{\"records\":" + n + "}");
            };
            case "POST /v1/admin/jobs/archive/run" -> e -> {
                int n = runArchive();
                return LocalHttpServer.json(200, "{\"records\":" + n + "}");
            };
            case "POST /v1/admin/jobs/compactor/run" -> e -> HttpApi.guarded(() -> {
                try {
                    return LocalHttpServer.json(200, JSON.writeValueAsString(runCompactor()));
                } catch (IOException ex) {
                    throw new IllegalStateException("cannot write the compactor report", ex);
                }
            });
            case "POST /v1/admin/jobs/evaluator/run" -> e -> HttpApi.guarded(() -> {
                try {
                    return LocalHttpServer.json(200, JSON.writeValueAsString(runEvaluator(clock.millis())));
                } catch (IOException ex) {
                    throw new IllegalStateException("cannot write the evaluator report", ex);
                }
            });
            case "GET /v1/admin/metrics" -> e -> {
                ObjectNode out = JSON.createObjectNode();
                ObjectNode counters = out.putObject("counters");
                metrics.snapshot().forEach(counters::put);
                counters.put("StreamPendingRecords", stream.pendingRecords());
                counters.put("ArchivePendingRecords", stream.pendingRecords(ARCHIVE_CONSUMER));
                return LocalHttpServer.json(200, out.toString());
            };
            default -> null;
        };
    }

    private APIGatewayV2HTTPResponse createTenant(APIGatewayV2HTTPEvent e) {
        return HttpApi.guarded(() -> {
            JsonNode body;
            try {
                body = e.getBody() == null ? JSON.createObjectNode() : JSON.readTree(HttpApi.body(e, 64 * 1024));
            } catch (IOException ex) {
                return HttpApi.error(400, "", "the body is not valid JSON");
            }
            String tenant = body.path("tenant").asText("");
            if (!TenantIds.isValid(tenant)) {
                return HttpApi.error(400, "tenant", "must be 1-63 characters of a-z, 0-9 and -, starting with a "
                        + "letter or digit");
            }
            String name = body.path("name").asText("key");
            ApiKeys.Issued issued = apiKeys.create(tenant, name);
            LOG.info("created API key", "tenant", tenant, "keyId", issued.keyId());
            return LocalHttpServer.json(201, JSON.createObjectNode().put("tenant", issued.tenant())
                    .put("keyId", issued.keyId()).put("key", issued.key()).toString());
        });
    }

    /** Creates a tenant and key without starting the server (the --create-tenant flag). */
    public static ApiKeys.Issued createTenantOffline(LocalOptions options, String tenant, Clock clock)
            throws Exception {
        try (DynamoDbLocalServer d = DynamoDbLocalServer.start(options.dataDir().toAbsolutePath().resolve("dynamodb"))) {
            TableSetup.createIfMissing(d.client(), TableNames.defaults());
            return new ApiKeys(new DynamoDbApiKeyStore(d.client(), TableNames.defaults().apiKeys()), clock,
                    new SecureRandom()).create(tenant, "created with --create-tenant");
        }
    }

    public Map<String, Double> counters() {
        return metrics.snapshot();
    }

    @Override
    public void close() throws Exception {
        notifications.close();
        compactorTicker.shutdownNow();
        compactorTicker.awaitTermination(30, TimeUnit.SECONDS);
        evaluatorTicker.shutdownNow();
        evaluatorTicker.awaitTermination(30, TimeUnit.SECONDS); // a run cut short is finished by the next
        http.close();
        stream.close();
        s3.close();
        dynamo.close();
    }
}

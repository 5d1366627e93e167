package dev.longwatch.local;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.longwatch.aws.cloudwatch.CloudWatchSdkMetricsSource;
import dev.longwatch.aws.dynamodb.DynamoDbDeliveryLedger;
import dev.longwatch.aws.dynamodb.DynamoDbImportJobStore;
import dev.longwatch.core.auth.ApiKeys;
import dev.longwatch.core.cloudwatch.MetricStreamService;
import dev.longwatch.core.cloudwatch.SeriesStreamWriter;
import dev.longwatch.core.importer.CloudWatchImportJob;
import dev.longwatch.core.importer.CloudWatchImportJobs;
import dev.longwatch.core.importer.CloudWatchImportService;
import dev.longwatch.core.importer.CloudWatchMetricsSource;
import dev.longwatch.core.importer.ImportJobStore;
import dev.longwatch.core.ingest.StreamPublisher;
import dev.longwatch.core.telemetry.PlatformMetrics;
import dev.longwatch.handler.HttpApi;
import dev.longwatch.handler.HttpFirehoseMetricStreamHandler;
import dev.longwatch.handler.ScheduledCloudWatchImportHandler;
import dev.longwatch.model.IngestLimits;
import dev.longwatch.model.StreamRecords;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClientBuilder;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * CloudWatch in local-dev: the Firehose metric-stream endpoint (the same handler as on AWS) and the importer, run on
 * demand through dev-only endpoints ({@code POST/GET /v1/admin/imports/cloudwatch},
 * {@code POST /v1/admin/jobs/cloudwatch-import/run}) by the same scheduled handler as on AWS. The CloudWatch client
 * is built on the first run, from local-dev's environment (AWS credentials and region, or
 * {@code LONGWATCH_CLOUDWATCH_ENDPOINT} for another endpoint).
 */
final class LocalCloudWatch {
    static final String IMPORTS = "/v1/admin/imports/cloudwatch";
    static final String RUN = "/v1/admin/jobs/cloudwatch-import/run";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpFirehoseMetricStreamHandler firehose;
    private final CloudWatchImportService imports;
    private final CloudWatchImportJobs jobs = new CloudWatchImportJobs(IngestLimits.DEFAULT);
    private final PlatformMetrics metrics;
    private final Clock clock;

    LocalCloudWatch(DynamoDbClient ddb, String stateTable, StreamRecords records, StreamPublisher stream, ApiKeys apiKeys,
                    PlatformMetrics metrics, Clock clock, Supplier<CloudWatchMetricsSource> source) {
        this.metrics = metrics;
        this.clock = clock;
        SeriesStreamWriter writer = new SeriesStreamWriter(records, stream);
        this.firehose = new HttpFirehoseMetricStreamHandler(apiKeys, new MetricStreamService(IngestLimits.DEFAULT,
                writer, new DynamoDbDeliveryLedger(ddb, stateTable), metrics, clock), metrics, clock);
        this.imports = new CloudWatchImportService(new Lazy(source), new DynamoDbImportJobStore(ddb, stateTable), writer,
                IngestLimits.DEFAULT, metrics, clock, CloudWatchImportService.Settings.DEFAULT);
    }

    /** The handler of a CloudWatch route, or null when the path is none of them. */
    Function<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> route(String method, String path) {
        return switch (path) {
            case HttpFirehoseMetricStreamHandler.PATH -> e -> firehose.handleRequest(e, null);
            case IMPORTS -> switch (method) {
                case "POST" -> this::define;
                case "GET" -> e -> HttpApi.guarded(this::list);
                default -> e -> HttpApi.error(405, null, method + " is not allowed on " + path);
            };
            case RUN -> "POST".equals(method) ? e -> HttpApi.guarded(this::run)
                    : e -> HttpApi.error(405, null, "use POST " + path);
            default -> null;
        };
    }

    private APIGatewayV2HTTPResponse define(APIGatewayV2HTTPEvent e) {
        return HttpApi.guarded(() -> {
            CloudWatchImportJob job = jobs.parse(HttpApi.body(e, 64 * 1024));
            imports.store().define(job, "api");
            ImportJobStore.Entry stored = imports.store().get(job.tenant(), job.id()).orElseThrow();
            return LocalHttpServer.json(201, state(stored).toString());
        });
    }

    private APIGatewayV2HTTPResponse list() {
        ObjectNode out = JSON.createObjectNode();
        ArrayNode list = out.putArray("imports");
        imports.store().list().forEach(entry -> list.add(state(entry)));
        return LocalHttpServer.json(200, out.toString());
    }

    /** Runs every job now, through the importer's Lambda handler (no context: a ten-minute budget). */
    private APIGatewayV2HTTPResponse run() {
        Map<String, Object> summary = new ScheduledCloudWatchImportHandler(imports, null, metrics, clock)
                .handleRequest(Map.of(), null);
        try {
            return LocalHttpServer.json(200, JSON.writeValueAsString(summary));
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static ObjectNode state(ImportJobStore.Entry e) {
        ObjectNode o = JSON.createObjectNode();
        o.set("job", CloudWatchImportJobs.toJson(e.job()));
        o.put("source", e.source());
        if (e.cursor() != null) {
            o.put("cursor", Instant.ofEpochMilli(e.cursor()).toString());
        }
        o.put("points", e.pointsImported());
        if (e.lastRunAt() != null) {
            o.put("lastRunAt", Instant.ofEpochMilli(e.lastRunAt()).toString());
        }
        if (e.lastError() != null) {
            o.put("lastError", e.lastError());
        }
        return o;
    }

    /**
     * CloudWatch from local-dev's environment: {@code LONGWATCH_CLOUDWATCH_ENDPOINT} (another endpoint),
     * {@code LONGWATCH_CLOUDWATCH_REGION} or the SDK's usual region and credentials (AWS_REGION, profiles...).
     */
    static Supplier<CloudWatchMetricsSource> fromEnvironment(Map<String, String> env) {
        return () -> {
            try {
                CloudWatchClientBuilder b = CloudWatchClient.builder().httpClient(UrlConnectionHttpClient.create());
                String endpoint = env.get("LONGWATCH_CLOUDWATCH_ENDPOINT");
                if (endpoint != null && !endpoint.isBlank()) {
                    b.endpointOverride(URI.create(endpoint));
                }
                String region = env.get("LONGWATCH_CLOUDWATCH_REGION");
                if (region != null && !region.isBlank()) {
                    b.region(Region.of(region));
                }
                return new CloudWatchSdkMetricsSource(b.build());
            } catch (RuntimeException e) {
                throw new IllegalStateException("cannot reach CloudWatch from local-dev: set AWS_REGION (or "
                        + "LONGWATCH_CLOUDWATCH_REGION) and AWS credentials in its environment (" + e.getMessage() + ")", e);
            }
        };
    }

    /** Builds the real source on first use, so local-dev starts without AWS settings. */
    private static final class Lazy implements CloudWatchMetricsSource {
        private final Supplier<CloudWatchMetricsSource> supplier;
        private CloudWatchMetricsSource source;

        Lazy(Supplier<CloudWatchMetricsSource> supplier) {
            this.supplier = supplier;
        }

        private synchronized CloudWatchMetricsSource source() {
            if (source == null) {
                source = supplier.get();
            }
            return source;
        }

        @Override
        public Page getMetricData(List<MetricQuery> queries, Instant start, Instant end, String nextToken) {
            return source().getMetricData(queries, start, end, nextToken);
        }

        @Override
        public String region() {
            return source().region();
        }
    }
}

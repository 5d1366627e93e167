package dev.longwatch.infra.construct;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.aws_apigatewayv2_integrations.HttpLambdaIntegration;
import software.amazon.awscdk.services.apigateway.AccessLogFormat;
import software.amazon.awscdk.services.apigatewayv2.AddRoutesOptions;
import software.amazon.awscdk.services.apigatewayv2.HttpApi;
import software.amazon.awscdk.services.apigatewayv2.HttpMethod;
import software.amazon.awscdk.services.apigatewayv2.HttpRoute;
import software.amazon.awscdk.services.apigatewayv2.HttpStage;
import software.amazon.awscdk.services.apigatewayv2.IAccessLogSettings;
import software.amazon.awscdk.services.apigatewayv2.LogGroupLogDestination;
import software.amazon.awscdk.services.apigatewayv2.ThrottleSettings;
import software.amazon.awscdk.services.kinesis.IStream;
import software.amazon.awscdk.services.logs.LogGroup;
import software.constructs.Construct;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The tenant API: an HTTP API (payload 2.0) in front of the ingest and query functions.
 *
 * <p>There is no API Gateway authorizer: the functions check the API key themselves (SHA-256 lookup in the
 * api-keys table, cached), because an HTTP API Lambda authorizer can only refuse with 403 and the API promises
 * 401 for a missing or unknown key. Throttling is set on the stage's default route; access logs carry no
 * headers, so no key ever reaches them.
 */
public final class IngestApi extends Construct {
    static final String INGEST_HANDLER = "dev.longwatch.handler.HttpIngestRequestHandler";
    static final String QUERY_HANDLER = "dev.longwatch.handler.HttpQueryRequestHandler";
    static final String METRIC_STREAM_HANDLER = "dev.longwatch.handler.HttpFirehoseMetricStreamHandler";
    static final String METRIC_STREAM_PATH = "/v1/integrations/cloudwatch/metric-stream";

    /**
     * @param rateLimit  steady requests per second across all routes and tenants
     * @param burstLimit requests the stage absorbs at once above the rate
     */
    public record Props(TableSet tables, IStream stream, FunctionSettings functions, RollupRetention retention,
                        int rateLimit, int burstLimit) {
        public Props {
            Objects.requireNonNull(tables, "tables");
            Objects.requireNonNull(retention, "retention");
            Objects.requireNonNull(stream, "stream");
            Objects.requireNonNull(functions, "functions");
        }
    }

    /**
     * JSON access log lines; request ids match the functions' {@code requestId} log field. No user agent or
     * other client text that could break the JSON line.
     */
    static final String ACCESS_LOG_FORMAT = "{"
            + "\"requestId\":\"$context.requestId\","
            + "\"time\":\"$context.requestTime\","
            + "\"ip\":\"$context.identity.sourceIp\","
            + "\"method\":\"$context.httpMethod\","
            + "\"route\":\"$context.routeKey\","
            + "\"path\":\"$context.path\","
            + "\"status\":\"$context.status\","
            + "\"protocol\":\"$context.protocol\","
            + "\"responseLength\":\"$context.responseLength\","
            + "\"latencyMs\":\"$context.responseLatency\","
            + "\"integrationLatencyMs\":\"$context.integrationLatency\","
            + "\"integrationStatus\":\"$context.integrationStatus\","
            + "\"integrationError\":\"$context.integrationErrorMessage\","
            + "\"error\":\"$context.error.message\""
            + "}";

    private final HttpApi api;
    private final HttpStage stage;
    private final LongwatchFunction ingest;
    private final LongwatchFunction query;
    private final LongwatchFunction metricStream;
    private final LogGroup accessLogs;

    public IngestApi(Construct scope, String id, Props props) {
        super(scope, id);

        Map<String, String> ingestEnv = new HashMap<>(props.tables().environmentFor(props.tables().apiKeys()));
        ingestEnv.put("LONGWATCH_STREAM_NAME", props.stream().getStreamName());
        // 1 GB: gzip bodies of up to several MB are parsed and re-encoded per series; Kinesis retries
        // (6 attempts with backoff) fit well inside the 15 s, and the API Gateway limit is 30 s.
        this.ingest = new LongwatchFunction(this, "Ingest", new LongwatchFunction.Props(INGEST_HANDLER,
                "Longwatch ingest: validates metrics and events and puts them on the stream", 1024,
                Duration.seconds(15), ingestEnv, props.functions()));
        // Least privilege: put records, and look up one key hash. No table reads, no stream reads.
        props.stream().grant(ingest.alias(), "kinesis:PutRecords");
        props.tables().apiKeys().grant(ingest.alias(), "dynamodb:GetItem");

        // The state table (the compactor's progress) and the retention decide which tier a query reads: the
        // same retention as the rollup function and the compactor, or queries would look where nothing is.
        Map<String, String> queryEnv = new HashMap<>(props.tables().environmentFor(props.tables().rollups(),
                props.tables().series(), props.tables().events(), props.tables().apiKeys(), props.tables().state()));
        queryEnv.putAll(props.retention().environment());
        // 1 GB: a query merges up to a few thousand slabs with DDSketch; more memory buys CPU.
        this.query = new LongwatchFunction(this, "Query", new LongwatchFunction.Props(QUERY_HANDLER,
                "Longwatch query: series, rollups and events of the caller's tenant", 1024,
                Duration.seconds(25), queryEnv, props.functions()));
        for (var t : List.of(props.tables().rollups(), props.tables().series(), props.tables().events())) {
            t.grant(query.alias(), "dynamodb:Query", "dynamodb:GetItem");
        }
        props.tables().apiKeys().grant(query.alias(), "dynamodb:GetItem");
        // Only the tenant's compaction progress (one consistent GetItem per query); never a write.
        props.tables().state().grant(query.alias(), "dynamodb:GetItem");

        // CloudWatch metric streams through Firehose. 1 GB and 25 s: a delivery of up to 16 MB (base64 JSON) is
        // decoded and re-encoded per series, within API Gateway's 30 s.
        Map<String, String> streamEnv = new HashMap<>(props.tables().environmentFor(props.tables().apiKeys(),
                props.tables().state()));
        streamEnv.put("LONGWATCH_STREAM_NAME", props.stream().getStreamName());
        this.metricStream = new LongwatchFunction(this, "MetricStream", new LongwatchFunction.Props(
                METRIC_STREAM_HANDLER, "Longwatch metric streams: CloudWatch datapoints from Firehose onto the stream",
                1024, Duration.seconds(25), streamEnv, props.functions()));
        // Least privilege: the key lookup, the delivery ledger (DynamoDbDeliveryLedger: PutItem, GetItem,
        // UpdateItem, DeleteItem; deliveries are deduplicated by Firehose request id), records onto the stream.
        props.stream().grant(metricStream.alias(), "kinesis:PutRecords");
        props.tables().apiKeys().grant(metricStream.alias(), "dynamodb:GetItem");
        props.tables().state().grant(metricStream.alias(), "dynamodb:PutItem", "dynamodb:GetItem",
                "dynamodb:UpdateItem", "dynamodb:DeleteItem");

        this.api = HttpApi.Builder.create(this, "Api")
                .description("Longwatch tenant API: ingest and query")
                // Created below with throttling and access logs, which the implicit stage cannot take.
                .createDefaultStage(false)
                .build();
        this.accessLogs = LogGroup.Builder.create(this, "AccessLogs")
                .retention(props.functions().logRetention())
                .removalPolicy(props.functions().logRemovalPolicy())
                .build();
        this.stage = HttpStage.Builder.create(this, "DefaultStage")
                .httpApi(api)
                .stageName("$default")
                .autoDeploy(true)
                .throttle(ThrottleSettings.builder()
                        .rateLimit(props.rateLimit())
                        .burstLimit(props.burstLimit())
                        .build())
                .accessLogSettings(new IAccessLogSettings() {
                    @Override
                    public LogGroupLogDestination getDestination() {
                        return new LogGroupLogDestination(accessLogs);
                    }

                    @Override
                    public AccessLogFormat getFormat() {
                        return AccessLogFormat.custom(ACCESS_LOG_FORMAT);
                    }
                })
                .build();

        HttpLambdaIntegration toIngest = new HttpLambdaIntegration("IngestIntegration", ingest.alias());
        HttpLambdaIntegration toQuery = new HttpLambdaIntegration("QueryIntegration", query.alias());
        HttpLambdaIntegration toMetricStream = new HttpLambdaIntegration("MetricStreamIntegration",
                metricStream.alias());
        List<HttpRoute> routes = new ArrayList<>();
        routes.addAll(route("/v1/metrics", HttpMethod.POST, toIngest));
        routes.addAll(route("/v1/events", HttpMethod.POST, toIngest));
        routes.addAll(route("/v1/query", HttpMethod.GET, toQuery));
        routes.addAll(route("/v1/metrics", HttpMethod.GET, toQuery));
        routes.addAll(route("/v1/metrics/{name}/tags", HttpMethod.GET, toQuery));
        routes.addAll(route("/v1/events", HttpMethod.GET, toQuery));
        routes.addAll(route(METRIC_STREAM_PATH, HttpMethod.POST, toMetricStream));
        for (HttpRoute r : routes) {
            NagSuppressions.addResourceSuppressions(r, List.of(NagPackSuppression.builder()
                    .id("AwsSolutions-APIG4")
                    .reason("Tenant routes are authorized inside the ingest, query and metric-stream functions: the"
                            + " API key's SHA-256 is looked up in the api-keys table (cached 60 s). An HTTP API Lambda"
                            + " authorizer could only refuse with 403, and the API contract answers 401 (Firehose"
                            + " sends the key in its own access-key header).")
                    .build()));
        }
    }

    private List<HttpRoute> route(String path, HttpMethod method, HttpLambdaIntegration integration) {
        return api.addRoutes(AddRoutesOptions.builder()
                .path(path)
                .methods(List.of(method))
                .integration(integration)
                .build());
    }

    public HttpApi api() {
        return api;
    }

    public HttpStage stage() {
        return stage;
    }

    /** The base URL of the API, e.g. {@code https://abc123.execute-api.eu-west-1.amazonaws.com/}. */
    public String url() {
        return stage.getUrl();
    }

    public LongwatchFunction ingest() {
        return ingest;
    }

    public LongwatchFunction query() {
        return query;
    }

    /** Firehose's HTTP endpoint for CloudWatch metric streams. */
    public LongwatchFunction metricStream() {
        return metricStream;
    }

    public LogGroup accessLogs() {
        return accessLogs;
    }
}

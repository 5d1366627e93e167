package dev.longwatch.handler;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.longwatch.aws.dynamodb.DynamoDbApiKeyStore;
import dev.longwatch.aws.dynamodb.DynamoDbDeliveryLedger;
import dev.longwatch.aws.dynamodb.DynamoDbEventStore;
import dev.longwatch.aws.dynamodb.DynamoDbRollupStore;
import dev.longwatch.aws.dynamodb.DynamoDbSeriesIndex;
import dev.longwatch.aws.dynamodb.TableNames;
import dev.longwatch.core.auth.ApiKeys;
import dev.longwatch.core.cloudwatch.DeliveryLedger;
import dev.longwatch.core.cloudwatch.MetricStreamService;
import dev.longwatch.core.cloudwatch.SeriesStreamWriter;
import dev.longwatch.core.ingest.StreamPublisher;
import dev.longwatch.core.ingest.StreamUnavailableException;
import dev.longwatch.core.query.QueryResult;
import dev.longwatch.core.query.QueryService;
import dev.longwatch.core.rollup.RollupService;
import dev.longwatch.core.telemetry.InMemoryMetrics;
import dev.longwatch.model.IngestLimits;
import dev.longwatch.model.Payloads;
import dev.longwatch.model.StreamRecords;
import dev.longwatch.testing.LocalDynamo;
import dev.longwatch.testing.MutableClock;
import dev.longwatch.testing.OpenApiContract;
import dev.longwatch.testing.OpenApiContract.Problem;
import io.swagger.v3.core.util.Json31;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Firehose metric-stream endpoint with its real collaborators: API keys, the delivery ledger in the state table
 * and the rollups on DynamoDB Local, the stream a list the test drains into the real {@link RollupService}, so what
 * a delivery becomes is read back with the real {@link QueryService}. Deliveries are the documentation samples
 * (the Firehose request example, the CloudWatch JSON output format example); every request and answer is checked
 * against {@code api-spec/openapi.yaml}.
 */
class HttpFirehoseMetricStreamHandlerTest {
    static final OpenApiContract SPEC = OpenApiContract.load();
    static final ObjectMapper JSON = new ObjectMapper();
    static final String PATH = HttpFirehoseMetricStreamHandler.PATH;
    static final String REQUEST_ID = "ed4acda5-034f-9f42-bba1-f29aea6d7d8f";
    /** The documented datapoint is stamped 2021-01-29T14:14:58Z; the clock is a few minutes on. */
    static final Instant NOW = Instant.parse("2021-01-29T14:20:00Z");
    static final long T = 1611929698000L;

    final MutableClock clock = new MutableClock(NOW);
    final InMemoryMetrics metrics = new InMemoryMetrics();
    final Payloads payloads = new Payloads(IngestLimits.DEFAULT, clock, () -> UUID.randomUUID().toString());
    final List<StreamPublisher.OutgoingRecord> stream = new ArrayList<>();
    boolean streamDown;
    HttpFirehoseMetricStreamHandler handler;
    RollupService rollups;
    QueryService queries;
    DeliveryLedger ledger;
    String acme;
    long sequence;

    @BeforeEach
    void setUp() {
        TableNames tables = LocalDynamo.freshTables();
        var ddb = LocalDynamo.client();
        ApiKeys keys = new ApiKeys(new DynamoDbApiKeyStore(ddb, tables.apiKeys()), clock, new SecureRandom());
        acme = keys.create("acme", "firehose").key();
        StreamPublisher publisher = batch -> {
            if (streamDown) {
                throw new StreamUnavailableException("the test stream is down", batch.size(), null);
            }
            stream.addAll(batch);
        };
        ledger = new DynamoDbDeliveryLedger(ddb, tables.state());
        MetricStreamService service = new MetricStreamService(IngestLimits.DEFAULT,
                new SeriesStreamWriter(new StreamRecords(payloads), publisher), ledger, metrics, clock);
        handler = new HttpFirehoseMetricStreamHandler(keys, service, metrics, clock);
        var index = new DynamoDbSeriesIndex(ddb, tables.series(), metrics);
        var store = new DynamoDbRollupStore(ddb, tables.rollups(), metrics);
        rollups = new RollupService(new StreamRecords(payloads), store, index,
                new DynamoDbEventStore(ddb, tables.events(), metrics), metrics, clock, 4);
        queries = new QueryService(index, store, clock, 4);
    }

    // ---------------------------------------------------------------------------------------------------------

    @Test
    void theDocumentedDatapointBecomesExactQueryableSeriesOfEveryStatistic() {
        Call c = send(post(specExample()).key(acme));

        assertEquals(200, c.status());
        assertEquals(REQUEST_ID, c.body().get("requestId").asText());
        assertEquals(NOW.toEpochMilli(), c.body().get("timestamp").asLong());
        drain();
        String base = "aws.aws.ec2.DiskWriteOps";
        assertEquals(20.0, value(base + ".sum", "sum"));
        assertEquals(3.0, value(base + ".count", "sum"));
        assertEquals(18.0, value(base + ".max", "max"));
        assertEquals(0.0, value(base + ".min", "min"));
        assertEquals(17.56, value(base + ".p99", "max"));
        assertEquals(17.8764, value(base + ".p99.9", "max"));
        assertEquals(16.43, value(base + ".tm_25_75", "max"));
        assertEquals(Map.of("InstanceId", "i-123456789012", "aws_account", "1234567890", "aws_region", "us-east-1"),
                query(base + ".sum", "sum", "InstanceId", "aws_account", "aws_region").series().get(0).tags());
        assertEquals(7.0, metrics.counter("MetricStreamPointsAccepted"));
    }

    @Test
    void theDocumentedDatapointMatchesTheSpecsDatapointSchema() throws IOException {
        String doc = new String(resource("/firehose/metric-stream-datapoint.json"), StandardCharsets.UTF_8);
        assertNoProblems("the documented datapoint", SPEC.validateSchema("MetricStreamDatapoint", doc));
        assertEquals(JSON.readTree(doc), JSON.readTree(line(doc)));
    }

    @Test
    void aGzipDeliveryIsReadLikeAPlainOne() {
        Call c = send(post(specExample()).key(acme).gzipped());
        assertEquals(200, c.status());
        drain();
        assertEquals(20.0, value("aws.aws.ec2.DiskWriteOps.sum", "sum"));
    }

    @Test
    void aMissingOrUnknownAccessKeyIs401InFirehosesFormat() {
        Req noKey = post(specExample());
        assertFalse(SPEC.validateRequest(noKey.event()).isEmpty(), "the spec requires the access key");
        for (Req r : List.of(noKey, post(specExample()).key("lw_000000000000_unknown-key-unknown-key"),
                post(specExample()).header("authorization", "Bearer " + acme))) {
            Call c = exchange(r);
            assertEquals(401, c.status());
            assertEquals(REQUEST_ID, c.body().get("requestId").asText());
            assertTrue(c.body().get("errorMessage").asText().contains("X-Amz-Firehose-Access-Key"));
        }
        assertEquals(List.of(), stream);
    }

    @Test
    void theFirehoseDocumentationExampleIsADeliveryWhoseRecordsAreNoMetricsAndIsStillAccepted() {
        Call c = send(post(new String(resource("/firehose/delivery-example.json"), StandardCharsets.UTF_8)).key(acme));

        assertEquals(200, c.status(), "refusing would make Firehose resend the delivery forever");
        assertEquals(List.of(), stream);
        assertEquals(2.0, metrics.counter("MetricStreamItemsRejected"), "\"hello\" and \"hello world\"");
    }

    @Test
    void malformedDatapointsAreLeftOutAndTheGoodOnesOfTheSameDeliveryKept() {
        String good = line(docDatapoint());
        String badValue = good.replace("\"sum\":20.0", "\"sum\":\"20\"");
        String tooOld = good.replace("1611929698000", Long.toString(NOW.minus(Duration.ofDays(3654)).toEpochMilli()));
        String noName = good.replace("\"metric_name\":\"DiskWriteOps\",", "");
        String other = good.replace("i-123456789012", "i-2");
        String body = delivery(REQUEST_ID, base64(String.join("\n", good, badValue, tooOld, "{", noName) + "\n"),
                "!!not base64!!", base64(other));

        Call c = send(post(body).key(acme));

        assertEquals(200, c.status());
        drain();
        QueryResult sums = query("aws.aws.ec2.DiskWriteOps.sum", "sum", "InstanceId");
        assertEquals(2, sums.series().size(), "the good datapoint of each record");
        assertEquals(5.0, metrics.counter("MetricStreamItemsRejected"));
    }

    @Test
    void aBodyThatIsNoFirehoseDeliveryIs400WithTheReason() {
        Call noId = exchange(post("{\"records\": []}").key(acme).header("x-amz-firehose-request-id", "hdr-1"));
        assertEquals(400, noId.status());
        assertEquals("hdr-1", noId.body().get("requestId").asText(), "the header's id when the body has none");
        assertEquals("requestId: is required", noId.body().get("errorMessage").asText());

        Call notJson = exchange(post("{\"requestId\": \"r-1\", \"records\": [").key(acme));
        assertEquals(400, notJson.status());
        assertEquals("r-1", notJson.body().get("requestId").asText());

        Call badGzip = exchange(post(specExample()).key(acme).header("content-encoding", "gzip"));
        assertEquals(400, badGzip.status());
    }

    @Test
    void aBodyLargerThan16MiBOnceDecodedIs413() {
        byte[] zeros = new byte[HttpFirehoseMetricStreamHandler.MAX_BODY_BYTES + 1];
        Call c = exchange(new Req("POST", PATH).key(acme).gzippedBytes(gzip(zeros)));
        assertEquals(413, c.status());
        assertTrue(c.body().get("errorMessage").asText().contains("buffer size"));
    }

    @Test
    void aRetriedDeliveryIsAnswered200AndNotPublishedAgain() {
        Req r = post(specExample()).key(acme);
        assertEquals(200, send(r).status());
        int records = stream.size();

        Call retry = send(r);

        assertEquals(200, retry.status());
        assertEquals(records, stream.size(), "nothing published twice");
        assertEquals(1.0, metrics.counter("MetricStreamDuplicateDeliveries"));
        drain();
        assertEquals(20.0, value("aws.aws.ec2.DiskWriteOps.sum", "sum"), "the sum is not doubled");
    }

    @Test
    void aStreamOutageIs503AndTheRetryIsProcessedInFull() {
        streamDown = true;
        Call failed = send(post(specExample()).key(acme));
        assertEquals(503, failed.status());
        assertEquals(REQUEST_ID, failed.body().get("requestId").asText());

        streamDown = false;
        Call retry = send(post(specExample()).key(acme));

        assertEquals(200, retry.status());
        drain();
        assertEquals(20.0, value("aws.aws.ec2.DiskWriteOps.sum", "sum"));
    }

    @Test
    void anAttemptWhileAnotherAttemptOfTheDeliveryRunsIs503UntilThatClaimRunsOut() {
        long now = clock.millis();
        ledger.claim("acme", REQUEST_ID, now, now + Duration.ofMinutes(2).toMillis(), now + Duration.ofDays(1).toMillis());

        Call busy = send(post(specExample()).key(acme));
        assertEquals(503, busy.status());
        assertTrue(busy.body().get("errorMessage").asText().contains("still being processed"));
        assertEquals(List.of(), stream);

        clock.advance(Duration.ofMinutes(3)); // the other attempt died without finishing
        assertEquals(200, send(post(specExample()).key(acme)).status());
        assertFalse(stream.isEmpty());
    }

    @Test
    void noLogLineCarriesTheAccessKeyAndEachNamesTheDelivery() throws IOException {
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        java.io.PrintStream previous = dev.longwatch.core.telemetry.Log.redirect(
                new java.io.PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            String bad = line(docDatapoint()).replace("\"sum\":20.0", "\"sum\":\"x\"");
            send(post(delivery("r-1", base64(bad))).key(acme));
            exchange(post(specExample()).key(acme + "x"));
            send(post(specExample()).key(acme));
            send(post(specExample()).key(acme));
            streamDown = true;
            send(post(delivery("r-2", base64(line(docDatapoint())))).key(acme));
        } finally {
            dev.longwatch.core.telemetry.Log.redirect(previous);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("\"level\":\"ERROR\""), log);
        // lw_<keyId>_<secret>: the key id is hex; the secret (base64url) may itself hold '_'.
        String secret = acme.substring(acme.indexOf('_', 3) + 1);
        assertTrue(secret.length() > 40, secret);
        assertFalse(log.contains(secret), "the key's secret is in the logs:\n" + log);
        for (String l : log.split("\n")) {
            assertTrue(JSON.readTree(l).has("firehoseRequestId"), "every line names the delivery: " + l);
        }
    }

    @Test
    void anotherPathIs404AndAnotherMethod405() {
        APIGatewayV2HTTPResponse get = handler.handleRequest(new Req("GET", PATH).key(acme).event(), null);
        assertEquals(405, get.getStatusCode());
        APIGatewayV2HTTPResponse other = handler.handleRequest(new Req("POST", "/v1/integrations/other").event(), null);
        assertEquals(404, other.getStatusCode());
    }

    // ---------------------------------------------------------------------------------------------------------
    // Plumbing

    static byte[] resource(String name) {
        try (InputStream in = HttpFirehoseMetricStreamHandlerTest.class.getResourceAsStream(name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String docDatapoint() {
        return new String(resource("/firehose/metric-stream-datapoint.json"), StandardCharsets.UTF_8);
    }

    /** The datapoint on one line, as a metric stream writes it. */
    static String line(String json) {
        try {
            return JSON.writeValueAsString(JSON.readTree(json));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String base64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    static String delivery(String requestId, String... data) {
        return "{\"requestId\": \"" + requestId + "\", \"timestamp\": 1578090901599, \"records\": ["
                + java.util.Arrays.stream(data).map(d -> "{\"data\": \"" + d + "\"}").collect(Collectors.joining(","))
                + "]}";
    }

    /** The spec's request example: the documented datapoint in the documented envelope. */
    static String specExample() {
        Object v = SPEC.api().getPaths().get(PATH).getPost().getRequestBody().getContent().get("application/json")
                .getExamples().get("metricStream").getValue();
        try {
            return Json31.mapper().writeValueAsString(v);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A request as API Gateway (HTTP API, payload 2.0) hands it over, header names lower-case. */
    static final class Req {
        final String method;
        final String path;
        final Map<String, String> headers = new LinkedHashMap<>();
        String body;
        boolean base64;

        Req(String method, String path) {
            this.method = method;
            this.path = path;
            headers.put("content-type", "application/json");
            headers.put("x-amz-firehose-protocol-version", "1.0");
        }

        Req header(String name, String value) {
            headers.put(name, value);
            return this;
        }

        Req key(String apiKey) {
            return header("x-amz-firehose-access-key", apiKey);
        }

        Req gzipped() {
            return gzippedBytes(gzip(body.getBytes(StandardCharsets.UTF_8)));
        }

        Req gzippedBytes(byte[] compressed) {
            header("content-encoding", "gzip");
            body = Base64.getEncoder().encodeToString(compressed);
            base64 = true;
            return this;
        }

        APIGatewayV2HTTPEvent event() {
            return APIGatewayV2HTTPEvent.builder().withVersion("2.0").withRouteKey("$default").withRawPath(path)
                    .withRawQueryString("").withHeaders(new LinkedHashMap<>(headers)).withBody(body)
                    .withIsBase64Encoded(base64)
                    .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder().withRequestId("firehose-test")
                            .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder().withMethod(method)
                                    .withPath(path).build()).build())
                    .build();
        }
    }

    static Req post(String body) {
        Req r = new Req("POST", PATH);
        r.body = body;
        r.header("x-amz-firehose-request-id", requestIdOf(body));
        return r;
    }

    static String requestIdOf(String body) {
        String id = MetricStreamService.requestIdOf(body.getBytes(StandardCharsets.UTF_8));
        return id == null ? "none" : id;
    }

    record Call(APIGatewayV2HTTPResponse response, JsonNode body) {
        int status() {
            return response.getStatusCode();
        }
    }

    /** Sends a request the spec allows (checked first). */
    Call send(Req r) {
        assertNoProblems("the request", SPEC.validateRequest(r.event()));
        return exchange(r);
    }

    /** Sends any request and checks the answer against the spec. */
    Call exchange(Req r) {
        APIGatewayV2HTTPEvent e = r.event();
        APIGatewayV2HTTPResponse resp = handler.handleRequest(e, null);
        assertNoProblems("the answer " + resp.getStatusCode() + " " + resp.getBody(), SPEC.validateResponse(e, resp));
        assertEquals("application/json", resp.getHeaders().get("Content-Type"));
        try {
            return new Call(resp, JSON.readTree(resp.getBody()));
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    static void assertNoProblems(String what, List<Problem> problems) {
        assertTrue(problems.isEmpty(), what + " disagrees with api-spec/openapi.yaml:\n  "
                + problems.stream().map(Problem::toString).collect(Collectors.joining("\n  ")));
    }

    void drain() {
        List<RollupService.IncomingRecord> batch = new ArrayList<>();
        for (StreamPublisher.OutgoingRecord r : stream) {
            batch.add(new RollupService.IncomingRecord("shardId-000000000000",
                    String.format(Locale.ROOT, "49%054d", ++sequence), clock.millis(), r.data()));
        }
        stream.clear();
        RollupService.BatchOutcome outcome = rollups.apply(batch);
        assertEquals(List.of(), outcome.failedSequenceNumbers());
    }

    QueryResult query(String metric, String agg, String... groupBy) {
        return queries.query("acme", queries.parse(metric, List.of(), List.of(groupBy), agg, Long.toString(T - 3_600_000),
                Long.toString(T + 3_600_000), "1h"));
    }

    double value(String metric, String agg) {
        QueryResult r = query(metric, agg);
        assertEquals(1, r.series().size(), metric);
        assertEquals(1, r.series().get(0).values().length, metric);
        return r.series().get(0).values()[0];
    }
}

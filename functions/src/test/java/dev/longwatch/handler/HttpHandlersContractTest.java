package dev.longwatch.handler;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.longwatch.aws.dynamodb.DynamoDbApiKeyStore;
import dev.longwatch.aws.dynamodb.DynamoDbEventStore;
import dev.longwatch.aws.dynamodb.DynamoDbRollupStore;
import dev.longwatch.aws.dynamodb.DynamoDbSeriesIndex;
import dev.longwatch.aws.dynamodb.TableNames;
import dev.longwatch.core.auth.ApiKeys;
import dev.longwatch.core.ingest.IngestService;
import dev.longwatch.core.ingest.StreamPublisher;
import dev.longwatch.core.ingest.StreamUnavailableException;
import dev.longwatch.core.query.QueryService;
import dev.longwatch.core.rollup.RollupService;
import dev.longwatch.core.telemetry.InMemoryMetrics;
import dev.longwatch.model.Aggregate;
import dev.longwatch.model.IngestLimits;
import dev.longwatch.model.Payloads;
import dev.longwatch.model.StreamRecords;
import dev.longwatch.testing.LocalDynamo;
import dev.longwatch.testing.MutableClock;
import dev.longwatch.testing.OpenApiContract;
import dev.longwatch.testing.OpenApiContract.Problem;
import io.swagger.v3.core.util.Json31;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.parameters.Parameter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The HTTP handlers against the API contract, {@code api-spec/openapi.yaml}. Every request a test sends and every
 * answer it gets is checked against the spec, and the behaviour behind the answer against what the spec promises.
 *
 * <p>The real handlers run with their port constructors on DynamoDB Local; the stream is a list in memory that
 * {@link #drain()} feeds to the real {@link RollupService}, as the Kinesis consumer would, so queries see the data.
 */
class HttpHandlersContractTest {
    /** The time of the spec's (and docs/api.md's) examples: 2025-11-21T04:40:00Z. The clock is ten minutes on. */
    static final long T0 = Instant.parse("2025-11-21T04:40:00Z").toEpochMilli();
    static final long MINUTE = 60_000;
    static final long HOUR = 60 * MINUTE;
    static final IngestLimits LIMITS = IngestLimits.DEFAULT;
    static final ObjectMapper JSON = new ObjectMapper();
    static final OpenApiContract SPEC = OpenApiContract.load();

    final MutableClock clock = new MutableClock(Instant.ofEpochMilli(T0 + 10 * MINUTE));
    final InMemoryMetrics metrics = new InMemoryMetrics();
    final CollectingStream stream = new CollectingStream();
    HttpIngestRequestHandler ingest;
    HttpQueryRequestHandler query;
    RollupService rollups;
    String acme;
    String globex;
    long sequence;

    /** The stream port in memory: keeps what ingest publishes until the test drains it into the rollups. */
    static final class CollectingStream implements StreamPublisher {
        final List<OutgoingRecord> records = new ArrayList<>();
        boolean down;

        @Override
        public synchronized void publish(List<OutgoingRecord> batch) {
            if (down) {
                throw new StreamUnavailableException("the test stream is down", batch.size(), null);
            }
            records.addAll(batch);
        }
    }

    @BeforeEach
    void setUp() {
        TableNames tables = LocalDynamo.freshTables();
        var ddb = LocalDynamo.client();
        Payloads payloads = new Payloads(LIMITS, clock, () -> UUID.randomUUID().toString());
        var index = new DynamoDbSeriesIndex(ddb, tables.series(), metrics);
        var store = new DynamoDbRollupStore(ddb, tables.rollups(), metrics);
        var events = new DynamoDbEventStore(ddb, tables.events(), metrics);
        ApiKeys keys = new ApiKeys(new DynamoDbApiKeyStore(ddb, tables.apiKeys()), clock, new SecureRandom());
        acme = keys.create("acme", "contract test").key();
        globex = keys.create("globex", "contract test").key();
        ingest = new HttpIngestRequestHandler(keys, new IngestService(payloads, stream, metrics), metrics,
                LIMITS.maxBodyBytes());
        query = new HttpQueryRequestHandler(keys, new QueryService(index, store, clock, 4), events, metrics);
        rollups = new RollupService(new StreamRecords(payloads), store, index, events, metrics, clock, 4);
    }

    // ---------------------------------------------------------------------------------------------------------
    // The document itself

    @Test
    void theSpecIsAnOpenApi31DocumentTheParserReadsWithoutComplaint() {
        assertEquals("3.1.0", SPEC.api().getOpenapi());
        assertEquals(List.of(), SPEC.parseMessages());
        SPEC.api().getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, op) -> {
            String where = method + " " + path;
            assertNotNull(op.getOperationId(), where + " has no operationId");
            assertNotNull(op.getTags(), where + " has no tag");
            if (op.getTags().contains("chat")) {
                // Chat endpoints are called by Slack and by people's browsers: a signature or signed token instead.
                assertEquals(List.of(), op.getSecurity(), where + " (chat) must take no API key");
            } else if (op.getTags().contains("local-dev")) {
                assertEquals(List.of(), op.getSecurity(), where + " (local-dev) must take no API key");
                assertTrue(op.getDescription().contains("Not on AWS"), where + " must say it does not exist on AWS");
            } else {
                // Integrations take the key where the calling service puts its credential (Firehose: a header).
                String scheme = op.getTags().contains("integrations") ? "firehoseAccessKey" : "apiKey";
                assertEquals(scheme, op.getSecurity().get(0).keySet().iterator().next(),
                        where + " must require the API key");
            }
        }));
    }

    @Test
    void everyExampleInTheSpecMatchesItsOwnSchema() {
        assertNoProblems("the spec's examples", SPEC.exampleProblems());
    }

    @Test
    void theSpecStatesTheLimitsTheCodeEnforces() {
        Map<String, Schema> s = SPEC.api().getComponents().getSchemas();
        Map<String, Schema> event = s.get("EventInput").getProperties();
        Parameter limit = operation("/v1/events", "get").getParameters().stream()
                .filter(p -> p.getName().equals("limit")).findFirst().orElseThrow();
        String info = SPEC.api().getInfo().getDescription();
        String tags = operation("/v1/metrics/{name}/tags", "get").getDescription();
        assertAll(
                () -> assertEquals(LIMITS.maxMetricNameLength(), s.get("MetricName").getMaxLength()),
                () -> assertEquals(LIMITS.maxTags(), s.get("Tags").getMaxProperties()),
                () -> assertEquals(LIMITS.maxTagKeyLength(), s.get("TagKey").getMaxLength()),
                () -> assertEquals(LIMITS.maxTagValueLength(), s.get("TagValue").getMaxLength()),
                () -> assertEquals(LIMITS.maxEventTitleLength(), event.get("title").getMaxLength()),
                () -> assertEquals(LIMITS.maxEventTextLength(), event.get("text").getMaxLength()),
                () -> assertEquals(LIMITS.maxEventFieldLength(), event.get("source").getMaxLength()),
                () -> assertEquals(LIMITS.maxEventFieldLength(), event.get("link").getMaxLength()),
                () -> assertEquals(HttpQueryRequestHandler.MAX_EVENT_LIMIT, limit.getSchema().getMaximum().intValue()),
                () -> assertEquals(HttpQueryRequestHandler.DEFAULT_EVENT_LIMIT,
                        ((Number) limit.getSchema().getDefault()).intValue()),
                () -> assertContains(info, String.format(Locale.ROOT, "1 MiB (%,d bytes)", LIMITS.maxBodyBytes())),
                () -> assertContains(info, String.format(Locale.ROOT, "%,d days", LIMITS.maxPast().toDays())),
                () -> assertContains(info, LIMITS.maxFuture().toMinutes() + " minutes in the future"),
                () -> assertContains(info, String.format(Locale.ROOT, "%,d points per series", QueryService.MAX_POINTS)),
                () -> assertContains(info, String.format(Locale.ROOT, "%,d series after filters", QueryService.MAX_SERIES)),
                () -> assertContains(info, String.format(Locale.ROOT, "%,d rollup items", QueryService.MAX_SLAB_READS)),
                () -> assertContains(tags, String.format(Locale.ROOT, "at most %,d are listed", QueryService.MAX_TAG_VALUES)));
    }

    // ---------------------------------------------------------------------------------------------------------
    // Ingest

    @Test
    void theReadmeExamplesAreAcceptedWholeAndReadBackAsTheSpecShowsThem() throws IOException {
        Call metricsPosted = send(post("/v1/metrics", example(requestBody("Metrics"), "readme")).key(acme));
        assertEquals(202, metricsPosted.status());
        assertJsonEquals(example(response("/v1/metrics", "post", "202"), "allAccepted"), metricsPosted.body());

        Call eventsPosted = send(post("/v1/events", example(requestBody("Events"), "readme")).key(acme));
        assertEquals(202, eventsPosted.status());
        assertJsonEquals(example(response("/v1/events", "post", "202"), "allAccepted"), eventsPosted.body());
        drain();

        assertJsonEquals(example(response("/v1/metrics", "get", "200"), "readme"),
                send(get("/v1/metrics").key(acme)).body());
        assertJsonEquals(example(response("/v1/metrics/{name}/tags", "get", "200"), "readme"),
                send(get("/v1/metrics/checkout.latency_ms/tags").key(acme)).body());
        assertJsonEquals(example(response("/v1/events", "get", "200"), "readme"),
                send(get("/v1/events").key(acme).q("kind", "deploy").q("from", "-1h")).body());
        assertJsonEquals(example(response("/v1/query", "get", "200"), "avgByEnv"),
                send(get("/v1/query").key(acme).q("metric", "checkout.latency_ms").q("filter", "service:latte")
                        .q("groupBy", "env").q("agg", "avg").q("from", T0).q("to", T0 + MINUTE).q("step", "60s")).body());
        Call p95 = send(get("/v1/query").key(acme).q("metric", "http.latency_ms").q("filter", "service:latte")
                .q("agg", "p95").q("from", "-1h").q("step", "60s"));
        JsonNode shown = JSON.readTree(example(response("/v1/query", "get", "200"), "p95"));
        assertEquals(shown.get("from").asLong(), p95.body().get("from").asLong());
        assertEquals(shown.get("to").asLong(), p95.body().get("to").asLong());
        assertEquals(250.0, (Double) points(p95, 0).get(0).get(1), 250 * Aggregate.SKETCH_RELATIVE_ACCURACY,
                "p95 of {12, 250} is 250 by nearest rank");
        assertEquals(shown.at("/series/0/points/0/1").asDouble(), (Double) points(p95, 0).get(0).get(1),
                250 * Aggregate.SKETCH_RELATIVE_ACCURACY);
    }

    @Test
    void aBatchWithInvalidItemsIsAcceptedWithEachRejectionByIndexAndTheGoodPointsKept() {
        long old = T0 - Duration.ofDays(LIMITS.maxPast().toDays() + 1).toMillis();
        String body = """
                {"series": [
                  {"metric": "queue.depth", "type": "gauge", "tags": {"queue": "orders"},
                   "points": [[%1$d, 1], [%1$d.5, 2], [%2$d, 3]]},
                  {"metric": "1bad", "type": "gauge", "points": [[%1$d, 1]]},
                  {"metric": "queue.depth", "type": "histogram", "points": [[%1$d, 1]]},
                  {"metric": "queue.depth", "type": "gauge", "tags": %3$s, "points": [[%1$d, 1]]},
                  7,
                  {"metric": "queue.depth", "type": "gauge", "tags": {"queue": "billing"},
                   "points": [[%1$d, 1, 2], [%1$d, 5], [%1$d, "x"]]},
                  {"metric": "queue.depth", "type": "gauge", "tags": {"queue": "mail"}, "points": [[%4$d, 1], [%1$d, 4]]},
                  {"metric": "queue.depth", "type": "gauge", "tags": {"queue": "mail"}, "points": []},
                  {"metric": "queue.depth", "type": "gauge", "tags": {"queue": "x y", "bad key": "v"}, "points": [[%1$d, 1]]},
                  {"metric": "queue.depth", "type": "gauge", "tags": null, "points": [[%1$d, 6]], "unit": "ignored"}
                ]}""".formatted(T0, T0 + MINUTE, manyTags(LIMITS.maxTags() + 1), old);
        Req req = post("/v1/metrics", body).key(acme);

        Call c = exchange(req);

        assertEquals(202, c.status());
        assertEquals(5, c.body().get("accepted").asInt(), c.body().toString());
        Map<String, String> rejected = rejections(c, "series");
        assertEquals(new TreeSet<>(List.of("0/1", "1", "2", "3", "4", "5/0", "5/2", "6/0", "7", "8")),
                rejected.keySet());
        assertAll(
                () -> assertEquals("timestamp must be a whole number of epoch milliseconds", rejected.get("0/1")),
                () -> assertContains(rejected.get("1"), "metric \"1bad\" is not a valid name"),
                () -> assertContains(rejected.get("2"), "type \"histogram\" is unknown"),
                () -> assertEquals("too many tags: 21 (at most 20)", rejected.get("3")),
                () -> assertEquals("a series must be a JSON object", rejected.get("4")),
                () -> assertContains(rejected.get("5/0"), "more than two elements"),
                () -> assertContains(rejected.get("5/2"), "value must be a finite number"),
                () -> assertContains(rejected.get("6/0"), "days in the past"),
                () -> assertEquals("points is empty", rejected.get("7")),
                () -> assertContains(rejected.get("8"), "tag key \"bad key\" is not valid"));
        // The spec refuses the same items (all but the time window, which JSON Schema cannot state).
        assertEquals(withoutTimeWindow(rejected), refusedBySpec(SPEC, req, "series", "points"));

        drain();
        Call kept = send(get("/v1/query").key(acme).q("metric", "queue.depth").q("agg", "sum").q("groupBy", "queue")
                .q("from", T0).q("to", T0 + 2 * MINUTE).q("step", "60s"));
        assertEquals(Map.of("{}", List.of(List.of(T0, 6.0)),
                        "{queue=billing}", List.of(List.of(T0, 5.0)),
                        "{queue=mail}", List.of(List.of(T0, 4.0)),
                        "{queue=orders}", List.of(List.of(T0, 1.0), List.of(T0 + MINUTE, 3.0))),
                seriesByTags(kept));
    }

    @Test
    void eventsWithInvalidFieldsAreRejectedByIndexAndTheOthersKept() {
        long old = T0 - Duration.ofDays(LIMITS.maxPast().toDays() + 1).toMillis();
        String body = """
                {"events": [
                  {"id": "deploy-1", "title": "Deploy checkout v412", "kind": "deploy", "time": %1$d,
                   "tags": {"service": "checkout"}, "link": "https://ci.example.com/runs/412"},
                  {"title": "Bad kind", "kind": "Deploy", "time": %1$d},
                  {"kind": "note", "time": %1$d},
                  {"title": "Bad link", "kind": "note", "link": "ftp://files.example.com/x"},
                  {"id": "bad id", "title": "Bad id", "kind": "note"},
                  {"title": "Flag new-cart at 50 %%", "kind": "change", "time": "2025-11-21T04:45:00Z", "text": null,
                   "source": "ops"},
                  {"title": "Bad tag", "kind": "note", "tags": {"bad key": "v"}},
                  "not an event",
                  {"title": "Too old", "kind": "note", "time": %2$d},
                  {"title": "   ", "kind": "note"}
                ]}""".formatted(T0, old);
        Req req = post("/v1/events", body).key(acme);

        Call c = exchange(req);

        assertEquals(202, c.status());
        assertEquals(2, c.body().get("accepted").asInt(), c.body().toString());
        Map<String, String> rejected = rejections(c, "event");
        assertEquals(new TreeSet<>(List.of("1", "2", "3", "4", "6", "7", "8", "9")), rejected.keySet());
        assertAll(
                () -> assertContains(rejected.get("1"), "kind \"Deploy\" is not valid"),
                () -> assertEquals("title is required", rejected.get("2")),
                () -> assertContains(rejected.get("3"), "link must be an absolute http or https URL"),
                () -> assertContains(rejected.get("4"), "id must be"),
                () -> assertContains(rejected.get("6"), "tag key \"bad key\" is not valid"),
                () -> assertEquals("an event must be a JSON object", rejected.get("7")),
                () -> assertContains(rejected.get("8"), "days in the past"),
                () -> assertEquals("title is required", rejected.get("9")));
        assertEquals(withoutTimeWindow(rejected), refusedBySpec(SPEC, req, "events", null));

        drain();
        JsonNode events = send(get("/v1/events").key(acme).q("from", T0 - MINUTE)).body().get("events");
        assertEquals(2, events.size(), events.toString());
        assertEquals("deploy-1", events.get(0).get("id").asText());
        assertEquals("https://ci.example.com/runs/412", events.get(0).get("link").asText());
        assertEquals(T0 + 5 * MINUTE, events.get(1).get("time").asLong());
        assertEquals("ops", events.get(1).get("source").asText());
        assertFalse(events.get(1).has("text"), "a null field is stored as absent");
        assertEquals(UUID.fromString(events.get(1).get("id").asText()).toString(), events.get(1).get("id").asText(),
                "an event without id gets a UUID");
    }

    @Test
    void aBodyThatIsNotJsonOrNotTheDocumentedShapeIs400NamingTheField() {
        record Bad(String path, String body, String field, String reason, boolean specSeesIt) {
            Bad(String path, String body, String field, String reason) {
                this(path, body, field, reason, true);
            }
        }
        List<Bad> bad = List.of(
                new Bad("/v1/metrics", "{\"series\": [", "", "the body is not valid JSON"),
                new Bad("/v1/metrics", "[]", "", "the body must be a JSON object with a \"series\" array"),
                new Bad("/v1/metrics", "{\"series\": {}}", "series", "must be an array"),
                new Bad("/v1/metrics", "{\"metrics\": []}", "series", "is required"),
                // The validator's JSON reader stops after the first value, so only the code sees what follows.
                new Bad("/v1/metrics", "{\"series\": []} {}", "", "unexpected content after the JSON object", false),
                new Bad("/v1/events", "{\"events\": 3}", "events", "must be an array"),
                new Bad("/v1/events", "nope", "", "the body is not valid JSON"));
        for (Bad b : bad) {
            Req req = post(b.path(), b.body()).key(acme);
            if (b.specSeesIt()) {
                assertSpecRefuses(req);
            }
            assertError(exchange(req), 400, b.field(), b.reason());
        }
        Req noBody = new Req("POST", "/v1/metrics").key(acme);
        assertSpecRefuses(noBody);
        assertError(exchange(noBody), 400, "", "a JSON body is required");
        assertEquals(List.of(), stream.records, "nothing reaches the stream");
    }

    @Test
    void aMissingMalformedOrUnknownKeyIs401WithABearerChallengeOnEveryEndpoint() {
        List<Req> calls = List.of(post("/v1/metrics", "{\"series\": []}"), post("/v1/events", "{\"events\": []}"),
                get("/v1/query").q("metric", "cpu"), get("/v1/metrics"), get("/v1/metrics/cpu/tags"),
                get("/v1/events"));
        for (Req r : calls) {
            assertTrue(SPEC.validateRequest(r.event()).stream()
                            .anyMatch(p -> p.key().equals("validation.request.security.missing")),
                    "the spec must require a key for " + r);
            assertError(exchange(r), 401, "Authorization", "a valid API key is required");
            for (String authorization : List.of("Bearer lw_000000000000_unknownunknownunknown",
                    "Basic " + Base64.getEncoder().encodeToString(acme.getBytes(StandardCharsets.UTF_8)),
                    acme, "Bearer ")) {
                Call c = exchange(r.header("authorization", authorization));
                assertError(c, 401, "Authorization", "a valid API key is required");
                assertEquals("Bearer", c.response().getHeaders().get("WWW-Authenticate"));
            }
        }
    }

    @Test
    void aBodyOfExactly1MiBIsReadAndOneByteMoreIs413() {
        int limit = LIMITS.maxBodyBytes();
        assertEquals(1024 * 1024, limit);
        String atLimit = padded("{\"series\": []}", limit);

        Call ok = send(post("/v1/metrics", atLimit).key(acme));
        assertEquals(202, ok.status(), ok.response().getBody());

        Call over = exchange(post("/v1/metrics", atLimit + " ").key(acme));
        assertError(over, 413, null, "the body is larger than 1048576 bytes once decoded");
        Call overEvents = exchange(post("/v1/events", padded("{\"events\": []}", limit + 1)).key(acme));
        assertError(overEvents, 413, null, "larger than 1048576 bytes");
    }

    @Test
    void aGzipBombIs413() {
        // 64 MiB of JSON whitespace squeezed into about 64 KiB: refused once 1 MiB has been inflated.
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(compressed)) {
            z.write("{\"series\": [".getBytes(StandardCharsets.UTF_8));
            byte[] spaces = new byte[1024 * 1024];
            Arrays.fill(spaces, (byte) ' ');
            for (int i = 0; i < 64; i++) {
                z.write(spaces);
            }
            z.write("]}".getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertTrue(compressed.size() < 200_000, "the bomb is small: " + compressed.size());

        Call c = exchange(new Req("POST", "/v1/metrics").key(acme).gzipped(compressed.toByteArray()));

        assertError(c, 413, null, "the body is larger than 1048576 bytes once decoded");
        assertEquals(List.of(), stream.records);
    }

    @Test
    void gzipAndBase64BodiesAreReadLikePlainJson() {
        String readme = example(requestBody("Metrics"), "readme");
        byte[] json = readme.getBytes(StandardCharsets.UTF_8);
        List<Req> variants = List.of(
                new Req("POST", "/v1/metrics").key(acme).gzipped(gzip(json)),
                new Req("POST", "/v1/metrics").key(acme).header("content-type", "application/json; charset=utf-8")
                        .header("Content-Encoding", "gzip").base64(gzip(json)),
                new Req("POST", "/v1/metrics").key(acme).header("content-type", "application/json").base64(json),
                post("/v1/metrics", readme).key(acme).header("content-encoding", "identity"));
        for (Req r : variants) {
            Call c = send(r);
            assertEquals(202, c.status(), c.response().getBody());
            assertEquals(4, c.body().get("accepted").asInt());
            assertEquals(0, c.body().get("rejected").size());
        }
        assertEquals(4 * 3, stream.records.stream().mapToInt(r -> {
            try {
                JsonNode rec = JSON.readTree(StreamRecords.isGzip(r.data())
                        ? new GZIPInputStream(new ByteArrayInputStream(r.data())).readAllBytes() : r.data());
                return rec.get("series").size();
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        }).sum(), "three series per request");
    }

    @Test
    void anUnsupportedContentEncodingOrBrokenGzipIs400() {
        Req brotli = post("/v1/metrics", "{\"series\": []}").key(acme).header("content-encoding", "br");
        assertSpecRefuses(brotli);
        assertError(exchange(brotli), 400, "Content-Encoding", "\"br\" is not supported; use gzip");

        Req broken = new Req("POST", "/v1/metrics").key(acme).header("content-encoding", "gzip")
                .base64("{\"series\": []}".getBytes(StandardCharsets.UTF_8));
        assertError(exchange(broken), 400, "", "the body is not valid gzip");
    }

    @Test
    void aStreamOutageIs503WithRetryAfterAndNothingAcknowledged() {
        stream.down = true;

        Call c = exchange(post("/v1/metrics", example(requestBody("Metrics"), "readme")).key(acme));

        assertError(c, 503, null, "retry later");
        assertEquals("1", c.response().getHeaders().get("Retry-After"));
        assertEquals(0.0, metrics.counter("PointsAccepted"));
        Call events = exchange(post("/v1/events", example(requestBody("Events"), "readme")).key(acme));
        assertError(events, 503, null, "retry later");
    }

    @Test
    void seriesGoOnTheStreamPackedInFormatV1RecordsKeyedByTheirDocumentedBucket() throws IOException {
        // api-spec/kinesis-record-format.md: series id = hex of the first 16 bytes of SHA-256 over
        // tenant NUL metric NUL type (NUL key=value)* with the tags sorted by key; bucket = first 8 hex digits
        // x 4 / 2^32; partition key of the bucket from the documented table; gzip above 512 bytes.
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            many.append(i == 0 ? "" : ",").append("[").append(T0 + i * 1000L).append(",").append(i).append("]");
        }
        String body = """
                {"series": [
                  {"metric": "http.requests", "type": "counter", "tags": {"status": "200", "route": "/checkout"},
                   "points": [[%d, 120]]},
                  {"metric": "cpu", "type": "gauge", "points": [%s]}
                ]}""".formatted(T0, many);
        send(post("/v1/metrics", body).key(acme));
        send(post("/v1/events", "{\"events\": [{\"id\": \"d1\", \"title\": \"Deploy\", \"kind\": \"deploy\"}]}")
                .key(acme));

        String requestsId = documentedSeriesId("acme", "http.requests", "counter",
                Map.of("status", "200", "route", "/checkout"));
        String cpuId = documentedSeriesId("acme", "cpu", "gauge", Map.of());
        assertEquals(documentedBucketKey(requestsId), documentedBucketKey(cpuId), "this example: both in bucket 0");
        assertEquals(2, stream.records.size(), "one record for both series of the bucket, one for the event");
        StreamPublisher.OutgoingRecord metrics = stream.records.get(0);
        assertEquals(documentedBucketKey(requestsId), metrics.partitionKey());
        assertEquals("lw-2", metrics.partitionKey());
        assertTrue(metrics.data().length > 2 && (metrics.data()[0] & 0xff) == 0x1f && (metrics.data()[1] & 0xff) == 0x8b,
                "a record above 512 bytes is gzip, recognised by its magic bytes");
        JsonNode r = JSON.readTree(new GZIPInputStream(new ByteArrayInputStream(metrics.data())).readAllBytes());
        assertEquals(1, r.get("v").asInt());
        assertEquals("acme", r.get("tenant").asText());
        assertEquals("metrics", r.get("kind").asText());
        assertEquals(2, r.get("series").size());
        assertJsonEquals("""
                {"metric": "http.requests", "type": "counter", "tags": {"route": "/checkout", "status": "200"},
                  "points": [[%d, 120.0]]}""".formatted(T0), r.get("series").get(0));
        assertEquals("cpu", r.get("series").get(1).get("metric").asText());
        assertEquals(100, r.get("series").get(1).get("points").size());

        StreamPublisher.OutgoingRecord events = stream.records.get(1);
        assertEquals("acme/d1", events.partitionKey());
        JsonNode e = JSON.readTree(events.data());
        assertEquals("events", e.get("kind").asText());
        assertEquals(clock.millis(), e.get("events").get(0).get("time").asLong(), "the time is filled in at ingest");
    }

    // ---------------------------------------------------------------------------------------------------------
    // Query

    @Test
    void queriesGroupByTagKeysAndKeepOnlySeriesMatchingEveryFilter() {
        ingestAndDrain(acme, """
                {"metric": "http.requests", "type": "counter", "tags": {"service": "api", "route": "/checkout", "status": "200"},
                 "points": [[%1$d, 10], [%2$d, 20]]},
                {"metric": "http.requests", "type": "counter", "tags": {"service": "api", "route": "/cart", "status": "200"},
                 "points": [[%1$d, 5]]},
                {"metric": "http.requests", "type": "counter", "tags": {"service": "api", "route": "/checkout", "status": "503"},
                 "points": [[%1$d, 2]]},
                {"metric": "http.requests", "type": "counter", "tags": {"service": "worker"}, "points": [[%1$d, 7]]}
                """.formatted(T0, T0 + MINUTE));
        Function<Req, Map<String, List<List<Object>>>> sums = r -> seriesByTags(send(r.key(acme)
                .q("metric", "http.requests").q("agg", "sum").q("from", T0).q("to", T0 + 5 * MINUTE).q("step", "5m")));

        assertEquals(Map.of("{route=/cart}", List.of(List.of(T0, 5.0)), "{route=/checkout}", List.of(List.of(T0, 30.0))),
                sums.apply(get("/v1/query").q("groupBy", "route").q("filter", "status:200")));
        assertEquals(Map.of("{}", List.of(List.of(T0, 9.0))),
                sums.apply(get("/v1/query").q("filter", "!status:200")), "a negated filter also keeps series without the key");
        assertEquals(Map.of("{service=api, status=200}", List.of(List.of(T0, 35.0)),
                        "{service=api, status=503}", List.of(List.of(T0, 2.0))),
                sums.apply(get("/v1/query").q("filter", "route:*").q("groupBy", "service,status")));
        assertEquals(Map.of("{service=api, status=200}", List.of(List.of(T0, 35.0)),
                        "{service=api, status=503}", List.of(List.of(T0, 2.0))),
                sums.apply(get("/v1/query").q("filter", "route:*").q("groupBy", "service").q("groupBy", "status")),
                "groupBy repeated is the same as comma-separated");
        assertEquals(Map.of("{}", List.of(List.of(T0, 7.0))), sums.apply(get("/v1/query").q("filter", "!route:*")));
        assertEquals(Map.of("{}", List.of(List.of(T0, 35.0))),
                sums.apply(get("/v1/query").q("filter", "service:api").q("filter", "status:200")));
        assertEquals(Map.of("{}", List.of(List.of(T0, 44.0))), sums.apply(get("/v1/query")));
        assertEquals(Map.of(), sums.apply(get("/v1/query").q("filter", "service:nope")));
    }

    @Test
    void distributionsAnswerAveragesSumsAndPercentilesWithinOnePercent() {
        StringBuilder api = new StringBuilder();
        StringBuilder checkout = new StringBuilder();
        for (int i = 1; i <= 100; i++) {
            api.append(i == 1 ? "" : ",").append("[").append(T0 + i * 100L).append(",").append(i).append("]");
        }
        for (int i = 1; i <= 20; i++) {
            checkout.append(i == 1 ? "" : ",").append("[").append(T0 + i * 100L).append(",").append(200 + i).append("]");
        }
        ingestAndDrain(acme, """
                {"metric": "http.latency_ms", "type": "distribution", "tags": {"service": "api"}, "points": [%s]},
                {"metric": "http.latency_ms", "type": "distribution", "tags": {"service": "checkout"}, "points": [%s]},
                {"metric": "http.requests", "type": "counter", "tags": {"service": "api"}, "points": [[%d, 1]]}
                """.formatted(api, checkout, T0));
        Function<String, Double> apiValue = agg -> (Double) points(send(get("/v1/query").key(acme)
                .q("metric", "http.latency_ms").q("filter", "service:api").q("agg", agg)
                .q("from", T0).q("to", T0 + MINUTE).q("step", "1m")), 0).get(0).get(1);

        assertAll(
                () -> assertEquals(50.5, apiValue.apply("avg")),
                () -> assertEquals(5050.0, apiValue.apply("sum")),
                () -> assertEquals(100.0, apiValue.apply("count")),
                () -> assertEquals(1.0, apiValue.apply("min")),
                () -> assertEquals(100.0, apiValue.apply("max")),
                () -> assertEquals(100.0, apiValue.apply("last")),
                () -> assertEquals(50.0, apiValue.apply("p50"), 50 * 0.02),
                () -> assertEquals(95.0, apiValue.apply("p95"), 95 * 0.02),
                () -> assertEquals(99.0, apiValue.apply("p99"), 99 * 0.02));

        Call byService = send(get("/v1/query").key(acme).q("metric", "http.latency_ms").q("groupBy", "service")
                .q("agg", "p95").q("from", T0).q("to", T0 + MINUTE).q("step", "1m"));
        assertEquals("p95", byService.body().get("agg").asText());
        // Nearest rank: p95 of 201..220 is the ceil(0.95 * 20) = 19th smallest, 219.
        assertEquals(219.0, (Double) seriesByTags(byService).get("{service=checkout}").get(0).get(1), 219 * 0.02);

        Req p95OfCounter = get("/v1/query").key(acme).q("metric", "http.requests").q("agg", "p95")
                .q("from", T0).q("to", T0 + MINUTE);
        assertError(send(p95OfCounter), 400, "agg", "p95 needs a distribution metric; http.requests is a counter");
    }

    @Test
    void pointsAreCombinedPerStepAndStampedWithTheStartOfTheirStep() {
        StringBuilder points = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            points.append(i == 0 ? "" : ",").append("[").append(T0 + i * MINUTE).append(",").append(i).append("]");
        }
        ingestAndDrain(acme, "{\"metric\": \"queue.depth\", \"type\": \"gauge\", \"points\": [%s]}".formatted(points));
        Function<Req, Call> q = r -> send(r.key(acme).q("metric", "queue.depth"));

        Call fiveMinutes = q.apply(get("/v1/query").q("from", T0).q("to", T0 + 10 * MINUTE).q("step", "5m"));
        assertEquals("avg", fiveMinutes.body().get("agg").asText(), "avg is the default");
        assertEquals(5 * MINUTE, fiveMinutes.body().get("step").asLong());
        assertEquals(List.of(List.of(T0, 2.0), List.of(T0 + 5 * MINUTE, 7.0)), points(fiveMinutes, 0));

        Call perMinute = q.apply(get("/v1/query").q("from", T0).q("to", T0 + 10 * MINUTE).q("agg", "last"));
        assertEquals(MINUTE, perMinute.body().get("step").asLong(), "the default step gives at most 1,440 points");
        assertEquals(10, points(perMinute, 0).size());
        assertEquals(List.of(T0 + 9 * MINUTE, 9.0), points(perMinute, 0).get(9));

        Call midStep = q.apply(get("/v1/query").q("from", T0 + 2 * MINUTE).q("to", T0 + 5 * MINUTE).q("step", "5m"));
        assertEquals(T0 + 2 * MINUTE, midStep.body().get("from").asLong());
        assertEquals(List.of(List.of(T0, 3.0)), points(midStep, 0), "the first step may start before from");

        long hourStart = T0 - T0 % HOUR; // T0 is 04:40: its hour step starts at 04:00
        Call hour = q.apply(get("/v1/query").q("from", "2025-11-21T04:40:00Z").q("to", "now").q("step", "1h"));
        assertEquals(List.of(List.of(hourStart, 4.5)), points(hour, 0));
        Call relative = q.apply(get("/v1/query").q("from", "-10m").q("to", "now").q("step", "3600"));
        assertEquals(List.of(List.of(hourStart, 4.5)), points(relative, 0), "a bare number is seconds; -10m is relative");
        Call nowMinus = q.apply(get("/v1/query").q("from", "now-10m").q("step", "1h"));
        assertEquals(List.of(List.of(hourStart, 4.5)), points(nowMinus, 0));

        assertError(q.apply(get("/v1/query").q("from", T0).q("to", T0 + 10 * MINUTE).q("step", "90s")), 400, "step",
                "must be a whole number of minutes");
        assertError(q.apply(get("/v1/query").q("from", "-30d").q("step", "60s")), 400, "step",
                "at most 11000");
        assertError(q.apply(get("/v1/query").q("from", T0 + MINUTE).q("to", T0)), 400, "from", "must be before to");
    }

    @Test
    void queryParametersTheSpecRefusesAreRefusedByTheCodeNamingTheParameter() {
        record Bad(Req req, String field) {
        }
        List<Bad> bad = List.of(
                new Bad(get("/v1/query"), "metric"),
                new Bad(get("/v1/query").q("metric", "cpu").q("agg", "median"), "agg"),
                new Bad(get("/v1/query").q("metric", "cpu").q("from", "yesterday"), "from"),
                new Bad(get("/v1/query").q("metric", "cpu").q("to", "-1x"), "to"),
                new Bad(get("/v1/query").q("metric", "cpu").q("filter", "service"), "filter"),
                new Bad(get("/v1/query").q("metric", "cpu").q("filter", "service:"), "filter"),
                new Bad(get("/v1/query").q("metric", "cpu").q("step", "5x"), "step"),
                new Bad(get("/v1/events").q("limit", "0"), "limit"),
                new Bad(get("/v1/events").q("limit", "10001"), "limit"),
                new Bad(get("/v1/events").q("limit", "ten"), "limit"),
                new Bad(get("/v1/events").q("from", "last week"), "from"),
                new Bad(get("/v1/events").q("filter", "!kind"), "filter"));
        for (Bad b : bad) {
            Req r = b.req().key(acme);
            assertSpecRefuses(r);
            assertError(exchange(r), 400, b.field(), "");
        }
    }

    @Test
    void metricNamesAndTheirTagValuesAreListedSorted() {
        ingestAndDrain(acme, """
                {"metric": "http.requests", "type": "counter", "tags": {"service": "api", "route": "/checkout", "status": "503"},
                 "points": [[%1$d, 1]]},
                {"metric": "http.requests", "type": "counter", "tags": {"service": "api", "route": "/cart", "status": "200"},
                 "points": [[%1$d, 1]]},
                {"metric": "http.requests", "type": "counter", "tags": {"service": "worker"}, "points": [[%1$d, 1]]},
                {"metric": "jobs/queue.depth", "type": "gauge", "tags": {"queue": "mail"}, "points": [[%1$d, 1]]},
                {"metric": "checkout.latency_ms", "type": "distribution", "points": [[%1$d, 1]]}
                """.formatted(T0));

        assertJsonEquals("""
                {"metrics": [{"name": "checkout.latency_ms", "type": "distribution"},
                             {"name": "http.requests", "type": "counter"},
                             {"name": "jobs/queue.depth", "type": "gauge"}]}""", send(get("/v1/metrics").key(acme)).body());
        assertJsonEquals("""
                {"metric": "http.requests", "tags": {"route": ["/cart", "/checkout"], "service": ["api", "worker"],
                 "status": ["200", "503"]}}""", send(get("/v1/metrics/http.requests/tags").key(acme)).body());
        assertJsonEquals("{\"metric\": \"jobs/queue.depth\", \"tags\": {\"queue\": [\"mail\"]}}",
                send(get("/v1/metrics/jobs%2Fqueue.depth/tags").key(acme)).body());
        assertJsonEquals("{\"metric\": \"nope\", \"tags\": {}}", send(get("/v1/metrics/nope/tags").key(acme)).body());
    }

    @Test
    void eventsAreListedOldestFirstWithinTheRangeAndFilteredByTagKindAndLimit() {
        send(post("/v1/events", """
                {"events": [
                  {"id": "e4", "title": "Deploy api", "kind": "deploy", "time": %4$d, "tags": {"service": "api"}},
                  {"id": "e2", "title": "Errors on api", "kind": "incident", "time": %2$d, "tags": {"service": "api"}},
                  {"id": "e1", "title": "Deploy checkout", "kind": "deploy", "time": %1$d, "tags": {"service": "checkout"}},
                  {"id": "e3", "title": "Cache flushed", "kind": "note", "time": %3$d, "tags": {"service": "checkout"}}
                ]}""".formatted(T0 - 120 * MINUTE, T0 - 60 * MINUTE, T0, T0 + MINUTE)).key(acme));
        drain();
        Function<Req, List<String>> ids = r -> {
            List<String> out = new ArrayList<>();
            send(r.key(acme)).body().get("events").forEach(e -> out.add(e.get("id").asText()));
            return out;
        };

        assertEquals(List.of("e1", "e2", "e3", "e4"), ids.apply(get("/v1/events")), "the default range is the last day");
        assertEquals(List.of("e1", "e3"), ids.apply(get("/v1/events").q("filter", "service:checkout")));
        assertEquals(List.of("e1", "e2", "e4"), ids.apply(get("/v1/events").q("kind", "deploy").q("kind", "incident")));
        assertEquals(List.of("e4"), ids.apply(get("/v1/events").q("kind", "deploy").q("filter", "!service:checkout")));
        assertEquals(List.of("e1"), ids.apply(get("/v1/events").q("limit", "1")));
        assertEquals(List.of("e3"), ids.apply(get("/v1/events").q("limit", "1").q("kind", "note")),
                "the limit counts matching events");
        assertEquals(List.of("e2"), ids.apply(get("/v1/events").q("from", T0 - 90 * MINUTE).q("to", T0)),
                "from is inclusive and to exclusive");
        assertEquals(List.of("e2", "e3"), ids.apply(get("/v1/events").q("from", "2025-11-21T03:40:00Z").q("to", "-9m")));
        assertError(send(get("/v1/events").key(acme).q("from", T0).q("to", T0)), 400, "from", "must be before to");
        assertError(send(get("/v1/events").key(acme).q("from", "-401d")), 400, "from", "longer than 400 days");
    }

    @Test
    void aTenantNeverSeesAnotherTenantsSeriesOrEvents() {
        ingestAndDrain(acme, """
                {"metric": "http.requests", "type": "counter", "tags": {"service": "api"}, "points": [[%1$d, 1]]}
                """.formatted(T0));
        ingestAndDrain(globex, """
                {"metric": "http.requests", "type": "counter", "tags": {"service": "billing"}, "points": [[%1$d, 100]]},
                {"metric": "globex.secret", "type": "gauge", "points": [[%1$d, 1]]}
                """.formatted(T0));
        send(post("/v1/events", "{\"events\": [{\"title\": \"Acme deploy\", \"kind\": \"deploy\"}]}").key(acme));
        send(post("/v1/events", "{\"events\": [{\"title\": \"Globex deploy\", \"kind\": \"deploy\"}]}").key(globex));
        drain();

        for (String[] who : new String[][]{{acme, "api", "1.0", "Acme deploy"}, {globex, "billing", "100.0", "Globex deploy"}}) {
            String key = who[0];
            Call sum = send(get("/v1/query").key(key).q("metric", "http.requests").q("agg", "sum").q("groupBy", "service")
                    .q("from", T0).q("to", T0 + MINUTE).q("step", "1m"));
            assertEquals(Map.of("{service=" + who[1] + "}", List.of(List.of(T0, Double.parseDouble(who[2])))),
                    seriesByTags(sum));
            assertJsonEquals("{\"metric\": \"http.requests\", \"tags\": {\"service\": [\"" + who[1] + "\"]}}",
                    send(get("/v1/metrics/http.requests/tags").key(key)).body());
            JsonNode events = send(get("/v1/events").key(key)).body().get("events");
            assertEquals(1, events.size(), events.toString());
            assertEquals(who[3], events.get(0).get("title").asText());
        }
        assertJsonEquals("{\"metrics\": [{\"name\": \"http.requests\", \"type\": \"counter\"}]}",
                send(get("/v1/metrics").key(acme)).body());
        assertJsonEquals("{\"metric\": \"globex.secret\", \"tags\": {}}",
                send(get("/v1/metrics/globex.secret/tags").key(acme)).body());
        assertEquals(Map.of(), seriesByTags(send(get("/v1/query").key(acme).q("metric", "globex.secret"))));
        assertEquals(Map.of(), seriesByTags(send(get("/v1/query").key(acme).q("metric", "http.requests")
                .q("filter", "service:billing").q("from", T0).q("to", T0 + MINUTE))));
    }

    // ---------------------------------------------------------------------------------------------------------
    // Routes

    @Test
    void aPathOutsideTheApiIs404AndAMethodAPathDoesNotHaveIs405() {
        record Wrong(RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler, Req req, int status,
                     String specKey) {
        }
        List<Wrong> wrong = List.of(
                new Wrong(query, get("/v1/nope"), 404, "validation.request.path.missing"),
                new Wrong(ingest, post("/v1/nope", "{}"), 404, "validation.request.path.missing"),
                new Wrong(query, get("/v1/metrics/tags"), 404, "validation.request.path.missing"),
                new Wrong(query, get("/v1/metrics/cpu/tags/extra"), 404, "validation.request.path.missing"),
                new Wrong(ingest, new Req("DELETE", "/v1/metrics"), 405, "validation.request.operation.notAllowed"),
                new Wrong(query, post("/v1/query", "{}"), 405, "validation.request.operation.notAllowed"));
        for (Wrong w : wrong) {
            Req r = w.req().key(acme);
            assertTrue(SPEC.validateRequest(r.event()).stream().anyMatch(p -> p.key().equals(w.specKey())),
                    "the spec must not have " + r + ": " + SPEC.validateRequest(r.event()));
            Call c = exchange(w.handler(), r);
            assertError(c, w.status(), null, w.status() == 404 ? "no route for " : "use ");
        }
    }

    @Test
    void aMetricNameThatIsNotValidPercentEncodingIs400() {
        Req r = get("/v1/metrics/cpu%zz/tags").key(acme);
        assertSpecRefuses(r);
        assertError(exchange(r), 400, "name", "is not valid URL encoding");
    }

    // ---------------------------------------------------------------------------------------------------------
    // The checks above fail when the spec drifts

    @Test
    void aSpecThatDriftsFromTheHandlersFailsTheChecks() throws IOException {
        String yaml = Files.readString(OpenApiContract.SPEC);
        Call accepted = exchange(post("/v1/metrics", """
                {"series": [{"metric": "cpu", "type": "gauge", "points": [[%d, 1], [1.5, 2]]}]}""".formatted(T0)).key(acme));
        Call badJson = exchange(post("/v1/metrics", "{").key(acme));
        Call unauthorized = exchange(get("/v1/metrics"));
        Call tooLarge = exchange(post("/v1/metrics", padded("{}", LIMITS.maxBodyBytes() + 1)).key(acme));
        send(post("/v1/events", "{\"events\": [{\"title\": \"D\", \"kind\": \"deploy\", \"link\": \"https://x.example\"}]}")
                .key(acme));
        drain();
        Call events = send(get("/v1/events").key(acme));
        Call p95 = send(get("/v1/query").key(acme).q("metric", "cpu").q("agg", "p95"));
        Call avg = send(get("/v1/query").key(acme).q("metric", "cpu").q("from", T0).q("to", T0 + MINUTE));
        Req tooManyTags = post("/v1/metrics", "{\"series\": [{\"metric\": \"cpu\", \"type\": \"gauge\", \"tags\": %s, \"points\": [[%d, 1]]}]}"
                .formatted(manyTags(LIMITS.maxTags() + 1), T0)).key(acme);
        Call tooManyTagsCall = exchange(tooManyTags);

        record Drift(String what, String find, String replace, Function<OpenApiContract, List<Problem>> check) {
        }
        List<Drift> drifts = List.of(
                new Drift("a point rejection without its point index",
                        "        point:\n          type: integer\n          minimum: 0\n          description: Index in that series' `points`.\n",
                        "", c -> c.validateResponse(accepted.event(), accepted.response())),
                new Drift("the error body without field",
                        "        field:\n          type: string\n          description: |\n            What was wrong",
                        "        fieldName:\n          type: string\n          description: |\n            What was wrong",
                        c -> c.validateResponse(badJson.event(), badJson.response())),
                new Drift("401 without the Bearer challenge",
                        "            type: string\n            const: Bearer",
                        "            type: string\n            const: Basic",
                        c -> c.validateResponse(unauthorized.event(), unauthorized.response())),
                new Drift("no 413 on POST /v1/metrics",
                        "        '413':\n          $ref: '#/components/responses/PayloadTooLarge'\n        '500':\n          $ref: '#/components/responses/InternalError'\n        '503':\n          $ref: '#/components/responses/StreamUnavailable'\n    get:\n      tags: [query]\n      operationId: listMetrics",
                        "        '500':\n          $ref: '#/components/responses/InternalError'\n        '503':\n          $ref: '#/components/responses/StreamUnavailable'\n    get:\n      tags: [query]\n      operationId: listMetrics",
                        c -> c.validateResponse(tooLarge.event(), tooLarge.response())),
                new Drift("stored events without link",
                        "        source:\n          type: string\n        link:\n          type: string\n",
                        "        source:\n          type: string\n",
                        c -> c.validateResponse(events.event(), events.response())),
                new Drift("p95 missing from agg",
                        "enum: [avg, sum, min, max, count, last, p50, p90, p95, p99]",
                        "enum: [avg, sum, min, max, count, last, p50, p90, p99]",
                        c -> concat(c.validateRequest(p95.event()), c.validateResponse(p95.event(), p95.response()))),
                new Drift("query values as strings",
                        "        - type: [number, 'null']", "        - type: [string, 'null']",
                        c -> c.validateResponse(avg.event(), avg.response())),
                new Drift("30 tags allowed where the code allows 20",
                        "      maxProperties: 20\n", "      maxProperties: 30\n",
                        c -> refusedBySpec(c, tooManyTags, "series", "points")
                                .equals(withoutTimeWindow(rejections(tooManyTagsCall, "series"))) ? List.of()
                                : List.of(new Problem("agreement", "the spec and the code refuse different items", ""))));

        List<Executable> checks = new ArrayList<>();
        for (Drift d : drifts) {
            checks.add(() -> {
                int at = yaml.indexOf(d.find());
                assertTrue(at >= 0 && yaml.indexOf(d.find(), at + 1) < 0,
                        "the drift \"" + d.what() + "\" no longer finds its anchor text exactly once in the spec");
                assertEquals(List.of(), d.check().apply(SPEC), "the real spec agrees before \"" + d.what() + "\"");
                OpenApiContract drifted = OpenApiContract.fromYaml(yaml.replace(d.find(), d.replace()));
                assertFalse(d.check().apply(drifted).isEmpty(), "a spec with " + d.what() + " went unnoticed");
            });
        }
        assertAll(checks);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Plumbing

    /** A request as API Gateway (HTTP API, payload 2.0) hands it to a handler; header names lower-case. */
    static final class Req {
        final String method;
        final String path;
        final Map<String, List<String>> query = new LinkedHashMap<>();
        final Map<String, String> headers = new LinkedHashMap<>();
        String body;
        boolean base64;

        Req(String method, String path) {
            this.method = method;
            this.path = path;
        }

        Req copy() {
            Req r = new Req(method, path);
            query.forEach((k, v) -> r.query.put(k, new ArrayList<>(v)));
            r.headers.putAll(headers);
            r.body = body;
            r.base64 = base64;
            return r;
        }

        Req q(String name, Object value) {
            Req r = copy();
            r.query.computeIfAbsent(name, k -> new ArrayList<>()).add(String.valueOf(value));
            return r;
        }

        Req header(String name, String value) {
            Req r = copy();
            r.headers.put(name, value);
            return r;
        }

        Req key(String apiKey) {
            return header("authorization", "Bearer " + apiKey);
        }

        Req json(String json) {
            Req r = header("content-type", "application/json");
            r.body = json;
            return r;
        }

        /** Binary bodies reach Lambda base64-encoded. */
        Req base64(byte[] bytes) {
            Req r = copy();
            r.body = Base64.getEncoder().encodeToString(bytes);
            r.base64 = true;
            return r;
        }

        Req gzipped(byte[] compressed) {
            return header("content-type", "application/json").header("content-encoding", "gzip").base64(compressed);
        }

        APIGatewayV2HTTPEvent event() {
            String qs = query.entrySet().stream().flatMap(e -> e.getValue().stream().map(v -> enc(e.getKey()) + "=" + enc(v)))
                    .collect(Collectors.joining("&"));
            return APIGatewayV2HTTPEvent.builder().withVersion("2.0").withRouteKey("$default").withRawPath(path)
                    .withRawQueryString(qs).withHeaders(new LinkedHashMap<>(headers)).withBody(body)
                    .withIsBase64Encoded(base64)
                    .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder().withRequestId("contract-test")
                            .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder().withMethod(method)
                                    .withPath(path).build()).build())
                    .build();
        }

        private static String enc(String s) {
            return URLEncoder.encode(s, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return method + " " + path + (query.isEmpty() ? "" : " " + query);
        }
    }

    static Req get(String path) {
        return new Req("GET", path);
    }

    static Req post(String path, String json) {
        return new Req("POST", path).json(json);
    }

    /** A request and the handler's answer. */
    record Call(APIGatewayV2HTTPEvent event, APIGatewayV2HTTPResponse response, JsonNode body) {
        int status() {
            return response.getStatusCode();
        }
    }

    /** Sends a request the spec allows (checked first) and checks the answer against the spec. */
    Call send(Req r) {
        assertNoProblems("the request " + r, SPEC.validateRequest(r.event()));
        return exchange(r);
    }

    /** Sends any request, routed as API Gateway routes it, and checks the answer against the spec. */
    Call exchange(Req r) {
        boolean ingestRoute = r.method.equals("POST") && (r.path.equals("/v1/metrics") || r.path.equals("/v1/events"));
        return exchange(ingestRoute ? ingest : query, r);
    }

    Call exchange(RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler, Req r) {
        APIGatewayV2HTTPEvent e = r.event();
        APIGatewayV2HTTPResponse resp = handler.handleRequest(e, null);
        boolean specHasOperation = SPEC.validateRequest(e).stream().noneMatch(p ->
                p.key().equals("validation.request.path.missing")
                        || p.key().equals("validation.request.operation.notAllowed"));
        List<Problem> problems = specHasOperation ? SPEC.validateResponse(e, resp)
                : SPEC.validateSchema("NotFound", resp.getBody());
        assertNoProblems("the answer " + resp.getStatusCode() + " " + resp.getBody() + " to " + r, problems);
        assertEquals("application/json", resp.getHeaders().get("Content-Type"));
        try {
            return new Call(e, resp, JSON.readTree(resp.getBody()));
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** Runs what the stream holds through the rollup, as the Kinesis consumer does. */
    void drain() {
        List<RollupService.IncomingRecord> batch = new ArrayList<>();
        for (StreamPublisher.OutgoingRecord r : stream.records) {
            batch.add(new RollupService.IncomingRecord("shardId-000000000000", String.format(Locale.ROOT, "49%054d", ++sequence),
                    clock.millis(), r.data()));
        }
        stream.records.clear();
        RollupService.BatchOutcome outcome = rollups.apply(batch);
        assertEquals(List.of(), outcome.failedSequenceNumbers());
        assertEquals(0, outcome.unreadableRecords());
    }

    void ingestAndDrain(String key, String series) {
        Call c = send(post("/v1/metrics", "{\"series\": [" + series + "]}").key(key));
        assertEquals(0, c.body().get("rejected").size(), c.body().toString());
        drain();
    }

    static void assertNoProblems(String what, List<Problem> problems) {
        assertTrue(problems.isEmpty(), what + " disagrees with api-spec/openapi.yaml:\n  "
                + problems.stream().map(Problem::toString).collect(Collectors.joining("\n  ")));
    }

    static void assertSpecRefuses(Req r) {
        assertFalse(SPEC.validateRequest(r.event()).isEmpty(), "the spec allows " + r + " " + r.body
                + " which the code refuses");
    }

    static void assertError(Call c, int status, String field, String reasonPart) {
        JsonNode b = c.body();
        assertEquals(status, c.status(), b.toString());
        assertEquals(status, b.get("status").asInt());
        if (field == null) {
            assertFalse(b.has("field"), b.toString());
        } else {
            assertEquals(field, b.path("field").asText(null), b.toString());
        }
        assertContains(b.get("reason").asText(), reasonPart);
    }

    static void assertContains(String text, String part) {
        assertNotNull(text);
        assertTrue(text.contains(part), "expected \"" + part + "\" in \"" + text + "\"");
    }

    static void assertJsonEquals(String expected, JsonNode actual) {
        try {
            assertEquals(JSON.readTree(expected), actual);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Rejections of a 202 as "series/point" (or "series", or "event") to reason. */
    static Map<String, String> rejections(Call c, String indexField) {
        Map<String, String> out = new TreeMap<>();
        for (JsonNode r : c.body().get("rejected")) {
            String k = r.get(indexField).asText() + (r.has("point") ? "/" + r.get("point").asText() : "");
            out.put(k, r.get("reason").asText());
        }
        return out;
    }

    static Set<String> withoutTimeWindow(Map<String, String> rejections) {
        Set<String> out = new TreeSet<>();
        rejections.forEach((k, reason) -> {
            if (!reason.contains("days in the past") && !reason.contains("minutes in the future")) {
                out.add(k);
            }
        });
        return out;
    }

    /** The items the spec refuses in a request body, as "series/point" or "series" (or "event"). */
    static Set<String> refusedBySpec(OpenApiContract contract, Req r, String array, String inner) {
        Pattern p = Pattern.compile("^/" + array + "/(\\d+)" + (inner == null ? "" : "(?:/" + inner + "/(\\d+))?"));
        Set<String> out = new TreeSet<>();
        for (Problem problem : contract.validateRequest(r.event())) {
            Matcher m = p.matcher(problem.pointer());
            assertTrue(m.find(), "a problem outside the " + array + " items: " + problem);
            out.add(m.group(1) + (inner != null && m.group(2) != null ? "/" + m.group(2) : ""));
        }
        // A series refused whole is not also refused point by point.
        out.removeIf(k -> k.contains("/") && out.contains(k.substring(0, k.indexOf('/'))));
        return out;
    }

    static List<Problem> concat(List<Problem> a, List<Problem> b) {
        List<Problem> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    /** The points of the i-th result series as [time, value] lists. */
    static List<List<Object>> points(Call c, int i) {
        return toPoints(c.body().get("series").get(i).get("points"));
    }

    /** Result series keyed by their tags ("{}" for no tags, "{a=b, c=d}" otherwise). */
    static Map<String, List<List<Object>>> seriesByTags(Call c) {
        Map<String, List<List<Object>>> out = new TreeMap<>();
        for (JsonNode s : c.body().get("series")) {
            Map<String, String> tags = new TreeMap<>();
            s.get("tags").properties().forEach(t -> tags.put(t.getKey(), t.getValue().asText()));
            out.put(tags.toString(), toPoints(s.get("points")));
        }
        return out;
    }

    private static List<List<Object>> toPoints(JsonNode points) {
        List<List<Object>> out = new ArrayList<>();
        for (JsonNode p : points) {
            out.add(List.of(p.get(0).asLong(), p.get(1).isNull() ? Double.NaN : p.get(1).asDouble()));
        }
        return out;
    }

    static String manyTags(int n) {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : ", ").append("\"k").append(i).append("\": \"v\"");
        }
        return sb.append("}").toString();
    }

    static String padded(String json, int bytes) {
        return json + " ".repeat(bytes - json.getBytes(StandardCharsets.UTF_8).length);
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

    /** The partition key as api-spec/kinesis-record-format.md describes it, computed independently of SeriesKey. */
    static String documentedSeriesId(String tenant, String metric, String type, Map<String, String> tags) throws IOException {
        StringBuilder canonical = new StringBuilder(tenant).append('\0').append(metric).append('\0').append(type);
        new TreeMap<>(tags).forEach((k, v) -> canonical.append('\0').append(k).append('=').append(v));
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(canonical.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IOException(e);
        }
    }

    /** The bucket's partition key as api-spec/kinesis-record-format.md describes it (4 buckets, its table). */
    static String documentedBucketKey(String seriesId) {
        long top = Long.parseLong(seriesId.substring(0, 8), 16);
        return List.of("lw-2", "lw-14", "lw-3", "lw-1").get((int) (top * 4 / (1L << 32)));
    }

    static Operation operation(String path, String method) {
        var item = SPEC.api().getPaths().get(path);
        return switch (method) {
            case "get" -> item.getGet();
            case "post" -> item.getPost();
            default -> throw new IllegalArgumentException(method);
        };
    }

    static io.swagger.v3.oas.models.media.Content requestBody(String name) {
        return SPEC.api().getComponents().getRequestBodies().get(name).getContent();
    }

    static io.swagger.v3.oas.models.media.Content response(String path, String method, String status) {
        return operation(path, method).getResponses().get(status).getContent();
    }

    /** A named example of a media type, as JSON text. */
    static String example(io.swagger.v3.oas.models.media.Content content, String name) {
        Object value = content.get("application/json").getExamples().get(name).getValue();
        try {
            return Json31.mapper().writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void assertJsonEquals(String expected, String actualJson) {
        try {
            assertEquals(JSON.readTree(expected), JSON.readTree(actualJson));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

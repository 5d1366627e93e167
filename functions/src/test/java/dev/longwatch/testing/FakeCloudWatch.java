package dev.longwatch.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * CloudWatch's {@code GetMetricData} on a local port, in the wire protocol the SDK's CloudWatch client speaks
 * (Smithy RPC v2 CBOR: {@code POST /service/GraniteServiceVersion20100801/operation/GetMetricData}, header
 * {@code smithy-protocol: rpc-v2-cbor}, CBOR bodies, timestamps as tag 1 over epoch seconds). The real SDK client
 * is pointed at it with {@code endpointOverride}; nothing on the client side is mocked.
 *
 * <p>It answers from recorded data (the AWS documentation samples under {@code src/test/resources/cloudwatch}):
 * either a recorded answer replayed as it is ({@link #replayNext}), or datapoints seeded per metric and
 * statistic ({@link #put}), of which it returns those in [StartTime, EndTime) as they are (it does not
 * re-aggregate to the requested period), in pages of {@link #pageSize} datapoints with a NextToken. Every request
 * is kept, decoded, for the test to check. Failures and status codes can be injected.
 */
public final class FakeCloudWatch implements AutoCloseable {
    public static final String PATH = "/service/GraniteServiceVersion20100801/operation/GetMetricData";
    private static final CBORFactory CBOR = new CBORFactory();
    private static final ObjectMapper CBOR_MAPPER = new ObjectMapper(CBOR);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A request as the server read it: its path, headers (lower-case names) and decoded CBOR body. */
    public record Received(String path, Map<String, String> headers, JsonNode body) {
        public JsonNode queries() {
            return body.get("MetricDataQueries");
        }

        public Instant start() {
            return seconds(body.get("StartTime"));
        }

        public Instant end() {
            return seconds(body.get("EndTime"));
        }

        public String nextToken() {
            JsonNode t = body.get("NextToken");
            return t == null || t.isNull() ? null : t.asText();
        }

        public int period(int query) {
            return queries().get(query).at("/MetricStat/Period").asInt();
        }

        private static Instant seconds(JsonNode n) {
            return Instant.ofEpochMilli(Math.round(n.asDouble() * 1000));
        }
    }

    private record Ref(String namespace, String metric, SortedMap<String, String> dimensions, String stat) {
    }

    private record Failure(int status, String type, String message) {
    }

    private final HttpServer server;
    private final java.util.concurrent.ExecutorService threads = Executors.newCachedThreadPool();
    private final Map<Ref, TreeMap<Long, Double>> data = new HashMap<>();
    private final Deque<JsonNode> replays = new ArrayDeque<>();
    private final Deque<Failure> failures = new ArrayDeque<>();
    private final Deque<String> statusCodes = new ArrayDeque<>();
    private final Map<String, String> tokens = new HashMap<>();
    private final List<Received> received = new ArrayList<>();
    private volatile Consumer<Received> onRequest = r -> { };
    private int pageSize = Integer.MAX_VALUE;
    private int nextTokenId;

    private FakeCloudWatch() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        // A hook may run another import (which calls this server) while a request waits: threads as needed.
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
    }

    public static FakeCloudWatch start() {
        try {
            return new FakeCloudWatch();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** The real SDK client, pointed here; no retries, so an injected failure is seen at once (no backoff). */
    public CloudWatchClient client() {
        return CloudWatchClient.builder().endpointOverride(endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret")))
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
    }

    /** Seeds a datapoint of one statistic of one metric. */
    public synchronized FakeCloudWatch put(String namespace, String metric, Map<String, String> dimensions,
                                           String stat, Instant time, double value) {
        data.computeIfAbsent(new Ref(namespace, metric, new TreeMap<>(dimensions), stat), k -> new TreeMap<>())
                .put(time.toEpochMilli(), value);
        return this;
    }

    /** Seeds the datapoints of a recorded GetMetricStatistics answer ({@code Datapoints}) for {@code stat}. */
    public FakeCloudWatch putStatisticsSample(String resource, String namespace, String metric,
                                              Map<String, String> dimensions, String stat) {
        JsonNode sample = json(resource);
        for (JsonNode p : sample.get("Datapoints")) {
            put(namespace, metric, dimensions, stat, Instant.parse(p.get("Timestamp").asText()), p.get(stat).asDouble());
        }
        return this;
    }

    /** The next request is answered with this recorded GetMetricData answer (CLI JSON rendering). */
    public synchronized FakeCloudWatch replayNext(String resource) {
        replays.add(json(resource));
        return this;
    }

    /** At most this many datapoints per answer; more come on the next page (NextToken). */
    public synchronized FakeCloudWatch pageSize(int n) {
        pageSize = n;
        return this;
    }

    /** The next request fails with this HTTP status and error type. */
    public synchronized FakeCloudWatch failNext(int status, String type, String message) {
        failures.add(new Failure(status, type, message));
        return this;
    }

    /** The results of the next answer carry this StatusCode (e.g. InternalError, Forbidden). */
    public synchronized FakeCloudWatch statusCodeNext(String statusCode) {
        statusCodes.add(statusCode);
        return this;
    }

    /** Runs before each request is answered, on the server's thread (the request is already recorded). */
    public FakeCloudWatch onRequest(Consumer<Received> hook) {
        this.onRequest = hook;
        return this;
    }

    public synchronized List<Received> requests() {
        return List.copyOf(received);
    }

    public synchronized void clearRequests() {
        received.clear();
    }

    private static JsonNode json(String resource) {
        try (InputStream in = FakeCloudWatch.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource " + resource);
            }
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] bytes = ex.getRequestBody().readAllBytes();
            Map<String, String> headers = new LinkedHashMap<>();
            ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
            Received r = new Received(ex.getRequestURI().getPath(), headers,
                    bytes.length == 0 ? JSON.createObjectNode() : CBOR_MAPPER.readTree(bytes));
            synchronized (this) {
                received.add(r);
            }
            onRequest.accept(r);
            byte[] body;
            int status;
            synchronized (this) {
                Failure f = failures.poll();
                if (!r.path().equals(PATH)) {
                    f = new Failure(404, "UnknownOperationException", "no operation at " + r.path());
                }
                if (f != null) {
                    status = f.status();
                    body = error(f);
                } else {
                    status = 200;
                    JsonNode replay = replays.poll();
                    body = replay != null ? replayed(replay, r) : answer(r);
                }
            }
            ex.getResponseHeaders().set("Content-Type", "application/cbor");
            ex.getResponseHeaders().set("smithy-protocol", "rpc-v2-cbor");
            ex.sendResponseHeaders(status, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        } catch (RuntimeException e) {
            e.printStackTrace();
            ex.sendResponseHeaders(500, -1);
        }
    }

    private byte[] error(Failure f) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (CBORGenerator g = CBOR.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("__type", "com.amazonaws.cloudwatch#" + f.type());
            g.writeStringField("message", f.message());
            g.writeEndObject();
        }
        return out.toByteArray();
    }

    /** A recorded answer, its results renamed to the request's query ids in order. */
    private byte[] replayed(JsonNode recorded, Received r) throws IOException {
        List<Result> results = new ArrayList<>();
        JsonNode queries = r.queries();
        int i = 0;
        for (JsonNode m : recorded.get("MetricDataResults")) {
            String id = queries != null && i < queries.size() ? queries.get(i).get("Id").asText() : m.get("Id").asText();
            Result res = new Result(id, m.path("Label").asText(null), m.get("StatusCode").asText());
            Iterator<JsonNode> t = m.get("Timestamps").iterator();
            Iterator<JsonNode> v = m.get("Values").iterator();
            while (t.hasNext() && v.hasNext()) {
                res.add(OffsetDateTime.parse(t.next().asText()).toInstant().toEpochMilli(), v.next().asDouble());
            }
            results.add(res);
            i++;
        }
        JsonNode token = recorded.get("NextToken");
        return encode(results, token == null ? null : token.asText());
    }

    private byte[] answer(Received r) throws IOException {
        long start = r.start().toEpochMilli();
        long end = r.end().toEpochMilli();
        boolean descending = !"TimestampAscending".equals(r.body().path("ScanBy").asText("TimestampDescending"));
        String signature = r.queries().toString() + "|" + start + "|" + end;
        int offset = 0;
        if (r.nextToken() != null) {
            String sig = tokens.get(r.nextToken());
            if (sig == null || !sig.equals(signature)) {
                throw new IllegalStateException("NextToken " + r.nextToken() + " does not belong to this request");
            }
            offset = Integer.parseInt(r.nextToken().substring(r.nextToken().indexOf(':') + 1));
        }
        String status = statusCodes.poll();
        List<Result> results = new ArrayList<>();
        int seen = 0;
        int served = 0;
        boolean more = false;
        for (JsonNode q : r.queries()) {
            JsonNode m = q.at("/MetricStat/Metric");
            TreeMap<String, String> dims = new TreeMap<>();
            for (JsonNode d : m.path("Dimensions")) {
                dims.put(d.get("Name").asText(), d.get("Value").asText());
            }
            Ref ref = new Ref(m.get("Namespace").asText(), m.get("MetricName").asText(), dims,
                    q.at("/MetricStat/Stat").asText());
            Result res = new Result(q.get("Id").asText(), ref.metric(), null);
            TreeMap<Long, Double> points = data.getOrDefault(ref, new TreeMap<>());
            var range = points.subMap(start, true, end, false);
            var ordered = descending ? range.descendingMap() : range;
            for (Map.Entry<Long, Double> p : ordered.entrySet()) {
                if (seen++ < offset) {
                    continue;
                }
                if (served == pageSize) {
                    more = true;
                    break;
                }
                res.add(p.getKey(), p.getValue());
                served++;
            }
            results.add(res);
        }
        String next = null;
        if (more) {
            next = "page" + (++nextTokenId) + ":" + (offset + served);
            tokens.put(next, signature);
        }
        for (Result res : results) {
            res.status = status != null ? status : more ? "PartialData" : "Complete";
        }
        return encode(results, next);
    }

    private static final class Result {
        final String id;
        final String label;
        String status;
        final List<Long> ts = new ArrayList<>();
        final List<Double> vs = new ArrayList<>();

        Result(String id, String label, String status) {
            this.id = id;
            this.label = label;
            this.status = status;
        }

        void add(long t, double v) {
            ts.add(t);
            vs.add(v);
        }
    }

    private static byte[] encode(List<Result> results, String nextToken) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (CBORGenerator g = CBOR.createGenerator(out)) {
            g.writeStartObject();
            g.writeArrayFieldStart("MetricDataResults");
            for (Result r : results) {
                g.writeStartObject();
                g.writeStringField("Id", r.id);
                if (r.label != null) {
                    g.writeStringField("Label", r.label);
                }
                g.writeArrayFieldStart("Timestamps");
                for (long t : r.ts) {
                    g.writeTag(1); // epoch-based date/time, as rpcv2Cbor encodes timestamps
                    g.writeNumber(t / 1000.0);
                }
                g.writeEndArray();
                g.writeArrayFieldStart("Values");
                for (double v : r.vs) {
                    g.writeNumber(v);
                }
                g.writeEndArray();
                g.writeStringField("StatusCode", r.status);
                g.writeEndObject();
            }
            g.writeEndArray();
            if (nextToken != null) {
                g.writeStringField("NextToken", nextToken);
            }
            g.writeArrayFieldStart("Messages");
            g.writeEndArray();
            g.writeEndObject();
        }
        return out.toByteArray();
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}

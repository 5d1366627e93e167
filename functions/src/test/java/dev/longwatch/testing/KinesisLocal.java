package dev.longwatch.testing;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.waiters.WaiterResponse;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.KinesisClientBuilder;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamResponse;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The Kinesis emulator (npm {@code kinesis-local}, i.e. kinesis-mock), started once per JVM as a child process
 * on free ports and stopped when the JVM exits. Each caller gets its own freshly created stream, so tests never
 * read each other's records.
 *
 * <p>The Maven build installs the package (npm ci into {@code functions/target/kinesis-local}); surefire passes
 * its folder as the system property {@code kinesis-local.dir}. If the emulator cannot start, every call here
 * throws with the reason and the emulator's log: a test that needs Kinesis fails, it is never skipped.
 */
public final class KinesisLocal {
    private static final Region REGION = Region.US_EAST_1;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STREAM_TIMEOUT = Duration.ofSeconds(30);
    /** Another process may take a free port between our probe and the emulator's bind: then try new ports. */
    private static final int START_ATTEMPTS = 3;
    /**
     * Runs the emulator from stdin's owner: node exits when our end of its stdin closes, which also happens
     * when this JVM is killed without running shutdown hooks (a surefire fork timeout), so no emulator is orphaned.
     */
    private static final String LAUNCHER = "process.stdin.on('end', () => process.exit(0));"
            + "process.stdin.on('error', () => process.exit(0));"
            + "process.stdin.resume();"
            + "require('./main.js');";

    private static URI endpoint;
    private static KinesisClient client;
    private static IllegalStateException startFailure;

    private KinesisLocal() {
    }

    /** The emulator's plain-HTTP endpoint; starts it on first use. */
    public static synchronized URI endpoint() {
        if (startFailure != null) {
            throw new IllegalStateException(startFailure.getMessage(), startFailure);
        }
        if (endpoint == null) {
            try {
                endpoint = start();
            } catch (IllegalStateException e) {
                startFailure = e;
                throw e;
            }
        }
        return endpoint;
    }

    /**
     * A client builder pointed at the emulator, for tests that add to it (an interceptor counting requests).
     * The URL-connection client (HTTP/1.1) and the SDK's default CBOR protocol both work with kinesis-mock.
     */
    public static KinesisClientBuilder clientBuilder() {
        return KinesisClient.builder()
                .endpointOverride(endpoint())
                .region(REGION)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create("test-access-key", "test-secret-key")))
                .httpClient(UrlConnectionHttpClient.create());
    }

    /** A client shared by the tests of this JVM. */
    public static synchronized KinesisClient client() {
        if (client == null) {
            client = clientBuilder().build();
        }
        return client;
    }

    /** Creates a new stream with {@code shards} shards and returns its name once it is ACTIVE. */
    public static String freshStream(int shards) {
        String name = "lw-test-" + UUID.randomUUID().toString().substring(0, 8);
        KinesisClient kinesis = client();
        kinesis.createStream(b -> b.streamName(name).shardCount(shards));
        // kinesis-mock makes a stream ACTIVE after CREATE_STREAM_DURATION (set short below); poll it briefly.
        WaiterResponse<DescribeStreamResponse> done = kinesis.waiter().waitUntilStreamExists(
                b -> b.streamName(name),
                o -> o.backoffStrategyV2(BackoffStrategy.fixedDelayWithoutJitter(Duration.ofMillis(20)))
                        .maxAttempts((int) (STREAM_TIMEOUT.toMillis() / 20))
                        .waitTimeout(STREAM_TIMEOUT));
        if (done.matched().response().isEmpty()) {
            throw new IllegalStateException("stream " + name + " did not become ACTIVE within " + STREAM_TIMEOUT,
                    done.matched().exception().orElse(null));
        }
        return name;
    }

    /**
     * Every record of the stream, per shard id in shard order, each shard's records in sequence order: what
     * a consumer reading each shard from TRIM_HORIZON sees.
     */
    public static Map<String, List<Record>> readAll(String stream) {
        KinesisClient kinesis = client();
        Map<String, List<Record>> out = new TreeMap<>();
        for (Shard shard : kinesis.listShards(b -> b.streamName(stream)).shards()) {
            List<Record> records = new ArrayList<>();
            String iterator = kinesis.getShardIterator(b -> b.streamName(stream).shardId(shard.shardId())
                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
            while (iterator != null) {
                String it = iterator;
                GetRecordsResponse page = kinesis.getRecords(b -> b.shardIterator(it));
                records.addAll(page.records());
                // Nothing is written while a test reads, so the first empty page is the end of the shard.
                iterator = page.records().isEmpty() ? null : page.nextShardIterator();
            }
            out.put(shard.shardId(), records);
        }
        return out;
    }

    private static URI start() {
        Path packageDir = Path.of(System.getProperty("kinesis-local.dir",
                Path.of(System.getProperty("basedir", "."), "target/kinesis-local/node_modules/kinesis-local")
                        .toString())).toAbsolutePath().normalize();
        if (!Files.isRegularFile(packageDir.resolve("main.js"))) {
            throw new IllegalStateException("The Kinesis emulator is not installed: " + packageDir.resolve("main.js")
                    + " does not exist. The Maven build installs it (npm ci of functions/src/test/kinesis-local into"
                    + " functions/target/kinesis-local in phase generate-test-resources); run the tests through Maven,"
                    + " e.g. `mvn -pl functions -am verify`, with node and npm on the PATH.");
        }
        String node = System.getProperty("kinesis-local.node", "node");
        Path log = packageDir.getParent().getParent().resolve("emulator-" + ProcessHandle.current().pid() + ".log");
        String lastProblem = null;
        long started = System.nanoTime();
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            int plainPort = freePort();
            int tlsPort = freePort();
            Process process = launch(node, packageDir, log, plainPort, tlsPort);
            URI uri = URI.create("http://127.0.0.1:" + plainPort);
            String problem = awaitHealthy(process, uri);
            if (problem == null) {
                Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(process), "kinesis-local-stop"));
                System.out.printf("kinesis-local (pid %d) answers on %s after %d ms; log %s%n", process.pid(), uri,
                        (System.nanoTime() - started) / 1_000_000, log);
                return uri;
            }
            stop(process);
            lastProblem = problem;
            if (!tail(log).contains("EADDRINUSE")) {
                break;
            }
        }
        throw new IllegalStateException("The Kinesis emulator (npm kinesis-local in " + packageDir
                + ") did not start: " + lastProblem + ". Its log " + log + " ends with:\n" + tail(log));
    }

    private static Process launch(String node, Path packageDir, Path log, int plainPort, int tlsPort) {
        ProcessBuilder pb = new ProcessBuilder(node, "-e", LAUNCHER)
                .directory(packageDir.toFile()) // it reads its TLS certificate (server.json) from the cwd
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        env.put("KINESIS_MOCK_PLAIN_PORT", Integer.toString(plainPort));
        env.put("KINESIS_MOCK_TLS_PORT", Integer.toString(tlsPort)); // always bound: must not clash either
        env.put("AWS_REGION", REGION.id());
        env.put("CREATE_STREAM_DURATION", "10ms");
        env.put("DELETE_STREAM_DURATION", "10ms");
        env.put("SHARD_LIMIT", "10000"); // every test makes its own stream; the default (50) runs out
        env.put("SHOULD_PERSIST_DATA", "false");
        env.put("LOAD_DATA_IF_EXISTS", "false");
        env.put("LOG_LEVEL", "WARN");
        try {
            return pb.start();
        } catch (IOException e) {
            throw new IllegalStateException("Could not run `" + node + "` to start the Kinesis emulator: "
                    + e.getMessage() + ". Node.js must be on the PATH (or set -Dkinesis-local.node=/path/to/node).", e);
        }
    }

    /** Polls the emulator's health check until it answers 200; returns null when healthy, else why not. */
    private static String awaitHealthy(Process process, URI uri) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest health = HttpRequest.newBuilder(uri.resolve("/healthcheck")).timeout(Duration.ofSeconds(2))
                .GET().build();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        try {
            while (System.nanoTime() < deadline) {
                // Waiting on the process doubles as the poll interval and notices at once if it died.
                if (process.waitFor(100, TimeUnit.MILLISECONDS)) {
                    return "the process exited with code " + process.exitValue();
                }
                try {
                    if (http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                        return null;
                    }
                } catch (IOException notYetListening) {
                    // keep polling until the deadline
                }
            }
            return "it did not answer " + health.uri() + " within " + START_TIMEOUT;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while waiting for it";
        } finally {
            http.close();
        }
    }

    private static void stop(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free TCP port for the Kinesis emulator", e);
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}

package dev.longwatch.infra;

import dev.longwatch.aws.dynamodb.DynamoDbApiKeyStore;
import dev.longwatch.aws.dynamodb.TableNames;
import dev.longwatch.aws.dynamodb.TableSetup;
import dev.longwatch.core.auth.ApiKeyStore;
import dev.longwatch.core.auth.ApiKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

import java.io.File;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * infra-cdk/create-api-key, run for real with the AWS CLI against DynamoDB Local over HTTP: a key it issues
 * must be accepted by the functions' own {@link ApiKeys} and {@link DynamoDbApiKeyStore}.
 */
class CreateApiKeyScriptTest {
    private static DynamoDBProxyServer server;
    private static String endpoint;
    private static DynamoDbClient ddb;
    private static final TableNames TABLES = TableNames.defaults();

    record Run(int exit, String stdout, String stderr) {
    }

    @TempDir
    static Path dataDir;

    @BeforeAll
    static void startDynamoDbLocal() throws Exception {
        // .ci/run installs both; a missing tool fails the test rather than skipping it.
        assertTrue(onPath("aws") && onPath("openssl"),
                "needs the AWS CLI and openssl on the PATH (apt-get install awscli openssl, or AWS CLI v2)");
        int port;
        try (ServerSocket s = new ServerSocket(0)) { // DynamoDB Local refuses port 0
            port = s.getLocalPort();
        }
        // A database directory rather than -inMemory: DynamoDB Local then keeps its metadata file there too.
        server = ServerRunner.createServerFromCommandLineArgs(new String[]{
                "-dbPath", dataDir.toString(), "-port", Integer.toString(port), "-disableTelemetry"});
        server.start();
        endpoint = "http://127.0.0.1:" + port;
        ddb = DynamoDbClient.builder().endpointOverride(URI.create(endpoint)).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create()).build();
        TableSetup.createIfMissing(ddb, TABLES);
    }

    @AfterAll
    static void stop() throws Exception {
        if (ddb != null) {
            ddb.close();
        }
        if (server != null) {
            server.stop();
        }
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (new File(dir, tool).canExecute()) {
                return true;
            }
        }
        return false;
    }

    private static Run script(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("bash", "create-api-key"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        Map<String, String> env = pb.environment();
        env.put("AWS_ENDPOINT_URL", endpoint);
        env.put("AWS_ACCESS_KEY_ID", "local");
        env.put("AWS_SECRET_ACCESS_KEY", "local");
        env.put("AWS_DEFAULT_REGION", "us-east-1");
        env.put("AWS_REGION", "us-east-1");
        env.remove("AWS_PROFILE");
        Process p = pb.start();
        p.getOutputStream().close();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("create-api-key did not finish in 60 s");
        }
        return new Run(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim(),
                new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void aKeyIssuedByTheScriptAuthenticatesItsTenant() throws Exception {
        long before = Instant.now().toEpochMilli();
        Run run = script("--table", TABLES.apiKeys(), "--tenant", "acme", "--name", "ci \"pipeline\"");
        assertEquals(0, run.exit(), run.stderr());
        String key = run.stdout();
        assertTrue(key.matches("lw_[0-9a-f]{12}_[A-Za-z0-9_-]{43}"), "key shape: " + key);
        assertTrue(!run.stderr().contains(key), "the key goes to stdout only");

        DynamoDbApiKeyStore store = new DynamoDbApiKeyStore(ddb, TABLES.apiKeys());
        ApiKeys keys = new ApiKeys(store, Clock.systemUTC(), new SecureRandom());
        assertEquals(Optional.of("acme"), keys.authenticate("Bearer " + key));

        ApiKeyStore.ApiKeyRecord stored = store.find(ApiKeys.hash(key)).orElseThrow();
        assertEquals(key.substring(3, 15), stored.keyId());
        assertEquals("ci \"pipeline\"", stored.name());
        assertTrue(stored.createdAt() >= before - 1000 && stored.createdAt() <= Instant.now().toEpochMilli(),
                "createdAt in epoch milliseconds: " + stored.createdAt());
    }

    @Test
    void twoRunsIssueDifferentKeys() throws Exception {
        Run a = script("--table", TABLES.apiKeys(), "--tenant", "acme");
        Run b = script("--table", TABLES.apiKeys(), "--tenant", "acme");
        assertEquals(0, a.exit() + b.exit(), a.stderr() + b.stderr());
        assertNotEquals(a.stdout(), b.stdout());
    }

    @Test
    void anInvalidTenantIsRefusedBeforeAnythingIsWritten() throws Exception {
        int before = ddb.scan(b -> b.tableName(TABLES.apiKeys())).count();
        Run run = script("--table", TABLES.apiKeys(), "--tenant", "Acme!");
        assertEquals(2, run.exit());
        assertTrue(run.stderr().contains("--tenant must be"), run.stderr());
        assertEquals("", run.stdout());
        assertEquals(before, ddb.scan(b -> b.tableName(TABLES.apiKeys())).count());
    }
}

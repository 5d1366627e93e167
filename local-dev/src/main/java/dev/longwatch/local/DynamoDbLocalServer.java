package dev.longwatch.local;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * DynamoDB Local as an HTTP server on a loopback port, its database file in the data dir, so data survives
 * a restart and the adapters talk to it over the wire exactly as they talk to DynamoDB.
 */
public final class DynamoDbLocalServer implements AutoCloseable {
    private final DynamoDBProxyServer server;
    private final int port;
    private final DynamoDbClient client;

    private DynamoDbLocalServer(DynamoDBProxyServer server, int port) {
        this.server = server;
        this.port = port;
        this.client = DynamoDbClient.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + port))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    /** Starts on a free loopback port with its files under {@code dir}. */
    public static DynamoDbLocalServer start(Path dir) throws Exception {
        Files.createDirectories(dir);
        int port = freePort(); // DynamoDB Local refuses port 0
        DynamoDBProxyServer server = ServerRunner.createServerFromCommandLineArgs(new String[]{
                "-dbPath", dir.toAbsolutePath().toString(), "-sharedDb", "-port", Integer.toString(port)});
        server.start();
        return new DynamoDbLocalServer(server, port);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    public DynamoDbClient client() {
        return client;
    }

    public int port() {
        return port;
    }

    @Override
    public void close() throws Exception {
        client.close();
        server.stop();
    }
}

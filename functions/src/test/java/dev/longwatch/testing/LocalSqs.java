package dev.longwatch.testing;

import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.net.URI;

/**
 * A real SQS API for tests: ElasticMQ in-process on a free port, and an SDK client for it. Close it when done
 * (the client first, then the server).
 */
public final class LocalSqs implements AutoCloseable {
    private final SQSRestServer server;
    private final SqsClient client;

    private LocalSqs(ExecutionInterceptor... interceptors) {
        this.server = SQSRestServerBuilder.withInterface("127.0.0.1").withDynamicPort().start();
        int port = server.waitUntilStarted().localAddress().getPort();
        this.client = SqsClient.builder().endpointOverride(URI.create("http://127.0.0.1:" + port))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "x")))
                .overrideConfiguration(c -> {
                    for (ExecutionInterceptor i : interceptors) {
                        c.addExecutionInterceptor(i);
                    }
                })
                .httpClient(UrlConnectionHttpClient.create()).build();
    }

    /** Starts a server; {@code interceptors} see the client's requests as the SDK sends them. */
    public static LocalSqs start(ExecutionInterceptor... interceptors) {
        return new LocalSqs(interceptors);
    }

    public SqsClient client() {
        return client;
    }

    @Override
    public void close() {
        client.close();
        server.stopAndWait();
    }
}

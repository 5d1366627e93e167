package dev.longwatch.aws.sqs;

import dev.longwatch.core.notify.Delivery;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

import java.net.URI;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Dead letters on a real SQS API: ElasticMQ in-process on a free port. */
class SqsDeadLettersTest {
    final SQSRestServer server = SQSRestServerBuilder.withInterface("127.0.0.1").withDynamicPort().start();
    final int port = server.waitUntilStarted().localAddress().getPort();
    final SqsClient sqs = SqsClient.builder().endpointOverride(URI.create("http://127.0.0.1:" + port))
            .region(Region.EU_WEST_1).httpClient(UrlConnectionHttpClient.create())
            .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "x"))).build();

    @AfterEach
    void stop() {
        sqs.close();
        server.stopAndWait();
    }

    @Test
    void aFailedNotificationLandsOnTheQueueWithItsTenantAndChannelType() {
        String url = sqs.createQueue(b -> b.queueName("notify-dlq")).queueUrl();
        Delivery d = new Delivery("0001-abc", "acme", "ch_1", "slack", "alert", "g_1", List.of("a1"), "[FIRING:1] x",
                Delivery.FAILED, 5, "Slack answered 503", 503, 1L, 2L, null, null, null);
        new SqsDeadLetters(sqs, url).send(d);
        List<Message> got = sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10)
                .messageAttributeNames("All")).messages();
        assertEquals(1, got.size());
        assertEquals(d, Delivery.fromStored(got.get(0).body()));
        assertEquals("acme", got.get(0).messageAttributes().get("tenant").stringValue());
        assertEquals("slack", got.get(0).messageAttributes().get("channelType").stringValue());
    }
}

package dev.longwatch.aws.sns;

import dev.longwatch.core.notify.channel.sns.TopicPublisher;
import dev.longwatch.testing.HttpReceiver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.retry.RetryPolicy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sns.SnsClient;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No SNS emulator runs here (no Docker for LocalStack), so the adapter is checked on the wire: the real SDK client
 * sends its Publish request to a local receiver that answers like SNS.
 */
class SnsTopicPublisherWireTest {
    static final String OK = "<PublishResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><PublishResult>"
            + "<MessageId>m-1</MessageId></PublishResult><ResponseMetadata><RequestId>r-1</RequestId>"
            + "</ResponseMetadata></PublishResponse>";
    final HttpReceiver sns = new HttpReceiver();
    final SnsClient client = SnsClient.builder().endpointOverride(URI.create(sns.url("")))
            .region(Region.EU_WEST_1).httpClient(UrlConnectionHttpClient.create())
            .overrideConfiguration(ClientOverrideConfiguration.builder().retryPolicy(RetryPolicy.none()).build())
            .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret")))
            .build();

    @AfterEach
    void close() {
        sns.close();
        client.close();
    }

    static Map<String, String> form(String body) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    @Test
    void publishSendsTheMessageSubjectAndFilterableStringAttributes() {
        sns.then(200, Map.of("Content-Type", "text/xml"), OK);
        new SnsTopicPublisher(client).publish("arn:aws:sns:eu-west-1:123456789012:alerts", "[FIRING:1] Checkout",
                "{\"version\":\"1\"}", new LinkedHashMap<>(Map.of("severity", "critical")));
        HttpReceiver.Request r = sns.requests().get(0);
        assertEquals("POST", r.method());
        assertTrue(r.header("authorization").startsWith("AWS4-HMAC-SHA256"), "signed with SigV4");
        Map<String, String> f = form(r.body());
        assertEquals("Publish", f.get("Action"));
        assertEquals("arn:aws:sns:eu-west-1:123456789012:alerts", f.get("TopicArn"));
        assertEquals("[FIRING:1] Checkout", f.get("Subject"));
        assertEquals("{\"version\":\"1\"}", f.get("Message"));
        assertEquals("severity", f.get("MessageAttributes.entry.1.Name"));
        assertEquals("String", f.get("MessageAttributes.entry.1.Value.DataType"));
        assertEquals("critical", f.get("MessageAttributes.entry.1.Value.StringValue"));
    }

    @Test
    void throttlingIsRetryableAndAMissingTopicIsNot() {
        sns.then(400, Map.of("Content-Type", "text/xml"), "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>"
                + "<Message>Rate exceeded</Message></Error><RequestId>r</RequestId></ErrorResponse>");
        sns.then(404, Map.of("Content-Type", "text/xml"), "<ErrorResponse><Error><Type>Sender</Type><Code>NotFound</Code>"
                + "<Message>Topic does not exist</Message></Error><RequestId>r</RequestId></ErrorResponse>");
        SnsTopicPublisher p = new SnsTopicPublisher(client);
        TopicPublisher.PublishException throttled = assertThrows(TopicPublisher.PublishException.class,
                () -> p.publish("arn:aws:sns:eu-west-1:123456789012:alerts", "s", "m", Map.of()));
        assertTrue(throttled.retryable());
        TopicPublisher.PublishException missing = assertThrows(TopicPublisher.PublishException.class,
                () -> p.publish("arn:aws:sns:eu-west-1:123456789012:alerts", "s", "m", Map.of()));
        assertFalse(missing.retryable());
    }
}

package dev.longwatch.handler;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.longwatch.aws.s3.S3ArchiveStore;
import dev.longwatch.core.archive.ArchiveService;
import dev.longwatch.core.notify.Json;
import dev.longwatch.core.notify.chat.SlackSignature;
import dev.longwatch.core.telemetry.InMemoryMetrics;
import dev.longwatch.model.MetricType;
import dev.longwatch.model.Series;
import dev.longwatch.model.StreamRecord;
import dev.longwatch.model.Tags;
import dev.longwatch.testing.HttpReceiver;
import dev.longwatch.testing.LocalDynamo;
import dev.longwatch.testing.LocalS3;
import dev.longwatch.testing.TieredRollups;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code /longwatch graph} through the chat handler wired by {@link AwsWiring} from the environment the CDK app gives
 * the chat function (infra-cdk ChatGraphAccessTest), on DynamoDB Local and s3proxy. KMS cannot run here: a local
 * receiver answers its GenerateDataKey and Decrypt on the wire (as in KmsSecretSealerWireTest). SNS and SQS clients
 * point at the same receiver, and the test checks that a graph never calls them.
 */
class ChatGraphAwsWiringTest {
    static final String SIGNING = "slack-signing-secret-0123";
    static final Instant NOW = Instant.parse("2026-11-22T10:00:30Z");
    static final long MINUTE = 60_000;

    final TieredRollups tiers = new TieredRollups(NOW);
    final HttpReceiver aws = new HttpReceiver();
    final String charts = LocalS3.freshBucket();
    final String archive = LocalS3.freshBucket();

    ChatGraphAwsWiringTest() {
        byte[] dataKey = new byte[32];
        for (int i = 0; i < dataKey.length; i++) {
            dataKey[i] = (byte) (7 * i);
        }
        // GenerateDataKey and Decrypt read the fields they know from the same answer.
        aws.always(200, Map.of("Content-Type", "application/x-amz-json-1.1"), "{\"CiphertextBlob\":\""
                + Base64.getEncoder().encodeToString("sealed-data-key".getBytes(StandardCharsets.UTF_8))
                + "\",\"Plaintext\":\"" + Base64.getEncoder().encodeToString(dataKey) + "\",\"KeyId\":\"arn:aws:kms:k\"}");
    }

    @AfterEach
    void close() {
        aws.close();
    }

    /** The chat function's variables as the CDK app sets them (production context: a 300-s rollup window). */
    Map<String, String> environment(boolean freshTail) {
        Map<String, String> env = new HashMap<>();
        env.put("LONGWATCH_ALERTING_TABLE", tiers.tables.alerting());
        env.put("LONGWATCH_NOTIFICATIONS_TABLE", tiers.tables.notifications());
        env.put("LONGWATCH_SECRETS_KEY_ID", "alias/longwatch-channel-secrets");
        env.put("LONGWATCH_NOTIFY_QUEUE_URL", aws.url("/123456789012/notify"));
        env.put("LONGWATCH_CONSOLE_URL", "https://console.example");
        env.put("LONGWATCH_PUBLIC_API_URL", "https://api.example/");
        env.put("LONGWATCH_ROLLUPS_TABLE", tiers.tables.rollups());
        env.put("LONGWATCH_SERIES_TABLE", tiers.tables.series());
        env.put("LONGWATCH_EVENTS_TABLE", tiers.tables.events());
        env.put("LONGWATCH_STATE_TABLE", tiers.tables.state());
        env.put("LONGWATCH_CHARTS_BUCKET", charts);
        if (freshTail) {
            env.put("LONGWATCH_ARCHIVE_BUCKET", archive);
            env.put("LONGWATCH_FRESH_FROM_ARCHIVE_SECONDS", "420");
        }
        return env;
    }

    /** The SDK clients, pointed at DynamoDB Local, s3proxy and the local KMS stand-in. */
    SdkClients emulators() {
        return new SdkClients() {
            @Override
            DynamoDbClient dynamo() {
                return LocalDynamo.client();
            }

            @Override
            S3Client s3() {
                return LocalS3.client();
            }

            @Override
            S3Presigner presigner() {
                return LocalS3.presigner();
            }

            @Override
            KmsClient kms() {
                return KmsClient.builder().endpointOverride(URI.create(aws.url(""))).region(Region.EU_WEST_1)
                        .httpClient(UrlConnectionHttpClient.create()).credentialsProvider(credentials()).build();
            }

            @Override
            SnsClient sns() {
                return SnsClient.builder().endpointOverride(URI.create(aws.url(""))).region(Region.EU_WEST_1)
                        .httpClient(UrlConnectionHttpClient.create()).credentialsProvider(credentials()).build();
            }

            @Override
            SqsClient sqs() {
                return SqsClient.builder().endpointOverride(URI.create(aws.url(""))).region(Region.EU_WEST_1)
                        .httpClient(UrlConnectionHttpClient.create()).credentialsProvider(credentials()).build();
            }
        };
    }

    static StaticCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret"));
    }

    /** Series "cpu" is known to the index (a point 2.5 h ago) and has its newest minutes only in the archive. */
    void cpuWithItsNewestMinutesOnlyInTheArchive() {
        tiers.write("acme", gauge("cpu", NOW.toEpochMilli() - 150 * MINUTE, 1));
        long base = NOW.toEpochMilli() - NOW.toEpochMilli() % MINUTE;
        long[] times = new long[5];
        double[] values = new double[5];
        for (int i = 0; i < 5; i++) {
            times[i] = base - (5 - i) * MINUTE; // 09:55 .. 09:59, inside the 420-s fresh tail
            values[i] = 40 + 10 * (i % 2);
        }
        ArchiveService archiver = new ArchiveService(tiers.codec, new S3ArchiveStore(LocalS3.client(), archive),
                new InMemoryMetrics(), tiers.clock, 2);
        ArchiveService.BatchOutcome out = archiver.apply(List.of(new ArchiveService.IncomingRecord(TieredRollups.SHARD,
                "49000000000000000000000000000000000000000000000000000001", tiers.codec.encode(
                new StreamRecord.Metrics("acme", List.of(new Series("cpu", MetricType.GAUGE, Tags.EMPTY, times,
                        values)))))));
        assertEquals(List.of(), out.failedSequenceNumbers(), "archived");
    }

    static Series gauge(String metric, long time, double value) {
        return new Series(metric, MetricType.GAUGE, Tags.EMPTY, new long[]{time}, new double[]{value});
    }

    HttpChatRequestHandler handler(AwsWiring w) {
        return new HttpChatRequestHandler(w);
    }

    String slackChannel(AwsWiring w) {
        return w.notificationService().channels().create("acme", """
                {"name":"s","type":"slack","config":{"botToken":"xoxb-1","channel":"C42","signingSecret":"%s"}}"""
                .formatted(SIGNING)).id();
    }

    JsonNode graph(HttpChatRequestHandler h, String channel, String text) {
        String body = "command=%2Flongwatch&user_id=U1&user_name=ana&text=" + URLEncoder.encode(text,
                StandardCharsets.UTF_8) + "&nonce=" + System.nanoTime();
        long ts = tiers.clock.millis() / 1000;
        String path = "/v1/chat/slack/commands";
        APIGatewayV2HTTPEvent e = APIGatewayV2HTTPEvent.builder().withVersion("2.0").withRawPath(path)
                .withRawQueryString("tenant=acme&channel=" + channel).withBody(body)
                .withHeaders(Map.of("content-type", "application/x-www-form-urlencoded",
                        "x-slack-request-timestamp", Long.toString(ts),
                        "x-slack-signature", SlackSignature.sign(SIGNING, ts, body)))
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder().withRequestId("t")
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder().withMethod("POST").withPath(path)
                                .build()).build()).build();
        APIGatewayV2HTTPResponse r = h.handleRequest(e, null);
        assertEquals(200, r.getStatusCode(), r.getBody());
        return Json.parse(r.getBody());
    }

    /** The chart the answer links, fetched through its presigned link. */
    static BufferedImage chartOf(JsonNode answer) throws Exception {
        String url = null;
        for (JsonNode b : answer.get("blocks")) {
            if (b.path("type").asText().equals("image")) {
                url = b.get("image_url").asText();
            }
        }
        assertNotNull(url, "an image block: " + answer);
        assertTrue(url.contains("/charts/acme/"), "stored under the tenant's charts: " + url);
        HttpResponse<byte[]> png = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, png.statusCode(), "the presigned link works");
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png.body()));
        assertNotNull(img, "a PNG");
        return img;
    }

    /** Pixels of the series line (blue; the rest of a graph is white, grey and black). */
    static int linePixels(BufferedImage img) {
        int n = 0;
        for (int x = 0; x < img.getWidth(); x++) {
            for (int y = 0; y < img.getHeight(); y++) {
                int rgb = img.getRGB(x, y);
                int r = (rgb >> 16) & 0xff, b = rgb & 0xff;
                if (b - r > 80) {
                    n++;
                }
            }
        }
        return n;
    }

    void onlyKmsWasCalled() {
        for (HttpReceiver.Request r : aws.requests()) {
            String target = r.header("x-amz-target");
            assertTrue(target != null && target.startsWith("TrentService."), "a graph calls no queue or topic: "
                    + r.method() + " " + r.path() + " " + target);
        }
    }

    @Test
    void graphAnswersWithAChartOfTheRolledUpMinutes() throws Exception {
        for (int m = 50; m >= 20; m -= 5) {
            tiers.write("acme", gauge("latency", NOW.toEpochMilli() - m * MINUTE, 100 + m));
        }
        AwsWiring w = new AwsWiring(environment(true), emulators(), tiers.clock);
        String channel = slackChannel(w);
        JsonNode answer = graph(handler(w), channel, "graph latency 1h");
        assertEquals("in_channel", answer.get("response_type").asText());
        assertTrue(linePixels(chartOf(answer)) > 100, "the rolled-up minutes are drawn");
        onlyKmsWasCalled();
    }

    @Test
    void graphDrawsTheNewestMinutesFromTheArchiveWhenTheFreshTailIsConfigured() throws Exception {
        cpuWithItsNewestMinutesOnlyInTheArchive();
        AwsWiring w = new AwsWiring(environment(true), emulators(), tiers.clock);
        JsonNode answer = graph(handler(w), slackChannel(w), "graph cpu 1h");
        assertTrue(linePixels(chartOf(answer)) > 20, "09:55 to 09:59 come from the archive");
        onlyKmsWasCalled();
    }

    @Test
    void withoutTheFreshTailVariablesTheSameGraphHasNoLine() throws Exception {
        cpuWithItsNewestMinutesOnlyInTheArchive();
        AwsWiring w = new AwsWiring(environment(false), emulators(), tiers.clock);
        JsonNode answer = graph(handler(w), slackChannel(w), "graph cpu 1h");
        assertEquals(0, linePixels(chartOf(answer)), "the rollups alone have nothing in the last hour");
    }
}

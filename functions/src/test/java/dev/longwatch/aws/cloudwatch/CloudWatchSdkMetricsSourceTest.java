package dev.longwatch.aws.cloudwatch;

import com.fasterxml.jackson.databind.JsonNode;
import dev.longwatch.core.importer.CloudWatchMetricsSource;
import dev.longwatch.core.importer.CloudWatchMetricsSource.MetricQuery;
import dev.longwatch.testing.FakeCloudWatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudwatch.model.CloudWatchException;

import java.time.Instant;
import java.util.List;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SDK adapter with the real CloudWatch client (SDK 2.41, Smithy RPC v2 CBOR) against {@link FakeCloudWatch}
 * serving the answers documented for {@code aws cloudwatch get-metric-data}.
 */
class CloudWatchSdkMetricsSourceTest {
    final FakeCloudWatch cloudWatch = FakeCloudWatch.start();
    final CloudWatchSdkMetricsSource source = new CloudWatchSdkMetricsSource(cloudWatch.client());

    static final Instant START = Instant.parse("2024-09-26T12:00:00Z");
    static final Instant END = Instant.parse("2024-09-26T18:00:00Z");

    @AfterEach
    void stop() {
        cloudWatch.close();
    }

    static MetricQuery billing() {
        TreeMap<String, String> dims = new TreeMap<>();
        dims.put("Currency", "USD");
        return new MetricQuery("q0", "AWS/Billing", "EstimatedCharges", dims, "Maximum", 21600);
    }

    @Test
    void theDocumentedBillingRequestGoesOutAsRpcV2CborWithTheDocumentedQuery() {
        cloudWatch.replayNext("/cloudwatch/get-metric-data-billing.json");
        source.getMetricData(List.of(billing()), START, END, null);

        FakeCloudWatch.Received r = cloudWatch.requests().get(0);
        assertEquals(FakeCloudWatch.PATH, r.path());
        assertEquals("rpc-v2-cbor", r.headers().get("smithy-protocol"));
        assertEquals("application/cbor", r.headers().get("content-type"));
        assertTrue(r.headers().get("authorization").startsWith("AWS4-HMAC-SHA256 Credential=AKIDTEST/"),
                "requests are signed with SigV4");
        JsonNode q = r.queries().get(0);
        assertEquals("q0", q.get("Id").asText());
        assertEquals("AWS/Billing", q.at("/MetricStat/Metric/Namespace").asText());
        assertEquals("EstimatedCharges", q.at("/MetricStat/Metric/MetricName").asText());
        assertEquals("Currency", q.at("/MetricStat/Metric/Dimensions/0/Name").asText());
        assertEquals("USD", q.at("/MetricStat/Metric/Dimensions/0/Value").asText());
        assertEquals(21600, q.at("/MetricStat/Period").asInt());
        assertEquals("Maximum", q.at("/MetricStat/Stat").asText());
        assertTrue(q.get("ReturnData").asBoolean());
        assertEquals(START, r.start());
        assertEquals(END, r.end());
        assertEquals("TimestampAscending", r.body().get("ScanBy").asText());
        assertNull(r.nextToken());
    }

    @Test
    void theDocumentedBillingAnswerDecodesToItsDatapoint() {
        cloudWatch.replayNext("/cloudwatch/get-metric-data-billing.json");
        CloudWatchMetricsSource.Page page = source.getMetricData(List.of(billing()), START, END, null);

        assertEquals(1, page.results().size());
        CloudWatchMetricsSource.QueryResult r = page.results().get(0);
        assertEquals("q0", r.id());
        assertEquals("Complete", r.status());
        assertArrayEquals(new long[]{START.toEpochMilli()}, r.timestamps());
        assertArrayEquals(new double[]{542.38}, r.values());
        assertNull(page.nextToken());
        assertEquals("us-east-1", source.region());
    }

    @Test
    void theDocumentedMetricMathAnswerDecodesToo() {
        cloudWatch.replayNext("/cloudwatch/get-metric-data-iops.json");
        CloudWatchMetricsSource.Page page = source.getMetricData(List.of(billing()),
                Instant.parse("2024-09-29T22:10:00Z"), Instant.parse("2024-09-29T22:15:00Z"), null);

        CloudWatchMetricsSource.QueryResult r = page.results().get(0);
        assertArrayEquals(new long[]{Instant.parse("2024-09-29T22:10:00Z").toEpochMilli()}, r.timestamps());
        assertArrayEquals(new double[]{96.85}, r.values());
    }

    @Test
    void theNextTokenIsReturnedAndSentBackForTheNextPage() {
        cloudWatch.putStatisticsSample("/cloudwatch/get-metric-statistics-cpu.json", "AWS/EC2", "CPUUtilization",
                java.util.Map.of("InstanceId", "i-abcdef"), "Maximum").pageSize(15);
        MetricQuery cpu = new MetricQuery("q0", "AWS/EC2", "CPUUtilization",
                new TreeMap<>(java.util.Map.of("InstanceId", "i-abcdef")), "Maximum", 3600);
        Instant from = Instant.parse("2014-02-18T23:00:00Z");
        Instant to = Instant.parse("2014-02-19T20:00:00Z");

        CloudWatchMetricsSource.Page first = source.getMetricData(List.of(cpu), from, to, null);
        CloudWatchMetricsSource.Page second = source.getMetricData(List.of(cpu), from, to, first.nextToken());

        assertEquals(15, first.results().get(0).values().length);
        assertEquals("PartialData", first.results().get(0).status());
        assertEquals(6, second.results().get(0).values().length);
        assertNull(second.nextToken());
        assertEquals(first.nextToken(), cloudWatch.requests().get(1).nextToken());
        assertEquals(Instant.parse("2014-02-18T23:18:00Z").toEpochMilli(), first.results().get(0).timestamps()[0],
                "oldest first");
        assertEquals(0.67000000000000004, first.results().get(0).values()[0]);
    }

    @Test
    void aRefusedCallIsThrownNeverAnEmptyPage() {
        cloudWatch.failNext(400, "InvalidParameterValueException", "The parameter Period must be a multiple of 60.");
        CloudWatchException e = assertThrows(CloudWatchException.class,
                () -> source.getMetricData(List.of(billing()), START, END, null));
        assertEquals(400, e.statusCode());
        assertTrue(e.getMessage().contains("Period must be a multiple of 60"), e.getMessage());
    }
}

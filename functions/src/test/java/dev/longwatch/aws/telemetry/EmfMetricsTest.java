package dev.longwatch.aws.telemetry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.longwatch.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The platform's own counters leave as CloudWatch Embedded Metric Format lines CloudWatch can extract. */
class EmfMetricsTest {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final EmfMetrics metrics = new EmfMetrics("longwatch-ingest", new PrintStream(out, true, StandardCharsets.UTF_8),
            new MutableClock(Instant.ofEpochMilli(1_763_700_000_000L)));

    List<JsonNode> lines() throws Exception {
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) {
                nodes.add(new ObjectMapper().readTree(line));
            }
        }
        return nodes;
    }

    @Test
    void countersAreSummedAndWrittenAsOneEmfLinePerDimensionSet() throws Exception {
        metrics.count("PointsAccepted", 10);
        metrics.count("PointsAccepted", 5);
        metrics.count("ItemsRejected", "Reason", "time", 2);
        metrics.gauge("StreamLagMillis", 1500);
        metrics.flush();

        List<JsonNode> lines = lines();
        assertEquals(2, lines.size());
        JsonNode plain = lines.get(0);
        JsonNode directive = plain.get("_aws").get("CloudWatchMetrics").get(0);
        assertEquals(1_763_700_000_000L, plain.get("_aws").get("Timestamp").asLong());
        assertEquals("Longwatch", directive.get("Namespace").asText());
        assertEquals("[[\"Function\"]]", directive.get("Dimensions").toString());
        assertEquals("longwatch-ingest", plain.get("Function").asText());
        assertEquals(15.0, plain.get("PointsAccepted").asDouble());
        assertEquals(2.0, plain.get("ItemsRejected").asDouble());
        assertEquals(1500.0, plain.get("StreamLagMillis").asDouble());
        assertTrue(directive.get("Metrics").toString().contains("{\"Name\":\"StreamLagMillis\",\"Unit\":\"Milliseconds\"}"));

        JsonNode byReason = lines.get(1);
        assertEquals("[[\"Function\",\"Reason\"]]",
                byReason.get("_aws").get("CloudWatchMetrics").get(0).get("Dimensions").toString());
        assertEquals("time", byReason.get("Reason").asText());
        assertEquals(2.0, byReason.get("ItemsRejected").asDouble());
    }

    @Test
    void aFlushWithNothingCountedWritesNothingAndCountersStartAgainAfterAFlush() throws Exception {
        metrics.flush();
        assertEquals(0, lines().size());
        metrics.count("PointsAccepted", 3);
        metrics.flush();
        metrics.count("PointsAccepted", 4);
        metrics.flush();
        List<JsonNode> lines = lines();
        assertEquals(2, lines.size());
        assertEquals(4.0, lines.get(1).get("PointsAccepted").asDouble());
    }
}

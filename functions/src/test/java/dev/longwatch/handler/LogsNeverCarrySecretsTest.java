package dev.longwatch.handler;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.longwatch.aws.dynamodb.DynamoDbApiKeyStore;
import dev.longwatch.aws.dynamodb.TableNames;
import dev.longwatch.core.auth.ApiKeys;
import dev.longwatch.core.ingest.IngestService;
import dev.longwatch.core.ingest.StreamUnavailableException;
import dev.longwatch.core.telemetry.Log;
import dev.longwatch.core.telemetry.PlatformMetrics;
import dev.longwatch.model.IngestLimits;
import dev.longwatch.model.Payloads;
import dev.longwatch.testing.LocalDynamo;
import dev.longwatch.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Whatever happens to a request — accepted, refused, unauthorised, the stream failing, an internal error —
 * the log lines carry the request id and tenant but never the API key.
 */
class LogsNeverCarrySecretsTest {
    final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    final PrintStream previous = Log.redirect(new PrintStream(captured, true, StandardCharsets.UTF_8));
    final MutableClock clock = new MutableClock(Instant.parse("2026-11-21T12:00:00Z"));

    @AfterEach
    void restore() {
        Log.redirect(previous);
    }

    @Test
    void noLogLineContainsTheApiKeyWhateverTheOutcome() throws Exception {
        TableNames tables = LocalDynamo.freshTables();
        ApiKeys keys = new ApiKeys(new DynamoDbApiKeyStore(LocalDynamo.client(), tables.apiKeys()), clock,
                new SecureRandom());
        String key = keys.create("acme", "test").key();
        // lw_<12 hex>_<secret>: the secret is base64url and may itself contain '_'.
        String secretPart = key.substring("lw_".length() + 12 + 1);
        Payloads payloads = new Payloads(IngestLimits.DEFAULT, clock, () -> "ev-1");
        String[] mode = {"ok"};
        IngestService ingest = new IngestService(payloads, records -> {
            switch (mode[0]) {
                case "stream-down" -> throw new StreamUnavailableException("throttled " + key.length(), 1, null);
                case "bug" -> throw new IllegalStateException("unexpected state");
                default -> {
                }
            }
        }, PlatformMetrics.NONE);
        HttpIngestRequestHandler handler = new HttpIngestRequestHandler(keys, ingest, PlatformMetrics.NONE,
                IngestLimits.DEFAULT.maxBodyBytes());
        String good = "{\"series\":[{\"metric\":\"m\",\"type\":\"gauge\",\"points\":[[%d,1]]}]}"
                .formatted(clock.millis());

        assertEquals(202, handler.handleRequest(request(key, good), null).getStatusCode());
        assertEquals(400, handler.handleRequest(request(key, "{not json"), null).getStatusCode());
        assertEquals(401, handler.handleRequest(request(key + "x", good), null).getStatusCode());
        mode[0] = "stream-down";
        APIGatewayV2HTTPResponse down = handler.handleRequest(request(key, good), null);
        assertEquals(503, down.getStatusCode());
        assertEquals("1", down.getHeaders().get("Retry-After"));
        mode[0] = "bug";
        APIGatewayV2HTTPResponse bug = handler.handleRequest(request(key, good), null);
        assertEquals(500, bug.getStatusCode());
        assertFalse(bug.getBody().contains("unexpected state"), "internals stay out of responses");

        String log = captured.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("\"level\":\"ERROR\""), "the failures were logged: " + log);
        assertFalse(log.contains(secretPart), "the API key's secret appears in the logs:\n" + log);
        for (String line : log.split("\n")) {
            JsonNode n = new ObjectMapper().readTree(line);
            assertTrue(n.has("requestId"), "every request log line carries the request id: " + line);
            if (n.get("level").asText().equals("ERROR")) {
                assertEquals("acme", n.get("tenant").asText(), "and the tenant once known: " + line);
            }
        }
    }

    private static APIGatewayV2HTTPEvent request(String key, String body) {
        return APIGatewayV2HTTPEvent.builder().withRawPath("/v1/metrics")
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder().withRequestId("req-1")
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder().withMethod("POST")
                                .withPath("/v1/metrics").build()).build())
                .withHeaders(Map.of("authorization", "Bearer " + key, "content-type", "application/json"))
                .withBody(body).build();
    }
}

package dev.longwatch.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.longwatch.core.auth.ApiKeys;
import dev.longwatch.core.cloudwatch.MetricStreamService;
import dev.longwatch.core.ingest.StreamUnavailableException;
import dev.longwatch.core.telemetry.Log;
import dev.longwatch.core.telemetry.PlatformMetrics;
import dev.longwatch.model.BodyTooLargeException;
import dev.longwatch.model.PayloadException;

import java.time.Clock;
import java.util.Optional;

/**
 * {@code POST /v1/integrations/cloudwatch/metric-stream}: the HTTP endpoint destination of an Amazon Data
 * Firehose stream that carries a CloudWatch metric stream (JSON output format). Firehose's contract: the access
 * key configured on the destination arrives in {@code X-Amz-Firehose-Access-Key} (here a Longwatch API key,
 * which selects the tenant); every answer is JSON {@code {"requestId", "timestamp"}}, with {@code errorMessage}
 * when it is not 200. Only 200 counts as delivered; 413 is final; any other status makes Firehose retry.
 */
public final class HttpFirehoseMetricStreamHandler
        implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    public static final String PATH = "/v1/integrations/cloudwatch/metric-stream";
    /** Decoded body limit: Firehose's buffer (recommended 1-4 MiB) base64-encoded in its JSON, with room. */
    public static final int MAX_BODY_BYTES = 16 * 1024 * 1024;
    static final String ACCESS_KEY_HEADER = "x-amz-firehose-access-key";
    static final String REQUEST_ID_HEADER = "x-amz-firehose-request-id";

    private final ApiKeys apiKeys;
    private final MetricStreamService streams;
    private final PlatformMetrics metrics;
    private final Clock clock;

    public HttpFirehoseMetricStreamHandler() {
        this(AwsWiring.get().apiKeys(), AwsWiring.get().metricStreamService(), AwsWiring.get().metrics(),
                Clock.systemUTC());
    }

    public HttpFirehoseMetricStreamHandler(ApiKeys apiKeys, MetricStreamService streams, PlatformMetrics metrics,
                                           Clock clock) {
        this.apiKeys = apiKeys;
        this.streams = streams;
        this.metrics = metrics;
        this.clock = clock;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return HttpApi.serve(event, metrics, this::route);
    }

    private APIGatewayV2HTTPResponse route(APIGatewayV2HTTPEvent event) {
        if (!PATH.equals(HttpApi.path(event))) {
            return HttpApi.notFound(event);
        }
        if (!"POST".equals(HttpApi.method(event))) {
            return HttpApi.error(405, null, "use POST " + PATH);
        }
        String headerId = HttpApi.header(event, REQUEST_ID_HEADER);
        // Logged on success and failure, as Firehose asks, to trace a delivery across retries.
        Log.put("firehoseRequestId", headerId);
        try {
            return deliver(event, headerId);
        } catch (RuntimeException e) {
            // Even an outage of the key store is answered in Firehose's format, so Firehose retries it.
            Log.get(HttpFirehoseMetricStreamHandler.class).error("metric stream delivery failed", e);
            return answer(500, headerId, "internal error; the request id is in the logs");
        }
    }

    private APIGatewayV2HTTPResponse deliver(APIGatewayV2HTTPEvent event, String headerId) {
        String key = HttpApi.header(event, ACCESS_KEY_HEADER);
        Optional<String> tenant = key == null || key.isBlank() ? Optional.empty()
                : apiKeys.authenticate("Bearer " + key.trim());
        if (tenant.isEmpty()) {
            return answer(401, headerId, "the X-Amz-Firehose-Access-Key header must hold a Longwatch API key; set it "
                    + "as the access key of the Firehose HTTP endpoint destination");
        }
        Log.put("tenant", tenant.get());
        byte[] body;
        try {
            body = HttpApi.body(event, MAX_BODY_BYTES);
        } catch (BodyTooLargeException e) {
            return answer(413, headerId, e.getMessage() + "; lower the Firehose buffer size");
        } catch (PayloadException e) {
            return answer(400, headerId, reason(e));
        }
        try {
            MetricStreamService.Outcome o = streams.deliver(tenant.get(), body);
            return switch (o.status()) {
                case ACCEPTED, DUPLICATE -> answer(200, o.requestId(), null);
                case IN_PROGRESS -> answer(503, o.requestId(), "an earlier attempt of this delivery is still being "
                        + "processed; retry later");
            };
        } catch (PayloadException e) {
            return answer(400, idOf(headerId, body), reason(e));
        } catch (StreamUnavailableException e) {
            Log.get(HttpFirehoseMetricStreamHandler.class).error("stream unavailable", e, "failedRecords",
                    e.failedRecords());
            return answer(503, idOf(headerId, body), "the stream did not accept all of the data; retry later");
        } catch (RuntimeException e) {
            Log.get(HttpFirehoseMetricStreamHandler.class).error("metric stream delivery failed", e);
            return answer(500, idOf(headerId, body), "internal error; the request id is in the logs");
        }
    }

    private static String reason(PayloadException e) {
        return e.field() == null || e.field().isEmpty() ? e.reason() : e.field() + ": " + e.reason();
    }

    private static String idOf(String headerId, byte[] body) {
        if (headerId != null) {
            return headerId;
        }
        String id = MetricStreamService.requestIdOf(body);
        return id == null ? "" : id;
    }

    /** Firehose's response body: {@code requestId}, {@code timestamp} and, on failure, {@code errorMessage}. */
    private APIGatewayV2HTTPResponse answer(int status, String requestId, String errorMessage) {
        long now = clock.millis();
        return HttpApi.json(status, g -> {
            g.writeStartObject();
            g.writeStringField("requestId", requestId == null ? "" : requestId);
            g.writeNumberField("timestamp", now);
            if (errorMessage != null) {
                g.writeStringField("errorMessage", errorMessage);
            }
            g.writeEndObject();
        });
    }
}

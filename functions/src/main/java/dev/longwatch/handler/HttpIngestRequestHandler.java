package dev.longwatch.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.longwatch.core.auth.ApiKeys;
import dev.longwatch.core.ingest.IngestResult;
import dev.longwatch.core.ingest.IngestService;
import dev.longwatch.core.telemetry.Log;
import dev.longwatch.core.telemetry.PlatformMetrics;
import dev.longwatch.model.Rejection;

import java.util.Optional;

/** {@code POST /v1/metrics} and {@code POST /v1/events}: authenticate, read, validate, put on the stream. */
public final class HttpIngestRequestHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    private final ApiKeys apiKeys;
    private final IngestService ingest;
    private final PlatformMetrics metrics;
    private final int maxBodyBytes;

    public HttpIngestRequestHandler() {
        this(AwsWiring.get().apiKeys(), AwsWiring.get().ingestService(), AwsWiring.get().metrics(),
                AwsWiring.get().limits().maxBodyBytes());
    }

    public HttpIngestRequestHandler(ApiKeys apiKeys, IngestService ingest, PlatformMetrics metrics, int maxBodyBytes) {
        this.apiKeys = apiKeys;
        this.ingest = ingest;
        this.metrics = metrics;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return HttpApi.serve(event, metrics, this::route);
    }

    private APIGatewayV2HTTPResponse route(APIGatewayV2HTTPEvent event) {
        String path = HttpApi.path(event);
        boolean metricsPath = path.equals("/v1/metrics");
        boolean eventsPath = path.equals("/v1/events");
        if (!metricsPath && !eventsPath) {
            return HttpApi.notFound(event);
        }
        if (!"POST".equals(HttpApi.method(event))) {
            return HttpApi.error(405, null, "use POST " + path);
        }
        Optional<String> tenant = apiKeys.authenticate(HttpApi.header(event, "authorization"));
        if (tenant.isEmpty()) {
            return HttpApi.unauthorized();
        }
        Log.put("tenant", tenant.get());
        byte[] body = HttpApi.body(event, maxBodyBytes);
        IngestResult r = metricsPath ? ingest.ingestMetrics(tenant.get(), body)
                : ingest.ingestEvents(tenant.get(), body);
        return HttpApi.json(202, g -> {
            g.writeStartObject();
            g.writeNumberField("accepted", r.accepted());
            g.writeArrayFieldStart("rejected");
            for (Rejection x : r.rejected()) {
                g.writeStartObject();
                if (x.series() != null) {
                    g.writeNumberField("series", x.series());
                }
                if (x.point() != null) {
                    g.writeNumberField("point", x.point());
                }
                if (x.event() != null) {
                    g.writeNumberField("event", x.event());
                }
                g.writeStringField("reason", x.reason());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }
}

package dev.longwatch.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.longwatch.core.auth.ApiKeys;
import dev.longwatch.core.events.EventStore;
import dev.longwatch.core.query.ArchiveQueryService;
import dev.longwatch.core.query.QueryRequest;
import dev.longwatch.core.query.QueryResult;
import dev.longwatch.core.query.QueryService;
import dev.longwatch.core.query.TagFilter;
import dev.longwatch.core.query.TimeExpressions;
import dev.longwatch.core.series.SeriesIndex;
import dev.longwatch.core.telemetry.Log;
import dev.longwatch.core.telemetry.PlatformMetrics;
import dev.longwatch.model.Event;
import dev.longwatch.model.PayloadException;
import dev.longwatch.model.StreamRecords;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The read API: {@code GET /v1/query}, {@code GET /v1/metrics}, {@code GET /v1/metrics/{name}/tags},
 * {@code GET /v1/events}. Every read is scoped to the tenant of the API key.
 */
public final class HttpQueryRequestHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    static final int DEFAULT_EVENT_LIMIT = 1_000;
    static final int MAX_EVENT_LIMIT = 10_000;

    private final ApiKeys apiKeys;
    private final QueryService queries;
    /** Raw points from the S3 archive; null in a deployment without the archive. */
    private final ArchiveQueryService archive;
    private final EventStore events;
    private final PlatformMetrics metrics;

    public HttpQueryRequestHandler() {
        this(AwsWiring.get().apiKeys(), AwsWiring.get().queryService(), AwsWiring.get().archiveQueryServiceIfDeployed(),
                AwsWiring.get().eventStore(), AwsWiring.get().metrics());
    }

    /** Without the archive: {@code resolution=raw} and sub-minute steps answer 400. */
    public HttpQueryRequestHandler(ApiKeys apiKeys, QueryService queries, EventStore events, PlatformMetrics metrics) {
        this(apiKeys, queries, null, events, metrics);
    }

    public HttpQueryRequestHandler(ApiKeys apiKeys, QueryService queries, ArchiveQueryService archive,
                                   EventStore events, PlatformMetrics metrics) {
        this.apiKeys = apiKeys;
        this.queries = queries;
        this.archive = archive;
        this.events = events;
        this.metrics = metrics;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return HttpApi.serve(event, metrics, this::route);
    }

    private APIGatewayV2HTTPResponse route(APIGatewayV2HTTPEvent event) {
        String path = HttpApi.path(event);
        boolean known = path.equals("/v1/query") || path.equals("/v1/metrics") || path.equals("/v1/events")
                || (path.startsWith("/v1/metrics/") && path.endsWith("/tags")
                && path.length() > "/v1/metrics//tags".length()); // a name is required
        if (!known) {
            return HttpApi.notFound(event);
        }
        if (!"GET".equals(HttpApi.method(event))) {
            return HttpApi.error(405, null, "use GET " + path);
        }
        Optional<String> tenant = HttpApi.principal(event, apiKeys).map(dev.longwatch.core.auth.Principal::tenant);
        if (tenant.isEmpty()) {
            return HttpApi.unauthorized();
        }
        Log.put("tenant", tenant.get());
        Map<String, List<String>> q = HttpApi.query(event);
        return switch (path) {
            case "/v1/query" -> query(tenant.get(), q);
            case "/v1/metrics" -> metricNames(tenant.get());
            case "/v1/events" -> events(tenant.get(), q);
            default -> tags(tenant.get(), metricName(path));
        };
    }

    /** The {name} of /v1/metrics/{name}/tags, percent-decoded (names may contain '/', sent as %2F). */
    private static String metricName(String path) {
        try {
            return URLDecoder.decode(path.substring("/v1/metrics/".length(), path.length() - "/tags".length()),
                    StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new PayloadException("name", "is not valid URL encoding");
        }
    }

    private APIGatewayV2HTTPResponse query(String tenant, Map<String, List<String>> q) {
        QueryResult r;
        if (ArchiveQueryService.readsArchive(HttpApi.first(q, "resolution"), HttpApi.first(q, "step"))) {
            if (archive == null) {
                throw new PayloadException("resolution", "raw points and steps below a minute are read from the "
                        + "archive, which this deployment does not have");
            }
            QueryRequest req = archive.parse(HttpApi.first(q, "metric"), q.getOrDefault("filter", List.of()),
                    q.getOrDefault("groupBy", List.of()), HttpApi.first(q, "agg"), HttpApi.first(q, "from"),
                    HttpApi.first(q, "to"), HttpApi.first(q, "step"));
            r = archive.query(tenant, req);
        } else {
            QueryRequest req = queries.parse(HttpApi.first(q, "metric"), q.getOrDefault("filter", List.of()),
                    q.getOrDefault("groupBy", List.of()), HttpApi.first(q, "agg"), HttpApi.first(q, "from"),
                    HttpApi.first(q, "to"), HttpApi.first(q, "step"));
            r = queries.query(tenant, req);
        }
        return HttpApi.json(200, g -> {
            g.writeStartObject();
            g.writeStringField("metric", r.metric());
            g.writeStringField("agg", r.agg());
            g.writeNumberField("from", r.from());
            g.writeNumberField("to", r.to());
            g.writeNumberField("step", r.step());
            g.writeArrayFieldStart("tiers");
            for (String tier : r.tiers()) {
                g.writeString(tier);
            }
            g.writeEndArray();
            g.writeArrayFieldStart("series");
            for (QueryResult.ResultSeries s : r.series()) {
                g.writeStartObject();
                writeStringMap(g, "tags", s.tags());
                g.writeArrayFieldStart("points");
                for (int i = 0; i < s.times().length; i++) {
                    g.writeStartArray();
                    g.writeNumber(s.times()[i]);
                    if (Double.isFinite(s.values()[i])) {
                        g.writeNumber(s.values()[i]);
                    } else {
                        g.writeNull();
                    }
                    g.writeEndArray();
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    private APIGatewayV2HTTPResponse metricNames(String tenant) {
        List<SeriesIndex.MetricInfo> list = queries.metrics(tenant);
        return HttpApi.json(200, g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("metrics");
            for (SeriesIndex.MetricInfo m : list) {
                g.writeStartObject();
                g.writeStringField("name", m.name());
                g.writeStringField("type", m.type().wireName());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    private APIGatewayV2HTTPResponse tags(String tenant, String metric) {
        Map<String, List<String>> tags = queries.tags(tenant, metric);
        return HttpApi.json(200, g -> {
            g.writeStartObject();
            g.writeStringField("metric", metric);
            g.writeObjectFieldStart("tags");
            for (Map.Entry<String, List<String>> t : tags.entrySet()) {
                g.writeArrayFieldStart(t.getKey());
                for (String v : t.getValue()) {
                    g.writeString(v);
                }
                g.writeEndArray();
            }
            g.writeEndObject();
            g.writeEndObject();
        });
    }

    private APIGatewayV2HTTPResponse events(String tenant, Map<String, List<String>> q) {
        var clock = queries.clock();
        String toRaw = HttpApi.first(q, "to");
        String fromRaw = HttpApi.first(q, "from");
        long to = toRaw == null ? clock.millis() + 1 : TimeExpressions.parseTime(toRaw, clock, "to");
        long from = fromRaw == null ? to - 86_400_000L : TimeExpressions.parseTime(fromRaw, clock, "from");
        if (from >= to) {
            throw new PayloadException("from", "must be before to");
        }
        if (to - from > 400L * 86_400_000L) {
            throw new PayloadException("from", "the range is longer than 400 days");
        }
        int limit = DEFAULT_EVENT_LIMIT;
        String limitRaw = HttpApi.first(q, "limit");
        if (limitRaw != null) {
            try {
                limit = Integer.parseInt(limitRaw);
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > MAX_EVENT_LIMIT) {
                throw new PayloadException("limit", "must be a whole number from 1 to " + MAX_EVENT_LIMIT);
            }
        }
        List<TagFilter> filters = new ArrayList<>();
        for (String f : q.getOrDefault("filter", List.of())) {
            filters.add(TagFilter.parse(f, "filter"));
        }
        List<String> kinds = q.getOrDefault("kind", List.of());
        // Filters apply after the read; read up to the cap so the limit counts matching events.
        List<Event> found = events.find(tenant, from, to, filters.isEmpty() && kinds.isEmpty() ? limit : MAX_EVENT_LIMIT * 5)
                .stream()
                .filter(e -> filters.stream().allMatch(f -> f.matches(e.tags())))
                .filter(e -> kinds.isEmpty() || kinds.contains(e.kind()))
                .limit(limit)
                .toList();
        return HttpApi.json(200, g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("events");
            for (Event e : found) {
                StreamRecords.writeEvent(g, e);
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    private static void writeStringMap(JsonGenerator g, String name, Map<String, String> m) throws IOException {
        g.writeObjectFieldStart(name);
        for (Map.Entry<String, String> e : m.entrySet()) {
            g.writeStringField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
    }
}

package dev.longwatch.handler;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.longwatch.core.auth.ApiKeys;
import dev.longwatch.core.auth.Principal;
import dev.longwatch.core.ingest.StreamUnavailableException;
import dev.longwatch.core.telemetry.Log;
import dev.longwatch.core.telemetry.PlatformMetrics;
import dev.longwatch.model.BodyTooLargeException;
import dev.longwatch.model.PayloadException;
import dev.longwatch.model.StreamRecords;
import dev.longwatch.model.TenantIds;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * What the HTTP handlers share: reading an API Gateway HTTP API (payload 2.0) request, writing JSON
 * responses, and turning failures into the documented error body {@code {status, error, field, reason}}.
 */
public final class HttpApi {
    private static final Log LOG = Log.get(HttpApi.class);
    static final JsonFactory JSON = new JsonFactory();

    private HttpApi() {
    }

    /** Writes JSON with a streaming generator. */
    public interface JsonBody {
        void write(JsonGenerator g) throws IOException;
    }

    public static String header(APIGatewayV2HTTPEvent e, String name) {
        if (e.getHeaders() == null) {
            return null;
        }
        for (Map.Entry<String, String> h : e.getHeaders().entrySet()) {
            if (h.getKey().equalsIgnoreCase(name)) {
                return h.getValue();
            }
        }
        return null;
    }

    /** The Cognito attribute holding a console user's tenant (immutable, not writable by the app client). */
    public static final String TENANT_CLAIM = "custom:tenant";

    /**
     * Who is calling. A console user comes through the console API, whose JWT authorizer has verified the Cognito
     * ID token: the tenant is its {@value #TENANT_CLAIM} claim, the subject {@code user:<email or sub>}. Only API
     * Gateway fills in {@code requestContext.authorizer} (local-dev never does), so a client cannot claim a
     * tenant this way. A verified token without the claim is nobody: it never falls back to a key. Anyone else
     * is the API key in {@code Authorization: Bearer}.
     */
    public static Optional<Principal> principal(APIGatewayV2HTTPEvent e, ApiKeys keys) {
        APIGatewayV2HTTPEvent.RequestContext ctx = e.getRequestContext();
        if (ctx != null && ctx.getAuthorizer() != null && ctx.getAuthorizer().getJwt() != null) {
            Map<String, String> claims = ctx.getAuthorizer().getJwt().getClaims();
            String tenant = claims == null ? null : claims.get(TENANT_CLAIM);
            if (tenant == null || !TenantIds.isValid(tenant)) {
                return Optional.empty();
            }
            String who = claims.getOrDefault("email", claims.getOrDefault("sub", "unknown"));
            return Optional.of(new Principal(tenant, "user:" + who));
        }
        return keys.authenticatePrincipal(header(e, "authorization"));
    }

    public static String method(APIGatewayV2HTTPEvent e) {
        if (e.getRequestContext() != null && e.getRequestContext().getHttp() != null) {
            return e.getRequestContext().getHttp().getMethod();
        }
        String rk = e.getRouteKey();
        return rk == null ? "" : rk.split(" ")[0];
    }

    public static String path(APIGatewayV2HTTPEvent e) {
        return e.getRawPath() == null ? "/" : e.getRawPath();
    }

    public static String requestId(APIGatewayV2HTTPEvent e) {
        if (e.getRequestContext() != null && e.getRequestContext().getRequestId() != null) {
            return e.getRequestContext().getRequestId();
        }
        return UUID.randomUUID().toString();
    }

    /** Query parameters from the raw query string, keeping repeated keys (filter=a&filter=b). */
    public static Map<String, List<String>> query(APIGatewayV2HTTPEvent e) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        String raw = e.getRawQueryString();
        if (raw == null || raw.isEmpty()) {
            if (e.getQueryStringParameters() != null) {
                e.getQueryStringParameters().forEach((k, v) -> out.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
            }
            return out;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = decode(eq < 0 ? pair : pair.substring(0, eq));
            String v = eq < 0 ? "" : decode(pair.substring(eq + 1));
            out.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
        }
        return out;
    }

    public static String first(Map<String, List<String>> q, String name) {
        List<String> v = q.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new PayloadException(s, "is not valid URL encoding");
        }
    }

    /**
     * The request body as bytes: base64-decoded if API Gateway encoded it, inflated if
     * {@code Content-Encoding: gzip}; refused with 413 above {@code limit} bytes once decoded.
     */
    public static byte[] body(APIGatewayV2HTTPEvent e, int limit) {
        String b = e.getBody();
        if (b == null) {
            throw new PayloadException("", "a JSON body is required");
        }
        byte[] raw = e.getIsBase64Encoded() ? Base64.getDecoder().decode(b) : b.getBytes(StandardCharsets.UTF_8);
        String encoding = header(e, "content-encoding");
        if (encoding != null && encoding.trim().equalsIgnoreCase("gzip")) {
            return StreamRecords.gunzip(raw, limit);
        }
        if (encoding != null && !encoding.isBlank() && !encoding.trim().equalsIgnoreCase("identity")) {
            throw new PayloadException("Content-Encoding", "\"" + encoding + "\" is not supported; use gzip");
        }
        if (raw.length > limit) {
            throw new BodyTooLargeException(limit);
        }
        return raw;
    }

    public static APIGatewayV2HTTPResponse json(int status, JsonBody body) {
        StringWriter w = new StringWriter(256);
        try (JsonGenerator g = JSON.createGenerator(w)) {
            body.write(g);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return APIGatewayV2HTTPResponse.builder().withStatusCode(status)
                .withHeaders(Map.of("Content-Type", "application/json"))
                .withBody(w.toString()).build();
    }

    public static APIGatewayV2HTTPResponse error(int status, String field, String reason) {
        return error(status, field, reason, Map.of());
    }

    public static APIGatewayV2HTTPResponse error(int status, String field, String reason, Map<String, String> headers) {
        APIGatewayV2HTTPResponse r = json(status, g -> {
            g.writeStartObject();
            g.writeNumberField("status", status);
            g.writeStringField("error", statusText(status));
            if (field != null) {
                g.writeStringField("field", field);
            }
            g.writeStringField("reason", reason);
            g.writeEndObject();
        });
        if (!headers.isEmpty()) {
            Map<String, String> h = new LinkedHashMap<>(r.getHeaders());
            h.putAll(headers);
            r.setHeaders(h);
        }
        return r;
    }

    public static APIGatewayV2HTTPResponse unauthorized() {
        return error(401, "Authorization", "a valid API key is required: send Authorization: Bearer <key>",
                Map.of("WWW-Authenticate", "Bearer"));
    }

    public static APIGatewayV2HTTPResponse notFound(APIGatewayV2HTTPEvent e) {
        return error(404, null, "no route for " + method(e) + " " + path(e));
    }

    /**
     * The shape of every HTTP handler: log context for the request, the route, failures mapped to their
     * status codes, the platform metrics flushed at the end.
     */
    public static APIGatewayV2HTTPResponse serve(APIGatewayV2HTTPEvent event, PlatformMetrics metrics,
                                                 java.util.function.Function<APIGatewayV2HTTPEvent,
                                                         APIGatewayV2HTTPResponse> route) {
        Log.put("requestId", requestId(event));
        try {
            return guarded(() -> route.apply(event));
        } finally {
            metrics.flush();
            Log.clear();
        }
    }

    /** Runs a request, mapping the documented failures to their status codes. Never leaks internals. */
    public static APIGatewayV2HTTPResponse guarded(java.util.function.Supplier<APIGatewayV2HTTPResponse> work) {
        try {
            return work.get();
        } catch (PayloadException e) {
            return error(400, e.field(), e.reason());
        } catch (BodyTooLargeException e) {
            return error(413, null, e.getMessage());
        } catch (StreamUnavailableException e) {
            LOG.error("stream unavailable", e, "failedRecords", e.failedRecords());
            return error(503, null, "the stream did not accept all of the data; retry later",
                    Map.of("Retry-After", "1"));
        } catch (RuntimeException e) {
            LOG.error("request failed", e);
            return error(500, null, "internal error; the request id is in the logs");
        }
    }

    static String statusText(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 409 -> "Conflict";
            case 413 -> "Payload Too Large";
            case 503 -> "Service Unavailable";
            default -> status >= 500 ? "Internal Server Error" : "Error";
        };
    }
}

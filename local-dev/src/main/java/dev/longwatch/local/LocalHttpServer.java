package dev.longwatch.local;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.longwatch.core.telemetry.Log;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * An embedded HTTP server that does what API Gateway's HTTP API does for Lambda: turns each request into
 * a payload-2.0 {@link APIGatewayV2HTTPEvent}, calls the handler of its route and writes the response back.
 * The handlers are the very classes deployed to Lambda.
 */
public final class LocalHttpServer implements AutoCloseable {
    private static final Log LOG = Log.get(LocalHttpServer.class);
    /** API Gateway's HTTP API refuses payloads above 10 MB before Lambda sees them. */
    static final int MAX_REQUEST_BYTES = 10 * 1024 * 1024;

    /** Picks the handler for a request; null means no route (404). */
    public interface Router {
        Function<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> route(String method, String path);
    }

    private final HttpServer server;
    private final Router router;
    private final Clock clock;

    public LocalHttpServer(String host, int port, Router router, Clock clock) throws IOException {
        this.router = router;
        this.clock = clock;
        this.server = HttpServer.create(new InetSocketAddress(host, port), 128);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String method = ex.getRequestMethod();
            String path = ex.getRequestURI().getRawPath();
            Function<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler = router.route(method, path);
            APIGatewayV2HTTPResponse response;
            if (handler == null) {
                response = json(404, "{\"status\":404,\"error\":\"Not Found\",\"reason\":\"no route for "
                        + method + " " + path.replace("\"", "") + "\"}");
            } else {
                byte[] body = readBody(ex.getRequestBody());
                response = body == null
                        ? json(413, "{\"status\":413,\"error\":\"Payload Too Large\",\"reason\":\"the request is "
                        + "larger than 10 MB\"}")
                        : handler.apply(toEvent(ex, method, path, body));
            }
            write(ex, response);
        } catch (RuntimeException e) {
            LOG.error("local request failed", e);
            write(ex, json(500, "{\"status\":500,\"error\":\"Internal Server Error\",\"reason\":\"see the log\"}"));
        }
    }

    private static byte[] readBody(InputStream in) throws IOException {
        byte[] b = in.readNBytes(MAX_REQUEST_BYTES + 1);
        return b.length > MAX_REQUEST_BYTES ? null : b;
    }

    private APIGatewayV2HTTPEvent toEvent(HttpExchange ex, String method, String path, byte[] body) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> h : ex.getRequestHeaders().entrySet()) {
            headers.put(h.getKey().toLowerCase(), String.join(",", h.getValue()));
        }
        String text = body.length == 0 ? null : utf8OrNull(body);
        boolean base64 = body.length > 0 && (text == null || headers.containsKey("content-encoding"));
        APIGatewayV2HTTPEvent.RequestContext.Http http = APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                .withMethod(method).withPath(path).withProtocol(ex.getProtocol())
                .withSourceIp(ex.getRemoteAddress().getAddress().getHostAddress())
                .withUserAgent(headers.get("user-agent")).build();
        APIGatewayV2HTTPEvent.RequestContext ctx = APIGatewayV2HTTPEvent.RequestContext.builder()
                .withRequestId(UUID.randomUUID().toString()).withHttp(http).withStage("$default")
                .withRouteKey("$default").withTimeEpoch(clock.millis()).build();
        return APIGatewayV2HTTPEvent.builder().withVersion("2.0").withRouteKey("$default").withRawPath(path)
                .withRawQueryString(ex.getRequestURI().getRawQuery() == null ? "" : ex.getRequestURI().getRawQuery())
                .withHeaders(headers).withRequestContext(ctx)
                .withBody(body.length == 0 ? null : base64 ? Base64.getEncoder().encodeToString(body) : text)
                .withIsBase64Encoded(base64).build();
    }

    private static String utf8OrNull(byte[] body) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    static APIGatewayV2HTTPResponse json(int status, String body) {
        return APIGatewayV2HTTPResponse.builder().withStatusCode(status)
                .withHeaders(Map.of("Content-Type", "application/json")).withBody(body).build();
    }

    private static void write(HttpExchange ex, APIGatewayV2HTTPResponse r) throws IOException {
        byte[] body = r.getBody() == null ? new byte[0]
                : r.getIsBase64Encoded() ? Base64.getDecoder().decode(r.getBody())
                : r.getBody().getBytes(StandardCharsets.UTF_8);
        if (r.getHeaders() != null) {
            r.getHeaders().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
        }
        ex.sendResponseHeaders(r.getStatusCode(), body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

package dev.longwatch.local;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Serves the built web console (the {@code web-console} module puts its {@code dist/} under {@code console/}
 * on the classpath) at {@code /} and {@code /assets/*}, on the same port as the API, so the console calls the
 * API on its own origin. On AWS, S3 and CloudFront serve the same files.
 */
final class LocalConsole {
    static final String ROOT = "console/";
    /** Only plain file names: no {@code ..}, no hidden files, no sub-folders other than {@code assets/}. */
    private static final Pattern FILE = Pattern.compile("(assets/)?[A-Za-z0-9_][A-Za-z0-9_.-]*");
    /** The console loads its own scripts and styles, draws on canvases and calls the API on this origin. */
    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            + "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8", "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8", "json", "application/json", "svg", "image/svg+xml",
            "png", "image/png", "ico", "image/x-icon", "woff2", "font/woff2", "txt", "text/plain; charset=utf-8");

    private final ClassLoader loader;

    LocalConsole(ClassLoader loader) {
        this.loader = loader;
    }

    static LocalConsole fromClasspath() {
        return new LocalConsole(LocalConsole.class.getClassLoader());
    }

    /** Whether the console was built into this jar (a build with {@code -Dconsole.skip} leaves it out). */
    boolean available() {
        return loader.getResource(ROOT + "index.html") != null;
    }

    /** The handler for a console file, or null when the path is not one (the API routes then decide). */
    Function<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> route(String method, String path) {
        if (!method.equals("GET")) {
            return null;
        }
        if (path.equals("/") || path.equals("/index.html")) {
            return e -> available() ? file("index.html") : notBuilt();
        }
        String name = path.startsWith("/") ? path.substring(1) : path;
        if (!FILE.matcher(name).matches() || name.startsWith("v1") || name.equals("health")) {
            return null;
        }
        return loader.getResource(ROOT + name) == null ? null : e -> file(name);
    }

    private APIGatewayV2HTTPResponse file(String name) {
        byte[] bytes;
        try (InputStream in = loader.getResourceAsStream(ROOT + name)) {
            if (in == null) {
                return LocalHttpServer.json(404, "{\"status\":404,\"error\":\"Not Found\",\"reason\":\"no console file "
                        + name + "\"}");
            }
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> headers = new LinkedHashMap<>(securityHeaders());
        headers.put("Content-Type", TYPES.getOrDefault(name.substring(name.lastIndexOf('.') + 1), "application/octet-stream"));
        // Vite names assets by content hash: they never change. index.html must be checked each time.
        headers.put("Cache-Control", name.startsWith("assets/") ? "public, max-age=31536000, immutable" : "no-cache");
        return APIGatewayV2HTTPResponse.builder().withStatusCode(200).withHeaders(headers)
                .withBody(Base64.getEncoder().encodeToString(bytes)).withIsBase64Encoded(true).build();
    }

    private static APIGatewayV2HTTPResponse notBuilt() {
        Map<String, String> headers = new LinkedHashMap<>(securityHeaders());
        headers.put("Content-Type", "text/html; charset=utf-8");
        headers.put("Cache-Control", "no-cache");
        return APIGatewayV2HTTPResponse.builder().withStatusCode(404).withHeaders(headers)
                .withBody("<!doctype html><title>Longwatch</title><h1>The console is not built</h1>"
                        + "<p>This jar was built without the web console (<code>-Dconsole.skip</code>). The API works; "
                        + "build again with Node.js and npm installed to get the console.</p>").build();
    }

    private static Map<String, String> securityHeaders() {
        return Map.of("Content-Security-Policy", CSP, "X-Content-Type-Options", "nosniff",
                "Referrer-Policy", "no-referrer", "X-Frame-Options", "DENY");
    }
}

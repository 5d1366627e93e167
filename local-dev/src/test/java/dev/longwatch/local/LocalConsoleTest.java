package dev.longwatch.local;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.longwatch.testing.MutableClock;
import dev.longwatch.testing.OpenApiContract;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URL;
import java.net.URLClassLoader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** local-dev serves the web console's files at {@code /} and {@code /assets/*}, beside the API on one port. */
class LocalConsoleTest {
    @TempDir
    Path dir;

    /** A classpath holding a console build of two files, and a secret outside {@code console/}. */
    LocalConsole consoleIn(Path root) throws Exception {
        Files.createDirectories(root.resolve("console/assets"));
        Files.writeString(root.resolve("console/index.html"), "<!doctype html><title>Longwatch</title>");
        Files.writeString(root.resolve("console/assets/index-abc123.js"), "console.log(1)");
        Files.writeString(root.resolve("secret.txt"), "not for the browser");
        return new LocalConsole(new URLClassLoader(new URL[]{root.toUri().toURL()}, null));
    }

    static APIGatewayV2HTTPResponse get(LocalConsole c, String path) {
        Function<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> h = c.route("GET", path);
        return h == null ? null : h.apply(new APIGatewayV2HTTPEvent());
    }

    static String body(APIGatewayV2HTTPResponse r) {
        return r.getIsBase64Encoded() ? new String(Base64.getDecoder().decode(r.getBody()), StandardCharsets.UTF_8) : r.getBody();
    }

    @Test
    void theIndexIsServedAtTheRootUncachedWithAContentSecurityPolicy() throws Exception {
        APIGatewayV2HTTPResponse r = get(consoleIn(dir), "/");
        assertEquals(200, r.getStatusCode());
        assertEquals("text/html; charset=utf-8", r.getHeaders().get("Content-Type"));
        assertEquals("no-cache", r.getHeaders().get("Cache-Control"));
        assertTrue(r.getHeaders().get("Content-Security-Policy").contains("default-src 'self'"));
        assertEquals("nosniff", r.getHeaders().get("X-Content-Type-Options"));
        assertTrue(body(r).contains("<title>Longwatch</title>"));
    }

    @Test
    void hashedAssetsAreServedWithTheirTypeAndCachedForever() throws Exception {
        APIGatewayV2HTTPResponse r = get(consoleIn(dir), "/assets/index-abc123.js");
        assertEquals(200, r.getStatusCode());
        assertEquals("text/javascript; charset=utf-8", r.getHeaders().get("Content-Type"));
        assertTrue(r.getHeaders().get("Cache-Control").contains("immutable"));
        assertEquals("console.log(1)", body(r));
    }

    @Test
    void pathsOutsideTheConsoleBuildAreNotServed() throws Exception {
        LocalConsole c = consoleIn(dir);
        for (String p : List.of("/../secret.txt", "/assets/../../secret.txt", "/secret.txt", "/assets/missing.js",
                "/assets/.hidden", "/v1/metrics", "/health", "/assets/a/b.js")) {
            assertNull(c.route("GET", p), p);
        }
        assertNull(c.route("POST", "/"), "only GET");
    }

    @Test
    void aBuildWithoutTheConsoleSaysSoAtTheRoot() throws Exception {
        LocalConsole empty = new LocalConsole(new URLClassLoader(new URL[]{dir.toUri().toURL()}, null));
        APIGatewayV2HTTPResponse r = get(empty, "/");
        assertEquals(404, r.getStatusCode());
        assertTrue(r.getBody().contains("console is not built"), r.getBody());
    }

    /** The real build: the web-console module's jar is on local-dev's classpath and the platform serves it. */
    @Test
    void thePlatformServesTheBuiltConsoleBesideTheApiOnOnePort() throws Exception {
        LocalPlatform p = LocalPlatform.start(new LocalOptions("127.0.0.1", 0, dir.resolve("data"), 1, Duration.ofHours(1),
                null), new MutableClock(Instant.parse("2026-11-21T12:00:00Z")));
        try {
            assertTrue(p.consoleAvailable(), "the web-console jar is on the classpath");
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> index = http.send(HttpRequest.newBuilder(p.baseUri().resolve("/")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, index.statusCode());
            assertOk(OpenApiContract.load().validateResponse("GET", "/", 200,
                    Map.of("Content-Type", index.headers().firstValue("Content-Type").orElse("")), index.body()));
            Matcher script = Pattern.compile("src=\"\\.?/(assets/[^\"]+\\.js)\"").matcher(index.body());
            assertTrue(script.find(), index.body());
            HttpResponse<String> js = http.send(HttpRequest.newBuilder(p.baseUri().resolve("/" + script.group(1))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, js.statusCode());
            assertEquals("text/javascript; charset=utf-8", js.headers().firstValue("Content-Type").orElseThrow());
            HttpResponse<String> api = http.send(HttpRequest.newBuilder(p.baseUri().resolve("/v1/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(401, api.statusCode(), "the API answers beside the console");
            HttpResponse<String> missing = http.send(HttpRequest.newBuilder(p.baseUri().resolve("/assets/nope.js")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(404, missing.statusCode());
            assertOk(OpenApiContract.load().validateSchema("NotFound", missing.body()));
        } finally {
            p.close();
        }
    }

    static void assertOk(List<OpenApiContract.Problem> problems) {
        assertTrue(problems.isEmpty(), problems.toString());
    }
}

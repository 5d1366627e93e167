package dev.longwatch.local;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs the packaged local platform as its own process, as {@code local-dev/run} does, and uses it over
 * HTTP with the key given in {@code LONGWATCH_DEV_API_KEY}: the README's quick start, checked on every build.
 */
class LocalDevRunIT {
    @TempDir
    Path dataDir;

    @Test
    void thePackagedPlatformStartsAndServesIngestAndQuery() throws Exception {
        Path jar = Path.of(System.getProperty("longwatch.localJar", "target/longwatch-local.jar"));
        assertTrue(Files.exists(jar), "the shaded jar must be built first: " + jar);
        int port = DynamoDbLocalServer.freePort();
        String key = "lw_it_" + Long.toHexString(System.nanoTime()) + "_secret";
        String java = ProcessHandle.current().info().command().orElse("java");
        Path log = dataDir.resolve("out.log");
        ProcessBuilder pb = new ProcessBuilder(java, "-jar", jar.toString(), "--port", Integer.toString(port),
                "--data-dir", dataDir.resolve("data").toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("LONGWATCH_DEV_API_KEY", key);
        Process process = pb.start();
        try {
            Http http = new Http(URI.create("http://127.0.0.1:" + port));
            awaitHealthy(http, process, log);
            assertTrue(Files.readString(log).contains(key), "the dev key is printed on start");

            long t = Instant.now().minusSeconds(120).toEpochMilli() / 60_000 * 60_000;
            Http.Response r = http.post("/v1/metrics", key, """
                    {"series":[{"metric":"it.temp","type":"gauge","tags":{"room":"lab"},"points":[[%d,20],[%d,22]]}]}"""
                    .formatted(t, t + 1000));
            assertEquals(202, r.status(), r.raw());
            assertEquals(200, http.post("/v1/admin/jobs/rollup/run", null, "").status());
            JsonNode q = http.get("/v1/query?metric=it.temp&from=-10m&step=60s", key).body();
            assertEquals(21.0, q.get("series").get(0).get("points").get(0).get(1).asDouble(), 1e-9);
        } finally {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    /** Polls /health until the child process answers; fails with its output if it dies or takes too long. */
    private static void awaitHealthy(Http http, Process process, Path log) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                fail("local platform exited with " + process.exitValue() + ":\n" + Files.readString(log));
            }
            try {
                if (http.get("/health", null).status() == 200) {
                    return;
                }
            } catch (ConnectException notYet) {
                // still starting
            } catch (IOException e) {
                // connection reset while binding
            }
            process.waitFor(200, TimeUnit.MILLISECONDS); // returns early if it dies
        }
        fail("local platform did not become healthy in 90 s:\n" + Files.readString(log));
    }
}

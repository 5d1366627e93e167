package dev.longwatch.local;

import dev.longwatch.testing.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The web console in a real browser against the real platform: this test starts local-dev in-process (the same
 * handlers, DynamoDB Local, the local stream; a fixed clock) and runs {@code web-console/e2e/console.e2e.mjs},
 * which ingests through the public API and drives Debian's Chromium with playwright-core: sign-in (a bad key, then
 * the dev key), the metric list, the plotted values, group-by and filters, the event marker, URL state, an API
 * error; then a threshold monitor written in the editor, its backtest's shaded firing periods against the API's
 * transitions, saving it, the evaluator (the admin job, at the fixed clock's minute) raising its alert, the alert
 * FIRING on the alerts page and acknowledged there; a silence created and expired; a webhook channel created (its
 * URL write-only) and its test message reaching a receiver the script runs; a route to that channel created in the
 * routes page (a refused matcher shown beside its field first) and listed; the test message in the delivery log.
 * Screenshots land in
 * {@code local-dev/target/console-e2e/}.
 */
class ConsoleBrowserTest {
    static final Path WEB_CONSOLE = Path.of("..", "web-console").toAbsolutePath().normalize();
    static final Path CHROMIUM = Path.of(System.getProperty("longwatch.chromium", "/usr/bin/chromium"));
    static final Instant NOW = Instant.parse("2026-11-21T12:00:30Z");

    @TempDir
    Path dataDir;

    @Test
    void aPersonExploresMetricsWritesAMonitorAcknowledgesItsAlertAndManagesSilencesChannelsAndRoutes() throws Exception {
        Path shots = runScript(dataDir, "e2e/console.e2e.mjs", Duration.ofMinutes(4), 19);
        assertTrue(Files.size(shots.resolve("explorer.png")) > 10_000, "a screenshot of the explorer");
    }

    /**
     * Starts local-dev in-process (fixed clock at {@link #NOW}) and runs the web console's browser script
     * {@code script} against it with Chromium; asserts it finished within {@code limit}, exited 0 and reported
     * {@code checks} passed checks. Returns the directory of its screenshots.
     */
    static Path runScript(Path dataDir, String script, Duration limit, int checks) throws Exception {
        assertTrue(Files.isExecutable(CHROMIUM), "Chromium is needed at " + CHROMIUM
                + " (apt-get install -y --no-install-recommends chromium; .ci/run installs it)");
        assertTrue(Files.isDirectory(WEB_CONSOLE.resolve("node_modules/playwright-core")),
                "web-console's npm packages are installed by its Maven module (npm ci)");
        Path shots = Path.of("target", "console-e2e").toAbsolutePath();
        Path log = Files.createTempFile(dataDir, "e2e", ".log");
        LocalPlatform p = LocalPlatform.start(new LocalOptions("127.0.0.1", 0, dataDir.resolve("data"), 1,
                Duration.ofHours(1), null), new MutableClock(NOW));
        try {
            ProcessBuilder pb = new ProcessBuilder("node", script).directory(WEB_CONSOLE.toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().put("LONGWATCH_URL", p.baseUri().toString());
            pb.environment().put("LONGWATCH_KEY", p.devApiKey());
            pb.environment().put("LONGWATCH_NOW", Long.toString(NOW.toEpochMilli()));
            pb.environment().put("SCREENSHOT_DIR", shots.toString());
            pb.environment().put("CHROMIUM", CHROMIUM.toString());
            Process node = pb.start();
            boolean done = node.waitFor(limit.toSeconds(), TimeUnit.SECONDS);
            if (!done) {
                node.descendants().forEach(ProcessHandle::destroyForcibly);
                node.destroyForcibly();
            }
            String out = read(log);
            System.out.println(out);
            assertTrue(done, "the browser test did not finish in " + limit.toMinutes() + " minutes:\n" + out);
            assertEquals(0, node.exitValue(), out);
            assertTrue(out.contains("all " + checks + " checks passed"), out);
            return shots;
        } finally {
            p.close();
        }
    }

    static String read(Path log) throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }
}

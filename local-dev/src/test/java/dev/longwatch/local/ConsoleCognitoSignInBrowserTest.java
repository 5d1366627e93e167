package dev.longwatch.local;

import dev.longwatch.testing.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The console's sign-in of console users (Cognito hosted UI, authorization code with PKCE) in a real browser
 * against the real platform: this test starts local-dev in-process and runs {@code web-console/e2e/cognito.e2e.mjs},
 * which serves local-dev's console files on an origin of its own with a {@code config.json} holding Cognito
 * settings, plays the hosted UI's authorize, token and logout endpoints and the console API's JWT authorizer
 * (Cognito and API Gateway cannot run here; the authorizer stand-in forwards verified requests to local-dev's API
 * with the dev key), and drives Debian's Chromium: an error redirect shown, a forged state refused, sign-in with
 * PKCE, the user and tenant shown, the console API called with the ID token, one refresh after a 401, the session
 * ended when the refresh is refused, and sign-out through the logout endpoint.
 */
class ConsoleCognitoSignInBrowserTest {
    static final Instant NOW = Instant.parse("2026-11-21T12:00:30Z");

    @TempDir
    Path dataDir;

    @Test
    void aConsoleUserSignsInAtTheHostedUiWithPkceIsRefreshedOnceAndSignsOut() throws Exception {
        Path chromium = ConsoleBrowserTest.CHROMIUM;
        Path webConsole = ConsoleBrowserTest.WEB_CONSOLE;
        assertTrue(Files.isExecutable(chromium), "Chromium is needed at " + chromium
                + " (apt-get install -y --no-install-recommends chromium; .ci/run installs it)");
        assertTrue(Files.isDirectory(webConsole.resolve("node_modules/playwright-core")),
                "web-console's npm packages are installed by its Maven module (npm ci)");
        Path shots = Path.of("target", "console-e2e").toAbsolutePath();
        Path log = Files.createTempFile(dataDir, "e2e", ".log");
        LocalPlatform p = LocalPlatform.start(new LocalOptions("127.0.0.1", 0, dataDir.resolve("data"), 1,
                Duration.ofHours(1), null), new MutableClock(NOW));
        try {
            ProcessBuilder pb = new ProcessBuilder("node", "e2e/cognito.e2e.mjs").directory(webConsole.toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().put("LONGWATCH_URL", p.baseUri().toString());
            pb.environment().put("LONGWATCH_KEY", p.devApiKey());
            pb.environment().put("LONGWATCH_NOW", Long.toString(NOW.toEpochMilli()));
            pb.environment().put("SCREENSHOT_DIR", shots.toString());
            pb.environment().put("CHROMIUM", chromium.toString());
            Process node = pb.start();
            boolean done = node.waitFor(3, TimeUnit.MINUTES);
            if (!done) {
                node.descendants().forEach(ProcessHandle::destroyForcibly);
                node.destroyForcibly();
            }
            String out = ConsoleBrowserTest.read(log);
            System.out.println(out);
            assertTrue(done, "the browser test did not finish in 3 minutes:\n" + out);
            assertEquals(0, node.exitValue(), out);
            assertTrue(out.contains("all 7 checks passed"), out);
        } finally {
            p.close();
        }
    }
}

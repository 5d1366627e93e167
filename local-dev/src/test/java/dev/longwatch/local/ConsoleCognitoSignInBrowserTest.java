package dev.longwatch.local;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

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
    @TempDir
    Path dataDir;

    @Test
    void aConsoleUserSignsInAtTheHostedUiWithPkceIsRefreshedOnceAndSignsOut() throws Exception {
        ConsoleBrowserTest.runScript(dataDir, "e2e/cognito.e2e.mjs", Duration.ofMinutes(3), 7);
    }
}

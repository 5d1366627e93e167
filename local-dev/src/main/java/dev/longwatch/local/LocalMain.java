package dev.longwatch.local;

import dev.longwatch.core.auth.ApiKeys;

import java.time.Clock;
import java.util.concurrent.CountDownLatch;

/** {@code local-dev/run}: starts the platform and prints how to use it. */
public final class LocalMain {
    private LocalMain() {
    }

    public static void main(String[] args) throws Exception {
        LocalOptions options;
        try {
            options = LocalOptions.parse(args, System.getenv("LONGWATCH_DEV_API_KEY"));
        } catch (IllegalArgumentException e) {
            if (!e.getMessage().isEmpty()) {
                System.err.println("error: " + e.getMessage());
            }
            System.err.print(LocalOptions.usage());
            System.exit(e.getMessage().isEmpty() ? 0 : 2);
            return;
        }
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--create-tenant") && i + 1 < args.length) {
                ApiKeys.Issued issued = LocalPlatform.createTenantOffline(options, args[i + 1], Clock.systemUTC());
                System.out.println("tenant " + issued.tenant() + " API key (shown once): " + issued.key());
                return;
            }
        }
        LocalPlatform platform = LocalPlatform.start(options, Clock.systemUTC());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                platform.close();
            } catch (Exception e) {
                System.err.println("shutdown: " + e);
            }
            stopped.countDown();
        }));
        String url = platform.baseUri().toString();
        System.out.println("""

                Longwatch is running at %s   (data in %s)
                  web console:        %s/   (sign in with the key below)
                  dev tenant API key: %s

                  curl -s -H "Authorization: Bearer %s" -H "Content-Type: application/json" \\
                       -d '{"series":[{"metric":"demo.temp","type":"gauge","tags":{"room":"lab"},"points":[['$(date +%%s000)',21.5]]}]}' \\
                       %s/v1/metrics
                  curl -s -X POST %s/v1/admin/jobs/rollup/run      # roll up now instead of within a second
                  curl -s -H "Authorization: Bearer %s" "%s/v1/query?metric=demo.temp&from=-1h"

                Ctrl-C stops it; data stays in the data dir.
                """.formatted(url, options.dataDir().toAbsolutePath(), url, platform.devApiKey(), platform.devApiKey(),
                url, url, platform.devApiKey(), url));
        stopped.await();
    }
}

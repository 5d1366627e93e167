package dev.longwatch.local;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How local-dev runs: {@code local-dev/run [--port 8080] [--data-dir DIR] [--shards 4] [--host 127.0.0.1]
 * [--evaluation-settle 25] [--minute-tier stream|archive]}.
 *
 * @param evaluationSettle      how long after a minute ends the evaluator ticker evaluates it (AWS:
 *                              {@code evaluationSettleSeconds}, also 25 s by default, so local-dev times alerts as
 *                              AWS does). Its rollup consumer polls every second, so a few seconds would do; with the
 *                              default 30-s group wait counted from the minute's end, any settle time up to ~28 s
 *                              leaves the first message's time unchanged
 * @param minuteTierFromArchive minute rollups written by the compactor from the archive once an hour (no rollup
 *                              consumer), as {@code minuteTierSource=archive} on AWS
 */
public record LocalOptions(String host, int port, Path dataDir, int shards, Duration pollInterval,
                           String devApiKey, Duration evaluationSettle, boolean minuteTierFromArchive) {

    public static final int DEFAULT_PORT = 8080;
    public static final Duration DEFAULT_EVALUATION_SETTLE = Duration.ofSeconds(25);

    public LocalOptions {
        if (evaluationSettle == null || evaluationSettle.isNegative()
                || evaluationSettle.compareTo(Duration.ofMinutes(5)) > 0) {
            throw new IllegalArgumentException("--evaluation-settle must be 0..300 seconds, got " + evaluationSettle);
        }
    }

    /** With the default settle time and the minute tier from the stream. */
    public LocalOptions(String host, int port, Path dataDir, int shards, Duration pollInterval, String devApiKey) {
        this(host, port, dataDir, shards, pollInterval, devApiKey, DEFAULT_EVALUATION_SETTLE, false);
    }

    /** With the minute tier from the stream. */
    public LocalOptions(String host, int port, Path dataDir, int shards, Duration pollInterval, String devApiKey,
                        Duration evaluationSettle) {
        this(host, port, dataDir, shards, pollInterval, devApiKey, evaluationSettle, false);
    }

    /** The same options with the minute tier written from the archive ({@code --minute-tier archive}). */
    public LocalOptions withMinuteTierFromArchive() {
        return new LocalOptions(host, port, dataDir, shards, pollInterval, devApiKey, evaluationSettle, true);
    }

    public static LocalOptions parse(String[] args, String devApiKeyFromEnv) {
        String host = "127.0.0.1";
        int port = DEFAULT_PORT;
        Path dataDir = Path.of("local-dev", "data");
        int shards = 4;
        Duration settle = DEFAULT_EVALUATION_SETTLE;
        boolean fromArchive = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--port" -> port = Integer.parseInt(value(args, ++i, a));
                case "--data-dir" -> dataDir = Path.of(value(args, ++i, a));
                case "--shards" -> shards = Integer.parseInt(value(args, ++i, a));
                case "--host" -> host = value(args, ++i, a);
                case "--evaluation-settle" -> settle = seconds(value(args, ++i, a), a);
                case "--minute-tier" -> {
                    String v = value(args, ++i, a);
                    if (!v.equals("stream") && !v.equals("archive")) {
                        throw new IllegalArgumentException("--minute-tier must be stream or archive, got " + v);
                    }
                    fromArchive = v.equals("archive");
                }
                case "--create-tenant" -> i++; // handled by LocalMain
                case "-h", "--help" -> throw new IllegalArgumentException("");
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (shards < 1 || shards > 64) {
            throw new IllegalArgumentException("--shards must be 1..64");
        }
        return new LocalOptions(host, port, dataDir, shards, Duration.ofSeconds(1),
                devApiKeyFromEnv == null || devApiKeyFromEnv.isBlank() ? null : devApiKeyFromEnv, settle, fromArchive);
    }

    private static Duration seconds(String v, String option) {
        try {
            int s = Integer.parseInt(v.trim());
            if (s >= 0 && s <= 300) {
                return Duration.ofSeconds(s);
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new IllegalArgumentException(option + " must be a whole number of seconds, 0..300, got \"" + v + "\"");
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    public static String usage() {
        return """
                usage: local-dev/run [--port 8080] [--data-dir local-dev/data] [--shards 4] [--host 127.0.0.1]
                                     [--evaluation-settle 25] [--minute-tier stream|archive] [--create-tenant NAME]
                  Runs all of Longwatch in one process on embedded backends.
                  --evaluation-settle S  seconds after each minute before it is evaluated (0..300, default 25, as on AWS)
                  --minute-tier archive  minute rollups are written by the compactor from the archive once an hour
                                         (no rollup consumer); queries and monitors read newer minutes from the archive
                  --create-tenant NAME  creates a tenant and an API key, prints the key and exits
                  LONGWATCH_DEV_API_KEY  if set, is the API key of tenant "dev"
                """;
    }
}

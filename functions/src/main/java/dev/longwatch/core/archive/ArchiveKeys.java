package dev.longwatch.core.archive;

import java.math.BigInteger;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/**
 * Where blocks live in the bucket. The kind comes first so lifecycle rules can match it by prefix, and the
 * short-lived kinds put the time before the tenant so the compactor finds pending work with one listing:
 * <pre>
 * v1/raw/&lt;yyyy-MM-ddTHH&gt;/&lt;tenant&gt;/&lt;shard&gt;-&lt;firstSeq&gt;-&lt;lastSeq&gt;.lwb   one stream batch, one point-hour
 * v1/hour/&lt;yyyy-MM-dd&gt;/&lt;tenant&gt;/&lt;HH&gt;.lwb                             an hour, merged
 * v1/day/&lt;tenant&gt;/&lt;yyyy-MM-dd&gt;.lwb                                     a UTC day, kept for years
 * </pre>
 * Every name is a function of its content's identity, so a redelivered batch overwrites its own object.
 */
public final class ArchiveKeys {
    public static final String ROOT = "v1/";
    public static final String RAW = ROOT + "raw/";
    public static final String HOUR = ROOT + "hour/";
    public static final String DAY = ROOT + "day/";
    static final String SUFFIX = ".lwb";
    private static final DateTimeFormatter HOUR_NAME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH")
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DAY_NAME = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);

    private ArchiveKeys() {
    }

    /** A per-batch object's key and what it names. */
    public record RawKey(long hourStart, String tenant, String shard, BigInteger first, BigInteger last) {
    }

    public static String raw(String tenant, long hourStart, String shard, BigInteger first, BigInteger last) {
        if (shard.indexOf('/') >= 0) {
            throw new IllegalArgumentException("a shard id must not contain '/': " + shard);
        }
        return rawHourPrefix(hourStart) + tenant + "/" + shard + "-" + first + "-" + last + SUFFIX;
    }

    public static String rawHourPrefix(long hourStart) {
        return RAW + HOUR_NAME.format(Instant.ofEpochMilli(hourStart)) + "/";
    }

    public static String hour(String tenant, long hourStart) {
        return hourDayPrefix(hourStart) + tenant + "/" + String.format("%02d",
                Math.floorMod(hourStart, ArchiveBlock.DAY_MILLIS) / ArchiveBlock.HOUR_MILLIS) + SUFFIX;
    }

    public static String hourDayPrefix(long time) {
        return HOUR + DAY_NAME.format(Instant.ofEpochMilli(time)) + "/";
    }

    public static String day(String tenant, long dayStart) {
        return DAY + tenant + "/" + DAY_NAME.format(Instant.ofEpochMilli(dayStart)) + SUFFIX;
    }

    /** The hour of a {@code v1/raw/<hour>/} prefix. */
    public static Optional<Long> hourOfRawPrefix(String prefix) {
        if (!prefix.startsWith(RAW) || !prefix.endsWith("/")) {
            return Optional.empty();
        }
        return parse(prefix.substring(RAW.length(), prefix.length() - 1) + ":00:00Z");
    }

    /** The day of a {@code v1/hour/<day>/} prefix. */
    public static Optional<Long> dayOfHourPrefix(String prefix) {
        if (!prefix.startsWith(HOUR) || !prefix.endsWith("/")) {
            return Optional.empty();
        }
        return parse(prefix.substring(HOUR.length(), prefix.length() - 1) + "T00:00:00Z");
    }

    /** Parses a per-batch object's key; empty for anything else (a foreign object under the prefix). */
    public static Optional<RawKey> parseRaw(String key) {
        if (!key.startsWith(RAW) || !key.endsWith(SUFFIX)) {
            return Optional.empty();
        }
        String[] parts = key.substring(RAW.length(), key.length() - SUFFIX.length()).split("/");
        if (parts.length != 3) {
            return Optional.empty();
        }
        Optional<Long> hour = parse(parts[0] + ":00:00Z");
        String name = parts[2];
        int lastDash = name.lastIndexOf('-');
        int firstDash = lastDash <= 0 ? -1 : name.lastIndexOf('-', lastDash - 1);
        if (hour.isEmpty() || firstDash <= 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(new RawKey(hour.get(), parts[1], name.substring(0, firstDash),
                    Sequences.parse(name.substring(firstDash + 1, lastDash)), Sequences.parse(name.substring(lastDash + 1))));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** An hourly object's key and what it names. */
    public record HourKey(long hourStart, String tenant) {
    }

    /** Parses a {@code v1/hour/<day>/<tenant>/<HH>.lwb} key; empty for anything else. */
    public static Optional<HourKey> parseHour(String key) {
        if (!key.startsWith(HOUR) || !key.endsWith(SUFFIX)) {
            return Optional.empty();
        }
        String[] parts = key.substring(HOUR.length(), key.length() - SUFFIX.length()).split("/");
        if (parts.length != 3 || !parts[2].matches("[0-2][0-9]")) {
            return Optional.empty();
        }
        int hh = Integer.parseInt(parts[2]);
        Optional<Long> day = parse(parts[0] + "T00:00:00Z");
        if (day.isEmpty() || hh > 23) {
            return Optional.empty();
        }
        return Optional.of(new HourKey(day.get() + hh * ArchiveBlock.HOUR_MILLIS, parts[1]));
    }

    private static Optional<Long> parse(String iso) {
        try {
            return Optional.of(Instant.parse(iso).toEpochMilli());
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}

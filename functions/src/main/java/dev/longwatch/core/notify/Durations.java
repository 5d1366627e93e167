package dev.longwatch.core.notify;

import dev.longwatch.model.PayloadException;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as the API writes them: {@code 30s}, {@code 5m}, {@code 4h}, {@code 7d}, {@code 1w}
 * (the same form as monitors' durations and the {@code Duration} schema of the OpenAPI document). */
public final class Durations {
    private static final Pattern FORM = Pattern.compile("(\\d{1,7})([smhdw])");

    private Durations() {
    }

    public static Duration parse(String field, String text) {
        if (text == null) {
            throw new PayloadException(field, "is required (e.g. 30s, 5m, 4h, 1d)");
        }
        Matcher m = FORM.matcher(text.trim());
        if (!m.matches()) {
            throw new PayloadException(field, "\"" + text + "\" is not a duration; use a whole number with s, m, h, d or w "
                    + "(e.g. 30s, 5m, 4h)");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> Duration.ofDays(7 * n);
        };
    }

    public static String format(Duration d) {
        long s = d.toSeconds();
        if (s % 86_400 == 0 && s > 0) {
            return s / 86_400 + "d";
        }
        if (s % 3_600 == 0 && s > 0) {
            return s / 3_600 + "h";
        }
        if (s % 60 == 0 && s > 0) {
            return s / 60 + "m";
        }
        return s + "s";
    }

    /** "1h 5m", "42s": how long something lasted, for people. */
    public static String human(long millis) {
        long s = Math.max(0, millis / 1000);
        long d = s / 86_400, h = s % 86_400 / 3_600, m = s % 3_600 / 60, sec = s % 60;
        StringBuilder b = new StringBuilder();
        if (d > 0) {
            b.append(d).append("d ");
        }
        if (h > 0) {
            b.append(h).append("h ");
        }
        if (m > 0 && d == 0) {
            b.append(m).append("m ");
        }
        if (d == 0 && h == 0 && (m == 0 || sec > 0) && s < 3600) {
            b.append(sec).append("s ");
        }
        return b.toString().trim();
    }
}

package dev.longwatch.model.alerting;

import java.time.Duration;

/** Monitor durations on the wire: {@code 90s}, {@code 5m}, {@code 1h}, {@code 2d}, {@code 1w}. */
public final class Durations {
    private Durations() {
    }

    /** The duration, or null when {@code s} is not one (the caller names the field in its error). */
    public static Duration parse(String s) {
        if (s == null || s.length() < 2) {
            return null;
        }
        char unit = s.charAt(s.length() - 1);
        long n;
        try {
            n = Long.parseLong(s.substring(0, s.length() - 1));
        } catch (NumberFormatException e) {
            return null;
        }
        if (n < 0 || n > 3650L * 86_400) {
            return null;
        }
        return switch (unit) {
            case 's' -> Duration.ofSeconds(n);
            case 'm' -> Duration.ofMinutes(n);
            case 'h' -> Duration.ofHours(n);
            case 'd' -> Duration.ofDays(n);
            case 'w' -> Duration.ofDays(7 * n);
            default -> null;
        };
    }

    /** The shortest exact wire form: {@code 0m}, {@code 90s}, {@code 5m}, {@code 2h}, {@code 14d}. */
    public static String format(Duration d) {
        long s = d.toSeconds();
        if (s == 0) {
            return "0m";
        }
        if (s % 86_400 == 0) {
            return s / 86_400 + "d";
        }
        if (s % 3_600 == 0) {
            return s / 3_600 + "h";
        }
        if (s % 60 == 0) {
            return s / 60 + "m";
        }
        return s + "s";
    }
}

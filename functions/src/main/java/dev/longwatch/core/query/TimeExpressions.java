package dev.longwatch.core.query;

import dev.longwatch.model.PayloadException;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** Parses {@code from}/{@code to}: epoch milliseconds, RFC 3339, {@code now}, or relative like {@code -1h}. */
public final class TimeExpressions {
    private TimeExpressions() {
    }

    public static long parseTime(String s, Clock clock, String field) {
        if (s.equals("now")) {
            return clock.millis();
        }
        if (s.startsWith("-") || s.startsWith("now-")) {
            String d = s.startsWith("now-") ? s.substring(4) : s.substring(1);
            return clock.millis() - parseDuration(d, field).toMillis();
        }
        if (!s.isEmpty() && s.chars().allMatch(Character::isDigit)) {
            try {
                return Long.parseLong(s);
            } catch (NumberFormatException e) {
                throw new PayloadException(field, "\"" + s + "\" is out of range");
            }
        }
        try {
            return OffsetDateTime.parse(s).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new PayloadException(field, "\"" + s + "\" is not a time: use epoch milliseconds, RFC 3339 "
                    + "(2026-11-21T10:00:00Z) or a relative time such as -1h");
        }
    }

    /** {@code 90s}, {@code 5m}, {@code 1h}, {@code 2d}, {@code 1w}; a bare number is seconds. */
    public static Duration parseDuration(String s, String field) {
        if (s.isEmpty()) {
            throw new PayloadException(field, "a duration is required, such as 60s, 5m, 1h or 1d");
        }
        char unit = s.charAt(s.length() - 1);
        String digits = Character.isDigit(unit) ? s : s.substring(0, s.length() - 1);
        long n;
        try {
            n = Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw new PayloadException(field, "\"" + s + "\" is not a duration such as 60s, 5m, 1h or 1d");
        }
        if (n < 0 || n > 36_500L * 86_400) {
            throw new PayloadException(field, "\"" + s + "\" is out of range");
        }
        return switch (unit) {
            case 's' -> Duration.ofSeconds(n);
            case 'm' -> Duration.ofMinutes(n);
            case 'h' -> Duration.ofHours(n);
            case 'd' -> Duration.ofDays(n);
            case 'w' -> Duration.ofDays(7 * n);
            default -> {
                if (Character.isDigit(unit)) {
                    yield Duration.ofSeconds(n);
                }
                throw new PayloadException(field, "\"" + s + "\" has an unknown unit; use s, m, h, d or w");
            }
        };
    }
}

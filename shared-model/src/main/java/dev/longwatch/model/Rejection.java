package dev.longwatch.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One item refused from an otherwise accepted request: which series (and point) or which event, and why.
 * {@code point} is null when the whole series is refused.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Rejection(Integer series, Integer point, Integer event, String reason) {

    public static Rejection series(int series, String reason) {
        return new Rejection(series, null, null, reason);
    }

    public static Rejection point(int series, int point, String reason) {
        return new Rejection(series, point, null, reason);
    }

    public static Rejection event(int event, String reason) {
        return new Rejection(null, null, event, reason);
    }
}

package dev.longwatch.model.alerting;

/** One invalid field of a request: a JSON path such as {@code condition.critical}, and why. */
public record FieldError(String field, String reason) {
}

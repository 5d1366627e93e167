package dev.longwatch.model;

/**
 * The request as a whole cannot be read: not JSON, or not the documented shape. Answered with 400,
 * naming the field (a JSON pointer-like path) and the reason.
 */
public class PayloadException extends RuntimeException {
    private final String field;

    public PayloadException(String field, String reason) {
        super(reason);
        this.field = field;
    }

    public String field() {
        return field;
    }

    public String reason() {
        return getMessage();
    }
}

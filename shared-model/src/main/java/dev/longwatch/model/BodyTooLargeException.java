package dev.longwatch.model;

/** A body that is larger than the documented limit once decoded. Answered with 413. */
public class BodyTooLargeException extends RuntimeException {
    private final int limit;

    public BodyTooLargeException(int limit) {
        super("the body is larger than " + limit + " bytes once decoded");
        this.limit = limit;
    }

    public int limit() {
        return limit;
    }
}

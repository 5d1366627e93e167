package dev.longwatch.core.alerting;

/** A monitor or alert that does not exist in the caller's tenant (answered with 404). */
public final class NotFoundException extends RuntimeException {
    public NotFoundException(String message) {
        super(message);
    }
}

package dev.longwatch.model.alerting;

import dev.longwatch.model.PayloadException;

import java.util.List;

/** Every invalid field of a monitor; the first is the {@link PayloadException}'s field and reason. */
public final class MonitorValidationException extends PayloadException {
    private final List<FieldError> errors;

    public MonitorValidationException(List<FieldError> errors) {
        super(errors.get(0).field(), errors.get(0).reason());
        this.errors = List.copyOf(errors);
    }

    public List<FieldError> errors() {
        return errors;
    }
}

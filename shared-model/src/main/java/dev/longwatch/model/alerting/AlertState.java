package dev.longwatch.model.alerting;

import java.util.Locale;

/**
 * The states an alert instance (one monitor, one group) moves through. Upper-case on the wire.
 * {@code RESOLVED} is what a FIRING instance becomes when it recovers; an instance that never fired
 * goes back to {@code OK}. {@code FLAPPING} replaces a storm of FIRING/RESOLVED flips with one state.
 */
public enum AlertState {
    OK, PENDING, FIRING, RESOLVED, NO_DATA, ERROR, FLAPPING;

    public String wire() {
        return name();
    }

    /** Parses the wire form (case-insensitive); null for an unknown value. */
    public static AlertState fromWire(String s) {
        if (s == null) {
            return null;
        }
        try {
            return valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** States people are told about: the instance needs (or no longer needs) attention. */
    public boolean notifiable() {
        return this == FIRING || this == RESOLVED || this == NO_DATA || this == ERROR || this == FLAPPING;
    }
}

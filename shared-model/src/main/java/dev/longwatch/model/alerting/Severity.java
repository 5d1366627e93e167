package dev.longwatch.model.alerting;

import java.util.Locale;

/** How bad an alert is. Lower-case on the wire ({@code critical}, {@code warning}, {@code info}). */
public enum Severity {
    CRITICAL, WARNING, INFO;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses the wire form; null for an unknown value so callers can name the field in their error. */
    public static Severity fromWire(String s) {
        if (s == null) {
            return null;
        }
        for (Severity v : values()) {
            if (v.wire().equals(s)) {
                return v;
            }
        }
        return null;
    }
}

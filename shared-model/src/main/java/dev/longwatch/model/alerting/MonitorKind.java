package dev.longwatch.model.alerting;

import java.util.Locale;

/** What a monitor watches. Lower-case on the wire ({@code event_count}). */
public enum MonitorKind {
    THRESHOLD, CHANGE, ABSENCE, ANOMALY, EVENT_COUNT, COMPOSITE;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static MonitorKind fromWire(String s) {
        for (MonitorKind k : values()) {
            if (k.wire().equals(s)) {
                return k;
            }
        }
        return null;
    }
}

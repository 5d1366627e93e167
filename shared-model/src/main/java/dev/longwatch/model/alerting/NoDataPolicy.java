package dev.longwatch.model.alerting;

import java.util.Locale;

/**
 * What an evaluation without data means: {@code ok} (treated as within limits), {@code breaching} (treated as
 * over), {@code keep} (the instance keeps its state), {@code no_data} (the instance moves to NO_DATA).
 */
public enum NoDataPolicy {
    OK, BREACHING, KEEP, NO_DATA;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static NoDataPolicy fromWire(String s) {
        for (NoDataPolicy p : values()) {
            if (p.wire().equals(s)) {
                return p;
            }
        }
        return null;
    }
}

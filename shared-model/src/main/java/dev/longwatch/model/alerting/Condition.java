package dev.longwatch.model.alerting;

import java.time.Duration;

/** When a monitor's evaluation breaches; one record per {@link MonitorKind}. */
public sealed interface Condition {

    /** {@code above}: breaching when the value is greater than the level; {@code below}: less than. */
    enum Op {
        ABOVE, BELOW;

        public String wire() {
            return this == ABOVE ? "above" : "below";
        }

        public static Op fromWire(String s) {
            return "above".equals(s) ? ABOVE : "below".equals(s) ? BELOW : null;
        }

        public boolean breaches(double value, double level) {
            return this == ABOVE ? value > level : value < level;
        }

        public String symbol() {
            return this == ABOVE ? ">" : "<";
        }
    }

    /** Warning and recovery are optional (null). Recovery: a firing instance resolves only past this level. */
    record Threshold(Op op, double critical, Double warning, Double recovery) implements Condition {
    }

    /** Change of the window's value against the same window {@code ago} earlier, absolute or in percent. */
    record Change(Op op, boolean percent, Duration ago, double critical, Double warning) implements Condition {
    }

    /** No data for the query (or no matching event when {@code events} is set) for {@code forDuration}. */
    record Absence(Duration forDuration, EventMatch events) implements Condition {
    }

    /** A band learned from the series' own history. */
    record Anomaly(String direction, String sensitivity, String seasonality, Duration history) implements Condition {
    }

    /** More than the level of matching events within the window. */
    record EventCount(EventMatch events, Duration window, Op op, double critical, Double warning) implements Condition {
    }

    /** A boolean expression of other monitors' ids: true when that monitor has a FIRING instance. */
    record Composite(String expression) implements Condition {
    }
}

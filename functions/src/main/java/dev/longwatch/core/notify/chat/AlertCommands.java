package dev.longwatch.core.notify.chat;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Port: what chat can do to alerts. The lead binds it to the alerting work's {@code AlertService}; every call
 * carries the chat user's identity ({@code by}, e.g. {@code slack:U123 (ana)}) for the audit log.
 */
public interface AlertCommands {

    /** A short view of one alert for chat answers. */
    record AlertLine(String alertId, String monitorName, String state, String severity, String group, long since) {
    }

    /** Counts by state and by severity, and the most urgent alerts. */
    record Status(Map<String, Integer> byState, Map<String, Integer> bySeverity, List<AlertLine> top) {
    }

    /** Acknowledges; empty when the tenant has no such alert. */
    Optional<AlertLine> ack(String tenant, String alertId, String by, String note);

    Optional<AlertLine> resolve(String tenant, String alertId, String by, String note);

    Status status(String tenant);
}

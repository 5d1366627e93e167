package dev.longwatch.model.alerting;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A monitor as the API and the store know it (JSON: {@link Monitors}). {@code query} is null for composite and
 * event-count monitors. {@code id}, {@code version}, {@code createdAt}, {@code updatedAt} and {@code updatedBy} are
 * set by the server.
 */
public record Monitor(String id, String name, MonitorKind kind, MonitorQuery query, Condition condition,
                      EvaluationSettings evaluation, Severity severity, int priority, String message, String runbook,
                      String owner, Map<String, String> tags, List<String> channels, boolean enabled, long version,
                      long createdAt, long updatedAt, String updatedBy) {
    public Monitor {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(condition, "condition");
        Objects.requireNonNull(evaluation, "evaluation");
        Objects.requireNonNull(severity, "severity");
        tags = tags == null ? Map.of() : Map.copyOf(tags);
        channels = channels == null ? List.of() : List.copyOf(channels);
    }

    /** This monitor as stored under {@code id} at {@code version}, changed by {@code by} at {@code at}. */
    public Monitor stored(String newId, long newVersion, long created, long at, String by) {
        return new Monitor(newId, name, kind, query, condition, evaluation, severity, priority, message, runbook, owner,
                tags, channels, enabled, newVersion, created, at, by);
    }
}

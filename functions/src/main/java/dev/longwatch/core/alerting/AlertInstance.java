package dev.longwatch.core.alerting;

import dev.longwatch.model.alerting.AlertState;
import dev.longwatch.model.alerting.AlertTransition;
import dev.longwatch.model.alerting.Severity;

import java.util.List;
import java.util.Map;

/**
 * The stored state of one alert instance (one monitor, one group). {@code state} is what people see;
 * {@code inner} is the state machine's own state, which differs only while the instance is FLAPPING.
 *
 * @param since           when {@code state} began (epoch ms)
 * @param pendingSince    when the current PENDING began, or 0
 * @param firingSince     when the current firing episode began, or 0
 * @param recoveringSince when a FIRING instance first evaluated as recovered (keep-firing), or 0
 * @param lastEvaluatedAt the last evaluated minute that changed this item (a retry of it is recognised)
 * @param recent          the last N evaluations, oldest first: '1' breaching, '0' not (M of N)
 * @param changes         times of the inner state changes within the flapping window
 * @param labels          the monitor's tags and the group's tags (what {@code GET /v1/alerts?tag=} matches)
 * @param outbox          transitions recorded but not yet handed to the sink; sent (again) by the next run
 * @param version         the stored version; every write is conditional on it
 */
public record AlertInstance(String alertId, String monitorId, String monitorName, Map<String, String> group,
                            AlertState state, AlertState inner, Severity severity, long since, long pendingSince,
                            long firingSince, long recoveringSince, long lastEvaluatedAt, Double value,
                            Double threshold, String recent, List<Long> changes, Ack ack,
                            Map<String, String> labels, String error, List<AlertTransition> outbox, long version) {

    /** Who acknowledged the alert, when, and why. It stays until the alert resolves. */
    public record Ack(String by, long at, String note) {
    }

    public AlertInstance {
        group = group == null ? Map.of() : Map.copyOf(group);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        changes = changes == null ? List.of() : List.copyOf(changes);
        outbox = outbox == null ? List.of() : List.copyOf(outbox);
        recent = recent == null ? "" : recent;
    }

    /** A new instance in OK, never stored (version 0). */
    public static AlertInstance fresh(String alertId, String monitorId, String monitorName, Map<String, String> group,
                                      Severity severity, Map<String, String> labels) {
        return new AlertInstance(alertId, monitorId, monitorName, group, AlertState.OK, AlertState.OK, severity, 0, 0,
                0, 0, 0, null, null, "", List.of(), null, labels, null, List.of(), 0);
    }

    /** The stable id of a monitor's instance for a group: {@code monitorId:k=v,k2=v2} (sorted keys). */
    public static String idOf(String monitorId, Map<String, String> group) {
        if (group.isEmpty()) {
            return monitorId + ":*";
        }
        StringBuilder b = new StringBuilder(monitorId).append(':');
        group.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            if (b.charAt(b.length() - 1) != ':') {
                b.append(',');
            }
            b.append(e.getKey()).append('=').append(e.getValue());
        });
        return b.toString();
    }

    /**
     * Equal but for when it was evaluated and the latest value: an instance whose state did not change is not
     * written again (its stored value is the one of its last change).
     */
    public boolean sameContent(AlertInstance o) {
        return o != null && bare().equals(o.bare());
    }

    private AlertInstance bare() {
        return new AlertInstance(alertId, monitorId, monitorName, group, state, inner, severity, since, pendingSince,
                firingSince, recoveringSince, 0, null, null, recent, changes, ack, labels, error, List.of(), version);
    }

    public AlertInstance withEvaluated(long at, List<AlertTransition> out) {
        return new AlertInstance(alertId, monitorId, monitorName, group, state, inner, severity, since, pendingSince,
                firingSince, recoveringSince, at, value, threshold, recent, changes, ack, labels, error, out, version);
    }

    public AlertInstance withVersion(long v) {
        return new AlertInstance(alertId, monitorId, monitorName, group, state, inner, severity, since, pendingSince,
                firingSince, recoveringSince, lastEvaluatedAt, value, threshold, recent, changes, ack, labels, error,
                outbox, v);
    }

    public AlertInstance withAck(Ack a) {
        return new AlertInstance(alertId, monitorId, monitorName, group, state, inner, severity, since, pendingSince,
                firingSince, recoveringSince, lastEvaluatedAt, value, threshold, recent, changes, a, labels, error,
                outbox, version);
    }
}

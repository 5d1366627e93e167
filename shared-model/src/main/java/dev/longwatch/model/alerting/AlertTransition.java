package dev.longwatch.model.alerting;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One state change of one alert instance, as the evaluator records it and hands it to the notifier (through
 * SQS in AWS, in-process locally). The wire format is {@link AlertTransitions} (documented in
 * {@code api-spec/alert-transition-format.md}); it carries everything a message needs, so the notifier never
 * reads the monitor again.
 *
 * @param id          stable id of this transition ({@code alertId + "/" + at + "/" + to}): the dedupe key; a
 *                    retried evaluation produces the same id
 * @param tenant      the tenant that owns the monitor
 * @param alertId     stable id of the alert instance (one per monitor and group)
 * @param monitorId   the monitor's id
 * @param monitorName the monitor's name at evaluation time
 * @param group       the group's tag values (empty for an ungrouped monitor), e.g. {@code {service=checkout}}
 * @param from        the state before
 * @param to          the state after
 * @param severity    severity of the level reached (the monitor's severity, or warning when only the warning
 *                    level is breached)
 * @param priority    1 (highest) to 5, from the monitor
 * @param at          evaluation time (epoch milliseconds, the evaluated minute)
 * @param since       when the current episode started (epoch ms): when the instance left OK, pending included,
 *                    so a RESOLVED message can say how long the episode lasted
 * @param value       the evaluated value that caused the transition; null when there was none (no data)
 * @param threshold   the level it was compared with; null for kinds without one
 * @param condition   a human-readable condition, e.g. {@code avg(cpu.util) > 90 for 5m}
 * @param query       the monitor's query in the API's syntax, e.g. {@code metric=cpu.util&filter=env:prod&agg=avg}
 * @param message     the monitor's message template, rendered for this instance
 * @param runbook     runbook link, or null
 * @param owner       owner, or null
 * @param labels      monitor tags, group tags and {@code severity}, {@code monitor}: what routes and silences match
 * @param channels    channel ids named by the monitor's routing (may be empty: the default route applies)
 * @param error       the evaluation error, for {@code to == ERROR}; null otherwise
 */
public record AlertTransition(String id, String tenant, String alertId, String monitorId, String monitorName,
                              Map<String, String> group, AlertState from, AlertState to, Severity severity,
                              int priority, long at, long since, Double value, Double threshold, String condition,
                              String query, String message, String runbook, String owner,
                              Map<String, String> labels, List<String> channels, String error) {
    public AlertTransition {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(alertId, "alertId");
        Objects.requireNonNull(monitorId, "monitorId");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(severity, "severity");
        group = group == null ? Map.of() : Map.copyOf(group);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        channels = channels == null ? List.of() : List.copyOf(channels);
    }

    /** The dedupe id every producer must use for a transition of {@code alertId} to {@code to} at {@code at}. */
    public static String idOf(String alertId, long at, AlertState to) {
        return alertId + "/" + at + "/" + to.wire();
    }
}

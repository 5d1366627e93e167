package dev.longwatch.core.notify.chat;

import dev.longwatch.model.alerting.AlertState;
import dev.longwatch.model.alerting.AlertTransition;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link AlertCommands} kept in memory from the transitions it is shown: for tests, and for local-dev until the
 * alerting service is bound in its place. Keeps an audit trail of who did what.
 */
public final class InMemoryAlertCommands implements AlertCommands {
    public record AuditEntry(String tenant, String alertId, String action, String by, String note) {
    }

    private final Map<String, AlertTransition> latest = new ConcurrentHashMap<>();
    private final Map<String, String> acked = new ConcurrentHashMap<>();
    private final List<AuditEntry> audit = java.util.Collections.synchronizedList(new ArrayList<>());

    public void record(AlertTransition t) {
        latest.merge(t.tenant() + "\n" + t.alertId(), t, (a, b) -> b.at() >= a.at() ? b : a);
    }

    public List<AuditEntry> audit() {
        return List.copyOf(audit);
    }

    private Optional<AlertTransition> find(String tenant, String alertId) {
        return Optional.ofNullable(latest.get(tenant + "\n" + alertId));
    }

    private static AlertLine line(AlertTransition t, String state) {
        return new AlertLine(t.alertId(), t.monitorName(), state, t.severity().wire(), new TreeMap<>(t.group()).toString(),
                t.since());
    }

    @Override
    public Optional<AlertLine> ack(String tenant, String alertId, String by, String note) {
        return find(tenant, alertId).map(t -> {
            acked.put(tenant + "\n" + alertId, by);
            audit.add(new AuditEntry(tenant, alertId, "ack", by, note));
            return line(t, t.to().wire());
        });
    }

    @Override
    public Optional<AlertLine> resolve(String tenant, String alertId, String by, String note) {
        return find(tenant, alertId).map(t -> {
            audit.add(new AuditEntry(tenant, alertId, "resolve", by, note));
            return line(t, AlertState.RESOLVED.wire());
        });
    }

    @Override
    public Status status(String tenant) {
        Map<String, Integer> byState = new TreeMap<>();
        Map<String, Integer> bySeverity = new TreeMap<>();
        List<AlertTransition> mine = latest.values().stream().filter(t -> t.tenant().equals(tenant)).toList();
        for (AlertTransition t : mine) {
            byState.merge(t.to().wire(), 1, Integer::sum);
            if (t.to() == AlertState.FIRING) {
                bySeverity.merge(t.severity().wire(), 1, Integer::sum);
            }
        }
        List<AlertLine> top = mine.stream().filter(t -> t.to() == AlertState.FIRING)
                .sorted(Comparator.comparing((AlertTransition t) -> t.severity()).thenComparing(AlertTransition::since))
                .limit(5).map(t -> line(t, t.to().wire())).toList();
        return new Status(byState, bySeverity, top);
    }
}

package dev.longwatch.core.notify.mute;

import dev.longwatch.model.alerting.AlertState;
import dev.longwatch.model.alerting.AlertTransition;
import dev.longwatch.model.alerting.Severity;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A tenant's muters together, in Alertmanager's order: inhibition, maintenance windows (time intervals), silences.
 * Inhibition (built in): a FIRING critical alert mutes the warnings that share its group values (the same host,
 * the same service...), or, for ungrouped alerts, of the same monitor.
 */
public final class TenantMuter implements Muter {
    private final List<Silence> silences;
    private final List<MaintenanceWindow> windows;
    private final List<AlertTransition> activeAlerts;

    public TenantMuter(List<Silence> silences, List<MaintenanceWindow> windows, List<AlertTransition> activeAlerts) {
        this.silences = silences;
        this.windows = windows;
        this.activeAlerts = activeAlerts;
    }

    /** Maintenance windows and silences (inhibition needs the alert: see {@link #mutes(AlertTransition, long)}). */
    @Override
    public Optional<Mute> mutes(Map<String, String> labels, long at) {
        for (MaintenanceWindow w : windows) {
            long end = w.occurrenceEnd(at);
            if (end >= 0 && w.matches(labels)) {
                return Optional.of(new Mute("maintenance", w.id(), "maintenance window " + w.name(), end));
            }
        }
        Mute best = null;
        for (Silence s : silences) {
            if (s.matches(labels, at) && (best == null || s.endsAt() > best.until())) {
                best = new Mute("silence", s.id(), "silenced by " + s.createdBy(), s.endsAt());
            }
        }
        return Optional.ofNullable(best);
    }

    /** Mutes for an alert: like {@link #mutes} with inhibition comparing the alert's own group. */
    public Optional<Mute> mutes(AlertTransition t, long at) {
        if (t.severity() == Severity.WARNING) {
            for (AlertTransition src : activeAlerts) {
                if (src.severity() == Severity.CRITICAL && src.to() == AlertState.FIRING && related(src, t)) {
                    return Optional.of(new Mute("inhibition", src.alertId(), "inhibited by critical alert "
                            + src.alertId(), Long.MAX_VALUE));
                }
            }
        }
        return mutes(t.labels(), at);
    }

    private static boolean related(AlertTransition src, AlertTransition target) {
        if (src.alertId().equals(target.alertId())) {
            return false;
        }
        if (target.group().isEmpty()) {
            return src.monitorId().equals(target.monitorId());
        }
        for (Map.Entry<String, String> e : target.group().entrySet()) {
            String v = src.group().getOrDefault(e.getKey(), src.labels().get(e.getKey()));
            if (!e.getValue().equals(v)) {
                return false;
            }
        }
        return true;
    }
}

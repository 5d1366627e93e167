package dev.longwatch.core.notify.mute;

import dev.longwatch.model.alerting.AlertTransition;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A tenant's muters together, in Alertmanager's order: inhibition ({@link Inhibitor}: the tenant's inhibition rules,
 * or the built-in rule when it has none), maintenance windows (time intervals), silences.
 */
public final class TenantMuter implements Muter {
    private final List<Silence> silences;
    private final List<MaintenanceWindow> windows;
    private final Inhibitor inhibitor;

    /** With the built-in inhibition rule. */
    public TenantMuter(List<Silence> silences, List<MaintenanceWindow> windows, List<AlertTransition> activeAlerts) {
        this(silences, windows, List.of(), activeAlerts);
    }

    /** With the tenant's inhibition rules ({@code rules} empty: the built-in rule). */
    public TenantMuter(List<Silence> silences, List<MaintenanceWindow> windows, List<InhibitionRule> rules,
                       List<AlertTransition> activeAlerts) {
        this.silences = silences;
        this.windows = windows;
        this.inhibitor = Inhibitor.of(rules, activeAlerts);
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

    /** Mutes for an alert: inhibition first, then {@link #mutes(Map, long)}. */
    public Optional<Mute> mutes(AlertTransition t, long at) {
        Optional<Mute> inhibited = inhibitor.inhibits(t, at);
        return inhibited.isPresent() ? inhibited : mutes(t.labels(), at);
    }
}

package dev.longwatch.core.notify.chat;

import dev.longwatch.core.alerting.AlertInstance;
import dev.longwatch.core.alerting.AlertService;
import dev.longwatch.core.alerting.MonitorService;
import dev.longwatch.core.alerting.NotFoundException;
import dev.longwatch.model.PayloadException;
import dev.longwatch.model.alerting.AlertState;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Chat's alert actions carried out by the alerting service: the same acknowledge and resolve as
 * {@code POST /v1/alerts/{id}/ack|resolve}, audited with the chat user as {@code by}.
 */
public final class AlertServiceCommands implements AlertCommands {
    /** Alerts listed by {@code /longwatch status}. */
    static final int TOP = 10;

    private final AlertService alerts;

    public AlertServiceCommands(AlertService alerts) {
        this.alerts = alerts;
    }

    @Override
    public Optional<AlertLine> ack(String tenant, String alertId, String by, String note) {
        try {
            return Optional.of(line(alerts.ack(tenant, alertId, by, note)));
        } catch (NotFoundException e) {
            return Optional.empty();
        } catch (MonitorService.ConflictException e) {
            throw new PayloadException("alert", e.getMessage());
        }
    }

    @Override
    public Optional<AlertLine> resolve(String tenant, String alertId, String by, String note) {
        try {
            return Optional.of(line(alerts.resolve(tenant, alertId, by, note)));
        } catch (NotFoundException e) {
            return Optional.empty();
        } catch (MonitorService.ConflictException e) {
            throw new PayloadException("alert", e.getMessage());
        }
    }

    @Override
    public Status status(String tenant) {
        AlertService.Summary s = alerts.summary(tenant);
        List<AlertLine> top = alerts.list(tenant, new AlertService.Filter(null, null, null, null)).stream()
                .filter(a -> a.state() != AlertState.OK && a.state() != AlertState.RESOLVED)
                .sorted(Comparator.comparing((AlertInstance a) -> a.severity().ordinal())
                        .thenComparing(AlertInstance::since))
                .limit(TOP).map(AlertServiceCommands::line).toList();
        return new Status(s.byState(), s.bySeverity(), top);
    }

    static AlertLine line(AlertInstance a) {
        String group = new TreeMap<>(a.group()).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(","));
        return new AlertLine(a.alertId(), a.monitorName(), a.state().wire(), a.severity().wire(), group, a.since());
    }
}

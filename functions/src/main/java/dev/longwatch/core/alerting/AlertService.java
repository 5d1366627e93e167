package dev.longwatch.core.alerting;

import dev.longwatch.core.alerting.evaluate.EvaluationResult;
import dev.longwatch.core.alerting.evaluate.Transitions;
import dev.longwatch.core.telemetry.Log;
import dev.longwatch.model.alerting.AlertState;
import dev.longwatch.model.alerting.AlertTransition;
import dev.longwatch.model.alerting.Monitor;
import dev.longwatch.model.alerting.Severity;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Alert instances for people (API, chat): list, read with history, acknowledge, resolve, summarise. Acks and
 * manual resolves are conditional writes on the instance's version and are audited with who did them.
 */
public final class AlertService {
    private static final Log LOG = Log.get(AlertService.class);
    public static final int HISTORY_LIMIT = 200;
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();

    private final AlertStateStore states;
    private final MonitorStore monitors;
    private final AuditLog audit;
    private final TransitionSink sink;
    private final Clock clock;

    /** {@code tag} is {@code key:value}; null fields do not filter. */
    public record Filter(AlertState state, Severity severity, String monitorId, String tag) {
    }

    public record Detail(AlertInstance alert, List<AlertTransition> transitions) {
    }

    public record Summary(Map<String, Integer> byState, Map<String, Integer> bySeverity, int total) {
    }

    public AlertService(AlertStateStore states, MonitorStore monitors, AuditLog audit, TransitionSink sink,
                        Clock clock) {
        this.states = states;
        this.monitors = monitors;
        this.audit = audit;
        this.sink = sink;
        this.clock = clock;
    }

    public List<AlertInstance> list(String tenant, Filter f) {
        List<AlertInstance> out = new ArrayList<>();
        for (AlertInstance i : states.instances(tenant)) {
            if (f.state() != null && i.state() != f.state()) {
                continue;
            }
            if (f.severity() != null && i.severity() != f.severity()) {
                continue;
            }
            if (f.monitorId() != null && !i.monitorId().equals(f.monitorId())) {
                continue;
            }
            if (f.tag() != null) {
                int colon = f.tag().indexOf(':');
                String k = f.tag().substring(0, colon);
                String v = f.tag().substring(colon + 1);
                if (!v.equals(i.labels().get(k))) {
                    continue;
                }
            }
            out.add(i);
        }
        out.sort((a, b) -> Long.compare(b.since(), a.since()));
        return out;
    }

    public Optional<Detail> get(String tenant, String alertId) {
        return states.get(tenant, alertId).map(a -> new Detail(a, states.transitions(tenant, alertId,
                HISTORY_LIMIT)));
    }

    /** Acknowledges an alert; it stays acknowledged until it resolves. */
    public AlertInstance ack(String tenant, String alertId, String by, String note) {
        for (int attempt = 0; attempt < 3; attempt++) {
            AlertInstance a = states.get(tenant, alertId).orElseThrow(() -> new NotFoundException("no alert "
                    + alertId));
            if (a.state() == AlertState.OK || a.state() == AlertState.RESOLVED) {
                throw new MonitorService.ConflictException("the alert is " + a.state().wire()
                        + "; only an active alert can be acknowledged");
            }
            long now = clock.millis();
            AlertInstance next = a.withAck(new AlertInstance.Ack(by, now, note)).withVersion(a.version() + 1);
            if (states.save(tenant, next, List.of())) {
                audit.record(tenant, new AuditLog.Entry(now, by, "alert.ack", alertId, stateJson(a.state()),
                        noteJson("acknowledged", by, note)));
                return next;
            }
        }
        throw new MonitorService.ConflictException("the alert kept changing; retry");
    }

    /**
     * Resolves an alert by hand: it becomes RESOLVED now (one recorded and sent transition). If its condition
     * still holds, the next evaluations raise it again.
     */
    public AlertInstance resolve(String tenant, String alertId, String by, String note) {
        for (int attempt = 0; attempt < 3; attempt++) {
            AlertInstance a = states.get(tenant, alertId).orElseThrow(() -> new NotFoundException("no alert "
                    + alertId));
            if (a.state() == AlertState.OK || a.state() == AlertState.RESOLVED) {
                return a;
            }
            long now = clock.millis();
            Optional<Monitor> m = monitors.get(tenant, a.monitorId());
            List<AlertTransition> out = new ArrayList<>();
            if (m.isPresent()) {
                out.add(resolution(tenant, m.get(), a, now));
            }
            AlertInstance next = resolved(a, now);
            if (states.save(tenant, next, out)) {
                audit.record(tenant, new AuditLog.Entry(now, by, "alert.resolve", alertId, stateJson(a.state()),
                        noteJson("resolved", by, note)));
                if (!out.isEmpty()) {
                    sink.send(out);
                }
                return next;
            }
        }
        throw new MonitorService.ConflictException("the alert kept changing; retry");
    }

    /**
     * A deleted monitor's active alerts resolve: each is stored RESOLVED with one transition (conditional on its
     * version, as {@link #resolve} does) and sent, so the channels that heard it fire hear it end. An alert that
     * changes meanwhile is left to the instance removal that follows. The monitor is already gone, so a failed
     * send cannot be retried: it is logged and the deletion goes on.
     */
    public int retire(String tenant, Monitor m, String by) {
        List<AlertTransition> out = new ArrayList<>();
        for (AlertInstance a : states.instances(tenant)) {
            if (!a.monitorId().equals(m.id()) || a.state() == AlertState.OK || a.state() == AlertState.RESOLVED) {
                continue;
            }
            long now = clock.millis();
            AlertTransition t = resolution(tenant, m, a, now);
            AlertInstance next = resolved(a, now);
            if (states.save(tenant, next, List.of(t))) {
                out.add(t);
                audit.record(tenant, new AuditLog.Entry(now, by, "alert.resolve", a.alertId(),
                        stateJson(a.state()), noteJson("resolved", by, "monitor deleted")));
            }
        }
        if (!out.isEmpty()) {
            try {
                sink.send(out);
            } catch (RuntimeException e) {
                LOG.error("resolutions of a deleted monitor could not be sent", e, "tenant", tenant, "monitor",
                        m.id(), "alerts", out.size());
            }
        }
        return out.size();
    }

    /** The transition of a manual or retiring resolve, now. */
    private static AlertTransition resolution(String tenant, Monitor m, AlertInstance a, long now) {
        return Transitions.of(tenant, m, a, a.state(), AlertState.RESOLVED, a.severity(), now,
                a.firingSince() != 0 ? a.firingSince() : a.since(),
                new EvaluationResult(EvaluationResult.Status.OK, null, a.value(), a.threshold(), null));
    }

    /** {@code a} resolved at {@code now}, one version on. */
    private static AlertInstance resolved(AlertInstance a, long now) {
        return new AlertInstance(a.alertId(), a.monitorId(), a.monitorName(), a.group(), AlertState.RESOLVED,
                AlertState.RESOLVED, a.severity(), now, 0, 0, 0, a.lastEvaluatedAt(), a.value(), a.threshold(), "",
                a.changes(), null, a.labels(), null, a.outbox(), a.version() + 1);
    }

    private static String stateJson(AlertState s) {
        return JSON.createObjectNode().put("state", s.wire()).toString();
    }

    private static String noteJson(String what, String by, String note) {
        com.fasterxml.jackson.databind.node.ObjectNode o = JSON.createObjectNode();
        com.fasterxml.jackson.databind.node.ObjectNode w = o.putObject(what);
        w.put("by", by);
        if (note != null) {
            w.put("note", note);
        }
        return o.toString();
    }

    public Summary summary(String tenant) {
        Map<String, Integer> byState = new TreeMap<>();
        Map<String, Integer> bySeverity = new TreeMap<>();
        for (AlertState s : AlertState.values()) {
            byState.put(s.wire(), 0);
        }
        for (Severity s : Severity.values()) {
            bySeverity.put(s.wire(), 0);
        }
        int total = 0;
        for (AlertInstance i : states.instances(tenant)) {
            total++;
            byState.merge(i.state().wire(), 1, Integer::sum);
            if (i.state() != AlertState.OK && i.state() != AlertState.RESOLVED) {
                bySeverity.merge(i.severity().wire(), 1, Integer::sum);
            }
        }
        return new Summary(byState, bySeverity, total);
    }
}

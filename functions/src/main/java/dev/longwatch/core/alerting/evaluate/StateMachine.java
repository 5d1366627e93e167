package dev.longwatch.core.alerting.evaluate;

import dev.longwatch.core.alerting.AlertInstance;
import dev.longwatch.model.alerting.AlertState;
import dev.longwatch.model.alerting.AlertTransition;
import dev.longwatch.model.alerting.EvaluationSettings;
import dev.longwatch.model.alerting.Monitor;
import dev.longwatch.model.alerting.Severity;

import java.util.ArrayList;
import java.util.List;

/**
 * The alert state machine: an instance's state, one evaluation result and its time give the next state and the
 * transitions to record. Pure (no clock, no I/O): the scheduled evaluator and the backtest both run it, so a
 * backtest shows exactly what the evaluator would have done. The rules are documented in docs/alerting.md.
 */
public final class StateMachine {
    private StateMachine() {
    }

    /** The next state and the transitions (of the visible state) that lead to it. */
    public record Step(AlertInstance next, List<AlertTransition> transitions) {
    }

    public static Step step(String tenant, Monitor m, AlertInstance s, EvaluationResult r, long at) {
        EvaluationSettings e = m.evaluation();
        EvaluationResult.Status status = r.status();
        if (status == EvaluationResult.Status.NO_DATA) {
            switch (e.noData()) {
                case OK -> status = EvaluationResult.Status.OK;
                case BREACHING -> status = EvaluationResult.Status.BREACHING;
                case KEEP -> {
                    return new Step(s, List.of());
                }
                case NO_DATA -> {
                }
            }
        }
        AlertState inner = s.inner();
        String recent = s.recent();
        long pendingSince = s.pendingSince();
        long firingSince = s.firingSince();
        long recoveringSince = s.recoveringSince();
        Severity severity = s.severity();
        AlertState target;
        switch (status) {
            case ERROR -> target = AlertState.ERROR;
            case NO_DATA -> target = AlertState.NO_DATA;
            default -> {
                boolean bit = status == EvaluationResult.Status.BREACHING
                        || (status == EvaluationResult.Status.RECOVERING && inner == AlertState.FIRING);
                recent = push(recent, bit, e.outOf());
                boolean breaching = ones(recent) >= e.datapoints();
                if (status == EvaluationResult.Status.BREACHING) {
                    severity = r.level() == Severity.WARNING ? Severity.WARNING : m.severity();
                }
                if (inner == AlertState.FIRING) {
                    if (breaching) {
                        target = AlertState.FIRING;
                        recoveringSince = 0;
                    } else {
                        recoveringSince = recoveringSince == 0 ? at : recoveringSince;
                        target = at - recoveringSince >= e.keepFiringFor().toMillis() ? AlertState.RESOLVED
                                : AlertState.FIRING;
                    }
                } else if (inner == AlertState.PENDING) {
                    target = !breaching ? AlertState.OK
                            : at - pendingSince >= e.pendingFor().toMillis() ? AlertState.FIRING : AlertState.PENDING;
                } else if (breaching) {
                    target = e.pendingFor().isZero() ? AlertState.FIRING : AlertState.PENDING;
                } else {
                    // A firing episode interrupted by NO_DATA or ERROR still ends with RESOLVED.
                    target = firingSince != 0 || inner == AlertState.RESOLVED ? AlertState.RESOLVED : AlertState.OK;
                }
            }
        }
        if (target == AlertState.PENDING && inner != AlertState.PENDING) {
            pendingSince = at;
        }
        long episodeStart = pendingSince != 0 ? pendingSince : at;
        if (target == AlertState.FIRING && inner != AlertState.FIRING) {
            firingSince = firingSince != 0 ? firingSince : episodeStart;
            recoveringSince = 0;
        }
        long resolvedFiringSince = firingSince;
        if (target != AlertState.PENDING && target != AlertState.FIRING) {
            pendingSince = 0;
        }
        if (target == AlertState.RESOLVED || target == AlertState.OK) {
            firingSince = 0;
            recoveringSince = 0;
        }

        // Flapping: count changes of the inner state within the window.
        List<Long> changes = new ArrayList<>();
        long windowStart = at - e.flapWindow().toMillis();
        for (long c : s.changes()) {
            if (c > windowStart) {
                changes.add(c);
            }
        }
        boolean innerChanged = target != inner && !(inner == AlertState.RESOLVED && target == AlertState.RESOLVED);
        if (innerChanged) {
            changes.add(at);
        }
        AlertState visible;
        if (s.state() == AlertState.FLAPPING) {
            visible = changes.size() <= e.flapChanges() / 2 ? target : AlertState.FLAPPING;
        } else {
            visible = changes.size() > e.flapChanges() ? AlertState.FLAPPING : target;
        }

        List<AlertTransition> out = new ArrayList<>(1);
        long since = s.since();
        AlertInstance.Ack ack = s.ack();
        boolean escalated = visible == AlertState.FIRING && s.state() == AlertState.FIRING
                && severity.ordinal() < s.severity().ordinal();
        if (visible != s.state() || escalated) {
            long transitionSince = visible == AlertState.RESOLVED ? resolvedFiringSince
                    : visible == AlertState.FIRING ? firingSince : at;
            if (transitionSince == 0) {
                transitionSince = at;
            }
            since = visible != s.state() ? at : since;
            if (visible == AlertState.RESOLVED || visible == AlertState.OK) {
                ack = null;
            }
            out.add(Transitions.of(tenant, m, s, s.state(), visible, severity, at, transitionSince, r));
        }
        AlertInstance next = new AlertInstance(s.alertId(), m.id(), m.name(), s.group(), visible, target, severity,
                since, pendingSince, firingSince, recoveringSince, s.lastEvaluatedAt(), r.value(), r.threshold(),
                recent, changes, ack, Transitions.labels(m, s.group()),
                status == EvaluationResult.Status.ERROR ? r.error() : null, s.outbox(), s.version());
        return new Step(next, out);
    }

    private static String push(String recent, boolean bit, int n) {
        String r = recent + (bit ? '1' : '0');
        return r.length() > n ? r.substring(r.length() - n) : r;
    }

    private static int ones(String recent) {
        int n = 0;
        for (int i = 0; i < recent.length(); i++) {
            if (recent.charAt(i) == '1') {
                n++;
            }
        }
        return n;
    }
}

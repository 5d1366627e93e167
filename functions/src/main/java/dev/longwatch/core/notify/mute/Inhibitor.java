package dev.longwatch.core.notify.mute;

import dev.longwatch.model.alerting.AlertState;
import dev.longwatch.model.alerting.AlertTransition;
import dev.longwatch.model.alerting.Severity;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Inhibition: a FIRING alert mutes related alerts. With the tenant's rules ({@code /v1/inhibitions}), an alert is
 * inhibited when a rule's target matchers match it and another alert matching the same rule's source matchers fires
 * with the same values of the rule's {@code equal} labels. Without rules, the built-in rule applies: a FIRING
 * critical alert mutes the warnings that share its group values, or, for ungrouped alerts, of the same monitor.
 *
 * <p>An alert never inhibits itself; and, as in Alertmanager, an alert that matches both sides of a rule is not
 * inhibited through that rule by a source that also matches both sides (two criticals never mute each other).
 *
 * <p>What fires is what the notifier's groups hold, so nothing needs to tell an inhibited alert when its source
 * resolves: its mute lasts {@link #RECHECK_MILLIS} at a time, its group is looked at again then (the notifier's
 * tick), and once no source fires any more it is told, like an alert whose silence ended.
 */
public final class Inhibitor {
    /** How long one inhibition verdict holds before the alert's group is looked at again. */
    public static final long RECHECK_MILLIS = 60_000;

    private final List<InhibitionRule.Compiled> rules;
    private final List<AlertTransition> firing;

    private Inhibitor(List<InhibitionRule> rules, List<AlertTransition> activeAlerts) {
        this.rules = rules.stream().map(InhibitionRule::compile).toList();
        Map<String, AlertTransition> byId = new LinkedHashMap<>();
        for (AlertTransition a : activeAlerts) {
            if (a.to() == AlertState.FIRING) {
                byId.putIfAbsent(a.alertId(), a); // one alert may sit in the groups of several routes
            }
        }
        this.firing = new ArrayList<>(byId.values());
    }

    /**
     * @param rules        the tenant's rules; empty: the built-in rule
     * @param activeAlerts the alerts the tenant's notification groups hold (only FIRING ones inhibit)
     */
    public static Inhibitor of(List<InhibitionRule> rules, List<AlertTransition> activeAlerts) {
        return new Inhibitor(rules, activeAlerts);
    }

    public Optional<Muter.Mute> inhibits(AlertTransition target, long at) {
        return rules.isEmpty() ? builtIn(target, at) : byRules(target, at);
    }

    private Optional<Muter.Mute> byRules(AlertTransition target, long at) {
        Map<String, String> t = target.labels();
        for (InhibitionRule.Compiled r : rules) {
            if (!r.isTarget(t)) {
                continue;
            }
            boolean targetIsSourceToo = r.isSource(t);
            for (AlertTransition src : firing) {
                Map<String, String> s = src.labels();
                if (src.alertId().equals(target.alertId()) || !r.isSource(s) || !r.equalLabels(s, t)
                        || (targetIsSourceToo && r.isTarget(s))) {
                    continue;
                }
                return Optional.of(new Muter.Mute("inhibition", src.alertId(), "inhibited by alert " + src.alertId()
                        + " (rule " + r.rule().id() + ")", at + RECHECK_MILLIS));
            }
        }
        return Optional.empty();
    }

    private Optional<Muter.Mute> builtIn(AlertTransition target, long at) {
        if (target.severity() != Severity.WARNING) {
            return Optional.empty();
        }
        for (AlertTransition src : firing) {
            if (src.severity() == Severity.CRITICAL && related(src, target)) {
                return Optional.of(new Muter.Mute("inhibition", src.alertId(), "inhibited by critical alert "
                        + src.alertId(), at + RECHECK_MILLIS));
            }
        }
        return Optional.empty();
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

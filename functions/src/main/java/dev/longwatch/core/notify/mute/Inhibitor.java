package dev.longwatch.core.notify.mute;

import dev.longwatch.model.alerting.AlertState;
import dev.longwatch.model.alerting.AlertTransition;
import dev.longwatch.model.alerting.Severity;

import java.util.ArrayList;
import java.util.HashMap;
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
 *
 * <p>One per tenant and notifier run, used by one thread (it indexes each rule's sources on first use).
 */
public final class Inhibitor {
    /** How long one inhibition verdict holds before the alert's group is looked at again. */
    public static final long RECHECK_MILLIS = 60_000;

    private final List<InhibitionRule.Compiled> rules;
    private final List<AlertTransition> firing;
    private final List<Map<List<String>, List<AlertTransition>>> sourcesByEqual;

    private Inhibitor(List<InhibitionRule> rules, List<AlertTransition> activeAlerts) {
        this.rules = rules.stream().map(InhibitionRule::compile).toList();
        Map<String, AlertTransition> byId = new LinkedHashMap<>();
        for (AlertTransition a : activeAlerts) {
            if (a.to() == AlertState.FIRING) {
                byId.putIfAbsent(a.alertId(), a); // one alert may sit in the groups of several routes
            }
        }
        this.firing = new ArrayList<>(byId.values());
        this.sourcesByEqual = new ArrayList<>(java.util.Collections.nCopies(this.rules.size(), null));
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
        for (int i = 0; i < rules.size(); i++) {
            InhibitionRule.Compiled r = rules.get(i);
            if (!r.isTarget(t)) {
                continue;
            }
            boolean targetIsSourceToo = r.isSource(t);
            for (AlertTransition src : sources(i).getOrDefault(equalValues(r, t), List.of())) {
                if (src.alertId().equals(target.alertId()) || (targetIsSourceToo && r.isTarget(src.labels()))) {
                    continue;
                }
                return Optional.of(new Muter.Mute("inhibition", src.alertId(), "inhibited by alert " + src.alertId()
                        + " (rule " + r.rule().id() + ")", at + RECHECK_MILLIS));
            }
        }
        return Optional.empty();
    }

    /**
     * The firing alerts matching rule {@code i}'s source matchers, by their values of its equal labels: built once per
     * rule and run, so a check costs a lookup per rule instead of a pass over every firing alert.
     */
    private Map<List<String>, List<AlertTransition>> sources(int i) {
        Map<List<String>, List<AlertTransition>> m = sourcesByEqual.get(i);
        if (m == null) {
            InhibitionRule.Compiled r = rules.get(i);
            m = new HashMap<>();
            for (AlertTransition src : firing) {
                if (r.isSource(src.labels())) {
                    m.computeIfAbsent(equalValues(r, src.labels()), k -> new ArrayList<>()).add(src);
                }
            }
            sourcesByEqual.set(i, m);
        }
        return m;
    }

    /** The alert's values of the rule's equal labels ("" for a missing one, as Alertmanager compares them). */
    private static List<String> equalValues(InhibitionRule.Compiled r, Map<String, String> labels) {
        List<String> values = new ArrayList<>(r.rule().equal().size());
        for (String l : r.rule().equal()) {
            values.add(labels.getOrDefault(l, ""));
        }
        return values;
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

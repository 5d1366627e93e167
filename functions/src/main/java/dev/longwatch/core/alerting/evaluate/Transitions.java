package dev.longwatch.core.alerting.evaluate;

import dev.longwatch.core.alerting.AlertInstance;
import dev.longwatch.model.alerting.AlertState;
import dev.longwatch.model.alerting.AlertTransition;
import dev.longwatch.model.alerting.Condition;
import dev.longwatch.model.alerting.Durations;
import dev.longwatch.model.alerting.Monitor;
import dev.longwatch.model.alerting.Severity;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Builds the {@link AlertTransition} record of a state change, with everything the notifier needs. */
public final class Transitions {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([A-Za-z0-9_.\\-]+)\\s*}}");

    private Transitions() {
    }

    public static AlertTransition of(String tenant, Monitor m, AlertInstance s, AlertState from, AlertState to,
                                     Severity severity, long at, long since, EvaluationResult r) {
        Map<String, String> labels = labels(m, s.group());
        Map<String, String> withSeverity = new TreeMap<>(labels);
        withSeverity.put("severity", severity.wire());
        withSeverity.put("monitor", m.id());
        return new AlertTransition(AlertTransition.idOf(s.alertId(), at, to), tenant, s.alertId(), m.id(), m.name(),
                s.group(), from, to, severity, m.priority(), at, since, r.value(), r.threshold(), condition(m),
                m.query() == null ? null : m.query().asQueryString(), render(m, s.group(), to, severity, r),
                m.runbook(), m.owner(), withSeverity, m.channels(), to == AlertState.ERROR ? r.error() : null);
    }

    /** Monitor tags, then group tags (a group tag wins over a monitor tag of the same key). */
    public static Map<String, String> labels(Monitor m, Map<String, String> group) {
        Map<String, String> out = new TreeMap<>(m.tags());
        out.putAll(group);
        return out;
    }

    /** A readable condition, e.g. {@code p99(http.latency) > 500 for 5m}. */
    public static String condition(Monitor m) {
        String series = m.query() == null ? "" : m.query().agg() + "(" + m.query().metric() + ")";
        String pending = m.evaluation().pendingFor().isZero() ? ""
                : " for " + Durations.format(m.evaluation().pendingFor());
        return switch (m.condition()) {
            case Condition.Threshold t -> series + " " + t.op().symbol() + " " + num(t.critical()) + pending;
            case Condition.Change c -> "change of " + series + " over " + Durations.format(c.ago()) + " "
                    + c.op().symbol() + " " + (c.op() == Condition.Op.BELOW ? "-" : "") + num(c.critical())
                    + (c.percent() ? "%" : "") + pending;
            case Condition.Absence a -> "no " + (a.events() != null ? "event" + (a.events().kind() == null ? ""
                    : " of kind " + a.events().kind()) : "data for " + series) + " for " + Durations.format(a.forDuration());
            case Condition.Anomaly a -> series + " outside its " + a.seasonality() + " band (" + a.sensitivity()
                    + " sensitivity)";
            case Condition.EventCount c -> "count of events" + (c.events().kind() == null ? ""
                    : " of kind " + c.events().kind()) + " in " + Durations.format(c.window()) + " "
                    + c.op().symbol() + " " + num(c.critical());
            case Condition.Composite c -> c.expression();
        };
    }

    /** The message template with {@code {{monitor.name}}, {{value}}, {{threshold}}, {{state}}, {{group.KEY}}}. */
    static String render(Monitor m, Map<String, String> group, AlertState to, Severity severity, EvaluationResult r) {
        String template = m.message() == null ? "{{monitor.name}} is {{state}}" : m.message();
        Matcher x = PLACEHOLDER.matcher(template);
        StringBuilder b = new StringBuilder();
        while (x.find()) {
            String key = x.group(1);
            String v = switch (key) {
                case "monitor.name" -> m.name();
                case "monitor.id" -> m.id();
                case "value" -> r.value() == null ? "no data" : num(r.value());
                case "threshold" -> r.threshold() == null ? "" : num(r.threshold());
                case "state" -> to.wire();
                case "severity" -> severity.wire();
                default -> key.startsWith("group.") ? group.getOrDefault(key.substring(6), "")
                        : key.startsWith("tags.") ? m.tags().getOrDefault(key.substring(5), "") : x.group();
            };
            x.appendReplacement(b, Matcher.quoteReplacement(v));
        }
        x.appendTail(b);
        return b.toString();
    }

    static String num(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, "%.4g", v).replaceAll("(\\.\\d*?)0+$", "$1").replaceAll("\\.$", "");
    }
}

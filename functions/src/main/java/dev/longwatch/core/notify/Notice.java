package dev.longwatch.core.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.longwatch.model.alerting.AlertState;
import dev.longwatch.model.alerting.AlertTransition;
import dev.longwatch.model.alerting.AlertTransitions;
import dev.longwatch.model.alerting.Severity;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one message says, before it is rendered for a destination: one group of alerts (or a storm summary, or
 * a test), with the context people need to act. Channel-independent; stored with a delivery so a retry renders
 * the same message.
 *
 * @param kind        alert, summary (a storm collapsed), test, or remediation
 * @param groupKey    the group's key (stable: PagerDuty's dedup key derives from it)
 * @param groupLabels the labels the route groups by, with this group's values
 * @param alerts      the alerts of the group to report, newest state each
 * @param changes     deploys and other changes for the same tags in the window before the alert
 * @param links       console, chart and action links (absent ones are null)
 * @param summary     for a storm summary: one line per collapsed group
 */
public record Notice(Kind kind, String tenant, String groupKey, Map<String, String> groupLabels, List<Item> alerts,
                     long at, List<Change> changes, Links links, List<String> summary) {

    public enum Kind { ALERT, SUMMARY, TEST, REMEDIATION }

    /** One alert of the group; {@code silenceExpired} when it is reported because its silence ended. */
    public record Item(AlertTransition alert, boolean silenceExpired) {
        public boolean active() {
            return alert.to() != AlertState.RESOLVED && alert.to() != AlertState.OK;
        }

        /** How long it has been firing, or for a resolution how long it lasted. */
        public long durationMillis() {
            return Math.max(0, alert.at() - alert.since());
        }

        /** "912.5 vs threshold 500" or null. */
        public String valueVsThreshold() {
            if (alert.value() == null) {
                return null;
            }
            String v = number(alert.value());
            return alert.threshold() == null ? v : v + " (threshold " + number(alert.threshold()) + ")";
        }

        public String groupText() {
            if (alert.group().isEmpty()) {
                return alert.monitorName() == null ? alert.monitorId() : alert.monitorName();
            }
            StringBuilder b = new StringBuilder();
            new TreeMap<>(alert.group()).forEach((k, v) -> b.append(b.isEmpty() ? "" : ", ").append(k).append('=').append(v));
            return b.toString();
        }

        /** One line for people: what, the value against the threshold, and for how long. */
        public String line() {
            StringBuilder b = new StringBuilder(groupText());
            String vt = valueVsThreshold();
            if (vt != null) {
                b.append(": ").append(vt);
            }
            if (active()) {
                b.append(alert.to() == AlertState.FIRING ? ", firing for " : ", " + alert.to().wire().toLowerCase()
                        + " for ").append(Durations.human(durationMillis()));
            } else {
                b.append(", resolved after ").append(Durations.human(durationMillis()));
            }
            if (silenceExpired) {
                b.append(" (silence expired, still firing)");
            }
            if (alert.error() != null) {
                b.append(" — error: ").append(alert.error());
            }
            return b.toString();
        }
    }

    public record Change(String title, String kind, long time, String link) {
    }

    public record Links(String console, String runbook, String chart, String ack, String silence, String resolve) {
        public static final Links NONE = new Links(null, null, null, null, null, null);
    }

    public Notice {
        groupLabels = Map.copyOf(groupLabels);
        alerts = List.copyOf(alerts);
        changes = List.copyOf(changes);
        summary = List.copyOf(summary);
        links = links == null ? Links.NONE : links;
    }

    public List<Item> firing() {
        return alerts.stream().filter(Item::active).toList();
    }

    public List<Item> resolved() {
        return alerts.stream().filter(i -> !i.active()).toList();
    }

    /** firing while any alert is active, resolved once all are. */
    public String status() {
        if (kind == Kind.TEST) {
            return "test";
        }
        if (kind == Kind.SUMMARY) {
            return "firing";
        }
        return firing().isEmpty() ? "resolved" : "firing";
    }

    public Severity severity() {
        return alerts.stream().filter(i -> kind != Kind.ALERT || i.active() || firing().isEmpty())
                .map(i -> i.alert().severity()).min(Comparator.naturalOrder()).orElse(Severity.INFO);
    }

    public String monitorName() {
        return alerts.isEmpty() ? "Longwatch" : first().monitorName() == null ? first().monitorId()
                : first().monitorName();
    }

    public AlertTransition first() {
        return alerts.get(0).alert();
    }

    /** "[FIRING:3] Checkout latency (service=checkout)" */
    public String title() {
        return switch (kind) {
            case TEST -> "Longwatch test message";
            case SUMMARY -> "[STORM] " + summary.size() + " alert groups changed; showing a summary";
            default -> {
                String text = labelsText(groupLabels);
                String lbl = text.isEmpty() ? "" : " (" + text + ")";
                yield firing().isEmpty() ? "[RESOLVED] " + monitorName() + lbl
                        : "[" + firing().get(0).alert().to().wire() + ":" + firing().size() + "] " + monitorName() + lbl;
            }
        };
    }

    public static String labelsText(Map<String, String> labels) {
        StringBuilder b = new StringBuilder();
        new TreeMap<>(labels).forEach((k, v) -> {
            if (!k.equals("monitor")) {
                b.append(b.isEmpty() ? "" : ", ").append(k).append('=').append(v);
            }
        });
        return b.toString();
    }

    public static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return String.valueOf(Math.round(v * 1000.0) / 1000.0);
    }

    // ---- stored form (a delivery keeps it to retry with the same content) ----

    public String toJson() {
        ObjectNode o = Json.object();
        o.put("kind", kind.name());
        o.put("tenant", tenant);
        o.put("groupKey", groupKey);
        Json.putMap(o, "groupLabels", new TreeMap<>(groupLabels));
        ArrayNode a = o.putArray("alerts");
        for (Item i : alerts) {
            ObjectNode x = a.addObject();
            x.put("silenceExpired", i.silenceExpired());
            x.put("alert", AlertTransitions.toJson(i.alert()));
        }
        o.put("at", at);
        ArrayNode c = o.putArray("changes");
        for (Change ch : changes) {
            ObjectNode x = c.addObject();
            x.put("title", ch.title());
            x.put("kind", ch.kind());
            x.put("time", ch.time());
            if (ch.link() != null) {
                x.put("link", ch.link());
            }
        }
        ObjectNode l = o.putObject("links");
        putIf(l, "console", links.console());
        putIf(l, "runbook", links.runbook());
        putIf(l, "chart", links.chart());
        putIf(l, "ack", links.ack());
        putIf(l, "silence", links.silence());
        putIf(l, "resolve", links.resolve());
        Json.putStrings(o, "summary", summary);
        return o.toString();
    }

    private static void putIf(ObjectNode o, String f, String v) {
        if (v != null) {
            o.put(f, v);
        }
    }

    public static Notice fromJson(String json) {
        JsonNode o = Json.parse(json);
        List<Item> items = new ArrayList<>();
        o.path("alerts").forEach(x -> items.add(new Item(AlertTransitions.fromJson(x.get("alert").asText()),
                x.path("silenceExpired").asBoolean())));
        List<Change> changes = new ArrayList<>();
        o.path("changes").forEach(x -> changes.add(new Change(x.path("title").asText(), x.path("kind").asText(),
                x.path("time").asLong(), x.hasNonNull("link") ? x.get("link").asText() : null)));
        JsonNode l = o.path("links");
        Links links = new Links(t(l, "console"), t(l, "runbook"), t(l, "chart"), t(l, "ack"), t(l, "silence"),
                t(l, "resolve"));
        return new Notice(Kind.valueOf(o.get("kind").asText()), o.get("tenant").asText(), o.path("groupKey").asText(),
                Json.stringMap(o, "groupLabels"), items, o.path("at").asLong(), changes, links,
                Json.strings(o, "summary", 100_000));
    }

    private static String t(JsonNode o, String f) {
        return o.hasNonNull(f) ? o.get(f).asText() : null;
    }

    public Notice withLinks(Links l) {
        return new Notice(kind, tenant, groupKey, groupLabels, alerts, at, changes, l, summary);
    }

    public Notice withChanges(List<Change> c) {
        return new Notice(kind, tenant, groupKey, groupLabels, alerts, at, c, links, summary);
    }
}

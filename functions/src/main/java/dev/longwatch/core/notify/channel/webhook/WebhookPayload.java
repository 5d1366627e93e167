package dev.longwatch.core.notify.channel.webhook;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.longwatch.core.notify.Json;
import dev.longwatch.core.notify.Notice;
import dev.longwatch.model.alerting.AlertTransition;

import java.time.Instant;
import java.util.TreeMap;

/**
 * The documented JSON of the generic webhook, the action webhook and SNS messages (docs/notifications.md):
 * version 1, one object per notification with every alert of the group.
 */
public final class WebhookPayload {
    public static final int MAX_ALERTS = 100;

    private WebhookPayload() {
    }

    /** The payload within {@code MAX_BYTES} (240 KB): fewer alerts are listed until it fits. */
    public static ObjectNode render(Notice n, String notificationId, String type) {
        int limit = Math.min(MAX_ALERTS, n.alerts().size());
        while (true) {
            ObjectNode o = render(n, notificationId, type, limit);
            if (limit <= 1 || o.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= MAX_BYTES) {
                return o;
            }
            limit = limit / 2;
        }
    }

    public static final int MAX_BYTES = 240 * 1024;

    private static ObjectNode render(Notice n, String notificationId, String type, int maxAlerts) {
        ObjectNode o = Json.object();
        o.put("version", "1");
        o.put("type", type);
        o.put("id", notificationId);
        o.put("tenant", n.tenant());
        o.put("kind", n.kind().name().toLowerCase());
        o.put("status", n.status());
        o.put("severity", n.severity().wire());
        o.put("title", n.title());
        o.put("groupKey", n.groupKey());
        Json.putMap(o, "groupLabels", new TreeMap<>(n.groupLabels()));
        o.put("at", Instant.ofEpochMilli(n.at()).toString());
        ArrayNode alerts = o.putArray("alerts");
        n.alerts().stream().limit(maxAlerts).forEach(i -> {
            AlertTransition t = i.alert();
            ObjectNode a = alerts.addObject();
            a.put("alertId", t.alertId());
            a.put("monitorId", t.monitorId());
            a.put("monitorName", t.monitorName());
            Json.putMap(a, "group", new TreeMap<>(t.group()));
            a.put("state", t.to().wire());
            a.put("previousState", t.from().wire());
            a.put("severity", t.severity().wire());
            a.put("priority", t.priority());
            a.put("since", Instant.ofEpochMilli(t.since()).toString());
            a.put("at", Instant.ofEpochMilli(t.at()).toString());
            a.put("durationSeconds", i.durationMillis() / 1000);
            if (t.value() != null) {
                a.put("value", t.value());
            }
            if (t.threshold() != null) {
                a.put("threshold", t.threshold());
            }
            putIf(a, "condition", t.condition());
            putIf(a, "query", t.query());
            putIf(a, "message", t.message() == null ? null : dev.longwatch.core.notify.Text.clip(t.message(), 4000));
            putIf(a, "runbook", t.runbook());
            putIf(a, "owner", t.owner());
            putIf(a, "error", t.error());
            Json.putMap(a, "labels", new TreeMap<>(t.labels()));
            a.put("silenceExpired", i.silenceExpired());
        });
        o.put("truncatedAlerts", Math.max(0, n.alerts().size() - maxAlerts));
        ArrayNode changes = o.putArray("changes");
        n.changes().forEach(c -> {
            ObjectNode x = changes.addObject();
            x.put("title", c.title());
            x.put("kind", c.kind());
            x.put("time", Instant.ofEpochMilli(c.time()).toString());
            putIf(x, "link", c.link());
        });
        ObjectNode links = o.putObject("links");
        putIf(links, "console", n.links().console());
        putIf(links, "runbook", n.links().runbook());
        putIf(links, "chart", n.links().chart());
        putIf(links, "ack", n.links().ack());
        putIf(links, "silence", n.links().silence());
        putIf(links, "resolve", n.links().resolve());
        Json.putStrings(o, "summary", n.summary());
        return o;
    }

    private static void putIf(ObjectNode o, String f, String v) {
        if (v != null) {
            o.put(f, v);
        }
    }
}

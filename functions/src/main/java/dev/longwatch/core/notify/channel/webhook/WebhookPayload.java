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

    public static ObjectNode render(Notice n, String notificationId, String type) {
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
        n.alerts().stream().limit(MAX_ALERTS).forEach(i -> {
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
            putIf(a, "message", t.message());
            putIf(a, "runbook", t.runbook());
            putIf(a, "owner", t.owner());
            putIf(a, "error", t.error());
            Json.putMap(a, "labels", new TreeMap<>(t.labels()));
            a.put("silenceExpired", i.silenceExpired());
        });
        o.put("truncatedAlerts", Math.max(0, n.alerts().size() - MAX_ALERTS));
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

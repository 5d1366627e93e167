package dev.longwatch.core.notify.channel.teams;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.longwatch.core.notify.Json;
import dev.longwatch.core.notify.Notice;
import dev.longwatch.core.notify.Text;
import dev.longwatch.core.notify.channel.Channel;
import dev.longwatch.core.notify.channel.ChannelType;
import dev.longwatch.core.notify.channel.HttpTransport;
import dev.longwatch.core.notify.channel.Notifier;
import dev.longwatch.core.notify.channel.Outcome;
import dev.longwatch.model.alerting.AlertTransition;

import java.util.Map;

/**
 * Microsoft Teams through a Workflows ("When a Teams webhook request is received") webhook: a message with one
 * Adaptive Card 1.4 attachment. Teams refuses messages over 28 KB: alerts are dropped from the list until it fits.
 * Actions are signed one-click links (Action.OpenUrl).
 */
public final class TeamsNotifier implements Notifier {
    public static final int MAX_BYTES = 27 * 1024;
    private final HttpTransport http;

    public TeamsNotifier(HttpTransport http) {
        this.http = http;
    }

    @Override
    public ChannelType type() {
        return ChannelType.TEAMS;
    }

    @Override
    public String render(Channel channel, Notice n, String notificationId) {
        for (int lines = Math.min(n.alerts().size(), 20); ; lines = lines / 2) {
            String s = card(n, lines).toString();
            if (s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= MAX_BYTES || lines == 0) {
                return s;
            }
        }
    }

    private static ObjectNode card(Notice n, int lines) {
        ObjectNode msg = Json.object().put("type", "message");
        ObjectNode att = msg.putArray("attachments").addObject();
        att.put("contentType", "application/vnd.microsoft.card.adaptive");
        ObjectNode card = att.putObject("content");
        card.put("$schema", "http://adaptivecards.io/schemas/adaptive-card.json");
        card.put("type", "AdaptiveCard").put("version", "1.4");
        ArrayNode body = card.putArray("body");
        body.addObject().put("type", "TextBlock").put("text", Text.clip(n.title(), 300)).put("weight", "Bolder")
                .put("size", "Medium").put("wrap", true)
                .put("color", n.status().equals("resolved") ? "Good" : n.severity().wire().equals("critical")
                        ? "Attention" : "Warning");
        if (n.kind() == Notice.Kind.SUMMARY) {
            text(body, "Too many alert groups changed at once; instead of one message each:\n\n- "
                    + String.join("\n- ", n.summary().stream().limit(50).toList()));
            return msg;
        }
        if (n.kind() == Notice.Kind.TEST) {
            text(body, "This channel is set up: Longwatch can deliver notifications here.");
            return msg;
        }
        AlertTransition first = n.first();
        ArrayNode facts = body.addObject().put("type", "FactSet").putArray("facts");
        fact(facts, "Severity", n.severity().wire());
        fact(facts, "Status", n.status());
        if (first.condition() != null) {
            fact(facts, "Condition", first.condition());
        }
        if (first.query() != null) {
            fact(facts, "Query", first.query());
        }
        if (first.message() != null) {
            text(body, first.message());
        }
        StringBuilder b = new StringBuilder();
        n.alerts().stream().limit(lines).forEach(i -> b.append("- ").append(i.line()).append("\n"));
        if (n.alerts().size() > lines) {
            b.append("- …and ").append(n.alerts().size() - lines).append(" more");
        }
        text(body, b.toString().trim());
        if (!n.changes().isEmpty()) {
            StringBuilder c = new StringBuilder("What changed before:\n");
            n.changes().stream().limit(5).forEach(ch -> c.append("- ").append(ch.kind()).append(": ").append(ch.title())
                    .append("\n"));
            text(body, c.toString().trim());
        }
        if (n.links().chart() != null) {
            body.addObject().put("type", "Image").put("url", n.links().chart()).put("altText", "chart");
        }
        ArrayNode actions = card.putArray("actions");
        if (!n.firing().isEmpty()) {
            link(actions, "Acknowledge", n.links().ack());
            link(actions, "Silence 1h", n.links().silence());
            link(actions, "Resolve", n.links().resolve());
        }
        link(actions, "Open in Longwatch", n.links().console());
        link(actions, "Runbook", n.links().runbook());
        return msg;
    }

    private static void text(ArrayNode body, String s) {
        body.addObject().put("type", "TextBlock").put("text", Text.clip(s, 5000)).put("wrap", true);
    }

    private static void fact(ArrayNode facts, String title, String value) {
        facts.addObject().put("title", title).put("value", Text.clip(value, 500));
    }

    private static void link(ArrayNode actions, String title, String url) {
        if (url != null) {
            actions.addObject().put("type", "Action.OpenUrl").put("title", title).put("url", url);
        }
    }

    @Override
    public Outcome notify(Channel channel, Notice notice, String notificationId) {
        return http.outcome(http.post(channel.secret("url"), Map.of(), render(channel, notice, notificationId)),
                "Teams");
    }
}

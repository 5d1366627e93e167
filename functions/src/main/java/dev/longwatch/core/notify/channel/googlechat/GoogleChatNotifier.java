package dev.longwatch.core.notify.channel.googlechat;

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
 * Google Chat incoming webhook: a {@code cardsV2} card (header, text, buttons opening signed action links) with a
 * plain-text fallback. Messages are kept under Chat's 32,000-byte limit by listing at most 20 alerts.
 */
public final class GoogleChatNotifier implements Notifier {
    private final HttpTransport http;

    public GoogleChatNotifier(HttpTransport http) {
        this.http = http;
    }

    @Override
    public ChannelType type() {
        return ChannelType.GOOGLE_CHAT;
    }

    @Override
    public String render(Channel channel, Notice n, String notificationId) {
        ObjectNode o = Json.object().put("text", Text.clip(n.title(), 4000));
        ObjectNode card = o.putArray("cardsV2").addObject().put("cardId", "longwatch").putObject("card");
        ObjectNode header = card.putObject("header").put("title", Text.clip(n.title(), 200));
        header.put("subtitle", "severity " + n.severity().wire() + " · " + n.status());
        ArrayNode widgets = card.putArray("sections").addObject().putArray("widgets");
        if (n.kind() == Notice.Kind.SUMMARY) {
            para(widgets, "Too many alert groups changed at once; instead of one message each:<br>"
                    + String.join("<br>", n.summary().stream().limit(50).map(GoogleChatNotifier::esc).toList()));
            return o.toString();
        }
        if (n.kind() == Notice.Kind.TEST) {
            para(widgets, "This channel is set up: Longwatch can deliver notifications here.");
            return o.toString();
        }
        AlertTransition first = n.first();
        if (first.message() != null) {
            para(widgets, esc(first.message()));
        }
        StringBuilder b = new StringBuilder();
        n.alerts().stream().limit(20).forEach(i -> b.append(esc(i.line())).append("<br>"));
        if (n.alerts().size() > 20) {
            b.append("…and ").append(n.alerts().size() - 20).append(" more");
        }
        para(widgets, b.toString());
        if (first.condition() != null) {
            decorated(widgets, "Condition", first.condition());
        }
        if (first.query() != null) {
            decorated(widgets, "Query", first.query());
        }
        if (!n.changes().isEmpty()) {
            StringBuilder c = new StringBuilder();
            n.changes().stream().limit(5).forEach(ch -> c.append(esc(ch.kind() + ": " + ch.title())).append("<br>"));
            decorated(widgets, "What changed before", c.toString());
        }
        if (n.links().chart() != null) {
            widgets.addObject().putObject("image").put("imageUrl", n.links().chart()).put("altText", "chart");
        }
        ArrayNode buttons = Json.MAPPER.createArrayNode();
        if (!n.firing().isEmpty()) {
            button(buttons, "Acknowledge", n.links().ack());
            button(buttons, "Silence 1h", n.links().silence());
            button(buttons, "Resolve", n.links().resolve());
        }
        button(buttons, "Open in Longwatch", n.links().console());
        button(buttons, "Runbook", n.links().runbook());
        if (!buttons.isEmpty()) {
            widgets.addObject().putObject("buttonList").set("buttons", buttons);
        }
        return o.toString();
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static void para(ArrayNode widgets, String html) {
        widgets.addObject().putObject("textParagraph").put("text", Text.clip(html, 4000));
    }

    private static void decorated(ArrayNode widgets, String label, String text) {
        ObjectNode d = widgets.addObject().putObject("decoratedText");
        d.put("topLabel", label).put("text", Text.clip(text, 2000)).put("wrapText", true);
    }

    private static void button(ArrayNode buttons, String text, String url) {
        if (url != null) {
            buttons.addObject().put("text", text).putObject("onClick").putObject("openLink").put("url", url);
        }
    }

    @Override
    public Outcome notify(Channel channel, Notice notice, String notificationId) {
        return http.outcome(http.post(channel.secret("url"), Map.of("Content-Type", "application/json; charset=UTF-8"),
                render(channel, notice, notificationId)), "Google Chat");
    }
}

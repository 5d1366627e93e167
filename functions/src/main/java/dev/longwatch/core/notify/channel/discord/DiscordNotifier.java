package dev.longwatch.core.notify.channel.discord;

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

import java.time.Instant;
import java.util.Map;

/**
 * Discord webhook: one embed (title 256, description 4096, at most 25 fields of 256/1024, 6000 characters in all),
 * mentions disabled. Discord's rate-limit headers are honoured by {@link HttpTransport}.
 */
public final class DiscordNotifier implements Notifier {
    static final int TOTAL_MAX = 6000;
    private final HttpTransport http;

    public DiscordNotifier(HttpTransport http) {
        this.http = http;
    }

    @Override
    public ChannelType type() {
        return ChannelType.DISCORD;
    }

    @Override
    public String render(Channel channel, Notice n, String notificationId) {
        ObjectNode o = Json.object().put("username", "Longwatch");
        o.putObject("allowed_mentions").putArray("parse");
        ObjectNode e = o.putArray("embeds").addObject();
        String title = Text.clip(n.title(), 256);
        e.put("title", title);
        e.put("color", n.status().equals("resolved") ? 0x2EB67D : n.severity().wire().equals("critical") ? 0xE01E5A
                : n.severity().wire().equals("warning") ? 0xECB22E : 0x36C5F0);
        e.put("timestamp", Instant.ofEpochMilli(n.at()).toString());
        if (n.links().console() != null) {
            e.put("url", n.links().console());
        }
        int budget = TOTAL_MAX - title.length() - 100;
        StringBuilder d = new StringBuilder();
        if (n.kind() == Notice.Kind.SUMMARY) {
            d.append("Too many alert groups changed at once; instead of one message each:\n");
            n.summary().forEach(s -> d.append("• ").append(s).append("\n"));
        } else if (n.kind() == Notice.Kind.TEST) {
            d.append("This channel is set up: Longwatch can deliver notifications here.");
        } else {
            AlertTransition first = n.first();
            if (first.message() != null) {
                d.append(first.message()).append("\n\n");
            }
            int shown = 0;
            for (Notice.Item i : n.alerts()) {
                String line = (i.active() ? "🔴 " : "🟢 ") + i.line() + "\n";
                if (d.length() + line.length() > 3000) {
                    break;
                }
                d.append(line);
                shown++;
            }
            if (shown < n.alerts().size()) {
                d.append("…and ").append(n.alerts().size() - shown).append(" more");
            }
        }
        String description = Text.clip(d.toString().trim(), Math.min(4096, budget));
        e.put("description", description);
        budget -= description.length();
        ArrayNode fields = e.putArray("fields");
        if (n.kind() == Notice.Kind.ALERT) {
            AlertTransition first = n.first();
            budget = field(fields, "Severity", n.severity().wire(), true, budget);
            if (first.condition() != null) {
                budget = field(fields, "Condition", first.condition(), true, budget);
            }
            if (first.query() != null) {
                budget = field(fields, "Query", "`" + first.query() + "`", false, budget);
            }
            if (!n.changes().isEmpty()) {
                StringBuilder c = new StringBuilder();
                n.changes().stream().limit(5).forEach(ch -> c.append(ch.kind()).append(": ").append(ch.title()).append("\n"));
                budget = field(fields, "What changed before", c.toString().trim(), false, budget);
            }
            StringBuilder links = new StringBuilder();
            if (!n.firing().isEmpty()) {
                md(links, "Acknowledge", n.links().ack());
                md(links, "Silence 1h", n.links().silence());
                md(links, "Resolve", n.links().resolve());
            }
            md(links, "Runbook", n.links().runbook());
            if (!links.isEmpty()) {
                field(fields, "Actions", links.toString(), false, budget);
            }
        }
        if (n.links().chart() != null) {
            e.putObject("image").put("url", n.links().chart());
        }
        e.putObject("footer").put("text", "Longwatch");
        return o.toString();
    }

    private static void md(StringBuilder b, String text, String url) {
        if (url != null) {
            b.append(b.isEmpty() ? "" : " · ").append("[").append(text).append("](").append(url).append(")");
        }
    }

    private static int field(ArrayNode fields, String name, String value, boolean inline, int budget) {
        if (fields.size() >= 25 || budget < name.length() + 20) {
            return budget;
        }
        String v = Text.clip(value, Math.min(1024, budget - name.length()));
        fields.addObject().put("name", Text.clip(name, 256)).put("value", v).put("inline", inline);
        return budget - name.length() - v.length();
    }

    @Override
    public Outcome notify(Channel channel, Notice notice, String notificationId) {
        return http.outcome(http.post(channel.secret("url"), Map.of(), render(channel, notice, notificationId)),
                "Discord");
    }
}

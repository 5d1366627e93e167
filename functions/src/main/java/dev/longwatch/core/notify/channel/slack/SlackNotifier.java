package dev.longwatch.core.notify.channel.slack;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.List;
import java.util.Map;

/**
 * Slack: Block Kit through an incoming webhook ({@code url}) or, with a bot token and a channel id, through
 * {@code chat.postMessage}, which returns the message's {@code ts} so acknowledging and resolving can update the
 * original message with {@code chat.update}. Limits kept: header 150 chars, section text 3000, 10 fields,
 * 50 blocks, fallback text 3000.
 */
public final class SlackNotifier implements Notifier {
    public static final int MAX_LINES = 15;
    static final int SECTION_MAX = 3000;
    private final HttpTransport http;
    private final String apiBase;

    /** {@code apiBase}: {@code https://slack.com/api} (tests point it at a local receiver). */
    public SlackNotifier(HttpTransport http, String apiBase) {
        this.http = http;
        this.apiBase = apiBase;
    }

    @Override
    public ChannelType type() {
        return ChannelType.SLACK;
    }

    @Override
    public String render(Channel channel, Notice n, String notificationId) {
        ObjectNode o = message(n, null);
        if (usesBot(channel)) {
            o.put("channel", channel.setting("channel"));
        }
        return o.toString();
    }

    public static boolean usesBot(Channel c) {
        return c.secret("botToken") != null && c.setting("channel") != null;
    }

    /** The Block Kit message; {@code note} (e.g. "Acknowledged by @ana") replaces the buttons when set. */
    public static ObjectNode message(Notice n, String note) {
        ObjectNode o = Json.object();
        o.put("text", Text.clip(n.title(), SECTION_MAX));
        ArrayNode blocks = o.putArray("blocks");
        ObjectNode header = blocks.addObject().put("type", "header");
        header.putObject("text").put("type", "plain_text").put("text", Text.clip(n.title(), 150)).put("emoji", true);
        if (n.kind() == Notice.Kind.SUMMARY) {
            section(blocks, "Too many alert groups changed at once; instead of one message each:\n"
                    + bullets(n.summary()));
            return o;
        }
        if (n.kind() == Notice.Kind.TEST) {
            section(blocks, "This channel is set up: Longwatch can deliver notifications here.");
            return o;
        }
        AlertTransition first = n.first();
        ObjectNode fields = blocks.addObject().put("type", "section");
        ArrayNode fa = fields.putArray("fields");
        field(fa, "Severity", n.severity().wire());
        field(fa, "Status", n.status());
        if (first.condition() != null) {
            field(fa, "Condition", first.condition());
        }
        if (first.owner() != null) {
            field(fa, "Owner", first.owner());
        }
        if (first.message() != null) {
            section(blocks, Text.slack(first.message()));
        }
        List<String> lines = n.alerts().stream().limit(MAX_LINES).map(i -> (i.active() ? ":red_circle: " : ":large_green_circle: ")
                + Text.slack(i.line())).toList();
        String more = n.alerts().size() > MAX_LINES ? "\n…and " + (n.alerts().size() - MAX_LINES) + " more" : "";
        section(blocks, String.join("\n", lines) + more);
        if (first.query() != null) {
            section(blocks, "*Query:* `" + Text.slack(first.query()) + "`");
        }
        if (n.links().chart() != null) {
            blocks.addObject().put("type", "image").put("image_url", n.links().chart())
                    .put("alt_text", "the last hours of the monitored value with the threshold");
        }
        if (!n.changes().isEmpty()) {
            section(blocks, "*What changed before:*\n" + bullets(n.changes().stream().limit(5)
                    .map(c -> Instant.ofEpochMilli(c.time()) + " " + c.kind() + ": " + c.title()).toList()));
        }
        StringBuilder ctx = new StringBuilder();
        if (n.links().console() != null) {
            ctx.append("<").append(n.links().console()).append("|Open in Longwatch>");
        }
        if (n.links().runbook() != null) {
            ctx.append(ctx.isEmpty() ? "" : " · ").append("<").append(n.links().runbook()).append("|Runbook>");
        }
        if (!ctx.isEmpty()) {
            ArrayNode el = blocks.addObject().put("type", "context").putArray("elements");
            el.addObject().put("type", "mrkdwn").put("text", ctx.toString());
        }
        if (note != null) {
            ArrayNode el = blocks.addObject().put("type", "context").putArray("elements");
            el.addObject().put("type", "mrkdwn").put("text", Text.clip(Text.slack(note), SECTION_MAX));
        } else if (!n.firing().isEmpty()) {
            ArrayNode el = blocks.addObject().put("type", "actions").putArray("elements");
            button(el, "Acknowledge", "ack", n.groupKey(), "primary");
            button(el, "Silence 1h", "silence_1h", n.groupKey(), null);
            button(el, "Resolve", "resolve", n.groupKey(), "danger");
        }
        return o;
    }

    private static String bullets(List<String> items) {
        StringBuilder b = new StringBuilder();
        for (String s : items) {
            String line = "• " + Text.slack(s) + "\n";
            if (b.length() + line.length() > SECTION_MAX - 40) {
                b.append("…");
                break;
            }
            b.append(line);
        }
        return b.toString().trim();
    }

    private static void section(ArrayNode blocks, String mrkdwn) {
        blocks.addObject().put("type", "section").putObject("text").put("type", "mrkdwn")
                .put("text", Text.clip(mrkdwn, SECTION_MAX));
    }

    private static void field(ArrayNode fields, String name, String value) {
        if (fields.size() < 10) {
            fields.addObject().put("type", "mrkdwn").put("text", Text.clip("*" + name + "*\n" + Text.slack(value), 2000));
        }
    }

    private static void button(ArrayNode el, String text, String action, String groupId, String style) {
        ObjectNode b = el.addObject().put("type", "button").put("action_id", action).put("value", groupId);
        b.putObject("text").put("type", "plain_text").put("text", text);
        if (style != null) {
            b.put("style", style);
        }
    }

    @Override
    public Outcome notify(Channel channel, Notice notice, String notificationId) {
        String body = render(channel, notice, notificationId);
        if (!usesBot(channel)) {
            if (channel.secret("url") == null) {
                return Outcome.permanent(0, "the Slack channel has neither a webhook url nor a bot token and channel");
            }
            return http.outcome(http.post(channel.secret("url"), Map.of(), body), "Slack");
        }
        return api(channel, "chat.postMessage", body);
    }

    /** Rewrites a message the bot posted ({@code ref} = {@code channel/ts}) with a note, e.g. who acknowledged. */
    public Outcome update(Channel channel, String ref, Notice notice, String note) {
        int slash = ref.indexOf('/');
        ObjectNode o = message(notice, note);
        o.put("channel", ref.substring(0, slash));
        o.put("ts", ref.substring(slash + 1));
        return api(channel, "chat.update", o.toString());
    }

    private Outcome api(Channel channel, String method, String body) {
        HttpTransport.Response r = http.post(apiBase + "/" + method,
                Map.of("Authorization", "Bearer " + channel.secret("botToken"),
                        "Content-Type", "application/json; charset=utf-8"), body);
        Outcome o = http.outcome(r, "Slack " + method);
        if (!o.sent()) {
            return o;
        }
        JsonNode answer;
        try {
            answer = Json.MAPPER.readTree(r.body());
        } catch (Exception e) {
            return Outcome.retryable(r.status(), 0, "Slack " + method + " answered with something that is not JSON");
        }
        if (!answer.path("ok").asBoolean()) {
            String err = answer.path("error").asText("unknown");
            return err.equals("ratelimited") ? Outcome.retryable(429, http.retryAfterMillis(r), "Slack rate limit")
                    : Outcome.permanent(r.status(), "Slack " + method + " refused: " + err);
        }
        return Outcome.sent(r.status(), answer.path("channel").asText() + "/" + answer.path("ts").asText());
    }
}

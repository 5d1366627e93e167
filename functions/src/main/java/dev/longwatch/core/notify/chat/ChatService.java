package dev.longwatch.core.notify.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.longwatch.core.notify.GroupState;
import dev.longwatch.core.notify.Json;
import dev.longwatch.core.notify.Notice;
import dev.longwatch.core.notify.NotificationConfig;
import dev.longwatch.core.notify.NotificationService;
import dev.longwatch.core.notify.NotifyStore;
import dev.longwatch.core.notify.Text;
import dev.longwatch.core.notify.channel.Channel;
import dev.longwatch.core.notify.channel.ChannelType;
import dev.longwatch.core.notify.channel.HttpTransport;
import dev.longwatch.core.notify.mute.Silence;
import dev.longwatch.core.telemetry.Log;
import dev.longwatch.model.PayloadException;
import dev.longwatch.model.alerting.AlertState;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * ChatOps: Slack's {@code /longwatch} command and buttons, and the signed action links. Every action goes through
 * {@link AlertCommands} (or creates a silence) with the chat user's identity as {@code by}, so it lands in the audit
 * log. After an acknowledgement, the group's Slack messages posted by the bot are updated (chat.update) and its
 * PagerDuty incidents acknowledged.
 */
public final class ChatService {
    private static final Log LOG = Log.get(ChatService.class);
    public static final String HELP = "Usage: /longwatch status | ack <alert> | resolve <alert> | "
            + "silence <monitor|label=value,...> <duration> | graph <metric> [filter ...] [range]";

    /** Port: a chart for {@code graph}: an image URL for a metric, filters and range (null when there is none). */
    public interface Graphs {
        String graphUrl(String tenant, String metric, List<String> filters, String range, long now);
    }

    private final NotificationService notifications;
    private final NotificationConfig config;
    private final AlertCommands alerts;
    private final Graphs graphs;
    private final HttpTransport http;
    private final Clock clock;
    private final String consoleUrl;

    public ChatService(NotificationService notifications, NotificationConfig config, AlertCommands alerts,
                       Graphs graphs, HttpTransport http, Clock clock, String consoleUrl) {
        this.notifications = notifications;
        this.config = config;
        this.alerts = alerts;
        this.graphs = graphs;
        this.http = http;
        this.clock = clock;
        this.consoleUrl = consoleUrl;
    }

    /** True the first time this Slack signature is seen (replays are refused). */
    public boolean firstUse(String tenant, String signature) {
        return notifications.store().firstSeen(tenant, "slack", signature,
                clock.millis() + 2 * SlackSignature.WINDOW_SECONDS * 1000);
    }

    // ---------------------------------------------------------------- slash command

    /** Answers {@code /longwatch <text>} for a Slack user; the answer is a Slack message (JSON). */
    public ObjectNode command(String tenant, String text, String by) {
        String[] words = text == null ? new String[0] : text.trim().split("\\s+");
        if (words.length == 0 || words[0].isEmpty()) {
            return ephemeral(HELP);
        }
        try {
            return switch (words[0].toLowerCase()) {
                case "status" -> status(tenant);
                case "ack" -> words.length < 2 ? ephemeral("Usage: /longwatch ack <alert id>")
                        : alerts.ack(tenant, words[1], by, rest(words, 2)).map(a -> inChannel(
                        ":eyes: " + by + " acknowledged " + a.monitorName() + " (" + a.group() + ")"))
                        .orElseGet(() -> ephemeral("No alert " + words[1] + "."));
                case "resolve" -> words.length < 2 ? ephemeral("Usage: /longwatch resolve <alert id>")
                        : alerts.resolve(tenant, words[1], by, rest(words, 2)).map(a -> inChannel(
                        ":white_check_mark: " + by + " resolved " + a.monitorName() + " (" + a.group() + ")"))
                        .orElseGet(() -> ephemeral("No alert " + words[1] + "."));
                case "silence" -> silence(tenant, words, by);
                case "graph" -> graph(tenant, words);
                default -> ephemeral(HELP);
            };
        } catch (PayloadException e) {
            return ephemeral("Cannot do that: " + e.field() + " " + e.reason());
        }
    }

    private static String rest(String[] words, int from) {
        return from >= words.length ? null : String.join(" ", java.util.Arrays.copyOfRange(words, from, words.length));
    }

    private ObjectNode status(String tenant) {
        AlertCommands.Status s = alerts.status(tenant);
        StringBuilder b = new StringBuilder("*Alerts*: ");
        s.byState().forEach((k, v) -> b.append(k).append(' ').append(v).append("  "));
        b.append("\n*By severity*: ");
        s.bySeverity().forEach((k, v) -> b.append(k).append(' ').append(v).append("  "));
        for (AlertCommands.AlertLine l : s.top().stream().limit(5).toList()) {
            b.append("\n• ").append(l.severity()).append(" ").append(Text.slack(l.monitorName())).append(" (")
                    .append(Text.slack(l.group())).append(") ").append(l.state()).append(" — `").append(l.alertId())
                    .append('`');
        }
        return ephemeral(b.toString());
    }

    private ObjectNode silence(String tenant, String[] words, String by) {
        if (words.length < 3) {
            return ephemeral("Usage: /longwatch silence <monitor id | label=value,...> <duration, e.g. 2h>");
        }
        List<String> matchers = new ArrayList<>();
        for (int i = 1; i < words.length - 1; i++) {
            for (String m : words[i].split(",")) {
                if (!m.isBlank()) {
                    matchers.add(m.contains("=") || m.contains("~") ? m : "monitor=" + m);
                }
            }
        }
        ObjectNode body = Json.object();
        Json.putStrings(body, "matchers", matchers);
        body.put("duration", words[words.length - 1]);
        body.put("createdBy", by);
        body.put("comment", "from Slack");
        Silence s = config.createSilence(tenant, by, body);
        return inChannel(":mute: " + by + " silenced " + String.join(", ", matchers) + " until "
                + java.time.Instant.ofEpochMilli(s.endsAt()) + " (" + s.id() + ")");
    }

    private ObjectNode graph(String tenant, String[] words) {
        if (words.length < 2) {
            return ephemeral("Usage: /longwatch graph <metric> [key:value ...] [range, e.g. 3h]");
        }
        String metric = words[1];
        List<String> filters = new ArrayList<>();
        String range = "3h";
        for (int i = 2; i < words.length; i++) {
            if (words[i].matches("\\d+[mhd]")) {
                range = words[i];
            } else {
                filters.add(words[i]);
            }
        }
        String image = graphs == null ? null : graphs.graphUrl(tenant, metric, filters, range, clock.millis());
        ObjectNode o = inChannel(metric + " over the last " + range + (filters.isEmpty() ? "" : " for "
                + String.join(" ", filters)));
        ArrayNode blocks = o.putArray("blocks");
        blocks.addObject().put("type", "section").putObject("text").put("type", "mrkdwn").put("text",
                Text.slack(o.get("text").asText()) + (consoleUrl == null ? "" : "\n<" + consoleUrl.replaceAll("/+$", "")
                        + "/explore?metric=" + java.net.URLEncoder.encode(metric, java.nio.charset.StandardCharsets.UTF_8)
                        + "|Open in Longwatch>"));
        if (image != null) {
            blocks.addObject().put("type", "image").put("image_url", image).put("alt_text", metric);
        }
        return o;
    }

    private static ObjectNode ephemeral(String text) {
        return Json.object().put("response_type", "ephemeral").put("text", text);
    }

    private static ObjectNode inChannel(String text) {
        return Json.object().put("response_type", "in_channel").put("text", text);
    }

    // ---------------------------------------------------------------- buttons and links

    /** What a group action did, for the answer. */
    public record Done(String text, int alerts) {
    }

    /**
     * Acknowledges, silences for an hour or resolves every active alert of a notification group, as {@code by}.
     * Empty when the group no longer exists (everything in it resolved).
     */
    public Optional<Done> groupAction(String tenant, String groupId, String action, String by) {
        Optional<NotifyStore.GroupItem> item = notifications.store().getGroup(tenant, groupId);
        if (item.isEmpty()) {
            return Optional.empty();
        }
        GroupState g = GroupState.fromItem(item.get());
        List<String> active = g.alerts.entrySet().stream().filter(e -> e.getValue().alert.to() != AlertState.RESOLVED
                && e.getValue().alert.to() != AlertState.OK).map(Map.Entry::getKey).toList();
        String text;
        switch (action) {
            case "ack" -> {
                int n = 0;
                for (String id : active) {
                    n += alerts.ack(tenant, id, by, "from chat").isPresent() ? 1 : 0;
                }
                text = "Acknowledged by " + by + " (" + n + " alert" + (n == 1 ? "" : "s") + ")";
                afterAck(tenant, g, text);
            }
            case "resolve" -> {
                int n = 0;
                for (String id : active) {
                    n += alerts.resolve(tenant, id, by, "from chat").isPresent() ? 1 : 0;
                }
                text = "Resolved by " + by + " (" + n + " alert" + (n == 1 ? "" : "s") + ")";
                updateSlack(tenant, g, text);
            }
            case "silence_1h" -> {
                ObjectNode body = Json.object();
                List<String> matchers = new ArrayList<>();
                g.labels.forEach((k, v) -> matchers.add(k + "=" + v));
                if (matchers.isEmpty() && !g.alerts.isEmpty()) {
                    matchers.add("monitor=" + g.alerts.values().iterator().next().alert.monitorId());
                }
                Json.putStrings(body, "matchers", matchers);
                body.put("duration", "1h");
                body.put("createdBy", by);
                body.put("comment", "Silence 1h from chat");
                Silence s = config.createSilence(tenant, by, body);
                text = "Silenced for 1h by " + by + " (" + String.join(", ", matchers) + ", " + s.id() + ")";
                updateSlack(tenant, g, text);
            }
            default -> throw new PayloadException("action", "unknown action " + action);
        }
        LOG.info("chat action", "tenant", tenant, "group", groupId, "action", action, "alerts", active.size());
        return Optional.of(new Done(text, active.size()));
    }

    private void afterAck(String tenant, GroupState g, String note) {
        updateSlack(tenant, g, note);
        for (String chId : g.channels) {
            notifications.channels().get(tenant, chId).filter(c -> c.type() == ChannelType.PAGERDUTY).ifPresent(c ->
                    notifications.notifiers().pagerDuty().acknowledge(c, notice(tenant, g)));
        }
    }

    /** Rewrites the group's Slack messages the bot posted, with the note in place of the buttons. */
    private void updateSlack(String tenant, GroupState g, String note) {
        for (Map.Entry<String, String> ref : g.refs.entrySet()) {
            Optional<Channel> c = notifications.channels().get(tenant, ref.getKey());
            if (c.isPresent() && c.get().type() == ChannelType.SLACK) {
                var o = notifications.notifiers().slack().update(c.get(), ref.getValue(), notice(tenant, g), note);
                if (!o.sent()) {
                    LOG.warn("Slack message update failed", "tenant", tenant, "channelId", ref.getKey(), "reason",
                            String.valueOf(o.error()));
                }
            }
        }
    }

    private Notice notice(String tenant, GroupState g) {
        List<Notice.Item> items = g.alerts.values().stream().map(e -> new Notice.Item(e.alert, false)).toList();
        return new Notice(Notice.Kind.ALERT, tenant, g.id, g.labels, items, clock.millis(), List.of(),
                Notice.Links.NONE, List.of());
    }

    /** Posts an answer to a Slack interaction's {@code response_url} (replacing the original when asked). */
    public void respond(String responseUrl, String text, boolean replaceOriginal) {
        if (responseUrl == null) {
            return;
        }
        ObjectNode o = Json.object().put("text", text).put("replace_original", replaceOriginal)
                .put("response_type", "in_channel");
        http.post(responseUrl, Map.of(), o.toString());
    }

    /** Reads a Slack block_actions payload's first action. */
    public record Click(String action, String groupId, String userId, String userName, String responseUrl) {
        public static Click of(JsonNode payload) {
            JsonNode a = payload.path("actions").path(0);
            JsonNode u = payload.path("user");
            return new Click(a.path("action_id").asText(null), a.path("value").asText(null), u.path("id").asText(""),
                    u.path("username").asText(u.path("name").asText("")), payload.path("response_url").asText(null));
        }
    }
}

package dev.longwatch.core.notify.channel.pagerduty;

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
import dev.longwatch.core.notify.channel.Signatures;

import java.time.Instant;
import java.util.Map;

/**
 * PagerDuty Events API v2: {@code trigger} while the group fires, {@code resolve} when it is resolved and
 * {@code acknowledge} when someone acknowledges it from chat, all with one stable {@code dedup_key} per alert
 * group, so PagerDuty keeps one incident. Summary at most 1024 characters.
 */
public final class PagerDutyNotifier implements Notifier {
    public static final String ENDPOINT = "https://events.pagerduty.com/v2/enqueue";
    private final HttpTransport http;

    public PagerDutyNotifier(HttpTransport http) {
        this.http = http;
    }

    @Override
    public ChannelType type() {
        return ChannelType.PAGERDUTY;
    }

    /** The dedup key of a group: stable over the group's life, never reused by another tenant's group. */
    public static String dedupKey(String tenant, String groupKey) {
        return "longwatch-" + Signatures.sha256Hex(tenant + "\n" + groupKey).substring(0, 32);
    }

    @Override
    public String render(Channel channel, Notice n, String notificationId) {
        return event(channel, n, n.status().equals("resolved") ? "resolve" : "trigger").toString();
    }

    public static ObjectNode event(Channel channel, Notice n, String action) {
        ObjectNode o = Json.object();
        o.put("routing_key", channel.secret("routingKey"));
        o.put("event_action", action);
        o.put("dedup_key", dedupKey(n.tenant(), n.groupKey()));
        if (!action.equals("trigger")) {
            return o;
        }
        ObjectNode p = o.putObject("payload");
        String lines = String.join("; ", n.firing().stream().limit(5).map(Notice.Item::line).toList());
        p.put("summary", Text.clip(n.title() + (lines.isEmpty() ? "" : " — " + lines), 1024));
        p.put("source", n.alerts().isEmpty() ? "longwatch" : Text.clip(n.first().monitorId(), 255));
        p.put("severity", n.severity().wire());
        p.put("timestamp", Instant.ofEpochMilli(n.at()).toString());
        if (!n.alerts().isEmpty()) {
            String component = Notice.labelsText(n.groupLabels());
            if (!component.isEmpty()) {
                p.put("component", Text.clip(component, 255));
            }
            p.put("class", "longwatch-monitor");
            if (n.first().owner() != null) {
                p.put("group", Text.clip(n.first().owner(), 255));
            }
            ObjectNode details = p.putObject("custom_details");
            details.put("tenant", n.tenant());
            details.put("firing", n.firing().size());
            if (n.first().condition() != null) {
                details.put("condition", n.first().condition());
            }
            if (n.first().query() != null) {
                details.put("query", n.first().query());
            }
            ArrayNode alerts = details.putArray("alerts");
            n.alerts().stream().limit(50).forEach(i -> alerts.add(i.line()));
        }
        ArrayNode links = o.putArray("links");
        if (n.links().console() != null) {
            links.addObject().put("href", n.links().console()).put("text", "Open in Longwatch");
        }
        if (n.links().runbook() != null) {
            links.addObject().put("href", n.links().runbook()).put("text", "Runbook");
        }
        if (n.links().chart() != null) {
            o.putArray("images").addObject().put("src", n.links().chart()).put("alt", "chart");
        }
        return o;
    }

    private static String endpoint(Channel c) {
        return c.setting("endpoint") == null ? ENDPOINT : c.setting("endpoint");
    }

    @Override
    public Outcome notify(Channel channel, Notice notice, String notificationId) {
        return http.outcome(http.post(endpoint(channel), Map.of(), render(channel, notice, notificationId)),
                "PagerDuty");
    }

    /** Tells PagerDuty the group was acknowledged from chat. */
    public Outcome acknowledge(Channel channel, Notice notice) {
        return http.outcome(http.post(endpoint(channel), Map.of(), event(channel, notice, "acknowledge").toString()),
                "PagerDuty");
    }
}

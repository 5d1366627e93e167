package dev.longwatch.core.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.longwatch.core.notify.channel.Signatures;
import dev.longwatch.core.notify.route.Route;
import dev.longwatch.model.alerting.AlertTransition;
import dev.longwatch.model.alerting.AlertTransitions;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One notification group (Alertmanager's aggregation group) as it is stored between notifier runs: the route's
 * timers and channels, the latest transition of each alert in it, what was last told about each, and when.
 */
public final class GroupState {
    /** The latest transition of one alert, the state last notified (null: never), and whether it was muted. */
    public static final class Entry {
        public AlertTransition alert;
        public String notified;
        public boolean muted;

        Entry(AlertTransition alert, String notified, boolean muted) {
            this.alert = alert;
            this.notified = notified;
            this.muted = muted;
        }
    }

    public final String id;
    public final String routeId;
    public final List<String> channels;
    public final Map<String, String> labels;
    public final long groupWait, groupInterval, repeatInterval;
    /** When the notifier first received a transition of this group (epoch ms). */
    public long firstAt;
    /**
     * When the group's first message is due: the first alert's data time plus the group wait, but never before the
     * gather pause after {@link #firstAt} (0 in items stored before it existed: see {@link #firstDue()}).
     */
    public long firstDueAt;
    public long lastFlushAt;
    public long seq;
    public long version;
    public Long nextAt;
    public final Map<String, Entry> alerts = new LinkedHashMap<>();
    /** Per channel id, the destination's reference of the last message (Slack channel/ts) for updates. */
    public final Map<String, String> refs = new TreeMap<>();

    GroupState(String id, String routeId, List<String> channels, Map<String, String> labels, long groupWait,
               long groupInterval, long repeatInterval) {
        this.id = id;
        this.routeId = routeId;
        this.channels = List.copyOf(channels);
        this.labels = new TreeMap<>(labels);
        this.groupWait = groupWait;
        this.groupInterval = groupInterval;
        this.repeatInterval = repeatInterval;
    }

    /** The group a transition falls in on a route: the route's group-by labels with the alert's values. */
    public static GroupState of(Route r, AlertTransition t) {
        Map<String, String> labels = new TreeMap<>();
        for (String l : r.groupBy()) {
            labels.put(l, t.labels().getOrDefault(l, t.group().getOrDefault(l, "")));
        }
        String key = r.id() + "\n" + String.join(",", new java.util.TreeSet<>(r.channels())) + "\n" + labels;
        String id = "g_" + Signatures.sha256Hex(t.tenant() + "\n" + key).substring(0, 24);
        return new GroupState(id, r.id(), r.channels(), labels, r.groupWait().toMillis(), r.groupInterval().toMillis(),
                r.repeatInterval().toMillis());
    }

    public String toJson() {
        ObjectNode o = Json.object();
        o.put("id", id);
        o.put("routeId", routeId);
        Json.putStrings(o, "channels", channels);
        Json.putMap(o, "labels", labels);
        o.put("groupWait", groupWait);
        o.put("groupInterval", groupInterval);
        o.put("repeatInterval", repeatInterval);
        o.put("firstAt", firstAt);
        if (firstDueAt > 0) {
            o.put("firstDueAt", firstDueAt);
        }
        o.put("lastFlushAt", lastFlushAt);
        o.put("seq", seq);
        ObjectNode a = o.putObject("alerts");
        alerts.forEach((k, e) -> {
            ObjectNode x = a.putObject(k);
            x.put("alert", AlertTransitions.toJson(e.alert));
            if (e.notified != null) {
                x.put("notified", e.notified);
            }
            x.put("muted", e.muted);
        });
        Json.putMap(o, "refs", refs);
        return o.toString();
    }

    public static GroupState fromItem(NotifyStore.GroupItem item) {
        JsonNode o = Json.parse(item.json());
        GroupState g = new GroupState(o.get("id").asText(), o.get("routeId").asText(), Json.strings(o, "channels", 1000),
                Json.stringMap(o, "labels"), o.get("groupWait").asLong(), o.get("groupInterval").asLong(),
                o.get("repeatInterval").asLong());
        g.firstAt = o.path("firstAt").asLong();
        g.firstDueAt = o.path("firstDueAt").asLong();
        g.lastFlushAt = o.path("lastFlushAt").asLong();
        g.seq = o.path("seq").asLong();
        g.version = item.version();
        g.nextAt = item.nextAt();
        o.path("alerts").properties().forEach(e -> g.alerts.put(e.getKey(), new Entry(
                AlertTransitions.fromJson(e.getValue().get("alert").asText()),
                e.getValue().hasNonNull("notified") ? e.getValue().get("notified").asText() : null,
                e.getValue().path("muted").asBoolean())));
        g.refs.putAll(Json.stringMap(o, "refs"));
        return g;
    }

    /**
     * When the first message is due. A group stored before {@code firstDueAt} existed counts its wait from its
     * receipt, as it did then (it matters only until the group's first message).
     */
    public long firstDue() {
        return firstDueAt > 0 ? firstDueAt : firstAt + groupWait;
    }

    public NotifyStore.GroupItem toItem(String tenant) {
        return new NotifyStore.GroupItem(tenant, id, toJson(), version, nextAt);
    }

    public List<String> alertIds() {
        return new ArrayList<>(alerts.keySet());
    }
}

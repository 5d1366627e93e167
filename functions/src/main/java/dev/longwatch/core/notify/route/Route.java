package dev.longwatch.core.notify.route;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.longwatch.core.notify.Durations;
import dev.longwatch.core.notify.Json;
import dev.longwatch.core.notify.mute.LabelMatcher;
import dev.longwatch.model.PayloadException;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A notification route: alerts whose labels match every matcher go to the route's channels, grouped by
 * {@code groupBy} labels with Alertmanager's three timers. Routes are tried by {@code order}; the first match
 * wins unless it says {@code continue}. The {@code default} route catches what no other route matched.
 */
public record Route(String id, String name, int order, List<String> matchers, List<String> channels,
                    List<String> groupBy, Duration groupWait, Duration groupInterval, Duration repeatInterval,
                    boolean continueMatching, boolean isDefault, long createdAt) {
    public static final Duration GROUP_WAIT = Duration.ofSeconds(30);
    public static final Duration GROUP_INTERVAL = Duration.ofMinutes(5);
    public static final Duration REPEAT_INTERVAL = Duration.ofHours(4);
    public static final List<String> DEFAULT_GROUP_BY = List.of("monitor");

    /** The route a monitor's own channel list makes: grouped per monitor with the default timers. */
    public static Route forMonitorChannels(List<String> channels) {
        return new Route("monitor", "monitor channels", 0, List.of(), channels, DEFAULT_GROUP_BY, GROUP_WAIT,
                GROUP_INTERVAL, REPEAT_INTERVAL, false, false, 0);
    }

    public boolean matches(Map<String, String> labels) {
        return LabelMatcher.all(LabelMatcher.parseAll("matchers", matchers), labels);
    }

    public static Route fromJson(String id, JsonNode o, long now) {
        String name = Json.text(o, "name", true, 200);
        List<String> matchers = Json.strings(o, "matchers", 20);
        LabelMatcher.parseAll("matchers", matchers);
        List<String> channels = Json.strings(o, "channels", 20);
        if (channels.isEmpty()) {
            throw new PayloadException("channels", "at least one channel id is required");
        }
        List<String> groupBy = o.has("groupBy") ? Json.strings(o, "groupBy", 20) : DEFAULT_GROUP_BY;
        Duration wait = o.hasNonNull("groupWait") ? Durations.parse("groupWait", Json.text(o, "groupWait", true, 20))
                : GROUP_WAIT;
        Duration interval = o.hasNonNull("groupInterval")
                ? Durations.parse("groupInterval", Json.text(o, "groupInterval", true, 20)) : GROUP_INTERVAL;
        Duration repeat = o.hasNonNull("repeatInterval")
                ? Durations.parse("repeatInterval", Json.text(o, "repeatInterval", true, 20)) : REPEAT_INTERVAL;
        if (interval.isZero()) {
            throw new PayloadException("groupInterval", "must be at least 1s");
        }
        if (repeat.compareTo(interval) < 0) {
            throw new PayloadException("repeatInterval", "must not be shorter than groupInterval");
        }
        JsonNode order = o.get("order");
        if (order != null && !order.isIntegralNumber()) {
            throw new PayloadException("order", "must be an integer");
        }
        return new Route(id, name, order == null ? 100 : order.asInt(), matchers, channels, groupBy, wait, interval,
                repeat, Json.bool(o, "continue", false), Json.bool(o, "default", false), now);
    }

    public ObjectNode toJson() {
        ObjectNode o = Json.object();
        o.put("id", id);
        o.put("name", name);
        o.put("order", order);
        Json.putStrings(o, "matchers", matchers);
        Json.putStrings(o, "channels", channels);
        Json.putStrings(o, "groupBy", groupBy);
        o.put("groupWait", Durations.format(groupWait));
        o.put("groupInterval", Durations.format(groupInterval));
        o.put("repeatInterval", Durations.format(repeatInterval));
        o.put("continue", continueMatching);
        o.put("default", isDefault);
        o.put("createdAt", Instant.ofEpochMilli(createdAt).toString());
        return o;
    }

    public String toStored() {
        ObjectNode o = toJson();
        o.put("createdAt", createdAt);
        return o.toString();
    }

    public static Route fromStored(JsonNode o) {
        Route r = fromJson(o.get("id").asText(), o, o.path("createdAt").asLong());
        return r;
    }
}

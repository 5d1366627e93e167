package dev.longwatch.core.notify.mute;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.longwatch.core.notify.Json;
import dev.longwatch.model.PayloadException;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;

/** An ad hoc silence: alerts matching every matcher are not notified between startsAt and endsAt. */
public record Silence(String id, List<String> matchers, long startsAt, long endsAt, String createdBy, String comment,
                      long createdAt) {
    public static final int MAX_MATCHERS = 20;

    public List<LabelMatcher> parsed() {
        return LabelMatcher.parseAll("matchers", matchers);
    }

    public boolean activeAt(long at) {
        return at >= startsAt && at < endsAt;
    }

    public boolean matches(Map<String, String> labels, long at) {
        return activeAt(at) && LabelMatcher.all(parsed(), labels);
    }

    /** Reads the API's silence JSON; {@code endsAt} or {@code duration} sets the expiry. */
    public static Silence fromJson(String id, JsonNode o, long now) {
        List<String> m = Json.strings(o, "matchers", MAX_MATCHERS);
        if (m.isEmpty()) {
            throw new PayloadException("matchers", "at least one matcher is required, e.g. [\"service=checkout\"]");
        }
        LabelMatcher.parseAll("matchers", m);
        long starts = o.hasNonNull("startsAt") ? instant(o, "startsAt") : now;
        long ends;
        if (o.hasNonNull("endsAt")) {
            ends = instant(o, "endsAt");
        } else if (o.hasNonNull("duration")) {
            ends = starts + dev.longwatch.core.notify.Durations.parse("duration", Json.text(o, "duration", true, 20))
                    .toMillis();
        } else {
            throw new PayloadException("endsAt", "a silence needs an expiry: endsAt (RFC 3339) or duration (e.g. 2h)");
        }
        if (ends <= starts) {
            throw new PayloadException("endsAt", "must be after startsAt");
        }
        String by = Json.text(o, "createdBy", true, 200);
        return new Silence(id, m, starts, ends, by, Json.text(o, "comment", false, 1000), now);
    }

    static long instant(JsonNode o, String field) {
        JsonNode n = o.get(field);
        if (n.isNumber()) {
            return n.asLong();
        }
        try {
            return Instant.parse(n.asText()).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new PayloadException(field, "must be an RFC 3339 time like 2026-11-22T02:00:00Z");
        }
    }

    public ObjectNode toJson(long now) {
        ObjectNode o = Json.object();
        o.put("id", id);
        Json.putStrings(o, "matchers", matchers);
        o.put("startsAt", Instant.ofEpochMilli(startsAt).toString());
        o.put("endsAt", Instant.ofEpochMilli(endsAt).toString());
        o.put("createdBy", createdBy);
        if (comment != null) {
            o.put("comment", comment);
        }
        o.put("createdAt", Instant.ofEpochMilli(createdAt).toString());
        o.put("state", now < startsAt ? "pending" : now < endsAt ? "active" : "expired");
        return o;
    }

    public static Silence fromStored(JsonNode o) {
        return new Silence(o.get("id").asText(), Json.strings(o, "matchers", 1000), o.get("startsAt").asLong(),
                o.get("endsAt").asLong(), o.path("createdBy").asText(), o.hasNonNull("comment") ? o.get("comment").asText() : null,
                o.path("createdAt").asLong());
    }

    public String toStored() {
        ObjectNode o = Json.object();
        o.put("id", id);
        Json.putStrings(o, "matchers", matchers);
        o.put("startsAt", startsAt);
        o.put("endsAt", endsAt);
        o.put("createdBy", createdBy);
        if (comment != null) {
            o.put("comment", comment);
        }
        o.put("createdAt", createdAt);
        return o.toString();
    }
}

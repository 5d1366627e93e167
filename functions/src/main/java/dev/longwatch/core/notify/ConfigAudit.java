package dev.longwatch.core.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.longwatch.core.alerting.AuditLog;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The audit entries of notification configuration changes ({@code channel.*}, {@code route.*}, {@code silence.*},
 * {@code maintenance-window.*}, {@code inhibition.*}): who, what, on which id, the object's API view before and
 * after, and a one-line summary. The views are the ones the API answers with, so a channel's shows the names of
 * its secrets, never their values; a change of a secret is summarized by its name only.
 */
final class ConfigAudit {
    static final String CHANNEL = "channel", ROUTE = "route", SILENCE = "silence", WINDOW = "maintenance-window",
            INHIBITION = "inhibition";
    static final int MAX_SUMMARY = 1000;
    /** Fields that say nothing about what the configuration does. */
    private static final Set<String> NOT_A_CHANGE = Set.of("id", "createdAt", "updatedAt", "activeNow", "state");

    private final AuditLog log;
    private final Clock clock;

    ConfigAudit(AuditLog log, Clock clock) {
        this.log = log;
        this.clock = clock;
    }

    void created(String tenant, String who, String kind, String id, ObjectNode after) {
        write(tenant, who, kind + ".create", id, null, after, "created " + describe(after));
    }

    void deleted(String tenant, String who, String kind, String id, ObjectNode before) {
        write(tenant, who, kind + ".delete", id, before, null, "deleted " + describe(before));
    }

    /** {@code notes}: what the views cannot show, e.g. {@code "secret url replaced"} (names only, never values). */
    void updated(String tenant, String who, String kind, String id, ObjectNode before, ObjectNode after,
                 List<String> notes) {
        List<String> parts = new ArrayList<>(diff(before, after));
        parts.addAll(notes);
        write(tenant, who, kind + ".update", id, before, after, parts.isEmpty() ? "no change" : String.join("; ", parts));
    }

    void expired(String tenant, String who, String id, ObjectNode before, ObjectNode after) {
        write(tenant, who, SILENCE + ".expire", id, before, after, "expired " + value(after.get("matchers"))
                + "; endsAt: " + value(before.get("endsAt")) + " → " + value(after.get("endsAt")));
    }

    private void write(String tenant, String who, String action, String id, ObjectNode before, ObjectNode after,
                       String summary) {
        log.record(tenant, new AuditLog.Entry(clock.millis(), who, action, id,
                before == null ? null : before.toString(), after == null ? null : after.toString(), cut(summary)));
    }

    /** The fields that differ, as {@code field: old → new}. */
    static List<String> diff(JsonNode before, JsonNode after) {
        Set<String> fields = new LinkedHashSet<>();
        before.fieldNames().forEachRemaining(fields::add);
        after.fieldNames().forEachRemaining(fields::add);
        List<String> out = new ArrayList<>();
        for (String f : fields) {
            JsonNode b = before.get(f);
            JsonNode a = after.get(f);
            if (!NOT_A_CHANGE.contains(f) && !java.util.Objects.equals(b, a)) {
                out.add(f + ": " + value(b) + " → " + value(a));
            }
        }
        return out;
    }

    /** An object's configuration in one line: {@code name=ops, type=slack, secrets=[url]}. */
    static String describe(JsonNode view) {
        List<String> out = new ArrayList<>();
        view.properties().forEach(e -> {
            if (!NOT_A_CHANGE.contains(e.getKey())) {
                out.add(e.getKey() + "=" + value(e.getValue()));
            }
        });
        return String.join(", ", out);
    }

    static String value(JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode()) {
            return "(none)";
        }
        if (v.isArray()) {
            List<String> items = new ArrayList<>();
            v.forEach(i -> items.add(value(i)));
            return "[" + String.join(", ", items) + "]";
        }
        if (v.isObject()) {
            List<String> items = new ArrayList<>();
            v.properties().forEach(e -> items.add(e.getKey() + "=" + value(e.getValue())));
            return "{" + String.join(", ", items) + "}";
        }
        return v.asText();
    }

    private static String cut(String s) {
        return s.length() <= MAX_SUMMARY ? s : s.substring(0, MAX_SUMMARY - 1) + "…";
    }
}

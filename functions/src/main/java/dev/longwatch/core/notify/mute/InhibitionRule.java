package dev.longwatch.core.notify.mute;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.longwatch.core.notify.Json;
import dev.longwatch.model.Names;
import dev.longwatch.model.PayloadException;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An inhibition rule, Alertmanager's {@code inhibit_rules} entry: while an alert matching {@code sourceMatchers}
 * FIRES, alerts matching {@code targetMatchers} that carry the same values of the {@code equal} labels are not
 * notified. A label missing on both sides counts as equal (both are ""), as in Alertmanager.
 */
public record InhibitionRule(String id, List<String> sourceMatchers, List<String> targetMatchers, List<String> equal,
                             String comment, long createdAt) {
    public static final int MAX_MATCHERS = 20, MAX_EQUAL = 20;
    private static final Set<String> FIELDS = Set.of("sourceMatchers", "targetMatchers", "equal", "comment",
            "id", "createdAt");

    public InhibitionRule {
        sourceMatchers = List.copyOf(sourceMatchers);
        targetMatchers = List.copyOf(targetMatchers);
        equal = List.copyOf(equal);
    }

    /** Reads the API's rule JSON ({@code id} and {@code createdAt} in it are ignored: they are the server's). */
    public static InhibitionRule fromJson(String id, JsonNode o, long createdAt) {
        for (var it = o.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f)) {
                throw new PayloadException(f, "is not a field of an inhibition rule; use sourceMatchers, "
                        + "targetMatchers, equal and comment");
            }
        }
        List<String> source = matchers(o, "sourceMatchers", "the alerts that inhibit, e.g. [\"severity=critical\"]");
        List<String> target = matchers(o, "targetMatchers", "the alerts that are inhibited, e.g. [\"severity=warning\"]");
        List<String> equal = Json.strings(o, "equal", MAX_EQUAL);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < equal.size(); i++) {
            String l = equal.get(i);
            if (!Names.isValidName(l, 128)) { // a tag key, monitor or severity
                throw new PayloadException("equal[" + i + "]", "\"" + l + "\" is not a label name; use a tag key like host "
                        + "or service, or monitor or severity");
            }
            if (!seen.add(l)) {
                throw new PayloadException("equal[" + i + "]", "\"" + l + "\" is listed twice");
            }
        }
        return new InhibitionRule(id, source, target, equal, Json.text(o, "comment", false, 1000), createdAt);
    }

    private static List<String> matchers(JsonNode o, String field, String what) {
        if (!o.has(field) || o.get(field).isNull()) {
            throw new PayloadException(field, "is required: at least one matcher selecting " + what);
        }
        List<String> m = Json.strings(o, field, MAX_MATCHERS);
        if (m.isEmpty()) {
            throw new PayloadException(field, "needs at least one matcher selecting " + what);
        }
        LabelMatcher.parseAll(field, m);
        return m;
    }

    /** The rule with its matchers parsed once, for evaluating it against many alerts. */
    public Compiled compile() {
        return new Compiled(this, LabelMatcher.parseAll("sourceMatchers", sourceMatchers),
                LabelMatcher.parseAll("targetMatchers", targetMatchers));
    }

    public record Compiled(InhibitionRule rule, List<LabelMatcher> source, List<LabelMatcher> target) {
        public boolean isSource(Map<String, String> labels) {
            return LabelMatcher.all(source, labels);
        }

        public boolean isTarget(Map<String, String> labels) {
            return LabelMatcher.all(target, labels);
        }
    }

    public ObjectNode toJson() {
        ObjectNode o = Json.object();
        o.put("id", id);
        Json.putStrings(o, "sourceMatchers", sourceMatchers);
        Json.putStrings(o, "targetMatchers", targetMatchers);
        Json.putStrings(o, "equal", equal);
        if (comment != null) {
            o.put("comment", comment);
        }
        o.put("createdAt", Instant.ofEpochMilli(createdAt).toString());
        return o;
    }

    public String toStored() {
        ObjectNode o = toJson();
        o.put("createdAt", createdAt);
        return o.toString();
    }

    public static InhibitionRule fromStored(JsonNode o) {
        return new InhibitionRule(o.get("id").asText(), Json.strings(o, "sourceMatchers", 1000),
                Json.strings(o, "targetMatchers", 1000), Json.strings(o, "equal", 1000),
                o.hasNonNull("comment") ? o.get("comment").asText() : null, o.path("createdAt").asLong());
    }
}

package dev.longwatch.model.alerting;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.longwatch.model.PayloadException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON form of {@link AlertTransition}, version 1 (see {@code api-spec/alert-transition-format.md}).
 * Readers accept unknown fields, so producers may add optional ones without a version change.
 */
public final class AlertTransitions {
    public static final int VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    private AlertTransitions() {
    }

    public static String toJson(AlertTransition t) {
        ObjectNode o = JSON.createObjectNode();
        o.put("v", VERSION);
        o.put("id", t.id());
        o.put("tenant", t.tenant());
        o.put("alertId", t.alertId());
        o.put("monitorId", t.monitorId());
        o.put("monitorName", t.monitorName());
        ObjectNode group = o.putObject("group");
        t.group().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> group.put(e.getKey(), e.getValue()));
        o.put("from", t.from().wire());
        o.put("to", t.to().wire());
        o.put("severity", t.severity().wire());
        o.put("priority", t.priority());
        o.put("at", t.at());
        o.put("since", t.since());
        putNumber(o, "value", t.value());
        putNumber(o, "threshold", t.threshold());
        putText(o, "condition", t.condition());
        putText(o, "query", t.query());
        putText(o, "message", t.message());
        putText(o, "runbook", t.runbook());
        putText(o, "owner", t.owner());
        ObjectNode labels = o.putObject("labels");
        t.labels().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> labels.put(e.getKey(), e.getValue()));
        t.channels().forEach(o.putArray("channels")::add);
        putText(o, "error", t.error());
        return o.toString();
    }

    /** Reads a transition; a message that is not version 1 or lacks a required field is refused by name. */
    public static AlertTransition fromJson(String json) {
        JsonNode o;
        try {
            o = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new PayloadException("", "not JSON: " + e.getOriginalMessage());
        }
        if (o == null || !o.isObject()) {
            throw new PayloadException("", "must be a JSON object");
        }
        int v = o.path("v").asInt(-1);
        if (v != VERSION) {
            throw new PayloadException("v", "unsupported alert transition version " + o.path("v") + " (this reader knows "
                    + VERSION + ")");
        }
        AlertState from = AlertState.fromWire(required(o, "from"));
        AlertState to = AlertState.fromWire(required(o, "to"));
        Severity severity = Severity.fromWire(required(o, "severity"));
        if (from == null) {
            throw new PayloadException("from", "unknown state " + o.get("from"));
        }
        if (to == null) {
            throw new PayloadException("to", "unknown state " + o.get("to"));
        }
        if (severity == null) {
            throw new PayloadException("severity", "unknown severity " + o.get("severity"));
        }
        return new AlertTransition(required(o, "id"), required(o, "tenant"), required(o, "alertId"),
                required(o, "monitorId"), text(o, "monitorName"), map(o, "group"), from, to, severity,
                o.path("priority").asInt(3), o.path("at").asLong(), o.path("since").asLong(), number(o, "value"),
                number(o, "threshold"), text(o, "condition"), text(o, "query"), text(o, "message"), text(o, "runbook"),
                text(o, "owner"), map(o, "labels"), list(o, "channels"), text(o, "error"));
    }

    private static void putNumber(ObjectNode o, String field, Double v) {
        if (v != null && Double.isFinite(v)) {
            o.put(field, v);
        }
    }

    private static void putText(ObjectNode o, String field, String v) {
        if (v != null) {
            o.put(field, v);
        }
    }

    private static String required(JsonNode o, String field) {
        JsonNode n = o.get(field);
        if (n == null || !n.isTextual() || n.asText().isEmpty()) {
            throw new PayloadException(field, "is required");
        }
        return n.asText();
    }

    private static String text(JsonNode o, String field) {
        JsonNode n = o.get(field);
        return n == null || n.isNull() ? null : n.asText();
    }

    private static Double number(JsonNode o, String field) {
        JsonNode n = o.get(field);
        return n == null || !n.isNumber() ? null : n.asDouble();
    }

    private static Map<String, String> map(JsonNode o, String field) {
        Map<String, String> m = new LinkedHashMap<>();
        o.path(field).properties().forEach(e -> m.put(e.getKey(), e.getValue().asText()));
        return m;
    }

    private static List<String> list(JsonNode o, String field) {
        List<String> l = new ArrayList<>();
        o.path(field).forEach(n -> l.add(n.asText()));
        return l;
    }
}

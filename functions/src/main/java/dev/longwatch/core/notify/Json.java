package dev.longwatch.core.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.longwatch.model.PayloadException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Small helpers for reading the notification API's JSON documents with field-named errors. */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    public static JsonNode parse(String text) {
        if (text == null || text.isBlank()) {
            throw new PayloadException("", "a JSON body is required");
        }
        try {
            JsonNode n = MAPPER.readTree(text);
            if (n == null || !n.isObject()) {
                throw new PayloadException("", "the body must be a JSON object");
            }
            return n;
        } catch (JsonProcessingException e) {
            throw new PayloadException("", "the body is not valid JSON: " + e.getOriginalMessage());
        }
    }

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    public static String text(JsonNode o, String field, boolean required, int max) {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) {
            if (required) {
                throw new PayloadException(field, "is required");
            }
            return null;
        }
        if (!n.isTextual()) {
            throw new PayloadException(field, "must be a string");
        }
        String s = n.asText();
        if (required && s.isBlank()) {
            throw new PayloadException(field, "must not be empty");
        }
        if (s.length() > max) {
            throw new PayloadException(field, "must be at most " + max + " characters");
        }
        return s;
    }

    public static List<String> strings(JsonNode o, String field, int maxItems) {
        JsonNode n = o.get(field);
        List<String> out = new ArrayList<>();
        if (n == null || n.isNull()) {
            return out;
        }
        if (!n.isArray()) {
            throw new PayloadException(field, "must be an array of strings");
        }
        if (n.size() > maxItems) {
            throw new PayloadException(field, "must have at most " + maxItems + " items");
        }
        for (int i = 0; i < n.size(); i++) {
            if (!n.get(i).isTextual()) {
                throw new PayloadException(field + "[" + i + "]", "must be a string");
            }
            out.add(n.get(i).asText());
        }
        return out;
    }

    public static Map<String, String> stringMap(JsonNode o, String field) {
        JsonNode n = o.get(field);
        Map<String, String> out = new LinkedHashMap<>();
        if (n == null || n.isNull()) {
            return out;
        }
        if (!n.isObject()) {
            throw new PayloadException(field, "must be an object of strings");
        }
        for (Map.Entry<String, JsonNode> e : n.properties()) {
            if (!e.getValue().isTextual()) {
                throw new PayloadException(field + "." + e.getKey(), "must be a string");
            }
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }

    public static boolean bool(JsonNode o, String field, boolean dflt) {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) {
            return dflt;
        }
        if (!n.isBoolean()) {
            throw new PayloadException(field, "must be true or false");
        }
        return n.asBoolean();
    }

    public static void putStrings(ObjectNode o, String field, List<String> values) {
        values.forEach(o.putArray(field)::add);
    }

    public static void putMap(ObjectNode o, String field, Map<String, String> values) {
        ObjectNode m = o.putObject(field);
        values.forEach(m::put);
    }

    public static String write(JsonNode n) {
        return n.toString();
    }
}

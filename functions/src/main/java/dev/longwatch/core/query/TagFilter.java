package dev.longwatch.core.query;

import dev.longwatch.model.PayloadException;
import dev.longwatch.model.Tags;

/** {@code key:value} (equal), {@code key:*} (has the key), {@code !key:value} (not equal or absent). */
public record TagFilter(String key, String value, boolean negated) {

    public static TagFilter parse(String raw, String field) {
        boolean negated = raw.startsWith("!");
        String s = negated ? raw.substring(1) : raw;
        int colon = s.indexOf(':');
        if (colon <= 0 || colon == s.length() - 1) {
            throw new PayloadException(field, "filter \"" + raw + "\" must be key:value, key:* or !key:value");
        }
        return new TagFilter(s.substring(0, colon), s.substring(colon + 1), negated);
    }

    public boolean matches(Tags tags) {
        String v = tags.get(key);
        boolean hit = "*".equals(value) ? v != null : value.equals(v);
        return negated != hit;
    }
}

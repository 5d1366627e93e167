package dev.longwatch.model;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/** An immutable, key-sorted set of tags. Sorting makes the series identity independent of input order. */
public final class Tags {
    public static final Tags EMPTY = new Tags(new TreeMap<>());

    private final SortedMap<String, String> map;

    private Tags(SortedMap<String, String> map) {
        this.map = Collections.unmodifiableSortedMap(map);
    }

    public static Tags of(Map<String, String> tags) {
        if (tags == null || tags.isEmpty()) {
            return EMPTY;
        }
        return new Tags(new TreeMap<>(tags));
    }

    public static Tags of(String... keyValues) {
        if (keyValues.length % 2 != 0) {
            throw new IllegalArgumentException("key/value pairs expected");
        }
        TreeMap<String, String> m = new TreeMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        return new Tags(m);
    }

    public SortedMap<String, String> asMap() {
        return map;
    }

    public String get(String key) {
        return map.get(key);
    }

    public int size() {
        return map.size();
    }

    /** The subset of these tags whose keys are listed, in key order; missing keys are left out. */
    public Tags select(Iterable<String> keys) {
        TreeMap<String, String> m = new TreeMap<>();
        for (String k : keys) {
            String v = map.get(k);
            if (v != null) {
                m.put(k, v);
            }
        }
        return m.isEmpty() ? EMPTY : new Tags(m);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tags t && map.equals(t.map);
    }

    @Override
    public int hashCode() {
        return Objects.hash(map);
    }

    @Override
    public String toString() {
        return map.toString();
    }
}

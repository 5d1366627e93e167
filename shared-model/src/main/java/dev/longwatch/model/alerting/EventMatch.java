package dev.longwatch.model.alerting;

import java.util.List;

/** Events of one kind (or any kind when null) whose tags match every filter. */
public record EventMatch(String kind, List<String> filters) {
    public EventMatch {
        filters = filters == null ? List.of() : List.copyOf(filters);
    }
}

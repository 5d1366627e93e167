package dev.longwatch.core.alerting.evaluate;

import dev.longwatch.core.events.EventStore;
import dev.longwatch.core.query.TagFilter;
import dev.longwatch.model.Event;
import dev.longwatch.model.alerting.EventMatch;

import java.util.ArrayList;
import java.util.List;

/** One tenant's events over the span its monitors read, loaded once, counted per monitor in memory. */
public final class EventData {
    /** Events read per tenant and evaluation; beyond it counts are capped (documented in docs/alerting.md). */
    public static final int MAX_EVENTS = 100_000;

    private final String tenant;
    private final EventStore store;
    private long from = Long.MAX_VALUE;
    private long to = Long.MIN_VALUE;
    private List<Event> events = List.of();

    public EventData(String tenant, EventStore store) {
        this.tenant = tenant;
        this.store = store;
    }

    public void need(long start, long end) {
        from = Math.min(from, start);
        to = Math.max(to, end);
    }

    public void load() {
        if (store != null && from < to) {
            events = store.find(tenant, from, to, MAX_EVENTS);
        }
    }

    /** Matching events with time in [start, end). */
    public int count(EventMatch match, long start, long end) {
        List<TagFilter> filters = new ArrayList<>();
        for (String f : match.filters()) {
            filters.add(TagFilter.parse(f, "condition.events.filters"));
        }
        int n = 0;
        for (Event e : events) {
            if (e.time() >= start && e.time() < end && (match.kind() == null || match.kind().equals(e.kind()))
                    && filters.stream().allMatch(f -> f.matches(e.tags()))) {
                n++;
            }
        }
        return n;
    }
}

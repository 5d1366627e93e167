package dev.longwatch.core.events;

import dev.longwatch.model.Event;

import java.util.Collection;
import java.util.List;

/** Port: events by tenant and time (DynamoDB). Storing an event twice (same id) keeps one. */
public interface EventStore {

    record TenantEvent(String tenant, Event event) {
    }

    void putAll(Collection<TenantEvent> events);

    /** The tenant's events with time in [from, to), oldest first, at most {@code limit}. */
    List<Event> find(String tenant, long from, long to, int limit);
}

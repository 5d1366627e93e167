package dev.longwatch.bench;

import dev.longwatch.core.events.EventStore;
import dev.longwatch.model.Event;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Events in memory, for CPU benchmarks only (the benchmarked batches carry metrics). */
final class InMemoryEventStore implements EventStore {
    private final List<TenantEvent> events = new CopyOnWriteArrayList<>();

    @Override
    public void putAll(Collection<TenantEvent> batch) {
        events.addAll(batch);
    }

    @Override
    public List<Event> find(String tenant, long from, long to, int limit) {
        return events.stream().filter(e -> e.tenant().equals(tenant))
                .map(TenantEvent::event).filter(e -> e.time() >= from && e.time() < to)
                .sorted(Comparator.comparingLong(Event::time)).limit(limit).toList();
    }
}

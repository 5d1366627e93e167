package dev.longwatch.aws.dynamodb;

import dev.longwatch.core.events.EventStore;
import dev.longwatch.core.telemetry.InMemoryMetrics;
import dev.longwatch.model.Event;
import dev.longwatch.model.Tags;
import dev.longwatch.testing.LocalDynamo;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Events in DynamoDB Local: partitioned by UTC day, found by time range, stored once per id. */
class DynamoDbEventStoreTest {
    static final long MIDNIGHT = Instant.parse("2026-11-21T00:00:00Z").toEpochMilli();
    static final long HOUR = 3_600_000;

    final InMemoryMetrics metrics = new InMemoryMetrics();
    TableNames tables;
    DynamoDbEventStore store;

    @BeforeEach
    void setUp() {
        tables = LocalDynamo.freshTables();
        store = new DynamoDbEventStore(LocalDynamo.client(), tables.events(), metrics);
    }

    static Event event(String id, long time) {
        return new Event(id, "title " + id, "deploy", time, Tags.of("service", "api"), null, null, null);
    }

    void put(String tenant, Event... events) {
        List<EventStore.TenantEvent> list = new ArrayList<>();
        for (Event e : events) {
            list.add(new EventStore.TenantEvent(tenant, e));
        }
        store.putAll(list);
    }

    static List<String> ids(List<Event> events) {
        return events.stream().map(Event::id).toList();
    }

    @Test
    void eventsAcrossUtcDayBoundariesAreFoundByRangeInTimeOrder() {
        put("acme",
                event("day2-noon", MIDNIGHT + 12 * HOUR),
                event("day1-late", MIDNIGHT - 1),
                event("day2-first", MIDNIGHT),
                event("day1-evening", MIDNIGHT - 3 * HOUR),
                event("day3-first", MIDNIGHT + 24 * HOUR),
                event("day0", MIDNIGHT - 30 * HOUR));

        assertEquals(List.of("day1-evening", "day1-late", "day2-first", "day2-noon"),
                ids(store.find("acme", MIDNIGHT - 4 * HOUR, MIDNIGHT + 24 * HOUR, 100)));
        assertEquals(List.of("day0", "day1-evening", "day1-late", "day2-first", "day2-noon", "day3-first"),
                ids(store.find("acme", MIDNIGHT - 48 * HOUR, MIDNIGHT + 48 * HOUR, 100)));
    }

    @Test
    void fromIsInclusiveAndToIsExclusiveToTheMillisecond() {
        put("acme", event("before", MIDNIGHT - 1), event("at-from", MIDNIGHT), event("last", MIDNIGHT + HOUR - 1),
                event("at-to", MIDNIGHT + HOUR));
        assertEquals(List.of("at-from", "last"), ids(store.find("acme", MIDNIGHT, MIDNIGHT + HOUR, 100)));
        assertEquals(List.of("before"), ids(store.find("acme", MIDNIGHT - 1, MIDNIGHT, 100)));
    }

    @Test
    void theSameEventStoredTwiceIsKeptOnce() {
        Event e = event("deploy-1", MIDNIGHT + HOUR);
        put("acme", e);
        put("acme", e);                 // redelivered in a later batch
        put("acme", e, e);              // and twice within one batch
        assertEquals(List.of(e), store.find("acme", MIDNIGHT, MIDNIGHT + 24 * HOUR, 100));
        assertEquals(1, LocalDynamo.client().scan(b -> b.tableName(tables.events())).count());
    }

    @Test
    void theLimitIsRespectedAcrossDays() {
        List<Event> events = new ArrayList<>();
        for (int d = 0; d < 3; d++) {
            for (int i = 0; i < 4; i++) {
                events.add(event("d" + d + "-" + i, MIDNIGHT + d * 24 * HOUR + i * HOUR));
            }
        }
        put("acme", events.toArray(Event[]::new));
        assertEquals(List.of("d0-0", "d0-1", "d0-2", "d0-3", "d1-0", "d1-1"),
                ids(store.find("acme", MIDNIGHT, MIDNIGHT + 72 * HOUR, 6)));
    }

    @Test
    void everyFieldComesBack() {
        Event full = new Event("e-1", "Deploy \"api\"", "deploy", MIDNIGHT, Tags.of("service", "api", "env", "prod"),
                "multi\nline", "github", "https://example.com/run/1");
        Event bare = new Event("e-2", "Note", "note", MIDNIGHT + 1, Tags.EMPTY, null, null, null);
        put("acme", full, bare);
        assertEquals(List.of(full, bare), store.find("acme", MIDNIGHT, MIDNIGHT + 2, 10));
    }

    @Test
    void aTenantSeesOnlyItsOwnEvents() {
        put("acme", event("a", MIDNIGHT));
        put("globex", event("g", MIDNIGHT));
        put("acme-2", event("a2", MIDNIGHT));
        assertEquals(List.of("a"), ids(store.find("acme", MIDNIGHT - HOUR, MIDNIGHT + HOUR, 10)));
        assertEquals(List.of("g"), ids(store.find("globex", MIDNIGHT - HOUR, MIDNIGHT + HOUR, 10)));
    }

    @Test
    void aDayHoldingMoreThanOneQueryPageIsReadToTheEnd() {
        // 10 KB texts: 150 events are ~1.5 MB, beyond the 1 MB a DynamoDB query returns at once.
        String text = "x".repeat(10_000);
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            events.add(new Event(String.format("e%03d", i), "t", "note", MIDNIGHT + i * 1000L, Tags.EMPTY, text, null,
                    null));
        }
        put("acme", events.toArray(Event[]::new));

        var firstPage = LocalDynamo.client().query(b -> b.tableName(tables.events())
                .keyConditionExpression("pk = :pk")
                .expressionAttributeValues(Map.of(":pk",
                        software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("acme#2026-11-21"))));
        assertTrue(firstPage.hasLastEvaluatedKey() && !firstPage.lastEvaluatedKey().isEmpty(),
                "the day does not fit in one page (" + firstPage.count() + " items in the first)");

        List<Event> found = store.find("acme", MIDNIGHT, MIDNIGHT + 24 * HOUR, 1_000);
        assertEquals(150, found.size());
        assertEquals(events.stream().map(Event::id).toList(), ids(found));
    }
}

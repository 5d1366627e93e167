package dev.longwatch.core.query;

import dev.longwatch.model.PayloadException;
import dev.longwatch.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code GET /v1/query} parameters: defaults, and every refusal naming its parameter. */
class QueryParseTest {
    static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");
    static final long HOUR = 3_600_000;
    static final long MIN = 60_000;

    // parse() reads only the clock: no index or store is needed.
    final QueryService queries = new QueryService(null, null, new MutableClock(NOW), 1);

    QueryRequest parse(String agg, String from, String to, String step) {
        return queries.parse("cpu", List.of(), List.of(), agg, from, to, step);
    }

    PayloadException refused(String metric, List<String> filters, String agg, String from, String to, String step) {
        return assertThrows(PayloadException.class,
                () -> queries.parse(metric, filters, List.of(), agg, from, to, step));
    }

    @Test
    void withOnlyAMetricTheLastHourIsAveragedPerMinute() {
        QueryRequest q = parse(null, null, null, null);
        assertEquals("cpu", q.metric());
        assertEquals(Agg.AVG, q.agg());
        assertEquals(NOW.toEpochMilli(), q.to());
        assertEquals(NOW.toEpochMilli() - HOUR, q.from());
        assertEquals(MIN, q.step());
        assertEquals(List.of(), q.filters());
        assertEquals(List.of(), q.groupBy());
    }

    @Test
    void theDefaultStepGivesAtMost1440PointsInWholeMinutes() {
        assertEquals(MIN, parse(null, "-1d", null, null).step());
        assertEquals(2 * MIN, parse(null, "-2d", null, null).step());
        assertEquals(7 * MIN, parse(null, "-7d", null, null).step());
        assertEquals(30 * MIN, parse(null, "-30d", null, null).step());
        assertEquals(2 * MIN, parse(null, "-25h", null, null).step(), "1500 minutes / 1440, rounded up");
    }

    @Test
    void fromDefaultsToOneHourBeforeAnExplicitTo() {
        long to = NOW.toEpochMilli() - 5 * HOUR;
        QueryRequest q = parse(null, null, Long.toString(to), null);
        assertEquals(to - HOUR, q.from());
    }

    @Test
    void everyAggregationIsReadByItsWireName() {
        for (Agg a : Agg.values()) {
            assertEquals(a, parse(a.wireName(), null, null, null).agg());
        }
    }

    @Test
    void filtersAndGroupByKeysAreParsed() {
        QueryRequest q = queries.parse("cpu", List.of("host:a", "!region:eu", "role:*"),
                List.of("host, region", "", "zone,,"), null, null, null, null);
        assertEquals(List.of(new TagFilter("host", "a", false), new TagFilter("region", "eu", true),
                new TagFilter("role", "*", false)), q.filters());
        assertEquals(List.of("host", "region", "zone"), q.groupBy());
    }

    @Test
    void aMissingMetricIsRefused() {
        assertEquals("metric", refused(null, List.of(), null, null, null, null).field());
        assertEquals("metric", refused("", List.of(), null, null, null, null).field());
    }

    @Test
    void anUnknownAggregationIsRefusedListingTheKnownOnes() {
        PayloadException e = refused("cpu", List.of(), "median", null, null, null);
        assertEquals("agg", e.field());
        assertTrue(e.reason().contains("avg, sum, min, max, count, last, p50, p90, p95, p99"), e.reason());
    }

    @Test
    void unreadableTimesAreRefusedNamingTheirParameter() {
        assertEquals("from", refused("cpu", List.of(), null, "yesterday", null, null).field());
        assertEquals("to", refused("cpu", List.of(), null, null, "soon", null).field());
    }

    @Test
    void fromMustBeBeforeTo() {
        PayloadException e = refused("cpu", List.of(), null, "-1h", "-2h", null);
        assertEquals("from", e.field());
        assertEquals("must be before to", e.reason());
        assertEquals("from", refused("cpu", List.of(), null, "now", "now", null).field());
    }

    @Test
    void aStepThatIsNotAWholeNumberOfMinutesIsRefused() {
        for (String step : List.of("90s", "30s", "0", "0m", "5x", "", "m", "1.5m")) {
            PayloadException e = refused("cpu", List.of(), null, null, null, step);
            assertEquals("step", e.field(), "step " + step);
        }
        assertEquals(5 * MIN, parse(null, null, null, "300s").step());
        assertEquals(5 * MIN, parse(null, null, null, "300").step(), "a bare number is seconds");
        assertEquals(24 * HOUR, parse(null, "-30d", null, "1d").step());
    }

    @Test
    void tooManyPointsForTheStepIsRefusedWithAHint() {
        PayloadException e = refused("cpu", List.of(), null, "-30d", null, "1m");
        assertEquals("step", e.field());
        assertTrue(e.reason().contains("43200 points; at most " + QueryService.MAX_POINTS), e.reason());
        assertTrue(e.reason().contains("use a larger step"), e.reason());
        // Exactly at the limit is fine.
        assertEquals(MIN, parse(null, Long.toString(NOW.toEpochMilli() - QueryService.MAX_POINTS * MIN), null, "1m")
                .step());
    }

    @Test
    void aMalformedFilterIsRefusedNamingFilter() {
        PayloadException e = refused("cpu", List.of("host:a", "host"), null, null, null, null);
        assertEquals("filter", e.field());
        assertTrue(e.reason().contains("\"host\" must be key:value, key:* or !key:value"), e.reason());
    }
}

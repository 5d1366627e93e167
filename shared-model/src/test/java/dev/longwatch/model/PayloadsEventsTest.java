package dev.longwatch.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code POST /v1/events} bodies: required fields, kinds, times, links and id assignment. */
class PayloadsEventsTest {
    static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");

    final AtomicInteger ids = new AtomicInteger();
    final Payloads payloads = new Payloads(IngestLimits.DEFAULT, Clock.fixed(NOW, ZoneOffset.UTC),
            () -> "generated-" + ids.incrementAndGet());

    ParsedEvents parse(String json) {
        return payloads.parseEvents(json.getBytes(StandardCharsets.UTF_8));
    }

    static String body(String... events) {
        return "{\"events\":[" + String.join(",", events) + "]}";
    }

    static void assertRejected(ParsedEvents p, int index, String reasonPart) {
        Rejection r = p.rejected().stream().filter(x -> x.event() == index).findFirst()
                .orElseThrow(() -> new AssertionError("no rejection for event " + index + " in " + p.rejected()));
        assertNull(r.series());
        assertTrue(r.reason().contains(reasonPart), "reason of event " + index + " was: " + r.reason()
                + "; expected it to contain: " + reasonPart);
    }

    @Test
    void aCompleteEventIsKeptWithEveryField() {
        ParsedEvents p = parse(body("{\"id\":\"deploy-42\",\"title\":\"Deploy api v42\",\"kind\":\"deploy\","
                + "\"time\":" + (NOW.toEpochMilli() - 5000) + ",\"tags\":{\"service\":\"api\"},\"text\":\"line 1\\nline 2\","
                + "\"source\":\"github-actions\",\"link\":\"https://ci.example.com/runs/42\"}"));
        assertEquals(List.of(), p.rejected());
        assertEquals(List.of(new Event("deploy-42", "Deploy api v42", "deploy", NOW.toEpochMilli() - 5000,
                Tags.of("service", "api"), "line 1\nline 2", "github-actions", "https://ci.example.com/runs/42")),
                p.events());
    }

    @Test
    void eventsWithoutAnIdGetOneFromTheGeneratorAndGivenIdsAreKept() {
        ParsedEvents p = parse(body("{\"title\":\"a\",\"kind\":\"note\"}", "{\"id\":\"mine\",\"title\":\"b\",\"kind\":\"note\"}",
                "{\"title\":\"c\",\"kind\":\"note\"}"));
        assertEquals(List.of("generated-1", "mine", "generated-2"), p.events().stream().map(Event::id).toList());
    }

    @Test
    void clientIdsMayStartWithADigit() {
        ParsedEvents p = parse(body("{\"id\":\"7c9e6679-7425-40de-944b-e07fc1f90ae7\",\"title\":\"a\",\"kind\":\"note\"}",
                "{\"id\":\"2026-11-20.deploy:42\",\"title\":\"b\",\"kind\":\"note\"}"));
        assertEquals(List.of(), p.rejected());
        assertEquals(List.of("7c9e6679-7425-40de-944b-e07fc1f90ae7", "2026-11-20.deploy:42"),
                p.events().stream().map(Event::id).toList());
    }

    @Test
    void anEventWithoutTimeHappensNowByTheClock() {
        ParsedEvents p = parse(body("{\"title\":\"a\",\"kind\":\"note\"}", "{\"title\":\"b\",\"kind\":\"note\",\"time\":null}"));
        assertEquals(NOW.toEpochMilli(), p.events().get(0).time());
        assertEquals(NOW.toEpochMilli(), p.events().get(1).time());
    }

    @Test
    void timeIsReadAsEpochMillisecondsOrRfc3339() {
        ParsedEvents p = parse(body(
                "{\"title\":\"a\",\"kind\":\"note\",\"time\":1795168800000}",
                "{\"title\":\"b\",\"kind\":\"note\",\"time\":\"2026-11-20T10:00:00Z\"}",
                "{\"title\":\"c\",\"kind\":\"note\",\"time\":\"2026-11-20T11:00:00+01:00\"}",
                "{\"title\":\"d\",\"kind\":\"note\",\"time\":\"2026-11-20T10:00:00.250Z\"}"));
        assertEquals(List.of(), p.rejected());
        long tenOClock = Instant.parse("2026-11-20T10:00:00Z").toEpochMilli();
        assertEquals(List.of(tenOClock, tenOClock, tenOClock, tenOClock + 250),
                p.events().stream().map(Event::time).toList());
    }

    @Test
    void everyBadEventIsRefusedByIndexAndTheGoodOnesAreKept() {
        long past = NOW.toEpochMilli() - 3654L * 86_400_000;
        long future = NOW.toEpochMilli() + 11 * 60_000;
        ParsedEvents p = parse(body(
                "{\"title\":\"ok\",\"kind\":\"deploy\"}",                                   // 0
                "{\"kind\":\"deploy\"}",                                                     // 1
                "{\"title\":\"  \",\"kind\":\"deploy\"}",                                    // 2
                "{\"title\":\"x\"}",                                                         // 3
                "{\"title\":\"x\",\"kind\":\"Deploy\"}",                                     // 4
                "{\"title\":\"x\",\"kind\":\"9lives\"}",                                     // 5
                "{\"title\":\"x\",\"kind\":\"de ploy\"}",                                    // 6
                "{\"title\":\"x\",\"kind\":\"" + "k".repeat(51) + "\"}",                     // 7
                "{\"title\":\"x\",\"kind\":\"note\",\"time\":\"yesterday\"}",                // 8
                "{\"title\":\"x\",\"kind\":\"note\",\"time\":1.5}",                          // 9
                "{\"title\":\"x\",\"kind\":\"note\",\"time\":" + past + "}",                 // 10
                "{\"title\":\"x\",\"kind\":\"note\",\"time\":" + future + "}",               // 11
                "{\"title\":\"x\",\"kind\":\"note\",\"link\":\"ftp://example.com/a\"}",      // 12
                "{\"title\":\"x\",\"kind\":\"note\",\"link\":\"javascript:alert(1)\"}",      // 13
                "{\"title\":\"x\",\"kind\":\"note\",\"link\":\"/relative/path\"}",           // 14
                "{\"title\":\"x\",\"kind\":\"note\",\"id\":\"has space\"}",                  // 15
                "{\"title\":\"a\\u0001b\",\"kind\":\"note\"}",                               // 16
                "{\"title\":\"x\",\"kind\":\"note\",\"tags\":{\"k\":5}}",                    // 17
                "{\"title\":\"x\",\"kind\":\"note\",\"tags\":{\"k\":\"\"}}",                 // 18
                "\"not an object\"",                                                         // 19
                "{\"title\":5,\"kind\":\"note\"}",                                           // 20
                "{\"title\":\"x\",\"kind\":\"note\",\"text\":\"" + "t".repeat(10_001) + "\"}", // 21
                "{\"title\":\"" + "t".repeat(501) + "\",\"kind\":\"note\"}",                 // 22
                "{\"title\":\"ok too\",\"kind\":\"my-own_kind2\",\"link\":\"http://x.example/a?b=c\"}")); // 23

        assertRejected(p, 1, "title is required");
        assertRejected(p, 2, "title is required");
        assertRejected(p, 3, "kind is required");
        assertRejected(p, 4, "kind \"Deploy\" is not valid");
        assertRejected(p, 5, "kind \"9lives\" is not valid");
        assertRejected(p, 6, "kind \"de ploy\" is not valid");
        assertRejected(p, 7, "1-50 characters");
        assertRejected(p, 8, "time must be epoch milliseconds or an RFC 3339 timestamp");
        assertRejected(p, 9, "time must be epoch milliseconds or an RFC 3339 timestamp");
        assertRejected(p, 10, "days in the past");
        assertRejected(p, 11, "minutes in the future");
        assertRejected(p, 12, "link must be an absolute http or https URL");
        assertRejected(p, 13, "link must be an absolute http or https URL");
        assertRejected(p, 14, "link must be an absolute http or https URL");
        assertRejected(p, 15, "id must be");
        assertRejected(p, 16, "title must be 1-500 characters without control characters");
        assertRejected(p, 17, "tag \"k\" must have a string value");
        assertRejected(p, 18, "tag \"k\" has an invalid value");
        assertRejected(p, 19, "an event must be a JSON object");
        assertRejected(p, 20, "title must be a string");
        assertRejected(p, 21, "text is longer than 10000 characters");
        assertRejected(p, 22, "title must be 1-500 characters");
        assertEquals(22, p.rejected().size(), () -> "one rejection per bad event: " + p.rejected());
        assertEquals(List.of("ok", "ok too"), p.events().stream().map(Event::title).toList());
    }

    @Test
    void anEventTimeBeyondTheRangeOfALongIsRefusedByIndexNotAsAWhole() {
        ParsedEvents p = parse(body("{\"title\":\"x\",\"kind\":\"note\",\"time\":99999999999999999999}",
                "{\"title\":\"ok\",\"kind\":\"note\"}"));
        assertRejected(p, 0, "time");
        assertEquals(List.of("ok"), p.events().stream().map(Event::title).toList());
    }

    @Test
    void unknownEventFieldsAreIgnored() {
        ParsedEvents p = parse("{\"v\":3,\"events\":[{\"title\":\"x\",\"kind\":\"note\",\"severity\":{\"a\":[1]}}]}");
        assertEquals(List.of(), p.rejected());
        assertEquals(1, p.events().size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"events\":{}}", "{\"events\":null}"})
    void eventsThatIsNotAnArrayIsRefusedNamingTheField(String json) {
        PayloadException e = assertThrows(PayloadException.class, () -> parse(json));
        assertEquals("events", e.field());
    }

    @Test
    void aBodyWithoutEventsIsRefusedNamingTheField() {
        PayloadException e = assertThrows(PayloadException.class, () -> parse("{\"series\":[]}"));
        assertEquals("events", e.field());
        assertEquals("is required", e.reason());
    }

    @Test
    void aTruncatedEventsBodyIsRefusedAsAWhole() {
        PayloadException e = assertThrows(PayloadException.class, () -> parse("{\"events\":[{\"title\":\"x\""));
        assertEquals("", e.field());
        assertTrue(e.reason().startsWith("the body is not valid JSON"), e.reason());
    }
}

package dev.longwatch.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code POST /v1/metrics} bodies: bad items are refused by index and reason, the good ones are kept. */
class PayloadsMetricsTest {
    static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");
    static final long T = NOW.toEpochMilli() - 60_000;

    final Payloads payloads = new Payloads(IngestLimits.DEFAULT, Clock.fixed(NOW, ZoneOffset.UTC), () -> "id");

    ParsedMetrics parse(String json) {
        return payloads.parseMetrics(json.getBytes(StandardCharsets.UTF_8));
    }

    static String series(String metric, String type, String tagsJson, String pointsJson) {
        return "{\"metric\":\"" + metric + "\",\"type\":\"" + type + "\",\"tags\":" + tagsJson + ",\"points\":"
                + pointsJson + "}";
    }

    static String good(String metric) {
        return series(metric, "gauge", "{\"host\":\"a\"}", "[[" + T + ",1.5],[" + (T + 1000) + ",2]]");
    }

    static String body(String... series) {
        return "{\"series\":[" + String.join(",", series) + "]}";
    }

    static void assertRejected(List<Rejection> rejected, int index, Integer point, String reasonPart) {
        Rejection r = rejected.stream()
                .filter(x -> x.series() == index && java.util.Objects.equals(x.point(), point))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no rejection for series " + index + " point " + point
                        + " in " + rejected));
        assertTrue(r.reason().contains(reasonPart), "reason of series " + index + " point " + point + " was: "
                + r.reason() + "; expected it to contain: " + reasonPart);
    }

    @Test
    void aValidSeriesIsKeptWithItsPointsInOrder() {
        ParsedMetrics m = parse(body(good("cpu.user")));
        assertEquals(List.of(), m.rejected());
        assertEquals(2, m.acceptedPoints());
        Series s = m.series().get(0);
        assertEquals("cpu.user", s.metric());
        assertEquals(MetricType.GAUGE, s.type());
        assertEquals(Tags.of("host", "a"), s.tags());
        assertArrayEquals(new long[]{T, T + 1000}, s.timestamps());
        assertArrayEquals(new double[]{1.5, 2.0}, s.values());
    }

    @Test
    void everyBadSeriesIsRefusedByItsIndexAndTheGoodOnesAreKeptAndCounted() {
        String tooManyTags = IntStream.range(0, 21).mapToObj(i -> "\"k" + i + "\":\"v\"")
                .collect(Collectors.joining(",", "{", "}"));
        String longKey = "k".repeat(101);
        String longValue = "v".repeat(201);
        String pts = "[[" + T + ",1]]";
        ParsedMetrics m = parse(body(
                good("ok.first"),                                                      // 0
                series("9starts.with.digit", "gauge", "{}", pts),                      // 1
                series("cpu", "histogram", "{}", pts),                                 // 2
                series("cpu", "gauge", tooManyTags, pts),                              // 3
                series("cpu", "gauge", "{\"" + longKey + "\":\"v\"}", pts),            // 4
                series("cpu", "gauge", "{\"host\":\"" + longValue + "\"}", pts),       // 5
                series("cpu", "gauge", "{\"host\":\"a\\u0007b\"}", pts),               // 6
                "42",                                                                  // 7
                series("cpu", "gauge", "{}", "[]"),                                    // 8
                "[\"not\",\"an\",\"object\"]",                                         // 9
                series("has space", "gauge", "{}", pts),                               // 10
                series("cpu", "gauge", "{\"bad key\":\"v\"}", pts),                    // 11
                series("cpu", "gauge", "{\"host\":\"\"}", pts),                        // 12
                "{\"type\":\"gauge\",\"points\":" + pts + "}",                         // 13
                "{\"metric\":\"cpu\",\"points\":" + pts + "}",                         // 14
                "{\"metric\":\"cpu\",\"type\":\"gauge\"}",                             // 15
                "{\"metric\":\"c" + "x".repeat(200) + "\",\"type\":\"gauge\",\"points\":" + pts + "}", // 16
                good("ok.last")));                                                     // 17

        assertRejected(m.rejected(), 1, null, "metric \"9starts.with.digit\" is not a valid name");
        assertRejected(m.rejected(), 2, null, "type \"histogram\" is unknown; use gauge, counter or distribution");
        assertRejected(m.rejected(), 3, null, "too many tags: 21 (at most 20)");
        assertRejected(m.rejected(), 4, null, "is not valid: 1-100 characters");
        assertRejected(m.rejected(), 5, null, "tag \"host\" has an invalid value: 1-200 characters");
        assertRejected(m.rejected(), 6, null, "without control characters");
        assertRejected(m.rejected(), 7, null, "a series must be a JSON object");
        assertRejected(m.rejected(), 8, null, "points is empty");
        assertRejected(m.rejected(), 9, null, "a series must be a JSON object");
        assertRejected(m.rejected(), 10, null, "metric \"has space\" is not a valid name");
        assertRejected(m.rejected(), 11, null, "tag key \"bad key\" is not valid");
        assertRejected(m.rejected(), 12, null, "tag \"host\" has an invalid value");
        assertRejected(m.rejected(), 13, null, "metric is required");
        assertRejected(m.rejected(), 14, null, "type is required");
        assertRejected(m.rejected(), 15, null, "points is required");
        assertRejected(m.rejected(), 16, null, "1-200 characters");
        assertEquals(16, m.rejected().size(), () -> "one rejection per bad series: " + m.rejected());

        assertEquals(List.of("ok.first", "ok.last"), m.series().stream().map(Series::metric).toList());
        assertEquals(4, m.acceptedPoints());
    }

    @Test
    void everyBadPointIsRefusedByIndexAndTheGoodPointsOfTheSameSeriesAreKept() {
        long past = NOW.toEpochMilli() - 3654L * 86_400_000;
        long future = NOW.toEpochMilli() + 11 * 60_000;
        String points = "["
                + "[" + T + ",1],"              // 0 good
                + "[" + T + ",NaN],"            // 1
                + "[" + T + ",Infinity],"       // 2
                + "[" + T + ",-Infinity],"      // 3
                + "[" + past + ",1],"           // 4
                + "[" + future + ",1],"         // 5
                + "[" + T + ".5,1],"            // 6 float timestamp
                + "[" + T + "],"                // 7 value missing
                + "[" + T + ",1,2],"            // 8 extra element
                + "5,"                          // 9 not a pair
                + "[],"                         // 10 empty
                + "[\"" + T + "\",1],"          // 11 string timestamp
                + "[" + T + ",\"1\"],"          // 12 string value
                + "{\"t\":" + T + ",\"v\":1},"  // 13 object
                + "[" + T + ",1e400],"          // 14 overflows to infinity
                + "[99999999999999999999,1],"   // 15 beyond a long
                + "[" + T + ",[1]],"            // 16 nested value
                + "[" + (T + 1) + ",-2.5]"      // 17 good
                + "]";
        ParsedMetrics m = parse(body(series("disk.free", "gauge", "{}", points)));

        assertRejected(m.rejected(), 0, 1, "value must be a finite number, got NaN");
        assertRejected(m.rejected(), 0, 2, "value must be a finite number, got Infinity");
        assertRejected(m.rejected(), 0, 3, "value must be a finite number, got -Infinity");
        assertRejected(m.rejected(), 0, 4, "days in the past");
        assertRejected(m.rejected(), 0, 5, "minutes in the future");
        assertRejected(m.rejected(), 0, 6, "timestamp must be a whole number of epoch milliseconds");
        assertRejected(m.rejected(), 0, 7, "the value is missing");
        assertRejected(m.rejected(), 0, 8, "more than two elements");
        assertRejected(m.rejected(), 0, 9, "a point must be [timestamp, value]");
        assertRejected(m.rejected(), 0, 10, "it is empty");
        assertRejected(m.rejected(), 0, 11, "numeric timestamp");
        assertRejected(m.rejected(), 0, 12, "value must be a finite number");
        assertRejected(m.rejected(), 0, 13, "a point must be [timestamp, value]");
        assertRejected(m.rejected(), 0, 14, "value must be a finite number");
        assertRejected(m.rejected(), 0, 15, "timestamp is out of range");
        assertRejected(m.rejected(), 0, 16, "value must be a finite number");
        assertEquals(16, m.rejected().size(), () -> "one rejection per bad point: " + m.rejected());

        assertEquals(1, m.series().size());
        assertArrayEquals(new long[]{T, T + 1}, m.series().get(0).timestamps());
        assertArrayEquals(new double[]{1, -2.5}, m.series().get(0).values());
        assertEquals(2, m.acceptedPoints());
    }

    @Test
    void aSeriesWhosePointsAreAllBadIsNotKeptButItsPointsAreReported() {
        ParsedMetrics m = parse(body(series("cpu", "gauge", "{}", "[[" + T + ",NaN]]"), good("ok")));
        assertEquals(List.of(Rejection.point(0, 0, "value must be a finite number, got NaN")), m.rejected());
        assertEquals(List.of("ok"), m.series().stream().map(Series::metric).toList());
    }

    @Test
    void aTimestampInEpochSecondsIsRefusedWithAHintToSendMilliseconds() {
        long seconds = T / 1000;
        ParsedMetrics m = parse(body(series("cpu", "gauge", "{}", "[[" + seconds + ",1]]")));
        assertRejected(m.rejected(), 0, 0, "days in the past");
        assertRejected(m.rejected(), 0, 0, "epoch seconds");
        assertRejected(m.rejected(), 0, 0, "milliseconds");
    }

    @Test
    void aTimestampInEpochMicrosecondsIsRefusedWithAHintToSendMilliseconds() {
        long micros = T * 1000;
        ParsedMetrics m = parse(body(series("cpu", "gauge", "{}", "[[" + micros + ",1]]")));
        assertRejected(m.rejected(), 0, 0, "minutes in the future");
        assertRejected(m.rejected(), 0, 0, "epoch microseconds");
    }

    @Test
    void aTimestampInEpochNanosecondsIsRefusedWithAHintToSendMilliseconds() {
        long nanos = T * 1_000_000;
        ParsedMetrics m = parse(body(series("cpu", "gauge", "{}", "[[" + nanos + ",1]]")));
        assertRejected(m.rejected(), 0, 0, "epoch nanoseconds");
    }

    @Test
    void aTimestampThatIsSimplyTooOldGetsNoUnitHint() {
        long elevenYearsAgo = NOW.toEpochMilli() - 4018L * 86_400_000;
        ParsedMetrics m = parse(body(series("cpu", "gauge", "{}", "[[" + elevenYearsAgo + ",1]]")));
        assertEquals("timestamp " + elevenYearsAgo + " is more than 3653 days in the past (timestamps are epoch "
                + "milliseconds)", m.rejected().get(0).reason());
    }

    @Test
    void timestampsExactlyAtTheLimitsAreAccepted() {
        long oldest = NOW.toEpochMilli() - IngestLimits.DEFAULT.maxPast().toMillis();
        long newest = NOW.toEpochMilli() + IngestLimits.DEFAULT.maxFuture().toMillis();
        ParsedMetrics m = parse(body(series("cpu", "gauge", "{}",
                "[[" + oldest + ",1],[" + newest + ",2],[" + (oldest - 1) + ",3],[" + (newest + 1) + ",4]]")));
        assertArrayEquals(new long[]{oldest, newest}, m.series().get(0).timestamps());
        assertEquals(2, m.rejected().size());
    }

    @Test
    void unknownFieldsAreIgnoredAtEveryLevel() {
        ParsedMetrics m = parse("{\"client\":{\"name\":\"x\",\"v\":[1,2]},\"series\":[{\"metric\":\"cpu\","
                + "\"unit\":\"percent\",\"type\":\"counter\",\"extra\":[{\"a\":1}],\"points\":[[" + T + ",3]]}],"
                + "\"trailer\":null}");
        assertEquals(List.of(), m.rejected());
        assertEquals(MetricType.COUNTER, m.series().get(0).type());
        assertEquals(1, m.acceptedPoints());
    }

    @Test
    void absentOrNullTagsMeanNoTags() {
        ParsedMetrics m = parse(body("{\"metric\":\"a\",\"type\":\"gauge\",\"points\":[[" + T + ",1]]}",
                "{\"metric\":\"b\",\"type\":\"gauge\",\"tags\":null,\"points\":[[" + T + ",1]]}"));
        assertEquals(List.of(), m.rejected());
        assertEquals(Tags.EMPTY, m.series().get(0).tags());
        assertEquals(Tags.EMPTY, m.series().get(1).tags());
    }

    @Test
    void wrongTypesOfSeriesFieldsRefuseTheSeries() {
        ParsedMetrics m = parse(body(
                "{\"metric\":5,\"type\":\"gauge\",\"points\":[[" + T + ",1]]}",
                "{\"metric\":\"a\",\"type\":\"gauge\",\"tags\":[\"x\"],\"points\":[[" + T + ",1]]}",
                "{\"metric\":\"a\",\"type\":\"gauge\",\"tags\":{\"n\":1},\"points\":[[" + T + ",1]]}",
                "{\"metric\":\"a\",\"type\":\"gauge\",\"points\":{\"0\":1}}"));
        assertRejected(m.rejected(), 0, null, "metric must be a string");
        assertRejected(m.rejected(), 1, null, "tags must be an object of string values");
        assertRejected(m.rejected(), 2, null, "tag \"n\" must have a string value");
        assertRejected(m.rejected(), 3, null, "points must be an array");
        assertEquals(List.of(), m.series());
    }

    // ---- the body as a whole ----

    static PayloadException refused(Payloads payloads, String json) {
        return assertThrows(PayloadException.class, () -> payloads.parseMetrics(json.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aBodyThatIsNotJsonIsRefusedWithItsPosition() {
        PayloadException e = refused(payloads, "series=cpu");
        assertEquals("", e.field());
        assertTrue(e.reason().startsWith("the body is not valid JSON"), e.reason());
        assertTrue(e.reason().contains("line 1, column"), e.reason());
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "\"series\"", "42", "null", ""})
    void aBodyWhoseRootIsNotAnObjectIsRefused(String json) {
        PayloadException e = refused(payloads, json);
        assertEquals("", e.field());
        assertTrue(e.reason().contains("must be a JSON object with a \"series\" array"), e.reason());
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"series\":{}}", "{\"series\":null}", "{\"series\":\"cpu\"}", "{\"series\":1}"})
    void seriesThatIsNotAnArrayIsRefusedNamingTheField(String json) {
        PayloadException e = refused(payloads, json);
        assertEquals("series", e.field());
        assertEquals("must be an array", e.reason());
    }

    @Test
    void aBodyWithoutSeriesIsRefusedNamingTheField() {
        PayloadException e = refused(payloads, "{\"metrics\":[]}");
        assertEquals("series", e.field());
        assertEquals("is required", e.reason());
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"series\":[]} {}", "{\"series\":[]}[1]", "{\"series\":[]} x"})
    void contentAfterTheRootObjectIsRefused(String json) {
        PayloadException e = refused(payloads, json);
        assertEquals("", e.field());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{",
            "{\"series\":[",
            "{\"series\":[{\"metric\":\"cpu\"",
            "{\"series\":[{\"metric\":\"cpu\",\"type\":\"gauge\",\"points\":[",
            "{\"series\":[{\"metric\":\"cpu\",\"type\":\"gauge\",\"points\":[[1795176000000,",
            "{\"series\":[{\"metric\":\"cpu\",\"type\":\"gauge\",\"points\":[[1795176000000,1,",
            "{\"series\":[{\"metric\":\"cpu\",\"type\":\"gauge\",\"points\":[[1795176000000,1]]}]"})
    void aTruncatedBodyIsRefusedAsAWhole(String json) {
        PayloadException e = refused(payloads, json);
        assertTrue(e.reason().contains("not valid JSON") || e.reason().contains("unexpected end of input"),
                e.reason());
    }

    @Test
    void anEmptySeriesArrayIsAcceptedWithNothingInIt() {
        ParsedMetrics m = parse("{\"series\":[]}");
        assertEquals(List.of(), m.series());
        assertEquals(0, m.acceptedPoints());
        assertEquals(List.of(), m.rejected());
    }
}

package dev.longwatch.core.query;

import dev.longwatch.model.PayloadException;
import dev.longwatch.testing.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code from}/{@code to} and {@code step} expressions. */
class TimeExpressionsTest {
    static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");
    final MutableClock clock = new MutableClock(NOW);

    long time(String s) {
        return TimeExpressions.parseTime(s, clock, "from");
    }

    @Test
    void nowIsTheClocksTime() {
        assertEquals(NOW.toEpochMilli(), time("now"));
        clock.advance(Duration.ofMinutes(3));
        assertEquals(NOW.toEpochMilli() + 180_000, time("now"));
    }

    @Test
    void relativeTimesCountBackFromNow() {
        assertEquals(NOW.toEpochMilli() - 3_600_000, time("-1h"));
        assertEquals(NOW.toEpochMilli() - 15 * 60_000, time("now-15m"));
        assertEquals(NOW.toEpochMilli() - 7 * 86_400_000L, time("-1w"));
        assertEquals(NOW.toEpochMilli() - 90_000, time("-90s"));
        assertEquals(NOW.toEpochMilli() - 90_000, time("-90"));
    }

    @Test
    void epochMillisecondsAreTakenAsTheyAre() {
        assertEquals(1_795_168_800_000L, time("1795168800000"));
        assertEquals(0, time("0"));
    }

    @Test
    void rfc3339TimesAreReadWithTheirOffset() {
        long tenUtc = Instant.parse("2026-11-20T10:00:00Z").toEpochMilli();
        assertEquals(tenUtc, time("2026-11-20T10:00:00Z"));
        assertEquals(tenUtc, time("2026-11-20T11:00:00+01:00"));
        assertEquals(tenUtc + 250, time("2026-11-20T10:00:00.250Z"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"yesterday", "", "2026-11-20", "2026-11-20T10:00:00", "1h", "-", "now-", "-1y",
            "12.5", "now+1h"})
    void anythingElseIsRefusedNamingTheParameter(String s) {
        PayloadException e = assertThrows(PayloadException.class, () -> TimeExpressions.parseTime(s, clock, "to"));
        assertEquals("to", e.field());
    }

    @Test
    void epochMillisecondsBeyondALongAreRefused() {
        PayloadException e = assertThrows(PayloadException.class, () -> time("99999999999999999999"));
        assertTrue(e.reason().contains("out of range"), e.reason());
    }

    @Test
    void durationsTakeSecondsMinutesHoursDaysAndWeeks() {
        assertEquals(Duration.ofSeconds(90), TimeExpressions.parseDuration("90s", "step"));
        assertEquals(Duration.ofMinutes(5), TimeExpressions.parseDuration("5m", "step"));
        assertEquals(Duration.ofHours(1), TimeExpressions.parseDuration("1h", "step"));
        assertEquals(Duration.ofDays(2), TimeExpressions.parseDuration("2d", "step"));
        assertEquals(Duration.ofDays(14), TimeExpressions.parseDuration("2w", "step"));
        assertEquals(Duration.ofSeconds(60), TimeExpressions.parseDuration("60", "step"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "m", "5x", "5M", "-5m", "1.5h", "99999999999999999999s", "9999999999999d", "five"})
    void badDurationsAreRefusedNamingTheParameter(String s) {
        PayloadException e = assertThrows(PayloadException.class, () -> TimeExpressions.parseDuration(s, "step"));
        assertEquals("step", e.field());
    }
}

package dev.longwatch.core.rollup;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Where each tier stops taking points and being recomputed, relative to its retention. */
class RetentionTest {
    static final long NOW = Instant.parse("2026-11-20T10:20:00Z").toEpochMilli();
    static final long HOUR = 3_600_000;
    static final long DAY = 86_400_000;
    final Retention r = Retention.DEFAULTS;

    @Test
    void aPointGoesToMinutesWhileItsHourIsYoungerThanTheRetentionLessTwoDays() {
        long switchAge = 28 * DAY;
        long youngest = Tier.HOUR.slotStart(NOW - switchAge) + HOUR; // the oldest hour still in minutes
        assertEquals(Tier.MINUTE, r.baseTier(youngest, NOW));
        assertEquals(Tier.MINUTE, r.baseTier(youngest + 59 * 60_000, NOW));
        assertEquals(Tier.HOUR, r.baseTier(youngest - 1, NOW), "the hour before goes straight to hours");
        assertEquals(youngest, r.floor(Tier.MINUTE, NOW), "queries read minutes exactly where they are written");
    }

    @Test
    void aPointGoesToHoursWhileItsDayIsYoungerThanTheHourRetentionLessTwoDaysThenToDays() {
        long floor = r.floor(Tier.HOUR, NOW);
        assertEquals(Tier.DAY.slotStart(NOW - 1825 * DAY) + DAY, floor);
        assertEquals(Tier.HOUR, r.baseTier(floor + 5 * HOUR, NOW));
        assertEquals(Tier.DAY, r.baseTier(floor - 1, NOW));
        assertFalse(r.isExpired(NOW - 3652 * DAY, NOW));
        assertTrue(r.isExpired(Tier.DAY.slotStart(NOW - 3654 * DAY), NOW), "older than the day tier keeps");
    }

    @Test
    void hoursAreRecomputedFromMinutesForADayAfterMinutesStopTakingPointsAndNotAfter() {
        long hour = Tier.HOUR.slotStart(NOW - 28 * DAY); // just switched to direct writes
        assertEquals(Tier.HOUR, r.baseTier(hour, NOW));
        assertTrue(r.canRecompute(Tier.HOUR, hour, NOW), "requests from before the switch are still done");
        assertTrue(r.canRecompute(Tier.HOUR, hour, NOW + DAY - HOUR));
        assertFalse(r.canRecompute(Tier.HOUR, hour, NOW + DAY + HOUR), "a day before the minutes expire");
        long minuteTtl = (hour + 10 * 60_000 + 30 * DAY) / 1000 * 1000; // the earliest minute slab's expiry
        assertTrue(hour + 29 * DAY < minuteTtl, "recomputation stops before any source expires");
        assertEquals(Tier.HOUR.slotStart(NOW - 29 * DAY) + HOUR, r.oldestRecomputable(Tier.HOUR, NOW));
    }

    @Test
    void theMarginShrinksForShortRetentions() {
        Retention shortOne = Retention.ofDays(1L, 2L, 3L);
        // 1 day of minutes: a margin of 3 hours, minutes take points for 18 hours.
        assertEquals(Tier.MINUTE, shortOne.baseTier(NOW - 17 * HOUR, NOW));
        assertEquals(Tier.HOUR, shortOne.baseTier(NOW - 19 * HOUR, NOW));
    }

    @Test
    void anInvalidRetentionIsRefusedSayingWhy() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Retention.ofDays(60L, 30L, null));
        assertEquals("retention must not shrink from minutes (60 days) to hours (30) to days (3653)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Retention(Duration.ofHours(12), Duration.ofDays(9),
                Duration.ofDays(9)));
        assertEquals(Retention.DEFAULTS, Retention.ofDays(null, null, null));
    }
}

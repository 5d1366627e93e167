package dev.longwatch.local;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * local-dev's evaluator ticker evaluates each minute the settle time after it ends, as the rounds queue delivers
 * on AWS.
 */
class EvaluatorTickerTest {
    static final long MINUTE = 60_000;
    static final long SETTLE = 5_000;

    static long at(String time) {
        return Instant.parse(time).toEpochMilli();
    }

    @Test
    void theFirstRunWaitsForTheNextMinuteBoundaryPlusTheSettleTime() {
        assertEquals(41_000 + SETTLE, LocalPlatform.firstEvaluatorRun(at("2026-11-22T10:00:19Z"), MINUTE, SETTLE));
        assertEquals(SETTLE, LocalPlatform.firstEvaluatorRun(at("2026-11-22T10:01:00Z"), MINUTE, SETTLE),
                "started on the minute: the minute just ended is evaluated once it settled");
        assertEquals(1_500, LocalPlatform.firstEvaluatorRun(at("2026-11-22T10:01:03.500Z"), MINUTE, SETTLE),
                "started within the settle time: that minute is still to come");
    }

    @Test
    void theSettleTimeIsASetting() {
        // At 10:00:19 the minute that ended at 10:00 has not settled yet with 25 s: it is evaluated at 10:00:25.
        assertEquals(6_000, LocalPlatform.firstEvaluatorRun(at("2026-11-22T10:00:19Z"), MINUTE, 25_000));
        assertEquals(59_000, LocalPlatform.firstEvaluatorRun(at("2026-11-22T10:00:26Z"), MINUTE, 25_000),
                "past it: the next minute, at 10:01:25");
        assertEquals(41_000, LocalPlatform.firstEvaluatorRun(at("2026-11-22T10:00:19Z"), MINUTE, 0));
    }

    @Test
    void aLongerPollIntervalKeepsItsOwnPace() {
        // Tests set a long poll interval to drive the evaluator by hand.
        assertEquals(3_600_000, LocalPlatform.firstEvaluatorRun(at("2026-11-22T10:00:19Z"), 3_600_000, SETTLE));
    }

    @Test
    void theSettleTimeDefaultsToTwentyFiveSecondsAsOnAwsAndIsAFlag() {
        assertEquals(Duration.ofSeconds(25), LocalOptions.parse(new String[0], null).evaluationSettle());
        assertEquals(Duration.ofSeconds(12),
                LocalOptions.parse(new String[]{"--evaluation-settle", "12"}, null).evaluationSettle());
        assertEquals(Duration.ZERO, LocalOptions.parse(new String[]{"--evaluation-settle", "0"}, null)
                .evaluationSettle());
        for (String bad : new String[]{"-1", "301", "5s"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> LocalOptions.parse(new String[]{"--evaluation-settle", bad}, null));
            assertTrue(e.getMessage().contains("--evaluation-settle") && e.getMessage().contains(bad),
                    e.getMessage());
        }
        assertTrue(LocalOptions.usage().contains("--evaluation-settle"));
    }
}

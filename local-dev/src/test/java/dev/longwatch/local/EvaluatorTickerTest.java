package dev.longwatch.local;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** local-dev's evaluator ticker fires on the minute, as EventBridge Scheduler does on AWS. */
class EvaluatorTickerTest {
    static final long MINUTE = 60_000;

    @Test
    void theFirstRunWaitsForTheNextWholeMinutePlusASecond() {
        long started = Instant.parse("2026-11-22T10:00:19Z").toEpochMilli();
        assertEquals(41_000 + 1_000, LocalPlatform.firstEvaluatorRun(started, MINUTE));
        long onTheMinute = Instant.parse("2026-11-22T10:01:00Z").toEpochMilli();
        assertEquals(MINUTE + 1_000, LocalPlatform.firstEvaluatorRun(onTheMinute, MINUTE));
    }

    @Test
    void aLongerPollIntervalKeepsItsOwnPace() {
        // Tests set a long poll interval to drive the evaluator by hand.
        assertEquals(3_600_000, LocalPlatform.firstEvaluatorRun(Instant.parse("2026-11-22T10:00:19Z").toEpochMilli(),
                3_600_000));
    }
}

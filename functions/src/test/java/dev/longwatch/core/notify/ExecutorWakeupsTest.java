package dev.longwatch.core.notify;

import dev.longwatch.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The in-process wake-ups of local-dev on a real scheduled executor. */
class ExecutorWakeupsTest {
    final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
    final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    @Test
    void requestsForTheSameTimeAreOneRunAndOtherTimesAreTheirOwn() {
        ExecutorWakeups w = new ExecutorWakeups(executor, () -> { }, clock);
        long now = clock.millis();
        w.wakeAt(now + 60_000, now);
        w.wakeAt(now + 60_000, now);
        assertEquals(1, w.pending());
        w.wakeAt(now + 120_000, now);
        assertEquals(2, w.pending(), "an earlier run may find the later work not due yet");
    }

    @Test
    void aWakeUpThatIsDueRunsTheNotifierAndIsNoLongerPending() throws InterruptedException {
        CountDownLatch ran = new CountDownLatch(1);
        AtomicInteger runs = new AtomicInteger();
        ExecutorWakeups w = new ExecutorWakeups(executor, () -> {
            runs.incrementAndGet();
            ran.countDown();
        }, clock);
        w.wakeAt(clock.millis() - 1, clock.millis());
        assertTrue(ran.await(10, TimeUnit.SECONDS));
        executor.submit(() -> { }); // the run has returned once the executor takes the next task
        executor.shutdown();
        assertTrue(executor.awaitTermination(10, TimeUnit.SECONDS));
        assertEquals(1, runs.get());
        assertEquals(0, w.pending());
    }

    @Test
    void aShutDownExecutorRefusesQuietly() {
        executor.shutdown();
        ExecutorWakeups w = new ExecutorWakeups(executor, () -> { }, clock);
        w.wakeAt(clock.millis() + 1_000, clock.millis());
        assertEquals(0, w.pending());
    }
}

package dev.longwatch.local.stream;

import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.longwatch.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Named consumers of the local stream: each its own checkpoints, like event source mappings on one stream. */
class LocalStreamConsumersTest {
    @TempDir
    Path dir;
    final MutableClock clock = new MutableClock(Instant.parse("2026-11-20T10:00:00Z"));
    final List<LocalStream> opened = new ArrayList<>();

    @AfterEach
    void closeAll() {
        opened.forEach(LocalStream::close);
    }

    LocalStream open(long segmentBytes) {
        LocalStream s = new LocalStream(dir, 1, clock, segmentBytes);
        opened.add(s);
        return s;
    }

    LocalStream reopen(LocalStream s, long segmentBytes) {
        s.close();
        return open(segmentBytes);
    }

    static List<String> range(int from, int to) {
        List<String> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add("r" + i);
        }
        return out;
    }

    long segments() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(Segment.SUFFIX)).count();
        }
    }

    @Test
    void eachConsumerHasItsOwnCheckpointAcrossRestarts() {
        LocalStream stream = open(LocalStream.DEFAULT_SEGMENT_BYTES);
        stream.registerConsumer("archive");
        LocalStreamTest.publish(stream, "k", range(0, 5).toArray(String[]::new));

        assertEquals(5, stream.drain(RecordingConsumer.succeeding(), 100));
        RecordingConsumer flaky = RecordingConsumer.succeeding().failing("r2");
        assertEquals(2, stream.drain("archive", flaky, 100));
        assertEquals(0, stream.pendingRecords());
        assertEquals(3, stream.pendingRecords("archive"));
        assertEquals("longwatch-local-archive", flaky.contexts.get(0).getFunctionName());

        stream = reopen(stream, LocalStream.DEFAULT_SEGMENT_BYTES);
        stream.registerConsumer("archive"); // known from its checkpoint: continues where it was
        assertEquals(3, stream.pendingRecords("archive"));
        RecordingConsumer archive = RecordingConsumer.succeeding();
        assertEquals(3, stream.drain("archive", archive, 100));
        assertEquals(range(2, 5), archive.payloads());
        assertEquals(0, stream.drain(RecordingConsumer.succeeding(), 100), "the default consumer saw them once");
    }

    @Test
    void segmentsStayUntilTheSlowestConsumerIsPastThem() throws IOException {
        LocalStream stream = open(64);
        stream.registerConsumer("archive");
        LocalStreamTest.publish(stream, "k", range(0, 20).toArray(String[]::new));
        long all = segments();
        assertTrue(all > 3, "small segments: " + all);

        stream.drain(RecordingConsumer.succeeding(), 100);
        assertEquals(all, segments(), "the archive consumer has not read them");

        stream.drain("archive", RecordingConsumer.succeeding(), 100);
        assertEquals(1, segments(), "only the newest segment is kept once everyone is past");
    }

    @Test
    void aConsumerKnownFromAnEarlierRunHoldsItsRecordsBeforeItIsRegisteredAgain() {
        LocalStream stream = open(64);
        stream.registerConsumer("archive");
        LocalStreamTest.publish(stream, "k", range(0, 10).toArray(String[]::new));
        stream = reopen(stream, 64);

        stream.drain(RecordingConsumer.succeeding(), 100); // before the archive consumer is registered again
        stream.registerConsumer("archive");
        RecordingConsumer archive = RecordingConsumer.succeeding();
        stream.drain("archive", archive, 100);

        assertEquals(range(0, 10), archive.payloads());
    }

    @Test
    void aNewConsumerStartsAtTheOldestRecordTheStreamStillKeeps() {
        LocalStream stream = open(64);
        LocalStreamTest.publish(stream, "k", range(0, 10).toArray(String[]::new));
        stream.drain(RecordingConsumer.succeeding(), 100); // older segments are deleted

        stream.registerConsumer("late");
        RecordingConsumer late = RecordingConsumer.succeeding();
        int n = stream.drain("late", late, 100);

        assertTrue(n >= 1 && n < 10, "only what is still kept: " + n);
        assertEquals(range(10 - n, 10), late.payloads());
        assertEquals(0, stream.pendingRecords("late"));
    }

    @Test
    void aSlowConsumerDoesNotHoldAnotherBack() throws Exception {
        LocalStream stream = open(LocalStream.DEFAULT_SEGMENT_BYTES);
        stream.registerConsumer("archive");
        LocalStreamTest.publish(stream, "k", "r0", "r1");
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        RecordingConsumer stuck = RecordingConsumer.succeeding().answering(e -> {
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
            return StreamsEventResponse.builder().build();
        });
        try (ExecutorService pool = Executors.newSingleThreadExecutor()) {
            LocalStream s = stream;
            Future<Integer> archive = pool.submit(() -> s.drain("archive", stuck, 100));
            assertTrue(entered.await(30, TimeUnit.SECONDS), "the archive drain is under way");

            assertEquals(2, stream.drain(RecordingConsumer.succeeding(), 100), "the rollups go on meanwhile");

            release.countDown();
            assertEquals(2, archive.get(30, TimeUnit.SECONDS));
        }
    }

    @Test
    void consumerNamesAreCheckedAndUnknownOnesRefused() {
        LocalStream stream = open(LocalStream.DEFAULT_SEGMENT_BYTES);
        assertThrows(IllegalArgumentException.class, () -> stream.registerConsumer("Archive"));
        assertThrows(IllegalArgumentException.class, () -> stream.registerConsumer("a/b"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> stream.drain("nobody", RecordingConsumer.succeeding(), 10));
        assertTrue(e.getMessage().contains("nobody"), e.getMessage());
    }
}

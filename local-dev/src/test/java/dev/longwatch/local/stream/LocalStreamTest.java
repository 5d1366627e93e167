package dev.longwatch.local.stream;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.longwatch.core.ingest.StreamPublisher.OutgoingRecord;
import dev.longwatch.core.ingest.StreamUnavailableException;
import dev.longwatch.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LocalStreamTest {
    static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");

    @TempDir
    Path dir;
    MutableClock clock = new MutableClock(T0);
    List<LocalStream> opened = new ArrayList<>();

    @AfterEach
    void closeAll() {
        opened.forEach(LocalStream::close);
    }

    LocalStream open(int shards) {
        return track(new LocalStream(dir, shards, clock));
    }

    LocalStream open(int shards, long segmentBytes) {
        return track(new LocalStream(dir, shards, clock, segmentBytes));
    }

    LocalStream track(LocalStream s) {
        opened.add(s);
        return s;
    }

    /** Closes and opens the stream on the same directory, as a restart does. */
    LocalStream reopen(LocalStream s, int shards) {
        s.close();
        return open(shards);
    }

    static OutgoingRecord rec(String key, String payload) {
        return new OutgoingRecord(key, payload.getBytes(StandardCharsets.UTF_8));
    }

    static void publish(LocalStream s, String key, String... payloads) {
        s.publish(Stream.of(payloads).map(p -> rec(key, p)).toList());
    }

    static List<String> range(String prefix, int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> prefix + i).toList();
    }

    List<Path> segmentFiles() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(Segment.SUFFIX)).sorted().toList();
        }
    }

    // ---- order and shards ------------------------------------------------------------------------------

    @Test
    void recordsOfAKeyStayOnTheKeysShardAndArriveInPublishOrder() {
        LocalStream stream = open(4);
        Map<String, List<String>> sent = new LinkedHashMap<>();
        for (int round = 0; round < 10; round++) {
            List<OutgoingRecord> call = new ArrayList<>();
            for (int k = 0; k < 20; k++) {
                String key = "acme/cpu{host=h" + k + "}";
                String payload = key + "#" + round;
                call.add(rec(key, payload));
                sent.computeIfAbsent(key, x -> new ArrayList<>()).add(payload);
            }
            stream.publish(call);
        }
        RecordingConsumer consumer = RecordingConsumer.succeeding();

        assertEquals(200, stream.drain(consumer, 100));

        Map<String, List<String>> got = new LinkedHashMap<>();
        Set<String> shardsUsed = new HashSet<>();
        for (KinesisEvent.KinesisEventRecord r : consumer.records()) {
            String key = r.getKinesis().getPartitionKey();
            assertEquals(stream.shardIdFor(key), RecordingConsumer.shardOf(r), "shard of " + key);
            shardsUsed.add(RecordingConsumer.shardOf(r));
            got.computeIfAbsent(key, x -> new ArrayList<>()).add(RecordingConsumer.text(r));
        }
        assertEquals(sent, got);
        assertTrue(shardsUsed.size() > 1, "20 keys spread over more than one of 4 shards: " + shardsUsed);
        for (KinesisEvent batch : consumer.batches) {
            assertEquals(1, batch.getRecords().stream().map(RecordingConsumer::shardOf).distinct().count(),
                    "a batch holds the records of one shard, as Lambda's do");
        }
    }

    @Test
    void eventsAreBuiltLikeLambdaBuildsThemFromKinesis() {
        LocalStream stream = open(2);
        publish(stream, "acme/cpu", "hello");
        RecordingConsumer consumer = RecordingConsumer.succeeding();
        stream.drain(consumer, 10);

        KinesisEvent.KinesisEventRecord r = consumer.records().get(0);
        String seq = r.getKinesis().getSequenceNumber();
        assertEquals(stream.shardIdFor("acme/cpu") + ":" + seq, r.getEventID());
        assertTrue(r.getEventID().matches("shardId-\\d{12}:\\d{56}"), r.getEventID());
        assertEquals("aws:kinesis", r.getEventSource());
        assertEquals("aws:kinesis:record", r.getEventName());
        assertEquals("1.0", r.getEventVersion());
        assertTrue(r.getEventSourceARN().startsWith("arn:aws:kinesis:"), r.getEventSourceARN());
        assertEquals("1.0", r.getKinesis().getKinesisSchemaVersion());
        assertEquals("acme/cpu", r.getKinesis().getPartitionKey());
        assertEquals("hello", RecordingConsumer.text(r));
        assertEquals(T0, r.getKinesis().getApproximateArrivalTimestamp().toInstant());
        assertTrue(consumer.contexts.get(0).getRemainingTimeInMillis() > 0);
        assertFalse(consumer.contexts.get(0).getAwsRequestId().isEmpty());
    }

    @Test
    void batchesHoldAtMostMaxBatchRecords() {
        LocalStream stream = open(1);
        publish(stream, "k", range("r", 0, 25).toArray(String[]::new));
        RecordingConsumer consumer = RecordingConsumer.succeeding();

        assertEquals(25, stream.drain(consumer, 10));

        assertEquals(List.of(10, 10, 5), consumer.batches.stream().map(b -> b.getRecords().size()).toList());
        assertEquals(range("r", 0, 25), consumer.payloads());
        assertEquals(0, stream.drain(consumer, 10), "nothing is delivered twice after a checkpoint");
    }

    // ---- sequence numbers ------------------------------------------------------------------------------

    @Test
    void sequenceNumbersIncreasePerShardAndKeepIncreasingAfterReopen() {
        LocalStream stream = open(2);
        publish(stream, "a", "a1", "a2", "a3");
        publish(stream, "b", "b1", "b2");
        stream = reopen(stream, 2);
        publish(stream, "a", "a4");
        publish(stream, "b", "b3");
        RecordingConsumer consumer = RecordingConsumer.succeeding();
        stream.drain(consumer, 100);

        Map<String, List<String>> byShard = new HashMap<>();
        for (KinesisEvent.KinesisEventRecord r : consumer.records()) {
            byShard.computeIfAbsent(RecordingConsumer.shardOf(r), x -> new ArrayList<>())
                    .add(r.getKinesis().getSequenceNumber());
        }
        assertEquals(2, byShard.size(), "keys a and b are on different shards of 2");
        for (List<String> seqs : byShard.values()) {
            for (int i = 1; i < seqs.size(); i++) {
                assertEquals(56, seqs.get(i).length());
                assertTrue(seqs.get(i - 1).compareTo(seqs.get(i)) < 0, seqs.toString());
                assertTrue(new BigInteger(seqs.get(i - 1)).compareTo(new BigInteger(seqs.get(i))) < 0);
            }
        }
        assertEquals(7, consumer.records().size());
    }

    // ---- durability and redelivery ---------------------------------------------------------------------

    @Test
    void recordsPublishedButNotDrainedAreDeliveredAfterReopen() {
        LocalStream stream = open(3);
        publish(stream, "x", "x1", "x2");
        publish(stream, "y", "y1");
        stream = reopen(stream, 3);

        assertEquals(3, stream.pendingRecords());
        RecordingConsumer consumer = RecordingConsumer.succeeding();
        assertEquals(3, stream.drain(consumer, 10));
        assertEquals(Set.of("x1", "x2", "y1"), Set.copyOf(consumer.payloads()));

        stream = reopen(stream, 3);
        assertEquals(0, stream.pendingRecords());
        assertEquals(0, stream.drain(RecordingConsumer.succeeding(), 10), "the checkpoint survives the restart");
    }

    @Test
    void aPartialBatchFailureRedeliversFromTheFailedRecordAndNotBefore() {
        LocalStream stream = open(1);
        publish(stream, "k", range("r", 0, 10).toArray(String[]::new));
        RecordingConsumer flaky = RecordingConsumer.succeeding().failing("r6", "r3");

        assertEquals(3, stream.drain(flaky, 100), "r0..r2 are checkpointed");
        assertEquals(1, flaky.batches.size(), "the shard stops at a failed batch until the next drain");
        assertEquals(7, stream.pendingRecords());

        stream = reopen(stream, 1);
        RecordingConsumer healthy = RecordingConsumer.succeeding();
        assertEquals(7, stream.drain(healthy, 100));
        assertEquals(range("r", 3, 10), healthy.payloads());
    }

    @Test
    void aThrowingConsumerGetsTheWholeBatchAgain() {
        LocalStream stream = open(1);
        publish(stream, "k", "r0", "r1", "r2");
        RecordingConsumer crashing = RecordingConsumer.succeeding().answering(e -> {
            throw new IllegalStateException("consumer crashed");
        });

        assertEquals(0, stream.drain(crashing, 2));
        assertEquals(1, crashing.batches.size());
        assertEquals(3, stream.pendingRecords());

        RecordingConsumer healthy = RecordingConsumer.succeeding();
        assertEquals(3, stream.drain(healthy, 2));
        assertEquals(List.of("r0", "r1", "r2"), healthy.payloads());
        assertEquals(crashing.sequenceNumbers(), healthy.sequenceNumbers().subList(0, 2),
                "the same records, with the same sequence numbers");
    }

    @Test
    void aFailureThatNamesNoRecordOfTheBatchFailsTheWholeBatch() {
        LocalStream stream = open(1);
        publish(stream, "k", "r0", "r1");
        RecordingConsumer confused = RecordingConsumer.succeeding().answering(e -> StreamsEventResponse.builder()
                .withBatchItemFailures(List.of(StreamsEventResponse.BatchItemFailure.builder()
                        .withItemIdentifier("").build())).build());

        assertEquals(0, stream.drain(confused, 10));
        assertEquals(2, stream.pendingRecords());
    }

    @Test
    void pendingRecordsAndTheOldestArrivalFollowTheCheckpoint() {
        LocalStream stream = open(1);
        assertEquals(Optional.empty(), stream.oldestPendingArrival());
        publish(stream, "k", "early");
        clock.advance(Duration.ofSeconds(5));
        publish(stream, "k", "late");
        assertEquals(2, stream.pendingRecords());
        assertEquals(Optional.of(T0), stream.oldestPendingArrival());

        stream.drain(RecordingConsumer.succeeding().failing("late"), 10);
        assertEquals(1, stream.pendingRecords());
        assertEquals(Optional.of(T0.plusSeconds(5)), stream.oldestPendingArrival());

        stream.drain(RecordingConsumer.succeeding(), 10);
        assertEquals(0, stream.pendingRecords());
        assertEquals(Optional.empty(), stream.oldestPendingArrival());
    }

    // ---- torn writes -----------------------------------------------------------------------------------

    enum Tear {
        /** The crash came within the length and checksum. */
        HALF_A_HEADER,
        /** The header made it, part of the body did not. */
        SHORT_BODY,
        /** The length is there but the bytes are not what was checksummed (blocks written out of order). */
        WRONG_CHECKSUM,
        /** A length no record can have (zeroed or garbage blocks). */
        IMPOSSIBLE_LENGTH
    }

    @ParameterizedTest
    @EnumSource(Tear.class)
    void aTornLastRecordIsCutOffOnOpenAndTheRecordsBeforeItKept(Tear tear) throws IOException {
        LocalStream stream = open(1);
        publish(stream, "k", "r0", "r1", "r2");
        stream.close();
        Path segment = segmentFiles().get(0);
        long whole = Files.size(segment);
        Files.write(segment, tornRecord(tear), StandardOpenOption.APPEND);

        stream = open(1);
        assertEquals(whole, Files.size(segment), "the torn bytes are gone");
        assertEquals(3, stream.pendingRecords());
        publish(stream, "k", "r3");
        RecordingConsumer consumer = RecordingConsumer.succeeding();
        assertEquals(4, stream.drain(consumer, 10));
        assertEquals(List.of("r0", "r1", "r2", "r3"), consumer.payloads());
        assertEquals(SequenceNumbers.of(0, 4), consumer.sequenceNumbers().get(3),
                "the next record takes the torn record's place in the sequence");
    }

    static byte[] tornRecord(Tear tear) {
        byte[] key = "k".getBytes(StandardCharsets.UTF_8);
        byte[] data = "r3-torn".getBytes(StandardCharsets.UTF_8);
        ByteBuffer whole = ByteBuffer.allocate(StoredRecord.storedSize(key, data));
        StoredRecord.write(whole, 4, T0.toEpochMilli(), key, data);
        byte[] bytes = whole.array();
        return switch (tear) {
            case HALF_A_HEADER -> java.util.Arrays.copyOf(bytes, 5);
            case SHORT_BODY -> java.util.Arrays.copyOf(bytes, bytes.length - 3);
            case WRONG_CHECKSUM -> {
                bytes[bytes.length - 1] ^= 0x40;
                yield bytes;
            }
            case IMPOSSIBLE_LENGTH -> new byte[64];
        };
    }

    @Test
    void aSegmentThatIsWhollyTornIsEmptiedAndWrittenAgain() throws IOException {
        LocalStream stream = open(1);
        publish(stream, "k", "r0");
        stream.drain(RecordingConsumer.succeeding(), 10);
        stream.close();
        Path segment = segmentFiles().get(0);
        Files.write(segment, tornRecord(Tear.SHORT_BODY), StandardOpenOption.TRUNCATE_EXISTING);

        stream = open(1);
        assertEquals(0, stream.pendingRecords());
        publish(stream, "k", "r1");
        RecordingConsumer consumer = RecordingConsumer.succeeding();
        assertEquals(1, stream.drain(consumer, 10));
        assertEquals(List.of("r1"), consumer.payloads());
        assertEquals(SequenceNumbers.of(0, 2), consumer.sequenceNumbers().get(0),
                "the counter continues from the checkpoint");
    }

    // ---- concurrency -----------------------------------------------------------------------------------

    @Test
    void concurrentPublishersLoseNothingAndKeepPerKeyOrder() throws Exception {
        LocalStream stream = open(4, 64 * 1024); // small segments, so rolls happen under concurrent writes
        int threads = 8;
        int perThread = 1000;
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < perThread; i++) {
                        String key = "t" + thread + "/k" + (i % 5);
                        stream.publish(List.of(rec(key, key + "#" + i)));
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get(2, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(threads * perThread, stream.pendingRecords());

        RecordingConsumer consumer = RecordingConsumer.succeeding();
        assertEquals(threads * perThread, stream.drain(consumer, 500));

        List<String> payloads = consumer.payloads();
        assertEquals(threads * perThread, Set.copyOf(payloads).size(), "every record exactly once");
        Map<String, Integer> lastIndex = new HashMap<>();
        for (String p : payloads) {
            String key = p.substring(0, p.indexOf('#'));
            int i = Integer.parseInt(p.substring(p.indexOf('#') + 1));
            Integer before = lastIndex.put(key, i);
            assertTrue(before == null || before < i, "order of " + key + ": " + before + " then " + i);
        }
        assertTrue(segmentFiles().size() <= 4, "only the shards' newest segments remain: " + segmentFiles());
    }

    @Test
    void anInterruptedPublisherDoesNotCloseTheFilesOtherPublishersShare() {
        LocalStream stream = open(1);
        Thread.currentThread().interrupt(); // e.g. a request thread the HTTP server gave up on
        try {
            publish(stream, "k", "r0");
            assertTrue(Thread.currentThread().isInterrupted(), "the interrupt is kept for the caller");
        } finally {
            Thread.interrupted();
        }
        publish(stream, "k", "r1");
        RecordingConsumer consumer = RecordingConsumer.succeeding();
        assertEquals(2, stream.drain(consumer, 10));
        assertEquals(List.of("r0", "r1"), consumer.payloads());
    }

    // ---- segments --------------------------------------------------------------------------------------

    @Test
    void segmentsAreDeletedOnceTheCheckpointIsPastThemAndNumberingContinues() throws IOException {
        LocalStream stream = open(1, 256);
        List<String> payloads = range("record-", 0, 100);
        for (String p : payloads) {
            publish(stream, "k", p);
        }
        int before = segmentFiles().size();
        assertTrue(before > 10, "256-byte segments roll often: " + before);

        // Checkpoint up to record-49: the segments wholly before it go, the rest stay.
        assertEquals(50, stream.drain(RecordingConsumer.succeeding().failing("record-50"), 100));
        int middle = segmentFiles().size();
        assertTrue(middle < before && middle > 1, before + " -> " + middle);
        long firstKept = Segment.parseFileName(segmentFiles().get(0).getFileName().toString());
        assertTrue(firstKept <= 51, "the segment holding record 51 (record-50) is kept, first kept " + firstKept);

        assertEquals(50, stream.drain(RecordingConsumer.succeeding(), 100));
        assertEquals(1, segmentFiles().size(), "only the newest segment remains");

        stream = reopen(stream, 1);
        publish(stream, "k", "after-restart");
        RecordingConsumer consumer = RecordingConsumer.succeeding();
        assertEquals(1, stream.drain(consumer, 10));
        assertEquals(SequenceNumbers.of(0, 101), consumer.sequenceNumbers().get(0));
    }

    // ---- setup and limits ------------------------------------------------------------------------------

    @Test
    void aStreamKeepsTheShardCountItWasCreatedWith() {
        LocalStream stream = open(4);
        publish(stream, "a", "a1");
        String shard = stream.shardIdFor("a");
        stream = reopen(stream, 2);

        assertEquals(4, stream.shardCount());
        RecordingConsumer consumer = RecordingConsumer.succeeding();
        stream.drain(consumer, 10);
        assertEquals(shard, RecordingConsumer.shardOf(consumer.records().get(0)));
    }

    @Test
    void invalidRecordsAreRefusedAndNothingOfTheCallIsWritten() {
        LocalStream stream = open(1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> stream.publish(List.of(rec("ok", "1"), rec("", "2"))));
        assertTrue(e.getMessage().contains("record 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> stream.publish(List.of(new OutgoingRecord("k", new byte[StoredRecord.MAX_RECORD_BYTES]))));
        assertEquals(0, stream.pendingRecords());
    }

    @Test
    void theDrainLoopDeliversInTheBackgroundAndCloseStopsIt() throws Exception {
        LocalStream stream = open(1);
        CountDownLatch delivered = new CountDownLatch(1);
        RecordingConsumer consumer = RecordingConsumer.succeeding().answering(e -> {
            delivered.countDown();
            return null; // a null response is a success, as for Lambda
        });
        stream.start(consumer, Duration.ofMillis(5), 100);
        publish(stream, "k", "r0");

        assertTrue(delivered.await(30, TimeUnit.SECONDS), "the loop delivered the record");
        stream.close();

        assertThrows(IllegalStateException.class, () -> stream.drain(consumer, 10));
        assertThrows(IllegalStateException.class, () -> stream.start(consumer, Duration.ofMillis(5), 10));
        assertThrows(StreamUnavailableException.class, () -> publish(stream, "k", "late"));
        LocalStream again = open(1);
        assertEquals(0, again.pendingRecords(), "the loop's checkpoint was written");
    }
}

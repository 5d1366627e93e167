package dev.longwatch.aws.kinesis;

import dev.longwatch.core.ingest.StreamPublisher.OutgoingRecord;
import dev.longwatch.core.ingest.StreamUnavailableException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How {@link KinesisStreamPublisher} retries what the stream refuses.
 *
 * <p>A hand-written {@link KinesisClient} stands in for Kinesis here, on purpose: kinesis-local cannot be made
 * to refuse single records of a PutRecords call (per-record throttling is exactly what must be retried), and it
 * does not enforce the 5 MiB request limit either. Everything that a real Kinesis API can show is tested
 * against kinesis-local in {@link KinesisStreamPublisherTest}.
 */
class KinesisStreamPublisherRetryTest {

    /** Answers each PutRecords call with the next scripted answer; keeps every request it was sent. */
    static final class ScriptedKinesis implements KinesisClient {
        final List<PutRecordsRequest> requests = new ArrayList<>();
        final Deque<Function<PutRecordsRequest, PutRecordsResponse>> answers = new ArrayDeque<>();
        Function<PutRecordsRequest, PutRecordsResponse> whenScriptEnds = ScriptedKinesis::acceptAll;

        ScriptedKinesis then(Function<PutRecordsRequest, PutRecordsResponse> answer) {
            answers.add(answer);
            return this;
        }

        @Override
        public PutRecordsResponse putRecords(PutRecordsRequest request) {
            requests.add(request);
            return (answers.isEmpty() ? whenScriptEnds : answers.poll()).apply(request);
        }

        /** The data of each request, as text, in order. */
        List<List<String>> sent() {
            return requests.stream().map(r -> r.records().stream()
                    .map(e -> e.data().asUtf8String()).toList()).toList();
        }

        static PutRecordsResponse acceptAll(PutRecordsRequest request) {
            return refuse(Set.of(), "unused").apply(request);
        }

        /** Refuses the entries whose data is in {@code refused} with {@code errorCode}; accepts the others. */
        static Function<PutRecordsRequest, PutRecordsResponse> refuse(Set<String> refused, String errorCode) {
            return request -> {
                List<PutRecordsResultEntry> results = new ArrayList<>();
                int failed = 0;
                for (PutRecordsRequestEntry e : request.records()) {
                    if (refused.contains(e.data().asUtf8String())) {
                        results.add(PutRecordsResultEntry.builder().errorCode(errorCode)
                                .errorMessage("refused by the test").build());
                        failed++;
                    } else {
                        results.add(PutRecordsResultEntry.builder().shardId("shardId-000000000000")
                                .sequenceNumber(Integer.toString(results.size())).build());
                    }
                }
                return PutRecordsResponse.builder().failedRecordCount(failed).records(results).build();
            };
        }

        @Override
        public String serviceName() {
            return SERVICE_NAME;
        }

        @Override
        public void close() {
        }
    }

    final List<Integer> pauses = new ArrayList<>();
    final KinesisStreamPublisher.Backoff recordingBackoff = pauses::add;

    static List<OutgoingRecord> records(String... data) {
        List<OutgoingRecord> out = new ArrayList<>();
        for (String d : data) {
            out.add(new OutgoingRecord("key-" + d, d.getBytes(StandardCharsets.UTF_8)));
        }
        return out;
    }

    @Test
    void onlyTheRecordsThePutRecordsCallRefusedAreSentAgain() {
        ScriptedKinesis kinesis = new ScriptedKinesis()
                .then(ScriptedKinesis.refuse(Set.of("b", "d"), "ProvisionedThroughputExceededException"))
                .then(ScriptedKinesis.refuse(Set.of("d"), "InternalFailure"));

        new KinesisStreamPublisher(kinesis, "s", 5, recordingBackoff).publish(records("a", "b", "c", "d", "e"));

        assertEquals(List.of(List.of("a", "b", "c", "d", "e"), List.of("b", "d"), List.of("d")), kinesis.sent());
        assertEquals(List.of(1, 2), pauses, "one backoff pause before each retry, with the attempt number");
        assertEquals("key-d", kinesis.requests.get(2).records().get(0).partitionKey(),
                "a retried record keeps its partition key, so it still lands on its series' shard");
    }

    @Test
    void aRecordStillRefusedAfterMaxAttemptsRaisesStreamUnavailableWithTheCount() {
        ScriptedKinesis kinesis = new ScriptedKinesis();
        kinesis.whenScriptEnds = ScriptedKinesis.refuse(Set.of("b", "c"), "ProvisionedThroughputExceededException");
        KinesisStreamPublisher publisher = new KinesisStreamPublisher(kinesis, "s", 3, recordingBackoff);

        StreamUnavailableException e = assertThrows(StreamUnavailableException.class,
                () -> publisher.publish(records("a", "b", "c", "d")));

        assertEquals(2, e.failedRecords());
        assertTrue(e.getMessage().contains("2 records") && e.getMessage().contains("3 attempts")
                && e.getMessage().contains("ProvisionedThroughputExceededException"), e.getMessage());
        assertEquals(3, kinesis.requests.size(), "exactly maxAttempts calls");
        assertEquals(List.of(List.of("a", "b", "c", "d"), List.of("b", "c"), List.of("b", "c")), kinesis.sent());
        assertEquals(List.of(1, 2), pauses);
    }

    @Test
    void aWholeCallThatFailsIsRetriedWithAllItsRecords() {
        ScriptedKinesis kinesis = new ScriptedKinesis()
                .then(request -> {
                    throw ProvisionedThroughputExceededException.builder().message("slow down").build();
                })
                .then(request -> {
                    throw SdkClientException.create("connection reset");
                });

        new KinesisStreamPublisher(kinesis, "s", 3, recordingBackoff).publish(records("a", "b"));

        assertEquals(List.of(List.of("a", "b"), List.of("a", "b"), List.of("a", "b")), kinesis.sent());
        assertEquals(List.of(1, 2), pauses);
    }

    @Test
    void aCallThatKeepsFailingRaisesStreamUnavailableWithTheCauseAndEveryRecordCounted() {
        ScriptedKinesis kinesis = new ScriptedKinesis();
        kinesis.whenScriptEnds = request -> {
            throw SdkClientException.create("connection refused");
        };
        KinesisStreamPublisher publisher = new KinesisStreamPublisher(kinesis, "s", 4, recordingBackoff);

        StreamUnavailableException e = assertThrows(StreamUnavailableException.class,
                () -> publisher.publish(records("a", "b", "c")));

        assertEquals(3, e.failedRecords());
        assertInstanceOf(SdkClientException.class, e.getCause());
        assertEquals(4, kinesis.requests.size());
        assertEquals(List.of(1, 2, 3), pauses);
    }

    @Test
    void anInterruptedBackoffStopsRetryingAndKeepsTheInterruptFlag() {
        ScriptedKinesis kinesis = new ScriptedKinesis();
        kinesis.whenScriptEnds = ScriptedKinesis.refuse(Set.of("a"), "InternalFailure");
        KinesisStreamPublisher publisher = new KinesisStreamPublisher(kinesis, "s", 5, attempt -> {
            throw new InterruptedException("shutting down");
        });
        try {
            StreamUnavailableException e = assertThrows(StreamUnavailableException.class,
                    () -> publisher.publish(records("a", "b")));

            assertEquals(1, e.failedRecords());
            assertEquals(1, kinesis.requests.size(), "no call after the interrupted pause");
            assertTrue(Thread.currentThread().isInterrupted(), "the interrupt is passed on, not swallowed");
        } finally {
            Thread.interrupted(); // clear it for the next test on this thread
        }
    }

    @Test
    void moreThan5MiBInOnePublishIsSplitIntoCallsOfAtMost5MiB() {
        ScriptedKinesis kinesis = new ScriptedKinesis();
        List<OutgoingRecord> records = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            // Records just under the 1 MiB record limit: 12 MB must go in three calls of at most 5 MiB.
            records.add(new OutgoingRecord("series-" + i, new byte[1_000_000]));
        }

        new KinesisStreamPublisher(kinesis, "s", 3, recordingBackoff).publish(records);

        assertEquals(List.of(5, 5, 2), kinesis.requests.stream().map(r -> r.records().size()).toList());
        for (PutRecordsRequest r : kinesis.requests) {
            long bytes = r.records().stream().mapToLong(e -> e.data().asByteArrayUnsafe().length
                    + e.partitionKey().getBytes(StandardCharsets.UTF_8).length).sum();
            assertTrue(bytes <= 5L * 1024 * 1024, "a call carried " + bytes + " bytes");
        }
    }
}

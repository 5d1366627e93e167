package dev.longwatch.aws.kinesis;

import dev.longwatch.core.ingest.StreamPublisher.OutgoingRecord;
import dev.longwatch.core.ingest.StreamUnavailableException;
import dev.longwatch.testing.KinesisLocal;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link KinesisStreamPublisher} against a real Kinesis API (kinesis-local): what is published can be read back. */
class KinesisStreamPublisherTest {
    static final HexFormat HEX = HexFormat.of();

    /** Never called by the tests that expect success; recorded by the ones that expect retries. */
    final List<Integer> pauses = new ArrayList<>();
    final KinesisStreamPublisher.Backoff recordingBackoff = pauses::add;

    static List<OutgoingRecord> records(int count, int keys, int maxBytes, long seed) {
        Random random = new Random(seed);
        List<OutgoingRecord> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte[] data = new byte[1 + random.nextInt(maxBytes)];
            random.nextBytes(data); // arbitrary binary, not only UTF-8 text: the adapter must not touch the bytes
            out.add(new OutgoingRecord("series-" + (i % keys), data));
        }
        return out;
    }

    /**
     * "partitionKey length:sha256(data)" for each record, sorted: records compared as multisets (PutRecords does
     * not promise an order), with failure messages short enough to read.
     */
    static List<String> published(List<OutgoingRecord> records) {
        return records.stream().map(r -> fingerprint(r.partitionKey(), r.data())).sorted().toList();
    }

    static List<String> read(Map<String, List<Record>> byShard) {
        return byShard.values().stream().flatMap(List::stream)
                .map(r -> fingerprint(r.partitionKey(), r.data().asByteArrayUnsafe())).sorted().toList();
    }

    static String fingerprint(String partitionKey, byte[] data) {
        try {
            return partitionKey + " " + data.length + ":"
                    + HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(data), 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void everyPublishedRecordIsReadableFromTheStreamWithItsBytesIntact() {
        String stream = KinesisLocal.freshStream(4);
        List<OutgoingRecord> records = new ArrayList<>(records(60, 12, 4_000, 1));
        byte[] everyByteValue = new byte[256];
        for (int i = 0; i < 256; i++) {
            everyByteValue[i] = (byte) i;
        }
        records.add(new OutgoingRecord("all-bytes", everyByteValue));

        new KinesisStreamPublisher(KinesisLocal.client(), stream, 3, recordingBackoff).publish(records);

        assertEquals(published(records), read(KinesisLocal.readAll(stream)));
        assertEquals(List.of(), pauses, "nothing was refused, so nothing was retried");
    }

    @Test
    void recordsWithTheSamePartitionKeyLandOnTheSameShard() {
        String stream = KinesisLocal.freshStream(4);
        List<OutgoingRecord> records = records(200, 8, 200, 2);

        new KinesisStreamPublisher(KinesisLocal.client(), stream, 3, recordingBackoff).publish(records);

        Map<String, Set<String>> shardsByKey = new TreeMap<>();
        int total = 0;
        for (Map.Entry<String, List<Record>> shard : KinesisLocal.readAll(stream).entrySet()) {
            for (Record r : shard.getValue()) {
                shardsByKey.computeIfAbsent(r.partitionKey(), k -> new TreeSet<>()).add(shard.getKey());
                total++;
            }
        }
        assertEquals(200, total);
        assertEquals(8, shardsByKey.size());
        shardsByKey.forEach((key, shards) -> assertEquals(1, shards.size(), key + " was spread over " + shards));
        Set<String> usedShards = new TreeSet<>();
        shardsByKey.values().forEach(usedShards::addAll);
        assertTrue(usedShards.size() > 1, "8 keys over 4 shards should use more than one shard: " + usedShards);
    }

    @Test
    void moreThan500RecordsInOnePublishArePutWithSeveralPutRecordsCalls() {
        String stream = KinesisLocal.freshStream(2);
        List<Integer> callSizes = new CopyOnWriteArrayList<>();
        try (KinesisClient counting = countingPutRecords(callSizes)) {
            List<OutgoingRecord> records = records(1_201, 50, 64, 3);

            new KinesisStreamPublisher(counting, stream, 3, recordingBackoff).publish(records);

            // kinesis-local takes calls of 1000 records too, so the limit is checked on the calls the client sent.
            assertEquals(List.of(500, 500, 201), callSizes, "PutRecords takes at most 500 records per call");
            assertEquals(published(records), read(KinesisLocal.readAll(stream)));
        }
    }

    @Test
    void aPublishToAMissingStreamFailsWithTheCountInsteadOfDroppingRecords() {
        List<OutgoingRecord> records = records(7, 3, 100, 5);
        KinesisStreamPublisher publisher = new KinesisStreamPublisher(KinesisLocal.client(), "lw-no-such-stream", 3,
                recordingBackoff);

        StreamUnavailableException e = assertThrows(StreamUnavailableException.class, () -> publisher.publish(records));

        assertEquals(7, e.failedRecords());
        assertInstanceOf(ResourceNotFoundException.class, e.getCause(), "the stream's own error is kept as cause");
        assertEquals(List.of(), pauses, "a missing stream does not heal by waiting: no retries");
    }

    /** A real client to the emulator that also notes the number of records of each PutRecords call. */
    static KinesisClient countingPutRecords(List<Integer> callSizes) {
        ExecutionInterceptor counter = new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                if (context.request() instanceof PutRecordsRequest put) {
                    callSizes.add(put.records().size());
                }
            }
        };
        return KinesisLocal.clientBuilder().overrideConfiguration(o -> o.addExecutionInterceptor(counter)).build();
    }
}

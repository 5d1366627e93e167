package dev.longwatch.aws.kinesis;

import dev.longwatch.core.ingest.StreamPublisher;
import dev.longwatch.core.ingest.StreamUnavailableException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

import java.util.ArrayList;
import java.util.List;

/**
 * Puts records on a Kinesis stream with PutRecords (at most 500 records and 5 MiB per call). Records the
 * stream refuses (throttled, internal failure) are retried with exponential backoff; if any is still
 * refused after {@code maxAttempts}, the call fails: nothing is silently dropped.
 */
public final class KinesisStreamPublisher implements StreamPublisher {
    static final int MAX_RECORDS_PER_CALL = 500;
    static final int MAX_BYTES_PER_CALL = 5 * 1024 * 1024;

    /** Waits between attempts; tests pass one that records instead of sleeping. */
    public interface Backoff {
        void pause(int attempt) throws InterruptedException;

        Backoff EXPONENTIAL = attempt -> Thread.sleep(Math.min(2_000L, 50L << Math.min(attempt, 10)));
    }

    private final KinesisClient kinesis;
    private final String streamName;
    private final int maxAttempts;
    private final Backoff backoff;

    public KinesisStreamPublisher(KinesisClient kinesis, String streamName) {
        this(kinesis, streamName, 6, Backoff.EXPONENTIAL);
    }

    public KinesisStreamPublisher(KinesisClient kinesis, String streamName, int maxAttempts, Backoff backoff) {
        this.kinesis = kinesis;
        this.streamName = streamName;
        this.maxAttempts = maxAttempts;
        this.backoff = backoff;
    }

    @Override
    public void publish(List<OutgoingRecord> records) {
        List<PutRecordsRequestEntry> chunk = new ArrayList<>();
        int bytes = 0;
        for (OutgoingRecord r : records) {
            int size = r.data().length + r.partitionKey().length();
            if (!chunk.isEmpty() && (chunk.size() == MAX_RECORDS_PER_CALL || bytes + size > MAX_BYTES_PER_CALL)) {
                putAll(chunk);
                chunk = new ArrayList<>();
                bytes = 0;
            }
            chunk.add(PutRecordsRequestEntry.builder().partitionKey(r.partitionKey())
                    .data(SdkBytes.fromByteArrayUnsafe(r.data())).build());
            bytes += size;
        }
        if (!chunk.isEmpty()) {
            putAll(chunk);
        }
    }

    private void putAll(List<PutRecordsRequestEntry> entries) {
        List<PutRecordsRequestEntry> pending = entries;
        SdkException lastError = null;
        String lastCode = null;
        for (int attempt = 0; attempt < maxAttempts; attempt++) {
            if (attempt > 0) {
                try {
                    backoff.pause(attempt);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            PutRecordsResponse response;
            try {
                List<PutRecordsRequestEntry> req = pending;
                response = kinesis.putRecords(b -> b.streamName(streamName).records(req));
            } catch (ResourceNotFoundException | InvalidArgumentException e) {
                // A missing stream or a malformed request does not heal by waiting: fail now.
                throw new StreamUnavailableException("Kinesis refused the request: " + e.getMessage(),
                        pending.size(), e);
            } catch (SdkException e) {
                lastError = e; // throttled or unreachable: the whole call is retried
                continue;
            }
            if (response.failedRecordCount() == null || response.failedRecordCount() == 0) {
                return;
            }
            List<PutRecordsRequestEntry> failed = new ArrayList<>();
            List<PutRecordsResultEntry> results = response.records();
            for (int i = 0; i < results.size(); i++) {
                if (results.get(i).errorCode() != null) {
                    failed.add(pending.get(i));
                    lastCode = results.get(i).errorCode();
                }
            }
            pending = failed;
        }
        throw new StreamUnavailableException("Kinesis did not accept " + pending.size() + " records after "
                + maxAttempts + " attempts" + (lastCode != null ? " (last error code " + lastCode + ")" : ""),
                pending.size(), lastError);
    }
}

package dev.longwatch.local.stream;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.longwatch.core.ingest.StreamPublisher;
import dev.longwatch.core.ingest.StreamUnavailableException;
import dev.longwatch.core.telemetry.Log;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The stream local-dev uses instead of Kinesis: shards, sequence numbers and delivery semantics like
 * Kinesis with a Lambda event source mapping that has {@code ReportBatchItemFailures}, kept in files.
 *
 * <ul>
 *   <li>A partition key picks its shard by the MD5 hash key ranges Kinesis uses, so a series stays on
 *       one shard and its records are delivered in order.</li>
 *   <li>{@link #publish} returns only when the records are synced to disk: an accepted ingest is durable.</li>
 *   <li>{@link #drain} hands each shard's records after its checkpoint to the consumer in batches; the
 *       checkpoint moves past a batch when it succeeds, to just before the first failed record when the
 *       consumer reports failures, and not at all when it throws. Everything after the checkpoint is
 *       delivered again, also after a crash or restart: delivery is at least once.</li>
 *   <li>Like a stream with several event source mappings, it has named consumers ({@link #registerConsumer}),
 *       each with its own checkpoints and drain loop, so a slow or failing consumer never holds another back.
 *       The unnamed methods use the default consumer. A segment is deleted once every consumer is past it.</li>
 * </ul>
 *
 * <p>On disk: {@code <dir>/stream.properties} (shard count), and per shard {@code <dir>/shardId-…/} with
 * segment files named after their first record's counter, a {@code checkpoint} file for the default consumer
 * and a {@code checkpoint-<name>} file for each named one. Each record carries
 * its length and a CRC32, so a record torn by a crash is found and cut off when the stream opens.
 *
 * <p>Publishing is safe from many threads; drains of one consumer run one at a time, drains of different
 * consumers side by side.
 */
public final class LocalStream implements StreamPublisher, AutoCloseable {
    private static final Log LOG = Log.get(LocalStream.class);

    /** Segment files roll at about this size; a segment is deleted once the checkpoint is past all of it. */
    static final long DEFAULT_SEGMENT_BYTES = 8L * 1024 * 1024;
    /** Lambda's largest batch size for a Kinesis event source. */
    static final int MAX_BATCH_RECORDS = 10_000;
    static final int MAX_SHARDS = 1024;
    static final String REGION = "local";
    static final String STREAM_ARN = "arn:aws:kinesis:" + REGION + ":000000000000:stream/longwatch-local";
    static final String CONSUMER_FUNCTION = "longwatch-local-rollup";
    /** The consumer the methods without a consumer name use (the rollup function in local-dev). */
    public static final String DEFAULT_CONSUMER = Shard.DEFAULT_CONSUMER;
    private static final Duration CONSUMER_TIMEOUT = Duration.ofMinutes(15);
    private static final String META_FILE = "stream.properties";
    private static final String FORMAT = "1";

    private final Path dir;
    private final Clock clock;
    private final List<Shard> shards;
    /** A consumer's drains never interleave: its background loop and an admin "run now" take turns. */
    private final Map<String, Object> drainLocks = new ConcurrentHashMap<>();
    private volatile boolean closed;
    private final AtomicBoolean filesClosed = new AtomicBoolean();
    /** Drain loops by consumer; guarded by this. */
    private final Map<String, ScheduledExecutorService> tickers = new HashMap<>();
    /** Set by close; a stopped stream starts no drain loop. Guarded by this. */
    private boolean stopped;

    public LocalStream(Path dir, int shardCount, Clock clock) {
        this(dir, shardCount, clock, DEFAULT_SEGMENT_BYTES);
    }

    LocalStream(Path dir, int shardCount, Clock clock, long segmentBytes) {
        if (shardCount < 1 || shardCount > MAX_SHARDS) {
            throw new IllegalArgumentException("shardCount must be 1 to " + MAX_SHARDS + ", got " + shardCount);
        }
        if (segmentBytes < 1) {
            throw new IllegalArgumentException("segmentBytes must be positive, got " + segmentBytes);
        }
        this.dir = dir;
        this.clock = Objects.requireNonNull(clock, "clock");
        List<Shard> opened = new ArrayList<>();
        try {
            Files.createDirectories(dir);
            int count = shardCountOf(dir, shardCount);
            for (int i = 0; i < count; i++) {
                opened.add(new Shard(i, dir.resolve(SequenceNumbers.shardId(i)), segmentBytes));
            }
        } catch (IOException | RuntimeException e) {
            for (Shard s : opened) {
                try {
                    s.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            if (e instanceof IOException io) {
                throw new UncheckedIOException("could not open the local stream in " + dir + ": " + io.getMessage(), io);
            }
            throw (RuntimeException) e;
        }
        this.shards = List.copyOf(opened);
        LOG.info("local stream opened", "dir", dir, "shards", shards.size(), "pendingRecords", pendingRecords());
    }

    /** The shard count stored with the stream; a stream keeps the count it was created with. */
    private static int shardCountOf(Path dir, int requested) throws IOException {
        Path meta = dir.resolve(META_FILE);
        if (!Files.exists(meta)) {
            DurableFiles.replace(meta, ("format=" + FORMAT + "\nshardCount=" + requested + "\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return requested;
        }
        Properties p = new Properties();
        p.load(new StringReader(Files.readString(meta, StandardCharsets.ISO_8859_1)));
        if (!FORMAT.equals(p.getProperty("format"))) {
            throw new IOException(meta + " has format " + p.getProperty("format") + ", this version reads format "
                    + FORMAT + "; use a new data directory");
        }
        int stored;
        try {
            stored = Integer.parseInt(p.getProperty("shardCount", "").trim());
        } catch (NumberFormatException e) {
            throw new IOException(meta + " has no valid shardCount; restore it or use a new data directory", e);
        }
        if (stored < 1 || stored > MAX_SHARDS) {
            throw new IOException(meta + " has shardCount " + stored + ", outside 1 to " + MAX_SHARDS);
        }
        if (stored != requested) {
            // Changing the count would move keys between shards and break per-key order of pending records.
            LOG.warn("keeping the stream's shard count; delete the stream directory to start over with another",
                    "dir", dir, "shards", stored, "requestedShards", requested);
        }
        return stored;
    }

    public int shardCount() {
        return shards.size();
    }

    /** The shard a partition key goes to, e.g. {@code shardId-000000000001}. */
    public String shardIdFor(String partitionKey) {
        return shards.get(HashKeyRanges.shardOf(partitionKey, shards.size())).id;
    }

    // ---- publishing -----------------------------------------------------------------------------------

    @Override
    public void publish(List<OutgoingRecord> records) {
        if (records.isEmpty()) {
            return;
        }
        int n = shards.size();
        List<List<byte[]>> keys = new ArrayList<>(n);
        List<List<byte[]>> data = new ArrayList<>(n);
        for (int s = 0; s < n; s++) {
            keys.add(new ArrayList<>());
            data.add(new ArrayList<>());
        }
        for (int i = 0; i < records.size(); i++) {
            OutgoingRecord r = records.get(i);
            byte[] key = validKey(i, r);
            int s = HashKeyRanges.shardOf(r.partitionKey(), n);
            keys.get(s).add(key);
            data.get(s).add(r.data());
        }
        if (closed) {
            throw new StreamUnavailableException("the local stream is closed", records.size(), null);
        }
        long arrival = clock.millis();
        long[] last = new long[n];
        Shard current = null;
        try {
            // Write to every shard first, then sync: the syncs of different shards overlap less than the writes.
            for (int s = 0; s < n; s++) {
                if (!keys.get(s).isEmpty()) {
                    current = shards.get(s);
                    last[s] = current.append(keys.get(s), data.get(s), arrival);
                }
            }
            for (int s = 0; s < n; s++) {
                if (!keys.get(s).isEmpty()) {
                    current = shards.get(s);
                    current.awaitDurable(last[s]);
                }
            }
        } catch (IOException e) {
            String reason = closed ? "the local stream is closed"
                    : "the local stream could not store records on " + current.id + ": " + e;
            throw new StreamUnavailableException(reason, records.size(), e);
        }
    }

    /** Kinesis's limits: a key of 1 to 256 characters, key and data together at most 1 MiB. */
    private static byte[] validKey(int index, OutgoingRecord r) {
        String pk = r.partitionKey();
        if (pk == null || pk.isEmpty() || pk.length() > StoredRecord.MAX_PARTITION_KEY_CHARS) {
            throw new IllegalArgumentException("record " + index + ": the partition key must have 1 to "
                    + StoredRecord.MAX_PARTITION_KEY_CHARS + " characters, got "
                    + (pk == null ? "none" : pk.length()));
        }
        if (r.data() == null) {
            throw new IllegalArgumentException("record " + index + ": data is required");
        }
        byte[] key = pk.getBytes(StandardCharsets.UTF_8);
        if ((long) key.length + r.data().length > StoredRecord.MAX_RECORD_BYTES) {
            throw new IllegalArgumentException("record " + index + ": partition key and data take "
                    + (key.length + r.data().length) + " bytes, more than the " + StoredRecord.MAX_RECORD_BYTES
                    + " a stream record may hold");
        }
        return key;
    }

    // ---- consuming ------------------------------------------------------------------------------------

    /**
     * Adds a consumer with its own checkpoints (idempotent). A new one starts at the oldest record the stream
     * still keeps; one known from an earlier run continues from its checkpoints.
     */
    public void registerConsumer(String consumer) {
        if (consumer == null || !consumer.matches("[a-z0-9][a-z0-9-]{0,31}")) {
            throw new IllegalArgumentException("a consumer name is 1 to 32 of a-z, 0-9 and '-', got " + consumer);
        }
        for (Shard shard : shards) {
            try {
                shard.addConsumer(consumer);
            } catch (IOException e) {
                throw new UncheckedIOException("could not add consumer " + consumer + " to " + shard.id + ": "
                        + e.getMessage(), e);
            }
        }
    }

    /** {@link #drain(String, RequestHandler, int)} for the default consumer. */
    public int drain(RequestHandler<KinesisEvent, StreamsEventResponse> consumer, int maxBatchRecords) {
        return drain(DEFAULT_CONSUMER, consumer, maxBatchRecords);
    }

    /**
     * Delivers, shard by shard, every record that was durable when the shard's turn came and that the named
     * consumer has not finished, in batches of up to {@code maxBatchRecords}, and checkpoints what the handler
     * finished. A shard whose batch failed (wholly or in part) stops there until the next drain. Returns the
     * number of records checkpointed.
     */
    public int drain(String consumerName, RequestHandler<KinesisEvent, StreamsEventResponse> consumer,
                     int maxBatchRecords) {
        Objects.requireNonNull(consumer, "consumer");
        if (maxBatchRecords < 1 || maxBatchRecords > MAX_BATCH_RECORDS) {
            throw new IllegalArgumentException("maxBatchRecords must be 1 to " + MAX_BATCH_RECORDS
                    + " (Lambda's range for Kinesis), got " + maxBatchRecords);
        }
        synchronized (drainLocks.computeIfAbsent(consumerName, k -> new Object())) {
            if (closed) {
                throw new IllegalStateException("the local stream is closed");
            }
            int checkpointed = 0;
            UncheckedIOException failure = null;
            for (Shard shard : shards) {
                try {
                    checkpointed += drainShard(shard, consumerName, consumer, maxBatchRecords);
                } catch (IOException e) {
                    // One shard's trouble does not hold the others back; the drain still reports it.
                    LOG.error("draining a shard failed; its records stay pending", e, "shard", shard.id,
                            "consumer", consumerName);
                    if (failure == null) {
                        failure = new UncheckedIOException("draining " + shard.id + " failed: " + e.getMessage(), e);
                    } else {
                        failure.addSuppressed(e);
                    }
                }
            }
            if (failure != null) {
                throw failure;
            }
            return checkpointed;
        }
    }

    private int drainShard(Shard shard, String consumerName,
                           RequestHandler<KinesisEvent, StreamsEventResponse> consumer, int max) throws IOException {
        // Only what is durable now: a busy stream does not keep one drain going forever.
        long limit = shard.durableCounter();
        int checkpointed = 0;
        while (true) {
            List<Shard.Entry> batch = shard.readBatch(consumerName, max, limit);
            if (batch.isEmpty()) {
                return checkpointed;
            }
            StreamsEventResponse response;
            try {
                String function = functionName(consumerName);
                response = consumer.handleRequest(toEvent(shard, batch, function),
                        new LocalLambdaContext(function, clock, CONSUMER_TIMEOUT));
            } catch (RuntimeException e) {
                LOG.error("the consumer failed; the batch will be delivered again", e, "shard", shard.id,
                        "consumer", consumerName, "records", batch.size(),
                        "firstSequence", sequenceOf(shard, batch.get(0)));
                return checkpointed;
            }
            int firstFailed = firstFailed(shard, batch, response);
            if (firstFailed < 0) {
                shard.checkpoint(consumerName, batch.get(batch.size() - 1));
                checkpointed += batch.size();
                continue;
            }
            if (firstFailed > 0) {
                shard.checkpoint(consumerName, batch.get(firstFailed - 1));
                checkpointed += firstFailed;
            }
            LOG.warn("the consumer reported failed records; they will be delivered again from the first of them",
                    "shard", shard.id, "consumer", consumerName, "records", batch.size(), "checkpointed", firstFailed,
                    "firstFailedSequence", sequenceOf(shard, batch.get(firstFailed)));
            return checkpointed;
        }
    }

    /**
     * The index of the lowest failed record, or -1 when the batch succeeded. As Lambda does, a response with
     * no failures is a success, and a failure naming no record of the batch fails the whole batch.
     */
    private static int firstFailed(Shard shard, List<Shard.Entry> batch, StreamsEventResponse response) {
        if (response == null || response.getBatchItemFailures() == null || response.getBatchItemFailures().isEmpty()) {
            return -1;
        }
        Map<String, Integer> indexOf = new HashMap<>(batch.size() * 2);
        for (int i = 0; i < batch.size(); i++) {
            indexOf.put(sequenceOf(shard, batch.get(i)), i);
        }
        int lowest = Integer.MAX_VALUE;
        for (StreamsEventResponse.BatchItemFailure f : response.getBatchItemFailures()) {
            String item = f == null ? null : f.getItemIdentifier();
            Integer i = item == null ? null : indexOf.get(item);
            if (i == null) {
                LOG.warn("a reported failure names no record of the batch; the whole batch will be delivered again",
                        "shard", shard.id, "itemIdentifier", item == null ? "null" : clip(item));
                return 0;
            }
            lowest = Math.min(lowest, i);
        }
        return lowest;
    }

    private static String clip(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "…";
    }

    private static String sequenceOf(Shard shard, Shard.Entry e) {
        return SequenceNumbers.of(shard.index, e.record().counter());
    }

    private static String functionName(String consumer) {
        return consumer.equals(DEFAULT_CONSUMER) ? CONSUMER_FUNCTION : "longwatch-local-" + consumer;
    }

    /** The event Lambda would build for these records. */
    private static KinesisEvent toEvent(Shard shard, List<Shard.Entry> batch, String function) {
        List<KinesisEvent.KinesisEventRecord> records = new ArrayList<>(batch.size());
        for (Shard.Entry e : batch) {
            StoredRecord r = e.record();
            String sequence = sequenceOf(shard, e);
            KinesisEvent.Record kinesis = new KinesisEvent.Record();
            kinesis.setKinesisSchemaVersion("1.0");
            kinesis.setPartitionKey(r.partitionKey());
            kinesis.setSequenceNumber(sequence);
            kinesis.setData(ByteBuffer.wrap(r.data()));
            kinesis.setApproximateArrivalTimestamp(new Date(r.arrivalMillis()));
            KinesisEvent.KinesisEventRecord record = new KinesisEvent.KinesisEventRecord();
            record.setKinesis(kinesis);
            record.setEventSource("aws:kinesis");
            record.setEventVersion("1.0");
            record.setEventID(shard.id + ":" + sequence);
            record.setEventName("aws:kinesis:record");
            record.setInvokeIdentityArn("arn:aws:iam::000000000000:role/" + function);
            record.setAwsRegion(REGION);
            record.setEventSourceARN(STREAM_ARN);
            records.add(record);
        }
        KinesisEvent event = new KinesisEvent();
        event.setRecords(records);
        return event;
    }

    /** Records published and not yet checkpointed by the default consumer, over all shards. */
    public long pendingRecords() {
        return pendingRecords(DEFAULT_CONSUMER);
    }

    /** Records published and not yet checkpointed by {@code consumer}, over all shards. */
    public long pendingRecords(String consumer) {
        long n = 0;
        for (Shard s : shards) {
            n += s.pendingRecords(consumer);
        }
        return n;
    }

    /** When the default consumer's oldest pending record arrived (for a lag gauge); empty when none is pending. */
    public Optional<Instant> oldestPendingArrival() {
        return oldestPendingArrival(DEFAULT_CONSUMER);
    }

    /** When {@code consumer}'s oldest record not yet checkpointed arrived; empty when nothing is pending. */
    public Optional<Instant> oldestPendingArrival(String consumer) {
        long oldest = Long.MAX_VALUE;
        for (Shard s : shards) {
            try {
                OptionalLong a = s.oldestPendingArrival(consumer);
                if (a.isPresent()) {
                    oldest = Math.min(oldest, a.getAsLong());
                }
            } catch (IOException e) {
                throw new UncheckedIOException("reading the oldest pending record of " + s.id + " failed: "
                        + e.getMessage(), e);
            }
        }
        return oldest == Long.MAX_VALUE ? Optional.empty() : Optional.of(Instant.ofEpochMilli(oldest));
    }

    // ---- background loop ------------------------------------------------------------------------------

    /** {@link #start(String, RequestHandler, Duration, int)} for the default consumer. */
    public void start(RequestHandler<KinesisEvent, StreamsEventResponse> consumer, Duration pollInterval,
                      int maxBatchRecords) {
        start(DEFAULT_CONSUMER, consumer, pollInterval, maxBatchRecords);
    }

    /**
     * Drains for the named consumer in the background, {@code pollInterval} after the end of each drain, starting
     * now (a longer interval gives bigger batches, like an event source mapping's batching window).
     */
    public synchronized void start(String consumerName, RequestHandler<KinesisEvent, StreamsEventResponse> consumer,
                                   Duration pollInterval, int maxBatchRecords) {
        Objects.requireNonNull(consumer, "consumer");
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("pollInterval must be positive, got " + pollInterval);
        }
        if (maxBatchRecords < 1 || maxBatchRecords > MAX_BATCH_RECORDS) {
            throw new IllegalArgumentException("maxBatchRecords must be 1 to " + MAX_BATCH_RECORDS + ", got "
                    + maxBatchRecords);
        }
        if (stopped) {
            throw new IllegalStateException("the local stream is closed");
        }
        if (tickers.containsKey(consumerName)) {
            throw new IllegalStateException("the drain loop of consumer " + consumerName + " is already running");
        }
        pendingRecords(consumerName); // an unknown consumer fails here, not later in the loop
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "local-stream-drain-" + consumerName);
            t.setDaemon(true);
            return t;
        });
        tickers.put(consumerName, ticker);
        ticker.scheduleWithFixedDelay(() -> {
            try {
                drain(consumerName, consumer, maxBatchRecords);
            } catch (Throwable e) {
                // A thrown task would silently end the schedule: report and try again next time.
                LOG.error("draining the local stream failed; trying again at the next poll", e,
                        "consumer", consumerName);
            }
        }, 0, pollInterval.toNanos(), TimeUnit.NANOSECONDS);
        LOG.info("stream drain loop started", "consumer", consumerName, "pollIntervalMillis", pollInterval.toMillis(),
                "maxBatchRecords", maxBatchRecords);
    }

    /** Stops the drain loops (letting running drains finish), then syncs and closes the files. */
    @Override
    public void close() {
        List<ScheduledExecutorService> running;
        synchronized (this) {
            stopped = true;
            running = new ArrayList<>(tickers.values());
            tickers.clear();
        }
        for (ScheduledExecutorService t : running) {
            t.shutdown();
        }
        for (ScheduledExecutorService t : running) {
            try {
                if (!t.awaitTermination(30, TimeUnit.SECONDS)) {
                    LOG.warn("a running drain did not finish within 30 s; interrupting it");
                    t.shutdownNow();
                }
            } catch (InterruptedException e) {
                t.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
        closed = true;
        for (Object lock : drainLocks.values()) {
            synchronized (lock) {
                // Waits for a drain started by hand; later ones see `closed`.
            }
        }
        if (!filesClosed.compareAndSet(false, true)) {
            return;
        }
        IOException failure = null;
        for (Shard s : shards) {
            try {
                s.close();
            } catch (IOException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        LOG.info("local stream closed", "dir", dir, "pendingRecords", pendingRecords());
        if (failure != null) {
            throw new UncheckedIOException("closing the local stream in " + dir + " failed: "
                    + failure.getMessage(), failure);
        }
    }
}

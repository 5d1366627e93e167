package dev.longwatch.bench;

import dev.longwatch.core.ingest.StreamPublisher;
import dev.longwatch.core.rollup.RollupService;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * A Kinesis stream in memory for the harness: records go to a shard by the MD5 of their partition key (as
 * Kinesis does, over equal hash-key ranges), get increasing sequence numbers per shard and the clock's time
 * as arrival time, and wait until the simulated event source mapping takes them. Each consumer (event source
 * mapping) has its own position, as Lambda's mappings of one stream do.
 */
final class SimulatedStream implements StreamPublisher {
    /** Per consumer, per shard: the records it has not taken yet. */
    private final List<List<List<RollupService.IncomingRecord>>> pending = new ArrayList<>();
    private final long[] nextSequence;
    private final Clock clock;
    /** Shards from this one on are written (and counted by the caller) but never read: their records are dropped. */
    private final int consumedShards;
    long droppedRecords;

    SimulatedStream(int shards, Clock clock) {
        this(shards, 1, clock);
    }

    SimulatedStream(int shards, int consumers, Clock clock) {
        this(shards, shards, consumers, clock);
    }

    /**
     * A stream of {@code shards} shards of which the consumers read only the first {@code consumedShards}: the cost
     * harness writes a whole fleet (true Kinesis counts) and rolls up one shard's share (DynamoDB counts per share).
     */
    SimulatedStream(int shards, int consumedShards, int consumers, Clock clock) {
        if (consumedShards < 1 || consumedShards > shards) {
            throw new IllegalArgumentException("consumed shards must be 1 to " + shards + ", got " + consumedShards);
        }
        this.consumedShards = consumedShards;
        this.clock = clock;
        this.nextSequence = new long[shards];
        for (int c = 0; c < consumers; c++) {
            List<List<RollupService.IncomingRecord>> perShard = new ArrayList<>();
            for (int i = 0; i < shards; i++) {
                perShard.add(new ArrayList<>());
            }
            pending.add(perShard);
        }
        for (int i = 0; i < shards; i++) {
            nextSequence[i] = 1;
        }
    }

    int shards() {
        return nextSequence.length;
    }

    @Override
    public void publish(List<OutgoingRecord> records) {
        for (OutgoingRecord r : records) {
            int shard = shardOf(r.partitionKey());
            if (shard >= consumedShards) {
                droppedRecords++;
                nextSequence[shard]++;
                continue;
            }
            RollupService.IncomingRecord record = new RollupService.IncomingRecord(shardId(shard),
                    Workloads.sequenceNumber(nextSequence[shard]++), clock.millis(), r.data());
            for (List<List<RollupService.IncomingRecord>> consumer : pending) {
                consumer.get(shard).add(record);
            }
        }
    }

    /** Everything waiting on one shard for the first consumer, in order; the shard is then empty for it. */
    List<RollupService.IncomingRecord> take(int shard) {
        return take(0, shard, Integer.MAX_VALUE);
    }

    /** At most {@code max} of the oldest records waiting on one shard for {@code consumer}, in order. */
    List<RollupService.IncomingRecord> take(int consumer, int shard, int max) {
        List<RollupService.IncomingRecord> waiting = pending.get(consumer).get(shard);
        if (waiting.size() <= max) {
            pending.get(consumer).set(shard, new ArrayList<>());
            return waiting;
        }
        List<RollupService.IncomingRecord> out = new ArrayList<>(waiting.subList(0, max));
        pending.get(consumer).set(shard, new ArrayList<>(waiting.subList(max, waiting.size())));
        return out;
    }

    /** Records waiting on one shard for {@code consumer}. */
    int waiting(int consumer, int shard) {
        return pending.get(consumer).get(shard).size();
    }

    boolean isEmpty() {
        return pending.stream().allMatch(c -> c.stream().allMatch(List::isEmpty));
    }

    int shardOf(String partitionKey) {
        return shardOf(partitionKey, shards());
    }

    /** The shard of a key on a stream of {@code shards} shards that split the hash-key space evenly. */
    static int shardOf(String partitionKey, int shards) {
        if (shards == 1) {
            return 0;
        }
        try {
            byte[] md5 = MessageDigest.getInstance("MD5").digest(partitionKey.getBytes(StandardCharsets.UTF_8));
            long top = ((md5[0] & 0xffL) << 8) | (md5[1] & 0xffL); // the top 16 bits pick the hash-key range
            return (int) (top * shards / 65536);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is required by every JVM", e);
        }
    }

    private static String shardId(int shard) {
        return String.format("shardId-%012d", shard);
    }
}

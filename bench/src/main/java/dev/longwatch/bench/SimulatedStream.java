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
 * as arrival time, and wait until the simulated event source mapping takes them.
 */
final class SimulatedStream implements StreamPublisher {
    private final List<List<RollupService.IncomingRecord>> pending = new ArrayList<>();
    private final long[] nextSequence;
    private final Clock clock;

    SimulatedStream(int shards, Clock clock) {
        this.clock = clock;
        this.nextSequence = new long[shards];
        for (int i = 0; i < shards; i++) {
            pending.add(new ArrayList<>());
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
            pending.get(shard).add(new RollupService.IncomingRecord(shardId(shard),
                    Workloads.sequenceNumber(nextSequence[shard]++), clock.millis(), r.data()));
        }
    }

    /** Everything waiting on one shard, in order; the shard is then empty. */
    List<RollupService.IncomingRecord> take(int shard) {
        List<RollupService.IncomingRecord> out = pending.get(shard);
        pending.set(shard, new ArrayList<>());
        return out;
    }

    boolean isEmpty() {
        return pending.stream().allMatch(List::isEmpty);
    }

    private int shardOf(String partitionKey) {
        if (shards() == 1) {
            return 0;
        }
        try {
            byte[] md5 = MessageDigest.getInstance("MD5").digest(partitionKey.getBytes(StandardCharsets.UTF_8));
            long top = ((md5[0] & 0xffL) << 8) | (md5[1] & 0xffL); // the top 16 bits pick the hash-key range
            return (int) (top * shards() / 65536);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is required by every JVM", e);
        }
    }

    private static String shardId(int shard) {
        return String.format("shardId-%012d", shard);
    }
}

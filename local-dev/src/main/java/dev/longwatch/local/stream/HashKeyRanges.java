package dev.longwatch.local.stream;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Picks a shard for a partition key the way Kinesis does: the MD5 of the key, read as an unsigned 128-bit
 * integer, falls into one of {@code shardCount} equal hash key ranges. Shard {@code i} starts at
 * {@code floor(i * 2^128 / shardCount)}, which is where a freshly created Kinesis stream puts its boundaries.
 */
final class HashKeyRanges {
    static final BigInteger HASH_SPACE = BigInteger.ONE.shiftLeft(128);

    private HashKeyRanges() {
    }

    static BigInteger hashKey(String partitionKey) {
        try {
            byte[] digest = MessageDigest.getInstance("MD5").digest(partitionKey.getBytes(StandardCharsets.UTF_8));
            return new BigInteger(1, digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no MD5, which every Java platform must provide", e);
        }
    }

    static int shardOf(String partitionKey, int shardCount) {
        return shardOf(hashKey(partitionKey), shardCount);
    }

    /** The last shard whose starting hash key is at or below the hash key. */
    static int shardOf(BigInteger hashKey, int shardCount) {
        // floor(hash * n / 2^128) is that shard or, when a boundary was rounded down onto the hash, one before it.
        int shard = hashKey.multiply(BigInteger.valueOf(shardCount)).shiftRight(128).intValueExact();
        if (shard + 1 < shardCount && startingHashKey(shard + 1, shardCount).compareTo(hashKey) <= 0) {
            shard++;
        }
        return shard;
    }

    static BigInteger startingHashKey(int shard, int shardCount) {
        return HASH_SPACE.multiply(BigInteger.valueOf(shard)).divide(BigInteger.valueOf(shardCount));
    }
}

package dev.longwatch.local.stream;

import org.junit.jupiter.api.Test;

import java.math.BigInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

class HashKeyRangesTest {
    static final BigInteger MAX = HashKeyRanges.HASH_SPACE.subtract(BigInteger.ONE);

    @Test
    void shardBoundariesAreTheOnesKinesisGivesANewStream() {
        // CreateStream with 2 and 3 shards: the StartingHashKey values Kinesis reports.
        assertEquals(new BigInteger("170141183460469231731687303715884105728"), HashKeyRanges.startingHashKey(1, 2));
        assertEquals(new BigInteger("113427455640312821154458202477256070485"), HashKeyRanges.startingHashKey(1, 3));
        assertEquals(new BigInteger("226854911280625642308916404954512140970"), HashKeyRanges.startingHashKey(2, 3));
    }

    @Test
    void aHashKeyFallsIntoTheRangeThatHoldsIt() {
        for (int n : new int[]{1, 2, 3, 4, 7}) {
            for (int s = 0; s < n; s++) {
                BigInteger start = HashKeyRanges.startingHashKey(s, n);
                assertEquals(s, HashKeyRanges.shardOf(start, n), "start of shard " + s + " of " + n);
                BigInteger end = s == n - 1 ? MAX : HashKeyRanges.startingHashKey(s + 1, n).subtract(BigInteger.ONE);
                assertEquals(s, HashKeyRanges.shardOf(end, n), "end of shard " + s + " of " + n);
            }
        }
    }

    @Test
    void theHashKeyIsTheMd5OfThePartitionKeyAsAnUnsignedNumber() {
        // md5("a") = 0cc175b9c0f1b6a831c399e269772661; md5("b") = 92eb5ffee6ae2fec3ad71c777531578f (high bit set)
        assertEquals(new BigInteger("0cc175b9c0f1b6a831c399e269772661", 16), HashKeyRanges.hashKey("a"));
        assertEquals(new BigInteger("92eb5ffee6ae2fec3ad71c777531578f", 16), HashKeyRanges.hashKey("b"));
        assertEquals(0, HashKeyRanges.shardOf("a", 2));
        assertEquals(1, HashKeyRanges.shardOf("b", 2));
    }
}

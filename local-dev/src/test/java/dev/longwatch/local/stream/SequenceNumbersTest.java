package dev.longwatch.local.stream;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SequenceNumbersTest {
    @Test
    void sequenceNumbersHaveKinesisShapeAndOrderAsStringsAndNumbers() {
        String small = SequenceNumbers.of(3, 9);
        String big = SequenceNumbers.of(3, 10);
        assertEquals(56, small.length());
        assertTrue(small.startsWith("49"));
        assertTrue(small.compareTo(big) < 0);
        assertTrue(new java.math.BigInteger(small).compareTo(new java.math.BigInteger(big)) < 0);
        assertEquals(56, SequenceNumbers.of(1023, Long.MAX_VALUE).length());
    }

    @Test
    void onlyASequenceNumberOfTheSameShardReadsBack() {
        assertEquals(42, SequenceNumbers.counterOf(2, SequenceNumbers.of(2, 42)));
        assertEquals(-1, SequenceNumbers.counterOf(1, SequenceNumbers.of(2, 42)));
        assertEquals(-1, SequenceNumbers.counterOf(2, "42"));
        assertEquals(-1, SequenceNumbers.counterOf(2, null));
        assertEquals(-1, SequenceNumbers.counterOf(2, "49" + "x".repeat(54)));
        assertEquals(-1, SequenceNumbers.counterOf(0, "49" + "0".repeat(12) + "9".repeat(42)));
    }

    @Test
    void shardIdsLookLikeKinesisShardIds() {
        assertEquals("shardId-000000000000", SequenceNumbers.shardId(0));
        assertEquals("shardId-000000000011", SequenceNumbers.shardId(11));
    }
}

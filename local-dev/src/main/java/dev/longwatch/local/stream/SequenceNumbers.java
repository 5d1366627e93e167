package dev.longwatch.local.stream;

/**
 * Sequence numbers shaped like Kinesis's: 56 decimal digits, starting with 49. They hold the shard number
 * and a per-shard counter, zero-padded, so within a shard they increase both as numbers and as strings.
 */
final class SequenceNumbers {
    static final int LENGTH = 56;
    private static final String PREFIX = "49";
    private static final int SHARD_DIGITS = 12;
    private static final int COUNTER_DIGITS = LENGTH - PREFIX.length() - SHARD_DIGITS;

    private SequenceNumbers() {
    }

    static String of(int shard, long counter) {
        if (counter < 0) {
            throw new IllegalArgumentException("a sequence counter is never negative, got " + counter);
        }
        return PREFIX + String.format("%0" + SHARD_DIGITS + "d%0" + COUNTER_DIGITS + "d", shard, counter);
    }

    static String shardId(int shard) {
        return String.format("shardId-%012d", shard);
    }

    /** The counter of a sequence number of this shard, or -1 when the text is not one. */
    static long counterOf(int shard, String sequenceNumber) {
        if (sequenceNumber == null || sequenceNumber.length() != LENGTH || !sequenceNumber.startsWith(PREFIX)) {
            return -1;
        }
        for (int i = 0; i < LENGTH; i++) {
            char c = sequenceNumber.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
        }
        int counterStart = PREFIX.length() + SHARD_DIGITS;
        if (Long.parseLong(sequenceNumber.substring(PREFIX.length(), counterStart)) != shard) {
            return -1;
        }
        try {
            return Long.parseLong(sequenceNumber.substring(counterStart));
        } catch (NumberFormatException e) {
            return -1; // more than a long holds: not one of ours
        }
    }
}

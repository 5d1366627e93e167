package dev.longwatch.core.archive;

import java.math.BigInteger;

/** Kinesis sequence numbers: decimal strings of up to 128 digits, compared as numbers. */
public final class Sequences {
    static final int MAX_DIGITS = 128;

    private Sequences() {
    }

    public static BigInteger parse(String sequence) {
        if (sequence == null || sequence.isEmpty() || sequence.length() > MAX_DIGITS) {
            throw new IllegalArgumentException("a sequence number must be 1 to " + MAX_DIGITS + " decimal digits, got "
                    + (sequence == null ? "none" : sequence.length() + " characters"));
        }
        for (int i = 0; i < sequence.length(); i++) {
            char c = sequence.charAt(i);
            if (c < '0' || c > '9') {
                throw new IllegalArgumentException("a sequence number must be decimal digits, got '"
                        + (sequence.length() > 64 ? sequence.substring(0, 64) + "…" : sequence) + "'");
            }
        }
        return new BigInteger(sequence);
    }
}

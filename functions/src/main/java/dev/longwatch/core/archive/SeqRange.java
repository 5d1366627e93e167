package dev.longwatch.core.archive;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Stream records of one shard, as the half-open interval {@code (after, upTo]} of sequence numbers;
 * {@code after == null} means from the start of the shard. A block part that covers a range holds every point
 * of the records in it for its tenant and hour — that is what lets merges drop redelivered records.
 */
public record SeqRange(BigInteger after, BigInteger upTo) {

    public SeqRange {
        if (upTo == null) {
            throw new IllegalArgumentException("upTo is required");
        }
        if (after != null && after.compareTo(upTo) >= 0) {
            throw new IllegalArgumentException("empty sequence range (" + after + ", " + upTo + "]");
        }
    }

    /** Exactly one record. */
    public static SeqRange single(BigInteger sequence) {
        return new SeqRange(sequence.subtract(BigInteger.ONE), sequence);
    }

    /** The records from {@code first} to {@code last}, both included. */
    public static SeqRange inclusive(BigInteger first, BigInteger last) {
        return new SeqRange(first.subtract(BigInteger.ONE), last);
    }

    public boolean contains(BigInteger sequence) {
        return (after == null || sequence.compareTo(after) > 0) && sequence.compareTo(upTo) <= 0;
    }

    public boolean containsAll(SeqRange o) {
        boolean lowOk = after == null || (o.after != null && o.after.compareTo(after) >= 0);
        return lowOk && o.upTo.compareTo(upTo) <= 0;
    }

    public boolean overlaps(SeqRange o) {
        BigInteger low = after == null ? o.after : o.after == null ? after : after.max(o.after);
        BigInteger high = upTo.min(o.upTo);
        return low == null || low.compareTo(high) < 0;
    }

    /** Whether {@code q} lies wholly inside the union of {@code ranges}. */
    public static boolean coveredByUnion(SeqRange q, List<SeqRange> ranges) {
        List<SeqRange> sorted = new ArrayList<>(ranges);
        sorted.sort(Comparator.comparing(SeqRange::after, Comparator.nullsFirst(Comparator.naturalOrder())));
        BigInteger need = q.after; // covered so far: (q.after, need]; null = nothing yet from the shard's start
        for (SeqRange r : sorted) {
            boolean reachesNeed = r.after == null || (need != null && r.after.compareTo(need) <= 0);
            if (!reachesNeed) {
                return false; // sorted by start: no later range can close the gap either
            }
            if (need == null || r.upTo.compareTo(need) > 0) {
                need = r.upTo;
            }
            if (need.compareTo(q.upTo) >= 0) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "(" + (after == null ? "start" : after) + ", " + upTo + "]";
    }
}

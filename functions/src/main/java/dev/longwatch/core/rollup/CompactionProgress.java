package dev.longwatch.core.rollup;

import java.time.Duration;

/**
 * How far the compactor has got for one tenant, as exclusive slot starts (epoch ms). <em>Claimed</em>: the
 * compactor may have read the finer tier for every slot before this; it claims before it reads. <em>Done</em>:
 * every slot before this has been written. Both only grow. A write into a claimed slot is late: the rollup
 * asks for the slot to be recomputed ({@link RecomputeRequest}).
 *
 * <p>Why claims come first: the rollup writes a minute and then reads the progress; the compactor claims an
 * hour and then reads its minutes. Whichever comes second sees the other's write, so a late point is either
 * read by the compaction or answered by a recompute request (both strongly consistent in DynamoDB).
 */
public record CompactionProgress(long hourClaimed, long hourDone, long dayClaimed, long dayDone) {
    /** An hour (day) is compacted this long after its end: the stream's batching window and some lag. */
    public static final Duration GRACE = Duration.ofMinutes(5);
    /** Clock difference between the rollup and compactor functions that the late-data check tolerates. */
    public static final Duration CLOCK_SKEW = Duration.ofMinutes(1);

    /** Which of the four marks. */
    public enum Mark {
        HOUR_CLAIMED("hourClaimed"), HOUR_DONE("hourDone"), DAY_CLAIMED("dayClaimed"), DAY_DONE("dayDone");

        private final String attribute;

        Mark(String attribute) {
            this.attribute = attribute;
        }

        /** The attribute name in the state table. */
        public String attribute() {
            return attribute;
        }
    }

    /**
     * A new tenant's progress: everything before the last closed hour and day counts as compacted, so data
     * written there later (a backfill) is recomputed on request, and the compactor goes on from now.
     */
    public static CompactionProgress startingAt(long now) {
        long h = Tier.HOUR.slotStart(now - GRACE.toMillis());
        long d = Tier.DAY.slotStart(now - GRACE.toMillis());
        return new CompactionProgress(h, h, d, d);
    }

    public long claimed(Tier tier) {
        return switch (tier) {
            case HOUR -> hourClaimed;
            case DAY -> dayClaimed;
            case MINUTE -> throw new IllegalArgumentException("minutes are not compacted");
        };
    }

    public long done(Tier tier) {
        return switch (tier) {
            case HOUR -> hourDone;
            case DAY -> dayDone;
            case MINUTE -> throw new IllegalArgumentException("minutes are not compacted");
        };
    }

    /** The later of both, mark by mark (progress only grows). */
    public CompactionProgress max(CompactionProgress o) {
        return new CompactionProgress(Math.max(hourClaimed, o.hourClaimed), Math.max(hourDone, o.hourDone),
                Math.max(dayClaimed, o.dayClaimed), Math.max(dayDone, o.dayDone));
    }

    /**
     * True if the compactor may already have read the finer tier of this slot. A slot that closed less than
     * {@link #GRACE} (minus {@link #CLOCK_SKEW}) ago cannot be claimed yet, whatever the stored progress says.
     */
    public static boolean mayBeClaimed(Tier tier, long slotStart, long now) {
        return slotStart + tier.slotMillis() + GRACE.toMillis() <= now + CLOCK_SKEW.toMillis();
    }
}

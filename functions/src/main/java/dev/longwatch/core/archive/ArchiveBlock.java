package dev.longwatch.core.archive;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * An archive block in memory: one tenant, one time window, parts of points with the stream records they came
 * from. Its bytes are {@link BlockCodec}'s format v1 (api-spec/archive-block-format.md).
 */
public final class ArchiveBlock {
    public static final long HOUR_MILLIS = 3_600_000L;
    public static final long DAY_MILLIS = 24 * HOUR_MILLIS;

    /** What a block is; the code is the kind byte of the format. */
    public enum Kind {
        /** The points of one stream batch for one tenant and point-hour; one part per record. */
        BATCH(1),
        /** One tenant's points of one hour, merged from per-batch blocks; one part. */
        HOUR(2),
        /** One tenant's points of one UTC day: the hourly blocks of the day, one or more parts per hour. */
        DAY(3);

        final int code;

        Kind(int code) {
            this.code = code;
        }

        static Kind ofCode(int code) {
            for (Kind k : values()) {
                if (k.code == code) {
                    return k;
                }
            }
            return null;
        }
    }

    private final Kind kind;
    private final String tenant;
    private final long windowStart;
    private final String shard;
    private final BigInteger firstSequence;
    private final BigInteger lastSequence;
    private final List<BlockPart> parts = new ArrayList<>();

    private ArchiveBlock(Kind kind, String tenant, long windowStart, String shard, BigInteger firstSequence,
                         BigInteger lastSequence) {
        this.kind = kind;
        this.tenant = tenant;
        this.windowStart = windowStart;
        this.shard = shard;
        this.firstSequence = firstSequence;
        this.lastSequence = lastSequence;
    }

    /** A per-batch block: the batch of {@code shard} from {@code first} to {@code last}, one point-hour. */
    public static ArchiveBlock batch(String tenant, long hourStart, String shard, BigInteger first, BigInteger last) {
        requireAligned(hourStart, HOUR_MILLIS);
        if (first.compareTo(last) > 0) {
            throw new IllegalArgumentException("a batch's first sequence number " + first + " is after its last " + last);
        }
        return new ArchiveBlock(Kind.BATCH, tenant, hourStart, shard, first, last);
    }

    public static ArchiveBlock hour(String tenant, long hourStart) {
        requireAligned(hourStart, HOUR_MILLIS);
        return new ArchiveBlock(Kind.HOUR, tenant, hourStart, null, null, null);
    }

    public static ArchiveBlock day(String tenant, long dayStart) {
        requireAligned(dayStart, DAY_MILLIS);
        return new ArchiveBlock(Kind.DAY, tenant, dayStart, null, null, null);
    }

    private static void requireAligned(long start, long unit) {
        if (Math.floorMod(start, unit) != 0) {
            throw new IllegalArgumentException("a block window must start on a UTC " + (unit == HOUR_MILLIS ? "hour"
                    : "day") + ", got " + start);
        }
    }

    public Kind kind() {
        return kind;
    }

    public String tenant() {
        return tenant;
    }

    /** The hour (batch, hour blocks) or UTC day (day blocks) the block holds, epoch ms. */
    public long windowStart() {
        return windowStart;
    }

    public long windowEnd() {
        return windowStart + (kind == Kind.DAY ? DAY_MILLIS : HOUR_MILLIS);
    }

    /** The shard of a per-batch block; null otherwise. */
    public String shard() {
        return shard;
    }

    public BigInteger firstSequence() {
        return firstSequence;
    }

    public BigInteger lastSequence() {
        return lastSequence;
    }

    /** The records of the whole batch, also those without points here (a per-batch block only). */
    public SeqRange batchRange() {
        return kind == Kind.BATCH ? SeqRange.inclusive(firstSequence, lastSequence) : null;
    }

    public List<BlockPart> parts() {
        return parts;
    }

    public ArchiveBlock add(BlockPart part) {
        if (part.hourStart() < windowStart || part.hourStart() >= windowEnd()
                || Math.floorMod(part.hourStart(), HOUR_MILLIS) != 0) {
            throw new IllegalArgumentException("part hour " + part.hourStart() + " lies outside the block's window "
                    + windowStart + ".." + windowEnd());
        }
        if (part.isRecord() != (kind == Kind.BATCH)) {
            throw new IllegalArgumentException(kind == Kind.BATCH ? "a per-batch block holds record parts only"
                    : "a merged block holds merged parts only");
        }
        parts.add(part);
        return this;
    }

    public long pointCount() {
        long n = 0;
        for (BlockPart p : parts) {
            n += p.pointCount();
        }
        return n;
    }

    @Override
    public String toString() {
        return "ArchiveBlock[" + kind + " " + tenant + " " + windowStart + " parts=" + parts.size() + " points="
                + pointCount() + "]";
    }
}

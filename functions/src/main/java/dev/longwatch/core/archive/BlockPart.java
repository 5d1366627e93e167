package dev.longwatch.core.archive;

import dev.longwatch.model.SeriesKey;

import java.math.BigInteger;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A unit of merging inside a block: the points of one point-hour that came from a known set of stream records
 * (its coverage). In a per-batch block every part is one record; in hourly and daily blocks a part is an hourly
 * block as the compactor built it. Parts are kept apart so that a later merge can tell, without guessing,
 * whether another part holds the same records (drop it), more of them (replace), or others (add).
 */
public final class BlockPart {
    private final long hourStart;
    private final Map<String, SeqRange> coverage;
    /** The record of a per-batch block's part; null in merged blocks. */
    private final BigInteger recordSequence;
    private final LinkedHashMap<SeriesKey, Points> series = new LinkedHashMap<>();

    private BlockPart(long hourStart, Map<String, SeqRange> coverage, BigInteger recordSequence) {
        this.hourStart = hourStart;
        this.coverage = coverage;
        this.recordSequence = recordSequence;
    }

    /** The part of one stream record in a per-batch block. */
    public static BlockPart record(long hourStart, String shard, BigInteger sequence) {
        return new BlockPart(hourStart, Map.of(shard, SeqRange.single(sequence)), sequence);
    }

    /** A part of a merged (hourly or daily) block. */
    public static BlockPart merged(long hourStart, Map<String, SeqRange> coverage) {
        return new BlockPart(hourStart, new TreeMap<>(coverage), null);
    }

    public long hourStart() {
        return hourStart;
    }

    /** Shard → the records covered; sorted by shard. */
    public Map<String, SeqRange> coverage() {
        return Collections.unmodifiableMap(coverage);
    }

    public BigInteger recordSequence() {
        return recordSequence;
    }

    public boolean isRecord() {
        return recordSequence != null;
    }

    /** Series → points, in the order the series first appeared. */
    public Map<SeriesKey, Points> series() {
        return series;
    }

    /** The points of a series, created empty on first use. */
    public Points points(SeriesKey key) {
        return series.computeIfAbsent(key, k -> new Points());
    }

    public long pointCount() {
        long n = 0;
        for (Points p : series.values()) {
            n += p.size();
        }
        return n;
    }

    /** Whether the record {@code sequence} of {@code shard} is covered by this part. */
    public boolean covers(String shard, BigInteger sequence) {
        SeqRange r = coverage.get(shard);
        return r != null && r.contains(sequence);
    }

    /** Whether every record this part covers is also covered by {@code other}. */
    public boolean coveredBy(BlockPart other) {
        for (Map.Entry<String, SeqRange> e : coverage.entrySet()) {
            SeqRange o = other.coverage.get(e.getKey());
            if (o == null || !o.containsAll(e.getValue())) {
                return false;
            }
        }
        return true;
    }

    /** Whether this part and {@code other} have no record in common. */
    public boolean disjointFrom(BlockPart other) {
        for (Map.Entry<String, SeqRange> e : coverage.entrySet()) {
            SeqRange o = other.coverage.get(e.getKey());
            if (o != null && o.overlaps(e.getValue())) {
                return false;
            }
        }
        return true;
    }

    /** Extends the coverage on {@code shard} up to {@code upTo}, from {@code after} if the shard is new here. */
    void extendCoverage(String shard, BigInteger after, BigInteger upTo) {
        SeqRange r = coverage.get(shard);
        if (r == null) {
            coverage.put(shard, new SeqRange(after, upTo));
        } else if (upTo.compareTo(r.upTo()) > 0) {
            coverage.put(shard, new SeqRange(r.after(), upTo));
        }
    }

    @Override
    public String toString() {
        return "BlockPart[hour=" + hourStart + (recordSequence != null ? " record=" + recordSequence : "")
                + " coverage=" + coverage + " series=" + series.size() + "]";
    }
}

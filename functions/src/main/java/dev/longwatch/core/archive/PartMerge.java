package dev.longwatch.core.archive;

import dev.longwatch.model.SeriesKey;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The merge rules of the archive, shared by the compactor (which writes their result) and the reader (which
 * applies them in memory to whatever is stored at the moment):
 * <ul>
 *   <li>a record of a per-batch block is added to a part unless a part already covers it (redelivery);</li>
 *   <li>an hourly part joins a day's parts of its hour unless they already cover it (a source left behind
 *       by a crash), replaces the parts it covers (it grew since they were copied), and is added otherwise.
 *       Parts that share only some records cannot be told apart and are refused.</li>
 * </ul>
 */
final class PartMerge {
    enum Outcome { ADDED, REPLACED, ALREADY_THERE }

    private PartMerge() {
    }

    /** Whether every record {@code q} covers is covered by the union of {@code parts}. */
    static boolean coveredByUnion(BlockPart q, List<BlockPart> parts) {
        for (Map.Entry<String, SeqRange> e : q.coverage().entrySet()) {
            List<SeqRange> ranges = new ArrayList<>();
            for (BlockPart p : parts) {
                SeqRange r = p.coverage().get(e.getKey());
                if (r != null) {
                    ranges.add(r);
                }
            }
            if (!SeqRange.coveredByUnion(e.getValue(), ranges)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Adds to {@code target} every record of {@code batches} (all of its hour) that neither {@code target} nor
     * any of {@code exclude} covers, in stream order, and extends its coverage over the batches. Returns the
     * number of points added.
     */
    static long applyBatches(BlockPart target, List<ArchiveBlock> batches, List<BlockPart> exclude) {
        List<ArchiveBlock> ordered = new ArrayList<>(batches);
        ordered.sort(Comparator.comparing(ArchiveBlock::shard).thenComparing(ArchiveBlock::firstSequence));
        long added = 0;
        for (ArchiveBlock b : ordered) {
            if (b.windowStart() != target.hourStart()) {
                throw new IllegalArgumentException("a per-batch block of hour " + b.windowStart()
                        + " cannot merge into hour " + target.hourStart());
            }
            String shard = b.shard();
            SeqRange range = target.coverage().get(shard);
            // Records at or below `low` belong to other parts; a new shard starts after the excluded parts.
            BigInteger low = range != null ? range.after() : highestUpTo(exclude, shard);
            List<BlockPart> records = new ArrayList<>(b.parts());
            records.sort(Comparator.comparing(BlockPart::recordSequence));
            for (BlockPart r : records) {
                BigInteger seq = r.recordSequence();
                if (covered(shard, seq, target, exclude)) {
                    continue;
                }
                if (low != null && seq.compareTo(low) <= 0) {
                    // Below this part's coverage yet in no other part: the parts do not tile the shard.
                    throw new IllegalStateException("record " + seq + " of " + shard + " lies below "
                            + (range == null ? "the parts of" : "part " + range + " of") + " hour "
                            + target.hourStart() + " and in none of them");
                }
                for (Map.Entry<SeriesKey, Points> s : r.series().entrySet()) {
                    target.points(s.getKey()).addAll(s.getValue());
                    added += s.getValue().size();
                }
            }
            if (low == null || low.compareTo(b.lastSequence()) < 0) {
                target.extendCoverage(shard, low, b.lastSequence());
            }
        }
        return added;
    }

    private static BigInteger highestUpTo(List<BlockPart> parts, String shard) {
        BigInteger high = null;
        for (BlockPart p : parts) {
            SeqRange r = p.coverage().get(shard);
            if (r != null && (high == null || r.upTo().compareTo(high) > 0)) {
                high = r.upTo();
            }
        }
        return high;
    }

    private static boolean covered(String shard, BigInteger seq, BlockPart target, List<BlockPart> exclude) {
        if (target.covers(shard, seq)) {
            return true;
        }
        for (BlockPart p : exclude) {
            if (p.covers(shard, seq)) {
                return true;
            }
        }
        return false;
    }

    /** Merges an hourly part into the parts of a day (in place, kept in hour order). */
    static Outcome mergeIntoDay(List<BlockPart> dayParts, BlockPart hourly) {
        if (hourly.coverage().isEmpty()) {
            throw new IllegalArgumentException("an hourly part without coverage cannot be merged");
        }
        List<BlockPart> same = new ArrayList<>();
        for (BlockPart p : dayParts) {
            if (p.hourStart() == hourly.hourStart()) {
                same.add(p);
            }
        }
        if (coveredByUnion(hourly, same)) {
            return Outcome.ALREADY_THERE;
        }
        List<BlockPart> replaced = new ArrayList<>();
        for (BlockPart p : same) {
            if (p.coveredBy(hourly)) {
                replaced.add(p);
            } else if (!p.disjointFrom(hourly)) {
                throw new OverlappingPartsException("hour " + hourly.hourStart() + ": part " + p.coverage()
                        + " and part " + hourly.coverage() + " share some records but neither holds the other");
            }
        }
        int at = -1;
        for (int i = 0; i < dayParts.size(); i++) {
            BlockPart p = dayParts.get(i);
            if (replaced.stream().anyMatch(x -> x == p)) {
                at = at < 0 ? i : at;
            }
        }
        dayParts.removeIf(p -> replaced.stream().anyMatch(x -> x == p));
        if (at < 0) {
            at = 0;
            while (at < dayParts.size() && dayParts.get(at).hourStart() <= hourly.hourStart()) {
                at++;
            }
        }
        dayParts.add(at, hourly);
        return replaced.isEmpty() ? Outcome.ADDED : Outcome.REPLACED;
    }

    /** Parts that share some records and not others: merging either way would lose or double points. */
    static final class OverlappingPartsException extends IllegalStateException {
        OverlappingPartsException(String message) {
            super(message);
        }
    }
}

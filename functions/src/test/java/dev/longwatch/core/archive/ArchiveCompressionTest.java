package dev.longwatch.core.archive;

import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bytes per point of daily blocks of realistic series (the figures in docs/performance.md, "Archive"): the
 * goal is under 1.5 for regular gauges and counters; full-precision noisy values cannot reach it and are
 * reported apart. The block's whole size counts: headers, coverage, series names, checksum.
 */
class ArchiveCompressionTest {
    static final long DAY = 1763683200000L; // 2025-11-21T00:00Z

    record Figure(String kind, long intervalMillis, int jitterMillis, double bytesPerPoint, long points) {
    }

    static double bytesPerPoint(List<ArchiveSamples.Sample> samples) {
        BlockPart part = BlockPart.merged(DAY, Map.of("shardId-000000000000", new SeqRange(null,
                new BigInteger("49590338271490256608559692538361571095921575989136588898"))));
        for (ArchiveSamples.Sample s : samples) {
            part.series().put(s.key(), s.points());
        }
        ArchiveBlock block = ArchiveBlock.day(ArchiveSamples.TENANT, DAY).add(part);
        byte[] bytes = BlockCodec.encode(block);
        ArchiveBlock back = BlockCodec.decode(bytes);
        for (ArchiveSamples.Sample s : samples) {
            assertTrue(s.points().equals(back.parts().get(0).series().get(s.key())), "round trip of " + s.name());
        }
        return bytes.length / (double) block.pointCount();
    }

    static List<ArchiveSamples.Sample> samples(String kind, long interval, int jitter) {
        int n = (int) (ArchiveBlock.DAY_MILLIS / interval);
        return switch (kind) {
            case "regular gauges" -> ArchiveSamples.regularGauges(DAY, n, interval, jitter, 1);
            case "counters" -> ArchiveSamples.counters(DAY, n, interval, jitter, 2);
            default -> ArchiveSamples.noisy(DAY, n, interval, jitter, 3);
        };
    }

    @Test
    void regularGaugesAndCountersTakeUnderOneAndAHalfBytesAPointAndNoisyValuesAreReported() {
        List<Figure> figures = new ArrayList<>();
        for (String kind : List.of("regular gauges", "counters", "noisy values")) {
            for (int jitter : new int[]{0, 2, 20}) {
                for (long interval : new long[]{10_000, 60_000}) {
                    List<ArchiveSamples.Sample> s = samples(kind, interval, jitter);
                    long points = s.stream().mapToLong(x -> x.points().size()).sum();
                    figures.add(new Figure(kind, interval, jitter, bytesPerPoint(s), points));
                }
            }
        }
        StringBuilder table = new StringBuilder(
                "| series | every | timestamps | bytes/point |\n|---|---|---|---|\n");
        for (Figure f : figures) {
            table.append(String.format(Locale.ROOT, "| %s | %d s | %s | %.2f |%n", f.kind(), f.intervalMillis() / 1000,
                    f.jitterMillis() == 0 ? "on the interval" : "±" + f.jitterMillis() + " ms jitter",
                    f.bytesPerPoint()));
        }
        System.out.println("Archive block size, daily blocks (" + ArchiveSamples.class.getSimpleName() + "):\n" + table);

        for (Figure f : figures) {
            String what = f.kind() + " every " + f.intervalMillis() / 1000 + " s, jitter " + f.jitterMillis() + " ms: "
                    + String.format(Locale.ROOT, "%.3f", f.bytesPerPoint()) + " bytes/point";
            if (f.kind().equals("noisy values")) {
                // Random 52-bit mantissas carry ~6 bytes of information; guard against regressions only.
                assertTrue(f.bytesPerPoint() < 9, what);
            } else if (f.jitterMillis() <= 2) {
                assertTrue(f.bytesPerPoint() < 1.5, what);
            } else {
                assertTrue(f.bytesPerPoint() < 2, what);
            }
        }
    }
}

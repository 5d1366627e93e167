package dev.longwatch.core.archive;

import org.junit.jupiter.api.Test;

import java.util.List;

class ArchiveCompressionProbeTest {
    @Test
    void probe() {
        long day = 1763683200000L; // 2025-11-21
        for (int jitter : new int[]{0, 2, 20, 200}) {
            for (String kind : new String[]{"gauges", "counters", "noisy"}) {
                for (long interval : new long[]{10_000, 60_000}) {
                    int n = (int) (ArchiveBlock.DAY_MILLIS / interval);
                    List<ArchiveSamples.Sample> s = switch (kind) {
                        case "gauges" -> ArchiveSamples.regularGauges(day, n, interval, jitter, 1);
                        case "counters" -> ArchiveSamples.counters(day, n, interval, jitter, 2);
                        default -> ArchiveSamples.noisy(day, n, interval, jitter, 3);
                    };
                    ArchiveBlock b = ArchiveBlock.day("acme", day);
                    BlockPart part = BlockPart.merged(day, java.util.Map.of("shardId-000000000000",
                            new SeqRange(null, java.math.BigInteger.valueOf(123456789))));
                    b.add(part);
                    StringBuilder per = new StringBuilder();
                    for (ArchiveSamples.Sample x : s) {
                        part.series().put(x.key(), x.points());
                        ArchiveBlock one = ArchiveBlock.day("acme", day);
                        BlockPart p1 = BlockPart.merged(day, part.coverage());
                        p1.series().put(x.key(), x.points());
                        one.add(p1);
                        per.append(String.format(" %s=%.2f", x.name(), BlockCodec.encode(one).length / (double) n));
                    }
                    byte[] bytes = BlockCodec.encode(b);
                    System.out.printf("jitter=%4d %-8s every %2ds: %.3f B/pt  %s%n", jitter, kind, interval / 1000,
                            bytes.length / (double) b.pointCount(), per);
                }
            }
        }
    }
}

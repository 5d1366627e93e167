package dev.longwatch.bench;

import dev.longwatch.core.archive.ArchiveBlock;
import dev.longwatch.core.archive.BlockCodec;
import dev.longwatch.core.archive.BlockPart;
import dev.longwatch.core.archive.Points;
import dev.longwatch.core.archive.SeqRange;
import dev.longwatch.model.MetricType;
import dev.longwatch.model.SeriesKey;
import dev.longwatch.model.Tags;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.math.BigInteger;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The archive block codec: encoding and decoding a daily block of 100 series × 1440 points (one point a minute,
 * timestamps with ±2 ms of jitter) of one kind of series. Scores are points per second on one thread; the
 * block's bytes per point are printed at setup.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
@Threads(1)
@Fork(1)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 5, time = 2)
public class ArchiveCodecBenchmark {
    static final int SERIES = 100;
    static final int POINTS_PER_SERIES = 1440;
    static final int POINTS = SERIES * POINTS_PER_SERIES;
    static final long DAY = 1763683200000L; // 2025-11-21T00:00Z

    /** gauge: integer levels that often stay put; counter: per-minute deltas; noisy: full-precision doubles. */
    @Param({"gauge", "counter", "noisy"})
    public String kind;

    private ArchiveBlock block;
    private byte[] encoded;

    @Setup
    public void setUp() {
        Random r = new Random(17);
        BlockPart part = BlockPart.merged(DAY, Map.of("shardId-000000000000",
                new SeqRange(null, new BigInteger("49590338271490256608559692538361571095921575989136588898"))));
        for (int s = 0; s < SERIES; s++) {
            SeriesKey key = new SeriesKey("acme", "bench." + kind, kind.equals("counter") ? MetricType.COUNTER
                    : MetricType.GAUGE, Tags.of("host", "h" + s));
            Points p = new Points(POINTS_PER_SERIES);
            double level = 100;
            for (int i = 0; i < POINTS_PER_SERIES; i++) {
                long t = DAY + i * 60_000L + r.nextInt(5) - 2;
                double v = switch (kind) {
                    case "gauge" -> level = r.nextInt(4) == 0 ? Math.max(0, level + r.nextInt(7) - 3) : level;
                    case "counter" -> Math.max(0, Math.round(120 + 11 * r.nextGaussian()));
                    default -> Math.exp(3 + 0.4 * r.nextGaussian());
                };
                p.add(t, v);
            }
            part.series().put(key, p);
        }
        block = ArchiveBlock.day("acme", DAY).add(part);
        encoded = BlockCodec.encode(block);
        System.out.printf("%n%s: %d bytes for %d points = %.2f bytes/point%n", kind, encoded.length, POINTS,
                encoded.length / (double) POINTS);
    }

    @Benchmark
    @OperationsPerInvocation(POINTS)
    public byte[] encode() {
        return BlockCodec.encode(block);
    }

    @Benchmark
    @OperationsPerInvocation(POINTS)
    public ArchiveBlock decode() {
        return BlockCodec.decode(encoded);
    }
}

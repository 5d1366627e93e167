package dev.longwatch.bench;

import dev.longwatch.core.rollup.RollupService;
import dev.longwatch.core.rollup.Slab;
import dev.longwatch.core.rollup.SlabCodec;
import dev.longwatch.core.rollup.SlabKey;
import dev.longwatch.core.rollup.Tier;
import dev.longwatch.core.telemetry.PlatformMetrics;
import dev.longwatch.model.Aggregate;
import dev.longwatch.model.MetricType;
import dev.longwatch.model.Series;
import dev.longwatch.model.SeriesKey;
import dev.longwatch.model.StreamRecord;
import dev.longwatch.model.StreamRecords;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
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
import org.openjdk.jmh.infra.Blackhole;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The rollup function's CPU on what one 60-second Kinesis batching window delivers for 1,000 series
 * reporting every 10 s: 6,000 one-point records, decoded, aggregated per series and slab, and written to
 * an in-memory store that keeps encoded slabs (DynamoDB's cost is measured by {@link WriteUnitsHarness}).
 * Also the two codecs on their own.
 *
 * <p>The rollup writes slabs from virtual threads; the carrier pool is held to one thread so the score is
 * per core, like the parse figures.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = "-Djdk.virtualThreadScheduler.parallelism=1")
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 5, time = 2)
public class RollupAggregationBenchmark {
    static final int SERIES = 1_000;
    static final int REPORTS = 6;
    static final int BATCH_POINTS = SERIES * REPORTS;
    /** A 10-minute boundary, so the window's points fill one slab per scalar series. */
    static final long WINDOW_START = Workloads.NOW.toEpochMilli() - 20 * 60_000L;

    /** One batch of records and a rollup service over in-memory ports. */
    @State(Scope.Thread)
    public static class Batch {
        /**
         * {@code new}: no slab of the batch is stored yet (first window of a slab; every distribution window).
         * {@code stored}: every slab is stored already and is read, merged and rewritten (9 of 10 windows of a
         * scalar series).
         */
        @Param({"new", "stored"})
        public String slabs;

        StreamRecords codec;
        List<byte[]> data;
        InMemoryRollupStore store;
        RollupService service;
        List<RollupService.IncomingRecord> batch;
        long nextSequence = 1;

        @Setup(Level.Trial)
        public void setUp() {
            Clock clock = Workloads.fixedClock();
            codec = new StreamRecords(Workloads.payloads(clock));
            data = Workloads.oneTickRecords(codec, SERIES, REPORTS, WINDOW_START, 10_000, 3);
            store = new InMemoryRollupStore();
            service = new RollupService(codec, store, new InMemorySeriesIndex(), new InMemoryEventStore(),
                    PlatformMetrics.NONE, clock, 32);
            // Check once that the batch is applied in full (and, for "stored", leave its slabs behind).
            nextBatch();
            RollupService.BatchOutcome o = service.apply(batch);
            if (o.pointsApplied() != BATCH_POINTS || !o.failedSequenceNumbers().isEmpty()) {
                throw new IllegalStateException("benchmark batch not applied in full: " + o);
            }
        }

        /** The same records with new sequence numbers, so "stored" slabs never skip them as duplicates. */
        @Setup(Level.Invocation)
        public void nextBatch() {
            if ("new".equals(slabs)) {
                store.clear();
            }
            List<RollupService.IncomingRecord> b = new ArrayList<>(data.size());
            for (byte[] d : data) {
                b.add(new RollupService.IncomingRecord("shardId-000000000000",
                        Workloads.sequenceNumber(nextSequence++), WINDOW_START, d));
            }
            batch = b;
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH_POINTS)
    public RollupService.BatchOutcome applyBatch(Batch b) {
        return b.service.apply(b.batch);
    }

    /** The batch's records alone, for the decoding share of {@link #applyBatch}. */
    @State(Scope.Thread)
    public static class BatchRecords {
        StreamRecords codec;
        List<byte[]> data;

        @Setup(Level.Trial)
        public void setUp() {
            codec = new StreamRecords(Workloads.payloads(Workloads.fixedClock()));
            data = Workloads.oneTickRecords(codec, SERIES, REPORTS, WINDOW_START, 10_000, 3);
        }
    }

    /** Only the decoding share of {@link #applyBatch}: the same 6,000 records through the record codec. */
    @Benchmark
    @OperationsPerInvocation(BATCH_POINTS)
    public void decodeBatchRecords(BatchRecords b, Blackhole bh) {
        for (byte[] d : b.data) {
            bh.consume(b.codec.decode(d));
        }
    }

    /** Slabs as the rollup writes them: a full 10-minute gauge slab, and a one-minute distribution slab. */
    @State(Scope.Thread)
    public static class Slabs {
        Slab gauge;
        Slab distribution;
        byte[] gaugeBytes;
        byte[] distributionBytes;

        @Setup(Level.Trial)
        public void setUp() {
            SplittableRandom rnd = new SplittableRandom(4);
            gauge = Slab.empty(new SlabKey("acme/0123456789abcdef0123456789abcdef", Tier.MINUTE, MetricType.GAUGE,
                    WINDOW_START));
            for (int i = 0; i < 60; i++) { // ten minutes of 10-second points
                gauge.add(WINDOW_START + i * 10_000L, Workloads.value(MetricType.GAUGE, rnd));
            }
            distribution = Slab.empty(new SlabKey("acme/fedcba9876543210fedcba9876543210", Tier.MINUTE,
                    MetricType.DISTRIBUTION, WINDOW_START));
            for (int i = 0; i < 60; i++) { // one sample a second for a minute
                distribution.add(WINDOW_START + i * 1_000L, Workloads.value(MetricType.DISTRIBUTION, rnd));
            }
            gaugeBytes = SlabCodec.encode(gauge);
            distributionBytes = SlabCodec.encode(distribution);
        }
    }

    @Benchmark
    public byte[] slabEncodeGauge10Slots(Slabs s) {
        return SlabCodec.encode(s.gauge);
    }

    @Benchmark
    public Aggregate[] slabDecodeGauge10Slots(Slabs s) {
        return SlabCodec.decode(s.gauge.key(), s.gaugeBytes);
    }

    @Benchmark
    public byte[] slabEncodeDistribution(Slabs s) {
        return SlabCodec.encode(s.distribution);
    }

    @Benchmark
    public Aggregate[] slabDecodeDistribution(Slabs s) {
        return SlabCodec.decode(s.distribution.key(), s.distributionBytes);
    }

    /**
     * Stream records as ingest writes them: one series with one point, and one series of the large body
     * (235 points, gzip-compressed).
     */
    @State(Scope.Thread)
    public static class Records {
        StreamRecords codec;
        StreamRecord onePoint;
        StreamRecord manyPoints;
        byte[] onePointBytes;
        byte[] manyPointsBytes;

        @Setup(Level.Trial)
        public void setUp() {
            codec = new StreamRecords(Workloads.payloads(Workloads.fixedClock()));
            onePoint = codec.decode(Workloads.oneTickRecords(codec, 1, 1, WINDOW_START, 10_000, 5).get(0)).record();
            Series s = Workloads.payloads(Workloads.fixedClock())
                    .parseMetrics(Workloads.metricsBody(1, Workloads.LARGE_POINTS_PER_SERIES, 6)).series().get(0);
            manyPoints = new StreamRecord.Metrics(Workloads.TENANT, List.of(s));
            onePointBytes = codec.encode(onePoint);
            manyPointsBytes = codec.encode(manyPoints);
            if (StreamRecords.isGzip(onePointBytes) || !StreamRecords.isGzip(manyPointsBytes)) {
                throw new IllegalStateException("expected a plain one-point record and a gzip-compressed "
                        + "many-point record");
            }
        }
    }

    @Benchmark
    public byte[] recordEncodeOnePoint(Records r) {
        return r.codec.encode(r.onePoint);
    }

    @Benchmark
    public StreamRecords.Decoded recordDecodeOnePoint(Records r) {
        return r.codec.decode(r.onePointBytes);
    }

    @Benchmark
    public byte[] recordEncodeManyPointsGzip(Records r) {
        return r.codec.encode(r.manyPoints);
    }

    @Benchmark
    public StreamRecords.Decoded recordDecodeManyPointsGzip(Records r) {
        return r.codec.decode(r.manyPointsBytes);
    }

    /**
     * The gzip share of {@link #recordEncodeManyPointsGzip}: the same record's JSON through the JDK's gzip at
     * its default level (what {@code StreamRecords} uses) and at the fastest level, for comparison.
     */
    @State(Scope.Thread)
    public static class Gzip {
        byte[] json;

        @Setup(Level.Trial)
        public void setUp() {
            Records r = new Records();
            r.setUp();
            json = gunzip(r.manyPointsBytes);
        }
    }

    @Benchmark
    public byte[] gzipManyPointsJsonDefaultLevel(Gzip g) {
        return gzip(g.json, Deflater.DEFAULT_COMPRESSION);
    }

    @Benchmark
    public byte[] gzipManyPointsJsonFastestLevel(Gzip g) {
        return gzip(g.json, Deflater.BEST_SPEED);
    }

    static byte[] gzip(byte[] data, int level) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length / 3 + 32);
        try (GZIPOutputStream z = new GZIPOutputStream(out) {
            {
                def.setLevel(level);
            }
        }) {
            z.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static byte[] gunzip(byte[] data) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(data))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The series id (SHA-256 of the canonical key), computed for every series of every record in a batch. */
    @State(Scope.Thread)
    public static class Keys {
        SeriesKey key;

        @Setup(Level.Trial)
        public void setUp() {
            Workloads.MetricSpec m = Workloads.metricOf(8);
            key = new SeriesKey(Workloads.TENANT, m.name(), m.type(), Workloads.tagsOf(8));
        }
    }

    @Benchmark
    public String seriesKeyId(Keys k) {
        return k.key.id();
    }
}

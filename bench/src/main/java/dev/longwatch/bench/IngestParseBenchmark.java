package dev.longwatch.bench;

import dev.longwatch.core.ingest.IngestResult;
import dev.longwatch.core.ingest.IngestService;
import dev.longwatch.core.ingest.StreamPublisher;
import dev.longwatch.core.telemetry.PlatformMetrics;
import dev.longwatch.model.ParsedMetrics;
import dev.longwatch.model.Payloads;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The ingest function's CPU: reading and validating a metrics body, and the whole ingest path (parse,
 * validate, encode one stream record per series) with a publisher that only counts bytes.
 * Every score is in points per second on one thread (each operation is one point).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
@Threads(1)
@Fork(1)
// The 1 MiB parse keeps speeding up through ~10 s of warm-up (C2 compiles the big reader loops late).
@Warmup(iterations = 6, time = 2)
@Measurement(iterations = 5, time = 2)
public class IngestParseBenchmark {
    private Payloads payloads;
    private IngestService ingest;
    private CountingPublisher publisher;
    private byte[] largeBody;
    private byte[] smallBody;

    /** Counts what would go to Kinesis, so nothing the ingest path computes can be optimised away. */
    static final class CountingPublisher implements StreamPublisher {
        long records;
        long bytes;

        @Override
        public void publish(List<OutgoingRecord> out) {
            records += out.size();
            for (OutgoingRecord r : out) {
                bytes += r.data().length + r.partitionKey().length();
            }
        }
    }

    @Setup
    public void setUp() {
        payloads = Workloads.payloads(Workloads.fixedClock());
        publisher = new CountingPublisher();
        ingest = new IngestService(payloads, publisher, PlatformMetrics.NONE);
        largeBody = Workloads.largeBody();
        smallBody = Workloads.smallBody();
        // A benchmark of a body that is partly refused would measure the wrong thing: check once.
        requireAllAccepted(largeBody, Workloads.LARGE_POINTS);
        requireAllAccepted(smallBody, Workloads.SMALL_POINTS);
        if (largeBody.length > payloads.limits().maxBodyBytes()) {
            throw new IllegalStateException("the large body is " + largeBody.length + " bytes, over the "
                    + payloads.limits().maxBodyBytes() + "-byte limit; shorten it in Workloads");
        }
    }

    private void requireAllAccepted(byte[] body, int points) {
        ParsedMetrics p = payloads.parseMetrics(body);
        if (p.acceptedPoints() != points || !p.rejected().isEmpty()) {
            throw new IllegalStateException("benchmark body not fully accepted: " + p.acceptedPoints() + " of "
                    + points + " points, rejections " + p.rejected());
        }
    }

    @Benchmark
    @OperationsPerInvocation(Workloads.LARGE_POINTS)
    public ParsedMetrics parseLargeBody() {
        return payloads.parseMetrics(largeBody);
    }

    @Benchmark
    @OperationsPerInvocation(Workloads.SMALL_POINTS)
    public ParsedMetrics parseSmallBody() {
        return payloads.parseMetrics(smallBody);
    }

    @Benchmark
    @OperationsPerInvocation(Workloads.LARGE_POINTS)
    public IngestResult ingestLargeBody() {
        return ingest.ingestMetrics(Workloads.TENANT, largeBody);
    }

    @Benchmark
    @OperationsPerInvocation(Workloads.SMALL_POINTS)
    public IngestResult ingestSmallBody() {
        return ingest.ingestMetrics(Workloads.TENANT, smallBody);
    }
}

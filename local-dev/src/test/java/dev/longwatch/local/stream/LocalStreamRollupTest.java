package dev.longwatch.local.stream;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.longwatch.aws.dynamodb.DynamoDbEventStore;
import dev.longwatch.aws.dynamodb.DynamoDbRollupStore;
import dev.longwatch.aws.dynamodb.DynamoDbSeriesIndex;
import dev.longwatch.aws.dynamodb.TableNames;
import dev.longwatch.core.ingest.IngestService;
import dev.longwatch.core.rollup.RollupService;
import dev.longwatch.core.rollup.RollupStore;
import dev.longwatch.core.rollup.Slab;
import dev.longwatch.core.rollup.SlabKey;
import dev.longwatch.core.rollup.Tier;
import dev.longwatch.core.telemetry.InMemoryMetrics;
import dev.longwatch.handler.KinesisRollupHandler;
import dev.longwatch.model.IngestLimits;
import dev.longwatch.model.MetricType;
import dev.longwatch.model.Payloads;
import dev.longwatch.model.Series;
import dev.longwatch.model.StreamRecords;
import dev.longwatch.model.Tags;
import dev.longwatch.testing.LocalDynamo;
import dev.longwatch.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The stream and the real rollup consumer (KinesisRollupHandler, RollupService, DynamoDB Local): points
 * published through the ingest service end up in the rollups exactly once, however often the stream
 * delivers them again.
 */
class LocalStreamRollupTest {
    static final long T0 = Instant.parse("2026-11-20T10:00:00Z").toEpochMilli();

    @TempDir
    Path dir;
    MutableClock clock = new MutableClock(Instant.ofEpochMilli(T0 + 3_600_000));
    Payloads payloads = new Payloads(IngestLimits.DEFAULT, clock, () -> "ev");
    StreamRecords codec = new StreamRecords(payloads);
    InMemoryMetrics metrics = new InMemoryMetrics();
    TableNames tables;
    DynamoDbRollupStore store;
    LocalStream stream;

    @BeforeEach
    void setUp() {
        tables = LocalDynamo.freshTables();
        store = new DynamoDbRollupStore(LocalDynamo.client(), tables.rollups(), metrics);
    }

    @AfterEach
    void tearDown() {
        if (stream != null) {
            stream.close();
        }
    }

    /** The consumer as a fresh process wires it (nothing remembered in memory). */
    KinesisRollupHandler handler(RollupStore rollups) {
        RollupService service = new RollupService(codec, rollups,
                new DynamoDbSeriesIndex(LocalDynamo.client(), tables.series(), metrics),
                new DynamoDbEventStore(LocalDynamo.client(), tables.events(), metrics), metrics, clock, 8);
        return new KinesisRollupHandler(service, metrics);
    }

    void ingest(String json) {
        new IngestService(payloads, stream, metrics).ingestMetrics("acme", json.getBytes(StandardCharsets.UTF_8));
    }

    /** 5 + 7 + 3 requests on host a, 1 on host b, over two ingest calls. */
    void ingestPoints() {
        ingest("""
                {"series": [
                  {"metric": "requests", "type": "counter", "tags": {"host": "a"}, "points": [[%d, 5], [%d, 7]]},
                  {"metric": "requests", "type": "counter", "tags": {"host": "b"}, "points": [[%d, 1]]}
                ]}""".formatted(T0, T0 + 10_000, T0));
        ingest("""
                {"series": [{"metric": "requests", "type": "counter", "tags": {"host": "a"}, "points": [[%d, 3]]}]}
                """.formatted(T0 + 20_000));
    }

    static String seriesId(String host) {
        return new Series("requests", MetricType.COUNTER, Tags.of("host", host), new long[0], new double[0])
                .key("acme").qualifiedId();
    }

    double sumOf(String host) {
        SlabKey key = new SlabKey(seriesId(host), Tier.MINUTE, MetricType.COUNTER,
                Tier.MINUTE.slabStart(T0, MetricType.COUNTER));
        double sum = 0;
        for (Slab s : store.range(key, key.start())) {
            for (var a : s.slots()) {
                if (a != null) {
                    sum += a.sum();
                }
            }
        }
        return sum;
    }

    @Test
    void aBatchDeliveredAgainAfterACrashBeforeTheCheckpointCountsOnce() {
        stream = new LocalStream(dir, 2, clock);
        ingestPoints();
        KinesisRollupHandler real = handler(store);
        RequestHandler<KinesisEvent, StreamsEventResponse> diesAfterApplying = (event, context) -> {
            real.handleRequest(event, context);
            throw new IllegalStateException("the process died before the checkpoint was written");
        };

        assertEquals(0, stream.drain(diesAfterApplying, 100));
        assertEquals(15.0, sumOf("a"), "the rollups were written before the crash");
        assertEquals(1.0, sumOf("b"));

        stream.close();
        stream = new LocalStream(dir, 2, clock);
        assertEquals(3, stream.pendingRecords(), "every record is still pending after the restart");
        metrics.reset();

        assertEquals(3, stream.drain(handler(store), 100));
        assertEquals(15.0, sumOf("a"));
        assertEquals(1.0, sumOf("b"));
        assertEquals(4.0, metrics.counter("PointsSkippedAsDuplicate"), "all four points were seen as duplicates");
        assertEquals(0.0, metrics.counter("PointsRolledUp"));
        assertEquals(0, stream.pendingRecords());
    }

    @Test
    void aLostCheckpointRedeliversEverythingAndNothingCountsTwice() throws IOException {
        stream = new LocalStream(dir, 2, clock);
        ingestPoints();
        assertEquals(3, stream.drain(handler(store), 100));
        assertEquals(15.0, sumOf("a"));
        stream.close();
        // As if the machine died before the checkpoints reached the disk.
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.filter(f -> f.getFileName().toString().equals(Shard.CHECKPOINT_FILE)).toList()) {
                Files.delete(p);
            }
        }

        stream = new LocalStream(dir, 2, clock);
        assertEquals(3, stream.pendingRecords());
        assertEquals(3, stream.drain(handler(store), 100));
        assertEquals(15.0, sumOf("a"));
        assertEquals(1.0, sumOf("b"));
    }

    @Test
    void recordsTheConsumerReportsAsFailedAreRetriedUntilTheyAreApplied() {
        stream = new LocalStream(dir, 1, clock);
        ingestPoints();
        // Host b's rollup write fails once: the handler reports its record, the stream keeps it.
        RollupStore outageForB = new RollupStore() {
            @Override
            public Map<SlabKey, Slab> load(Collection<SlabKey> keys) {
                return store.load(keys);
            }

            @Override
            public boolean put(Slab slab) {
                if (slab.key().seriesId().equals(seriesId("b"))) {
                    throw new IllegalStateException("injected outage");
                }
                return store.put(slab);
            }

            @Override
            public List<Slab> range(SlabKey first, long toStart) {
                return store.range(first, toStart);
            }
        };

        // One record per series: [a: 5, 7], [b: 1], [a: 3]. Only b's failed; the checkpoint stops before it.
        assertEquals(1, stream.drain(handler(outageForB), 100));
        assertEquals(15.0, sumOf("a"), "both of host a's records were applied");
        assertEquals(0.0, sumOf("b"));
        assertEquals(2, stream.pendingRecords(), "b's record and the one after it are delivered again");

        metrics.reset();
        assertEquals(2, stream.drain(handler(store), 100));
        assertEquals(15.0, sumOf("a"), "host a's redelivered record is not counted twice");
        assertEquals(1.0, sumOf("b"));
        assertEquals(1.0, metrics.counter("PointsSkippedAsDuplicate"));
    }
}

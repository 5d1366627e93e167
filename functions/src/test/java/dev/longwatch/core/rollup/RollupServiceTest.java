package dev.longwatch.core.rollup;

import dev.longwatch.aws.dynamodb.DynamoDbEventStore;
import dev.longwatch.aws.dynamodb.DynamoDbRollupStore;
import dev.longwatch.aws.dynamodb.DynamoDbSeriesIndex;
import dev.longwatch.aws.dynamodb.TableNames;
import dev.longwatch.core.telemetry.InMemoryMetrics;
import dev.longwatch.model.Aggregate;
import dev.longwatch.model.IngestLimits;
import dev.longwatch.model.MetricType;
import dev.longwatch.model.Payloads;
import dev.longwatch.model.Series;
import dev.longwatch.model.StreamRecord;
import dev.longwatch.model.StreamRecords;
import dev.longwatch.model.Tags;
import dev.longwatch.testing.LocalDynamo;
import dev.longwatch.testing.MutableClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Rollups on DynamoDB Local: poison records never block a shard, and slabs are read back and merged. */
class RollupServiceTest {
    static final long T0 = Instant.parse("2026-11-20T10:00:00Z").toEpochMilli();
    static final String SHARD = "shardId-000000000000";

    final MutableClock clock = new MutableClock(Instant.ofEpochMilli(T0 + 3_600_000));
    final StreamRecords codec = new StreamRecords(new Payloads(IngestLimits.DEFAULT, clock, () -> "ev"));
    final InMemoryMetrics metrics = new InMemoryMetrics();
    DynamoDbRollupStore store;
    RollupService service;
    long seq = 1000;

    @BeforeEach
    void setUp() {
        TableNames tables = LocalDynamo.freshTables();
        store = new DynamoDbRollupStore(LocalDynamo.client(), tables.rollups(), metrics);
        service = new RollupService(codec, store, new DynamoDbSeriesIndex(LocalDynamo.client(), tables.series(), metrics),
                new DynamoDbEventStore(LocalDynamo.client(), tables.events(), metrics), metrics, clock, 4);
    }

    RollupService.IncomingRecord record(byte[] data) {
        return new RollupService.IncomingRecord(SHARD, Long.toString(seq++), T0, data);
    }

    RollupService.IncomingRecord record(Series s) {
        return record(codec.encode(new StreamRecord.Metrics("acme", List.of(s))));
    }

    static Series gauge(long time, double value) {
        return new Series("cpu", MetricType.GAUGE, Tags.of("host", "a"), new long[]{time}, new double[]{value});
    }

    Aggregate slot(Series s, long time) {
        SlabKey key = new SlabKey(s.key("acme").qualifiedId(), Tier.MINUTE, s.type(), Tier.MINUTE.slabStart(time, s.type()));
        Slab slab = store.load(List.of(key)).get(key);
        return slab.slots()[(int) ((time - key.start()) / Tier.MINUTE.slotMillis())];
    }

    static byte[] gzipBomb() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] spaces = new byte[1 << 20];
        Arrays.fill(spaces, (byte) ' ');
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            for (int i = 0; i < 16; i++) {
                z.write(spaces);
            }
        }
        return out.toByteArray();
    }

    @Test
    void unreadableRecordsAreSkippedAndCountedWhileTheRestOfTheBatchIsApplied() throws IOException {
        RollupService.BatchOutcome outcome = service.apply(List.of(
                record(gauge(T0, 1)),
                record("garbage".getBytes(StandardCharsets.UTF_8)),
                record("{\"v\":9,\"tenant\":\"acme\",\"kind\":\"metrics\",\"series\":[]}".getBytes(StandardCharsets.UTF_8)),
                record(new byte[]{0x1f, (byte) 0x8b, 1, 2, 3}),
                record(gzipBomb()),
                record(gauge(T0 + 1000, 3))));

        assertEquals(List.of(), outcome.failedSequenceNumbers(), "a poison record must never be retried");
        assertEquals(4, outcome.unreadableRecords());
        assertEquals(2, outcome.pointsApplied());
        assertEquals(4.0, slot(gauge(T0, 0), T0).sum());
        assertEquals(4.0, metrics.counter("UnreadableRecords"));
    }

    @Test
    void invalidItemsInsideARecordAreCountedAndTheValidOnesApplied() {
        String json = "{\"v\":1,\"tenant\":\"acme\",\"kind\":\"metrics\",\"series\":[{\"metric\":\"cpu\","
                + "\"type\":\"gauge\",\"tags\":{\"host\":\"a\"},\"points\":[[" + T0 + ",5],[" + T0 + ",NaN]]}]}";
        RollupService.BatchOutcome outcome = service.apply(List.of(record(json.getBytes(StandardCharsets.UTF_8))));
        assertEquals(1, outcome.pointsApplied());
        assertEquals(1.0, metrics.counter("StreamItemsRejected"));
        assertEquals(5.0, slot(gauge(T0, 0), T0).sum());
    }

    @Test
    void aDistributionSlabWrittenByOneBatchIsReadBackAndMergedByTheNext() {
        Random r = new Random(3);
        double[] all = new double[4_000];
        for (int batch = 0; batch < 4; batch++) {
            long[] ts = new long[1_000];
            double[] vs = new double[1_000];
            for (int i = 0; i < ts.length; i++) {
                ts[i] = T0 + r.nextInt(60_000);
                vs[i] = Math.exp(4 + r.nextGaussian());
                all[batch * 1_000 + i] = vs[i];
            }
            Series s = new Series("latency", MetricType.DISTRIBUTION, Tags.EMPTY, ts, vs);
            RollupService.BatchOutcome outcome = service.apply(List.of(record(s)));
            assertEquals(List.of(), outcome.failedSequenceNumbers(), "batch " + batch);
        }
        Arrays.sort(all);
        Aggregate a = slot(new Series("latency", MetricType.DISTRIBUTION, Tags.EMPTY, new long[0], new double[0]), T0);
        assertEquals(4_000, a.count());
        double exactP99 = all[(int) Math.floor(0.99 * (all.length - 1))];
        assertTrue(Math.abs(a.quantile(0.99) - exactP99) / exactP99 <= 0.01 + 1e-9,
                "p99 " + a.quantile(0.99) + " vs exact " + exactP99);
    }
}

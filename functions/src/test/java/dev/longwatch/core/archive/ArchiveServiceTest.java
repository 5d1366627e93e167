package dev.longwatch.core.archive;

import dev.longwatch.aws.s3.S3ArchiveStore;
import dev.longwatch.core.telemetry.InMemoryMetrics;
import dev.longwatch.model.Event;
import dev.longwatch.model.SeriesKey;
import dev.longwatch.model.StreamRecord;
import dev.longwatch.model.Tags;
import dev.longwatch.testing.FaultyArchiveStore;
import dev.longwatch.testing.LocalS3;
import dev.longwatch.testing.MutableClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The archive consumer on s3proxy: objects per tenant and point-hour, deterministic keys, partial failures. */
class ArchiveServiceTest {
    static final long H10 = Instant.parse("2026-11-20T10:00:00Z").toEpochMilli();
    static final long H11 = H10 + ArchiveBlock.HOUR_MILLIS;
    static final String SHARD = "shardId-000000000003";
    static final SeriesKey CPU = ArchiveStreamFixture.gauge("acme", "cpu", "host", "a");
    static final SeriesKey MEM = ArchiveStreamFixture.gauge("acme", "mem", "host", "a");
    static final SeriesKey BETA = ArchiveStreamFixture.gauge("beta", "cpu", "host", "b");

    final MutableClock clock = new MutableClock(Instant.ofEpochMilli(H11 + 600_000));
    final InMemoryMetrics metrics = new InMemoryMetrics();
    ArchiveStreamFixture stream;
    S3ArchiveStore s3;
    FaultyArchiveStore store;
    ArchiveService service;

    @BeforeEach
    void setUp() {
        stream = new ArchiveStreamFixture(clock);
        s3 = new S3ArchiveStore(LocalS3.client(), LocalS3.freshBucket());
        store = new FaultyArchiveStore(s3);
        service = new ArchiveService(stream.codec, store, metrics, clock, 4);
    }

    List<ArchiveService.IncomingRecord> mixedBatch() {
        List<ArchiveService.IncomingRecord> batch = new ArrayList<>();
        batch.add(stream.record(SHARD, CPU, new long[]{H10 + 1_000, H11 + 2_000}, new double[]{1.5, 2.5}));
        batch.add(stream.record(SHARD, BETA, new long[]{H10 + 3_000}, new double[]{9}));
        batch.add(new ArchiveService.IncomingRecord(SHARD, ArchiveStreamFixture.BASE.add(java.math.BigInteger.valueOf(900))
                .toString(), "not json".getBytes(StandardCharsets.UTF_8)));
        batch.add(new ArchiveService.IncomingRecord(SHARD, ArchiveStreamFixture.BASE.add(java.math.BigInteger.valueOf(901))
                .toString(), stream.codec.encode(new StreamRecord.Events("acme", List.of(new Event("e1", "deploy",
                "deploy", H10, Tags.EMPTY, null, null, null))))));
        batch.add(stream.record(SHARD, List.of(ArchiveStreamFixture.series(CPU, new long[]{H10 + 4_000}, new double[]{3}),
                ArchiveStreamFixture.series(MEM, new long[]{H10 + 4_000}, new double[]{1e9})), "acme"));
        return batch;
    }

    static String first(List<ArchiveService.IncomingRecord> b) {
        return b.stream().map(ArchiveService.IncomingRecord::sequenceNumber).min(java.util.Comparator.comparing(
                Sequences::parse)).orElseThrow();
    }

    static String last(List<ArchiveService.IncomingRecord> b) {
        return b.stream().map(ArchiveService.IncomingRecord::sequenceNumber).max(java.util.Comparator.comparing(
                Sequences::parse)).orElseThrow();
    }

    List<String> keys() {
        return s3.list(ArchiveKeys.ROOT).stream().map(ArchiveStore.Listed::key).toList();
    }

    @Test
    void aBatchBecomesOneObjectPerTenantAndPointHourNamedAfterTheBatch() {
        List<ArchiveService.IncomingRecord> batch = mixedBatch();

        ArchiveService.BatchOutcome outcome = service.apply(batch);

        String range = SHARD + "-" + first(batch) + "-" + last(batch) + ".lwb";
        assertEquals(List.of("v1/raw/2026-11-20T10/acme/" + range, "v1/raw/2026-11-20T10/beta/" + range,
                "v1/raw/2026-11-20T11/acme/" + range), keys());
        assertEquals(List.of(), outcome.failedSequenceNumbers());
        assertEquals(3, outcome.objectsWritten());
        assertEquals(5, outcome.pointsArchived());
        assertEquals(1, outcome.unreadableRecords(), "garbage is skipped, events are not archived");

        ArchiveBlock acme10 = BlockCodec.decode(s3.get("v1/raw/2026-11-20T10/acme/" + range).orElseThrow().bytes());
        assertEquals(ArchiveBlock.Kind.BATCH, acme10.kind());
        assertEquals(Sequences.parse(first(batch)), acme10.firstSequence());
        assertEquals(Sequences.parse(last(batch)), acme10.lastSequence());
        assertEquals(List.of(Sequences.parse(batch.get(0).sequenceNumber()), Sequences.parse(batch.get(4).sequenceNumber())),
                acme10.parts().stream().map(BlockPart::recordSequence).toList(), "one part per contributing record");
        assertEquals(Points.of(new long[]{H10 + 1_000}, new double[]{1.5}), acme10.parts().get(0).series().get(CPU));
        assertEquals(Map.of(CPU, Points.of(new long[]{H10 + 4_000}, new double[]{3}),
                MEM, Points.of(new long[]{H10 + 4_000}, new double[]{1e9})), acme10.parts().get(1).series());
        assertEquals(5.0, metrics.counter("ArchivePointsWritten"));
    }

    @Test
    void aRedeliveredBatchOverwritesItsObjectsWithTheSameBytes() {
        List<ArchiveService.IncomingRecord> batch = mixedBatch();
        service.apply(batch);
        List<String> before = keys();
        byte[] bytes = s3.get(before.get(0)).orElseThrow().bytes();

        service.apply(batch);

        assertEquals(before, keys(), "no new object");
        assertArrayEquals(bytes, s3.get(before.get(0)).orElseThrow().bytes());
    }

    @Test
    void anObjectThatCannotBeWrittenReportsItsRecordsAndOnlyThose() {
        List<ArchiveService.IncomingRecord> batch = mixedBatch();
        store.failPutsOf(k -> k.contains("/beta/"));

        ArchiveService.BatchOutcome outcome = service.apply(batch);

        assertEquals(List.of(batch.get(1).sequenceNumber()), outcome.failedSequenceNumbers());
        assertEquals(2, outcome.objectsWritten());
        assertTrue(keys().stream().noneMatch(k -> k.contains("/beta/")));
        assertEquals(1.0, metrics.counter("ArchiveWriteFailures"));
    }
}

package dev.longwatch.core.archive;

import dev.longwatch.aws.s3.S3ArchiveStore;
import dev.longwatch.core.telemetry.InMemoryMetrics;
import dev.longwatch.model.SeriesKey;
import dev.longwatch.testing.FaultyArchiveStore;
import dev.longwatch.testing.LocalS3;
import dev.longwatch.testing.MutableClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Compaction of archive blocks on s3proxy: per-batch → hourly → daily exactly once, redelivery and late data
 * without duplicates, interrupted and concurrent runs. Every test compares what the reader returns with the
 * distinct records written (the truth), point by point and bit by bit.
 */
class ArchiveCompactorTest {
    static final long DAY = Instant.parse("2026-11-20T00:00:00Z").toEpochMilli();
    static final long H = ArchiveBlock.HOUR_MILLIS;
    static final String S0 = "shardId-000000000000";
    static final String S1 = "shardId-000000000001";
    static final SeriesKey CPU = ArchiveStreamFixture.gauge("acme", "cpu", "host", "a");
    static final SeriesKey MEM = ArchiveStreamFixture.gauge("acme", "mem", "host", "b");
    static final Duration BUDGET = Duration.ofMinutes(5);

    final MutableClock clock = new MutableClock(Instant.ofEpochMilli(DAY + 10 * H + 1_800_000));
    final InMemoryMetrics metrics = new InMemoryMetrics();
    final Random random = new Random(11);
    ArchiveStreamFixture stream;
    S3ArchiveStore s3;
    FaultyArchiveStore store;
    ArchiveService service;
    ArchiveCompactor compactor;
    ArchiveReader reader;

    @BeforeEach
    void setUp() {
        stream = new ArchiveStreamFixture(clock);
        s3 = new S3ArchiveStore(LocalS3.client(), LocalS3.freshBucket());
        store = new FaultyArchiveStore(s3);
        service = new ArchiveService(stream.codec, s3, metrics, clock, 4);
        compactor = new ArchiveCompactor(store, metrics, Duration.ofMinutes(10), 4);
        reader = new ArchiveReader(s3, 4);
    }

    /**
     * A record of {@code key} on {@code shard} with a few points in the hour starting at {@code hour}, none in the
     * future (the stream decoder refuses points more than ten minutes ahead of its clock).
     */
    ArchiveService.IncomingRecord points(String shard, SeriesKey key, long hour, int n) {
        long[] ts = new long[n];
        double[] vs = new double[n];
        int span = (int) Math.min(H, clock.millis() - hour);
        for (int i = 0; i < n; i++) {
            ts[i] = hour + random.nextInt(span);
            vs[i] = random.nextGaussian() * 100;
        }
        return stream.record(shard, key, ts, vs);
    }

    void write(List<ArchiveService.IncomingRecord> batch) {
        assertEquals(List.of(), service.apply(batch).failedSequenceNumbers());
    }

    List<String> keys(String prefix) {
        return s3.list(prefix).stream().map(ArchiveStore.Listed::key).toList();
    }

    void assertReaderMatchesTruth() {
        Map<SeriesKey, Points> want = stream.truth("acme", DAY - 2 * ArchiveBlock.DAY_MILLIS, DAY + 4 * ArchiveBlock.DAY_MILLIS);
        Map<SeriesKey, Points> got = reader.read("acme", DAY - 2 * ArchiveBlock.DAY_MILLIS, DAY + 4 * ArchiveBlock.DAY_MILLIS,
                k -> true);
        assertEquals(want.keySet(), got.keySet());
        for (SeriesKey k : want.keySet()) {
            assertEquals(want.get(k), got.get(k), "points of " + k.metric());
        }
    }

    @Test
    void theBatchesOfAClosedHourBecomeOneHourlyBlockAndOpenHoursWait() {
        write(List.of(points(S0, CPU, DAY + 9 * H, 5), points(S1, MEM, DAY + 9 * H, 3)));
        write(List.of(points(S0, CPU, DAY + 9 * H, 4)));
        write(List.of(points(S0, CPU, DAY + 10 * H, 2)));
        assertEquals(4, keys(ArchiveKeys.RAW).size());

        ArchiveCompactor.Report report = compactor.run(clock, BUDGET);

        assertEquals(1, report.hoursCompacted(), "09:00 closed at 10:10; 10:00 is open");
        assertEquals(0, report.daysCompacted());
        assertEquals(List.of("v1/hour/2026-11-20/acme/09.lwb"), keys(ArchiveKeys.HOUR));
        assertEquals(1, keys(ArchiveKeys.RAW).size(), "only the open hour's batch is left");
        assertEquals(3, report.objectsDeleted());
        ArchiveBlock hourly = BlockCodec.decode(s3.get("v1/hour/2026-11-20/acme/09.lwb").orElseThrow().bytes());
        assertEquals(1, hourly.parts().size());
        assertEquals(12, hourly.pointCount());
        assertEquals(List.of(S0, S1), List.copyOf(hourly.parts().get(0).coverage().keySet()));
        assertReaderMatchesTruth();
    }

    @Test
    void aClosedDayBecomesOneDailyBlockExactlyOnce() {
        clock.set(Instant.ofEpochMilli(DAY + 24 * H + 11 * 60_000));
        for (long hour : new long[]{0, 9, 10, 23}) {
            write(List.of(points(S0, CPU, DAY + hour * H, 6), points(S1, MEM, DAY + hour * H, 2)));
            write(List.of(points(S0, CPU, DAY + hour * H, 3)));
        }

        ArchiveCompactor.Report first = compactor.run(clock, BUDGET);

        assertEquals(4, first.hoursCompacted());
        assertEquals(1, first.daysCompacted());
        assertTrue(first.finished());
        assertEquals(List.of("v1/day/acme/2026-11-20.lwb"), keys(ArchiveKeys.ROOT), "nothing else is left");
        ArchiveBlock day = BlockCodec.decode(s3.get("v1/day/acme/2026-11-20.lwb").orElseThrow().bytes());
        assertEquals(List.of(DAY, DAY + 9 * H, DAY + 10 * H, DAY + 23 * H),
                day.parts().stream().map(BlockPart::hourStart).toList(), "one part per hour");
        assertEquals(44, day.pointCount());
        assertReaderMatchesTruth();

        String etag = s3.get("v1/day/acme/2026-11-20.lwb").orElseThrow().etag();
        ArchiveCompactor.Report again = compactor.run(clock, BUDGET);
        assertEquals(new ArchiveCompactor.Report(0, 0, 0, 0, 0, 0, true), again, "a second run finds nothing to do");
        assertEquals(etag, s3.get("v1/day/acme/2026-11-20.lwb").orElseThrow().etag(), "and writes nothing");
    }

    @Test
    void redeliveredAndOverlappingBatchesLeaveEachRecordOnce() {
        List<ArchiveService.IncomingRecord> records = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            records.add(points(S0, CPU, DAY + 9 * H, 2));
        }
        write(records.subList(0, 6));
        write(records.subList(0, 6)); // the same batch again: the same object
        write(records.subList(3, 9)); // a retry from the fourth record: another object, three records in common
        assertEquals(2, keys(ArchiveKeys.RAW).size());
        assertReaderMatchesTruth(); // before compaction too

        compactor.run(clock, BUDGET);

        ArchiveBlock hourly = BlockCodec.decode(s3.get("v1/hour/2026-11-20/acme/09.lwb").orElseThrow().bytes());
        assertEquals(18, hourly.pointCount(), "nine records of two points");
        assertReaderMatchesTruth();
    }

    @Test
    void lateDataForACompactedDayIsMergedAndOldRecordsSentAgainAreNot() {
        List<ArchiveService.IncomingRecord> early = List.of(points(S0, CPU, DAY + 9 * H, 4), points(S0, CPU, DAY + 9 * H, 4));
        write(early);
        clock.set(Instant.ofEpochMilli(DAY + 24 * H + 11 * 60_000));
        compactor.run(clock, BUDGET);
        assertEquals(List.of("v1/day/acme/2026-11-20.lwb"), keys(ArchiveKeys.ROOT));

        write(early); // redelivered long after: covered by the daily block
        write(List.of(points(S0, CPU, DAY + 9 * H, 3), points(S0, MEM, DAY + 15 * H, 2))); // backfill of that day
        assertReaderMatchesTruth();

        ArchiveCompactor.Report report = compactor.run(clock, BUDGET);

        assertEquals(2, report.hoursCompacted(), "hours 09 (late and redelivered) and 15");
        assertEquals(1, report.daysCompacted());
        assertEquals(List.of("v1/day/acme/2026-11-20.lwb"), keys(ArchiveKeys.ROOT));
        ArchiveBlock day = BlockCodec.decode(s3.get("v1/day/acme/2026-11-20.lwb").orElseThrow().bytes());
        assertEquals(13, day.pointCount());
        assertEquals(List.of(DAY + 9 * H, DAY + 9 * H, DAY + 15 * H),
                day.parts().stream().map(BlockPart::hourStart).toList(), "late data is a part of its own");
        assertReaderMatchesTruth();
    }

    @Test
    void aRunInterruptedBetweenWriteAndDeleteIsFinishedByTheNextWithoutDuplicates() {
        write(List.of(points(S0, CPU, DAY + 9 * H, 5)));
        write(List.of(points(S0, CPU, DAY + 9 * H, 5)));
        store.failDeletesOf(k -> k.startsWith(ArchiveKeys.RAW));

        ArchiveCompactor.Report broken = compactor.run(clock, BUDGET);

        assertEquals(1, broken.problems());
        assertEquals(2, keys(ArchiveKeys.RAW).size(), "the sources are still there");
        assertEquals(1, keys(ArchiveKeys.HOUR).size(), "next to the block that holds them");
        assertReaderMatchesTruth();

        store.heal();
        clock.set(Instant.ofEpochMilli(DAY + 24 * H + 11 * 60_000));
        store.failDeletesOf(k -> k.startsWith(ArchiveKeys.HOUR));
        ArchiveCompactor.Report second = compactor.run(clock, BUDGET);
        assertEquals(1, second.hoursCompacted(), "the leftovers are only deleted");
        assertEquals(1, second.problems(), "the day is written, its source not deleted");
        assertEquals(List.of("v1/day/acme/2026-11-20.lwb", "v1/hour/2026-11-20/acme/09.lwb"), keys(ArchiveKeys.ROOT));
        assertReaderMatchesTruth();

        store.heal();
        ArchiveCompactor.Report third = compactor.run(clock, BUDGET);
        assertEquals(0, third.pointsMerged(), "the hourly block left behind is already in the day");
        assertEquals(List.of("v1/day/acme/2026-11-20.lwb"), keys(ArchiveKeys.ROOT));
        assertEquals(10, BlockCodec.decode(s3.get("v1/day/acme/2026-11-20.lwb").orElseThrow().bytes()).pointCount());
        assertReaderMatchesTruth();
    }

    @Test
    void compactorsRunningAtTheSameTimeNeverLoseOrDoubleAPoint() throws Exception {
        clock.set(Instant.ofEpochMilli(DAY + 24 * H + 11 * 60_000));
        for (int round = 0; round < 6; round++) {
            // New data, late data for compacted hours, and a redelivery, then two runs at once.
            for (int b = 0; b < 3; b++) {
                long hour = DAY + random.nextInt(24) * H;
                write(List.of(points(S0, CPU, hour, 1 + random.nextInt(4)), points(S1, MEM, hour, 2)));
            }
            List<ArchiveService.IncomingRecord> again = List.of(points(S0, CPU, DAY + 3 * H, 2));
            write(again);
            write(again);
            List<Future<ArchiveCompactor.Report>> runs = new ArrayList<>();
            try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
                for (int i = 0; i < 2; i++) {
                    runs.add(pool.submit(() -> compactor.run(clock, BUDGET)));
                }
                for (Future<ArchiveCompactor.Report> f : runs) {
                    assertEquals(0, f.get().problems(), "round " + round);
                }
            }
            assertReaderMatchesTruth();
        }
        compactor.run(clock, BUDGET);
        assertEquals(List.of("v1/day/acme/2026-11-20.lwb"), keys(ArchiveKeys.ROOT));
        assertReaderMatchesTruth();
    }

    @Test
    void anObjectOfAnUnknownVersionIsLeftAloneWhileTheRestIsCompacted() {
        write(List.of(points(S0, CPU, DAY + 9 * H, 3)));
        byte[] future = BlockCodec.encode(ArchiveBlock.hour("acme", DAY + 9 * H)
                .add(BlockPart.merged(DAY + 9 * H, Map.of(S1, SeqRange.single(ArchiveStreamFixture.BASE)))));
        future[4] = 2;
        String futureKey = ArchiveKeys.raw("acme", DAY + 9 * H, S1, ArchiveStreamFixture.BASE, ArchiveStreamFixture.BASE);
        s3.put(futureKey, future);

        ArchiveCompactor.Report report = compactor.run(clock, BUDGET);

        assertEquals(1, report.hoursCompacted());
        assertEquals(List.of(futureKey), keys(ArchiveKeys.RAW));
        assertEquals(1.0, metrics.counter("ArchiveBlocksRefused"));
        UnsupportedBlockVersionException e = assertThrows(UnsupportedBlockVersionException.class,
                () -> reader.read("acme", DAY, DAY + 24 * H, k -> true));
        assertTrue(e.getMessage().startsWith(futureKey + ": archive block format version 2"), e.getMessage());
    }

    @Test
    void aSpentBudgetStopsBeforeTheNextUnit() {
        write(List.of(points(S0, CPU, DAY + 8 * H, 3)));
        write(List.of(points(S0, CPU, DAY + 9 * H, 3)));

        ArchiveCompactor.Report none = compactor.run(clock, Duration.ZERO);

        assertFalse(none.finished());
        assertEquals(0, none.hoursCompacted());
        assertEquals(2, keys(ArchiveKeys.RAW).size(), "nothing was touched");
        ArchiveCompactor.Report next = compactor.run(clock, BUDGET);
        assertTrue(next.finished());
        assertEquals(2, next.hoursCompacted(), "the next run picks the work up");
    }
}

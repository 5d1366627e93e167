package dev.longwatch.core.query;

import dev.longwatch.aws.s3.S3ArchiveStore;
import dev.longwatch.core.archive.ArchiveReader;
import dev.longwatch.core.archive.ArchiveService;
import dev.longwatch.core.rollup.RollupService;
import dev.longwatch.model.MetricType;
import dev.longwatch.model.PayloadException;
import dev.longwatch.model.Series;
import dev.longwatch.model.Tags;
import dev.longwatch.testing.LocalS3;
import dev.longwatch.testing.TieredRollups;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Minute queries with a fresh tail from the archive (DynamoDB Local and s3proxy): the minutes the rollup consumer
 * has not written yet (a 300-s batching window) come from the archive, the older ones from the rollups, and no
 * minute is counted from both.
 */
class QueryFreshTailTest {
    static final long T0 = Instant.parse("2026-11-20T10:00:00Z").toEpochMilli();
    static final long MINUTE = 60_000;

    TieredRollups tiers;
    RollupService rollups;
    ArchiveService archive;
    S3ArchiveStore s3;

    @BeforeEach
    void setUp() {
        tiers = new TieredRollups(Instant.ofEpochMilli(T0 + 12 * MINUTE));
        rollups = tiers.rollups();
        s3 = new S3ArchiveStore(LocalS3.client(), LocalS3.freshBucket());
        archive = new ArchiveService(tiers.codec, s3, tiers.metrics, tiers.clock, 2);
    }

    static Series cpu(String host, long minute, double value) {
        return new Series("cpu", MetricType.GAUGE, Tags.of("host", host), new long[]{T0 + minute * MINUTE + 7_000},
                new double[]{value});
    }

    /** Both consumers get the batch (as the two event source mappings do). */
    void toBoth(List<RollupService.IncomingRecord> batch) {
        tiers.apply(rollups, batch);
        toArchiveOnly(batch);
    }

    /** Only the archive consumer got it so far (the rollup mapping's window is still open). */
    void toArchiveOnly(List<RollupService.IncomingRecord> batch) {
        List<ArchiveService.IncomingRecord> same = new ArrayList<>();
        batch.forEach(r -> same.add(new ArchiveService.IncomingRecord(r.shardId(), r.sequenceNumber(), r.data())));
        assertEquals(List.of(), archive.apply(same).failedSequenceNumbers());
    }

    QueryService queries(Duration lag) {
        return new QueryService(tiers.index, tiers.store, tiers.state, tiers.retention, tiers.clock, 4,
                lag == null ? null : new QueryService.FreshTail(new ArchiveReader(s3, 2), lag));
    }

    QueryResult sumPerMinute(QueryService q) {
        return q.query("acme", q.parse("cpu", List.of(), List.of(), "sum", Long.toString(T0),
                Long.toString(T0 + 12 * MINUTE), "60s"));
    }

    @Test
    void minutesTheRollupsHaveNotWrittenYetComeFromTheArchiveAndNoneCountsTwice() {
        for (long m = 0; m < 10; m++) {
            toBoth(tiers.batch("acme", cpu("a", m, m), cpu("b", m, 100)));
        }
        // Minutes 10 and 11 are still in the rollup mapping's window: only the archive has them.
        toArchiveOnly(tiers.batch("acme", cpu("a", 10, 10), cpu("b", 10, 100)));
        toArchiveOnly(tiers.batch("acme", cpu("a", 11, 11), cpu("b", 11, 100)));

        QueryResult r = sumPerMinute(queries(Duration.ofMinutes(7)));

        assertEquals(List.of("minute", "archive"), r.tiers());
        QueryResult.ResultSeries s = r.series().get(0);
        long[] times = new long[12];
        double[] sums = new double[12];
        for (int m = 0; m < 12; m++) {
            times[m] = T0 + m * MINUTE;
            sums[m] = m + 100; // minutes 5-9 are in both stores and count once
        }
        assertArrayEquals(times, s.times());
        assertArrayEquals(sums, s.values());
    }

    @Test
    void withoutAFreshTailTheMinutesNotRolledUpYetAreMissing() {
        for (long m = 0; m < 10; m++) {
            toBoth(tiers.batch("acme", cpu("a", m, m)));
        }
        toArchiveOnly(tiers.batch("acme", cpu("a", 10, 10), cpu("a", 11, 11)));

        QueryResult r = sumPerMinute(queries(null));

        assertEquals(List.of("minute"), r.tiers());
        assertEquals(10, r.series().get(0).times().length);
    }

    @Test
    void aQueryEndingBeforeTheFreshTailReadsNoArchive() {
        toBoth(tiers.batch("acme", cpu("a", 1, 1)));
        QueryService q = queries(Duration.ofMinutes(7));

        QueryResult r = q.query("acme", q.parse("cpu", List.of(), List.of(), "sum", Long.toString(T0),
                Long.toString(T0 + 4 * MINUTE), "60s"));

        assertEquals(List.of("minute"), r.tiers());
        assertArrayEquals(new double[]{1}, r.series().get(0).values());
    }

    @Test
    void anotherTenantsArchivedPointsNeverReachTheAnswer() {
        toArchiveOnly(tiers.batch("globex", cpu("a", 11, 999)));
        toArchiveOnly(tiers.batch("acme", cpu("a", 11, 1)));
        tiers.apply(rollups, tiers.batch("acme", cpu("a", 2, 5))); // registers acme's series

        QueryResult r = sumPerMinute(queries(Duration.ofMinutes(7)));

        assertArrayEquals(new double[]{5, 1}, r.series().get(0).values());
    }

    @Test
    void aFreshTailNeedsAPositiveLag() {
        assertThrows(IllegalArgumentException.class, () -> new QueryService.FreshTail(new ArchiveReader(s3, 1),
                Duration.ZERO));
        // The usual validation still applies to fresh queries.
        assertThrows(PayloadException.class, () -> queries(Duration.ofMinutes(7)).parse("cpu", List.of(), List.of(),
                "sum", null, null, "90s"));
    }
}

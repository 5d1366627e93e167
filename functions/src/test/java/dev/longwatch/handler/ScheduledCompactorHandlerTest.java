package dev.longwatch.handler;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import dev.longwatch.aws.s3.S3ArchiveStore;
import dev.longwatch.core.archive.ArchiveCompactor;
import dev.longwatch.core.archive.ArchiveKeys;
import dev.longwatch.core.archive.ArchiveService;
import dev.longwatch.core.archive.ArchiveStore;
import dev.longwatch.core.rollup.Retention;
import dev.longwatch.core.rollup.compact.CompactorService;
import dev.longwatch.model.MetricType;
import dev.longwatch.model.Series;
import dev.longwatch.model.StreamRecord;
import dev.longwatch.model.Tags;
import dev.longwatch.testing.LocalS3;
import dev.longwatch.testing.TieredRollups;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The scheduled compactor entry point, and the retention settings the functions read from the environment. */
class ScheduledCompactorHandlerTest {
    static final long T0 = Instant.parse("2026-11-20T00:00:00Z").toEpochMilli();

    /** Just the remaining time; the rest of Lambda's context is not used by the handler. */
    record RemainingTime(int millis) implements Context {
        public String getAwsRequestId() {
            return "test";
        }

        public String getLogGroupName() {
            return null;
        }

        public String getLogStreamName() {
            return null;
        }

        public String getFunctionName() {
            return "compactor";
        }

        public String getFunctionVersion() {
            return null;
        }

        public String getInvokedFunctionArn() {
            return null;
        }

        public CognitoIdentity getIdentity() {
            return null;
        }

        public ClientContext getClientContext() {
            return null;
        }

        public int getRemainingTimeInMillis() {
            return millis;
        }

        public int getMemoryLimitInMB() {
            return 512;
        }

        public LambdaLogger getLogger() {
            return null;
        }
    }

    @Test
    void oneInvocationCompactsWhatIsDueAndAnswersWhatItDid() {
        TieredRollups tiers = new TieredRollups(Instant.ofEpochMilli(T0 + 50 * 60_000));
        tiers.write("acme", new Series("cpu", MetricType.GAUGE, Tags.EMPTY, new long[]{T0 + 60_000}, new double[]{3}));
        tiers.clock.set(Instant.ofEpochMilli(T0 + 3_600_000 + 6 * 60_000));
        var handler = new ScheduledCompactorHandler(tiers.compactor(), tiers.metrics);

        Map<String, Object> answer = handler.handleRequest(Map.of(), new RemainingTime(60_000));
        assertEquals(1, answer.get("hoursCompacted"));
        assertEquals(1, answer.get("slabWrites"));
        assertEquals(true, answer.get("complete"));
        assertEquals(List.of(Map.of("tenant", "acme", "hoursCompactedThrough", T0 + 3_600_000,
                "daysCompactedThrough", T0)), answer.get("progress"));
    }

    @Test
    void evenWithAlmostNoTimeLeftAnInvocationGetsASecondToWork() {
        TieredRollups tiers = new TieredRollups(Instant.ofEpochMilli(T0 + 50 * 60_000));
        tiers.write("acme", new Series("cpu", MetricType.GAUGE, Tags.EMPTY, new long[]{T0 + 60_000}, new double[]{3}));
        tiers.clock.set(Instant.ofEpochMilli(T0 + 5 * 3_600_000));
        // The budget is the remaining time less the margin, but at least a second (the test clock stands still).
        Map<String, Object> answer = new ScheduledCompactorHandler(tiers.compactor(), tiers.metrics)
                .handleRequest(Map.of(), new RemainingTime(1));
        assertEquals(4, answer.get("hoursCompacted"));
    }

    @Test
    void anInvocationFailsWhenATenantCouldNotBeCompacted() {
        TieredRollups tiers = new TieredRollups(Instant.ofEpochMilli(T0 + 50 * 60_000));
        tiers.write("acme", new Series("cpu", MetricType.GAUGE, Tags.EMPTY, new long[]{T0 + 60_000}, new double[]{3}));
        tiers.clock.set(Instant.ofEpochMilli(T0 + 2 * 3_600_000));
        var broken = new dev.longwatch.testing.ForwardingRollupStore(tiers.store) {
            @Override
            public boolean put(dev.longwatch.core.rollup.Slab slab) {
                throw new IllegalStateException("injected outage");
            }
        };
        var handler = new ScheduledCompactorHandler(tiers.compactor(broken, CompactorService.Limits.DEFAULT),
                tiers.metrics);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> handler.handleRequest(Map.of(), new RemainingTime(60_000)));
        assertTrue(e.getMessage().startsWith("compaction failed for 1 tenant(s)"), e.getMessage());
        assertEquals(1.0, tiers.metrics.counter("CompactorFailedTenants"));
    }

    /** A per-batch archive object of one point of acme's cpu at {@code time}, as the archive consumer writes it. */
    static void archiveOnePoint(S3ArchiveStore s3, TieredRollups tiers, long time, String sequence) {
        new ArchiveService(tiers.codec, s3, tiers.metrics, tiers.clock, 2).apply(List.of(
                new ArchiveService.IncomingRecord("shardId-000000000000", sequence, tiers.codec.encode(
                        new StreamRecord.Metrics("acme", List.of(new Series("cpu", MetricType.GAUGE, Tags.EMPTY,
                                new long[]{time}, new double[]{3})))))));
    }

    @Test
    void oneInvocationAlsoMergesTheArchivesBatchObjectsOfAClosedHourIntoAnHourlyBlock() {
        TieredRollups tiers = new TieredRollups(Instant.ofEpochMilli(T0 + 50 * 60_000));
        tiers.write("acme", new Series("cpu", MetricType.GAUGE, Tags.EMPTY, new long[]{T0 + 60_000}, new double[]{3}));
        S3ArchiveStore s3 = new S3ArchiveStore(LocalS3.client(), LocalS3.freshBucket());
        archiveOnePoint(s3, tiers, T0 + 60_000, "1001");
        archiveOnePoint(s3, tiers, T0 + 120_000, "1002");
        tiers.clock.set(Instant.ofEpochMilli(T0 + 3_600_000 + 11 * 60_000)); // past the archive's 10-minute grace
        var handler = new ScheduledCompactorHandler(tiers.compactor(),
                new ArchiveCompactor(s3, tiers.metrics, Duration.ofMinutes(10), 2), tiers.clock, tiers.metrics);

        Map<String, Object> answer = handler.handleRequest(Map.of(), new RemainingTime(60_000));

        assertEquals(1, answer.get("hoursCompacted"));
        assertEquals(Map.of("hoursCompacted", 1, "daysCompacted", 0, "pointsMerged", 2L, "objectsDeleted", 2,
                "problems", 0, "finished", true), answer.get("archive"));
        assertEquals(List.of(ArchiveKeys.hour("acme", T0)),
                s3.list(ArchiveKeys.ROOT).stream().map(ArchiveStore.Listed::key).toList());
    }

    @Test
    void theArchiveIsCompactedEvenWhenTheRollupTiersFailAndTheInvocationThenFails() {
        TieredRollups tiers = new TieredRollups(Instant.ofEpochMilli(T0 + 50 * 60_000));
        tiers.write("acme", new Series("cpu", MetricType.GAUGE, Tags.EMPTY, new long[]{T0 + 60_000}, new double[]{3}));
        S3ArchiveStore s3 = new S3ArchiveStore(LocalS3.client(), LocalS3.freshBucket());
        archiveOnePoint(s3, tiers, T0 + 60_000, "1001");
        tiers.clock.set(Instant.ofEpochMilli(T0 + 3_600_000 + 11 * 60_000));
        var broken = new dev.longwatch.testing.ForwardingRollupStore(tiers.store) {
            @Override
            public boolean put(dev.longwatch.core.rollup.Slab slab) {
                throw new IllegalStateException("injected outage");
            }
        };
        var handler = new ScheduledCompactorHandler(tiers.compactor(broken, CompactorService.Limits.DEFAULT),
                new ArchiveCompactor(s3, tiers.metrics, Duration.ofMinutes(10), 2), tiers.clock, tiers.metrics);

        assertThrows(IllegalStateException.class, () -> handler.handleRequest(Map.of(), new RemainingTime(60_000)));
        assertEquals(List.of(ArchiveKeys.hour("acme", T0)),
                s3.list(ArchiveKeys.ROOT).stream().map(ArchiveStore.Listed::key).toList());
    }

    @Test
    void retentionComesFromTheEnvironmentInDaysWithDefaultsForWhatIsUnset() {
        assertEquals(Retention.DEFAULTS, AwsWiring.retention(Map.of()));
        assertEquals(Retention.ofDays(45L, 1827L, 5000L), AwsWiring.retention(Map.of(
                "LONGWATCH_RETENTION_MINUTE_DAYS", "45", "LONGWATCH_RETENTION_DAY_DAYS", "5000")));
        IllegalStateException bad = assertThrows(IllegalStateException.class,
                () -> AwsWiring.retention(Map.of("LONGWATCH_RETENTION_HOUR_DAYS", "5y")));
        assertEquals("environment variable LONGWATCH_RETENTION_HOUR_DAYS must be a whole number of days (at least 1), "
                + "got \"5y\"", bad.getMessage());
        IllegalStateException shrinking = assertThrows(IllegalStateException.class,
                () -> AwsWiring.retention(Map.of("LONGWATCH_RETENTION_DAY_DAYS", "365")));
        assertFalse(shrinking.getMessage().isEmpty());
        assertTrue(shrinking.getMessage().startsWith("invalid retention settings: retention must not shrink"),
                shrinking.getMessage());
    }
}

package dev.longwatch.core.importer;

import dev.longwatch.core.importer.CloudWatchImportService.Settings;
import dev.longwatch.core.importer.CloudWatchImportService.Window;
import dev.longwatch.model.IngestLimits;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** How the importer cuts time into GetMetricData windows: periods by age, datapoint budget, until. */
class CloudWatchImportWindowsTest {
    static final long NOW = Instant.parse("2026-11-21T12:00:00Z").toEpochMilli();
    final CloudWatchImportJobs jobs = new CloudWatchImportJobs(IngestLimits.DEFAULT);

    CloudWatchImportJob job(String extra) {
        return jobs.parse(("{\"tenant\": \"acme\", \"id\": \"j\", \"namespace\": \"N\", \"metric\": \"M\"" + extra + "}")
                .getBytes(StandardCharsets.UTF_8));
    }

    static long t(String iso) {
        return Instant.parse(iso).toEpochMilli();
    }

    @Test
    void aJobsOwnPeriodIsRoundedUpToWhatCloudWatchStillKeepsAtThatAge() {
        CloudWatchImportJob twoMinutes = job(", \"statistics\": [\"Sum\"], \"period\": 120");
        assertEquals(120, CloudWatchImportService.period(twoMinutes, 60));
        assertEquals(300, CloudWatchImportService.period(twoMinutes, 300));
        assertEquals(3600, CloudWatchImportService.period(twoMinutes, 3600));
        CloudWatchImportJob sixHours = job(", \"statistics\": [\"Sum\"], \"period\": 21600");
        assertEquals(21600, CloudWatchImportService.period(sixHours, 3600));
    }

    @Test
    void aWindowHoldsAtMostTheDatapointBudgetSpreadOverItsQueries() {
        CloudWatchImportJob fiveStats = job(", \"statistics\": [\"Sum\", \"Average\", \"Minimum\", \"Maximum\", \"SampleCount\"]");
        Settings s = new Settings(Duration.ofMinutes(15), Duration.ofMinutes(16), 50_000, 10);
        Window w = CloudWatchImportService.nextWindow(fiveStats, NOW - Duration.ofDays(14).toMillis(), NOW, s);
        assertEquals(60, w.period());
        assertEquals(50_000 / 5 * 60_000L, w.end() - w.start(), "10,000 one-minute datapoints per query");
    }

    @Test
    void aCoarseWindowEndsWhereAFinerPeriodBecomesAvailable() {
        CloudWatchImportJob job = job(", \"statistics\": [\"Sum\"]");
        Window old = CloudWatchImportService.nextWindow(job, NOW - Duration.ofDays(100).toMillis(), NOW, Settings.DEFAULT);
        assertEquals(3600, old.period());
        assertEquals(NOW - Duration.ofDays(63).toMillis() + Duration.ofHours(1).toMillis(), old.end());
        CloudWatchImportJob daily = job(", \"statistics\": [\"Sum\"], \"period\": 86400");
        Window d = CloudWatchImportService.nextWindow(daily, NOW - Duration.ofDays(100).toMillis(), NOW, Settings.DEFAULT);
        assertEquals(t("2026-11-21T00:00:00Z"), d.end(), "a daily job's period is the same at every age: no stop");
    }

    @Test
    void untilEndsTheJobAtAPeriodBoundary() {
        CloudWatchImportJob job = job(", \"statistics\": [\"Sum\"], \"period\": 3600, \"until\": \"2026-11-21T09:30:00Z\"");
        Window w = CloudWatchImportService.nextWindow(job, t("2026-11-21T06:00:00Z"), NOW, Settings.DEFAULT);
        assertEquals(t("2026-11-21T09:00:00Z"), w.end());
        assertNull(CloudWatchImportService.nextWindow(job, t("2026-11-21T09:00:00Z"), NOW, Settings.DEFAULT));
    }

    @Test
    void aCursorOlderThanCloudWatchKeepsJumpsToTheOldestDataThere() {
        CloudWatchImportJob job = job(", \"statistics\": [\"Sum\"]");
        Window w = CloudWatchImportService.nextWindow(job, 0, NOW, Settings.DEFAULT);
        assertEquals(NOW - Duration.ofDays(454).toMillis(), w.start());
    }

    @Test
    void nothingIsAskedForWithinTheSettleDelay() {
        CloudWatchImportJob job = job(", \"statistics\": [\"Sum\"]");
        assertNull(CloudWatchImportService.nextWindow(job, NOW - Duration.ofMinutes(15).toMillis(), NOW, Settings.DEFAULT));
        Window w = CloudWatchImportService.nextWindow(job, NOW - Duration.ofMinutes(16).toMillis(), NOW, Settings.DEFAULT);
        assertEquals(60_000, w.end() - w.start());
    }
}

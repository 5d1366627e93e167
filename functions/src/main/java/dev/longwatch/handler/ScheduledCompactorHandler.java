package dev.longwatch.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.longwatch.core.archive.ArchiveCompactor;
import dev.longwatch.core.rollup.compact.CompactionReport;
import dev.longwatch.core.rollup.compact.CompactorService;
import dev.longwatch.core.telemetry.PlatformMetrics;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The compactor, invoked by EventBridge Scheduler every minute (any input is ignored). It compacts the rollup
 * tiers, then (when the deployment has an archive bucket) merges the archive's per-batch objects into hourly and
 * daily blocks ({@link ArchiveCompactor}), within the invocation's remaining time less a margin to save progress
 * and flush metrics, and answers what it did. The rollups get at most two thirds of the budget, so the archive
 * always gets a turn. A run that overlaps the next, or is delivered twice, does no harm: both compactions are
 * idempotent. The invocation fails (so the Lambda error metric shows it) when a tenant could not be compacted
 * or an archive hour or day could not be merged; the archive still runs when the rollups failed, and the other
 * way round.
 *
 * <p>With the minute tier written from the archive ({@code LONGWATCH_MINUTE_TIER=archive}) the order is the other
 * way round: the archive first (merging an hour writes its minute slabs), then the rollup tiers, compacting in
 * order only the hours the archive has merged for the tenant ({@link ArchiveCompactor.Report#mergedBefore}), so
 * no hour slot is computed from minutes not written yet. If the archive run fails outright, no hour is compacted
 * in order this time (recompute requests still are).
 */
public final class ScheduledCompactorHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    /** Left of the invocation's time for finishing the slot in progress and flushing metrics. */
    static final Duration MARGIN = Duration.ofSeconds(15);
    /** The budget without a Lambda context (local-dev). */
    static final Duration DEFAULT_BUDGET = Duration.ofSeconds(50);

    private final CompactorService compactor;
    /** Null in a deployment without an archive bucket. */
    private final ArchiveCompactor archive;
    private final Clock clock;
    private final PlatformMetrics metrics;
    /** True: the minute tier is written by the archive compactor, so it runs first and bounds the hours. */
    private final boolean minutesFromArchive;

    public ScheduledCompactorHandler() {
        this(AwsWiring.get().compactorService(), AwsWiring.get().archiveCompactorIfDeployed(),
                AwsWiring.get().clock(), AwsWiring.get().metrics(), AwsWiring.get().minuteTierFromArchive());
    }

    /** Rollup tiers only (no archive). */
    public ScheduledCompactorHandler(CompactorService compactor, PlatformMetrics metrics) {
        this(compactor, null, Clock.systemUTC(), metrics);
    }

    /** Rollup tiers, then the archive's blocks; {@code archive} may be null (no archive deployed). */
    public ScheduledCompactorHandler(CompactorService compactor, ArchiveCompactor archive, Clock clock,
                                     PlatformMetrics metrics) {
        this(compactor, archive, clock, metrics, false);
    }

    /**
     * {@code minutesFromArchive}: the archive compactor writes the minute tier (it must then have a
     * {@link dev.longwatch.core.archive.MinuteTierWriter} as listener, and {@code archive} must not be null).
     */
    public ScheduledCompactorHandler(CompactorService compactor, ArchiveCompactor archive, Clock clock,
                                     PlatformMetrics metrics, boolean minutesFromArchive) {
        if (minutesFromArchive && archive == null) {
            throw new IllegalArgumentException("the minute tier from the archive needs the archive compactor");
        }
        this.minutesFromArchive = minutesFromArchive;
        this.compactor = compactor;
        this.archive = archive;
        this.clock = clock;
        this.metrics = metrics;
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        Duration budget = context == null ? DEFAULT_BUDGET
                : Duration.ofMillis(Math.max(1_000, context.getRemainingTimeInMillis() - MARGIN.toMillis()));
        long started = clock.millis();
        CompactionReport report = null;
        ArchiveCompactor.Report archived = null;
        try {
            if (minutesFromArchive) {
                try {
                    archived = archive.run(clock, budget.multipliedBy(2).dividedBy(3));
                } finally {
                    ArchiveCompactor.Report merged = archived;
                    long left = budget.toMillis() - (clock.millis() - started);
                    report = compactor.run(Duration.ofMillis(Math.max(left, budget.toMillis() / 3)),
                            merged == null ? tenant -> Long.MIN_VALUE : merged::mergedBefore);
                }
            } else {
                Duration rollupBudget = archive == null ? budget : budget.multipliedBy(2).dividedBy(3);
                try {
                    report = compactor.run(rollupBudget);
                } finally {
                    if (archive != null) {
                        // Whatever the rollups left, and never less than a third of the budget.
                        long left = budget.toMillis() - (clock.millis() - started);
                        archived = archive.run(clock, Duration.ofMillis(Math.max(left, budget.toMillis() / 3)));
                    }
                }
            }
        } finally {
            metrics.flush();
        }
        if (report.failedTenants() > 0) {
            throw new IllegalStateException("compaction failed for " + report.failedTenants()
                    + " tenant(s); see the log. Their progress is saved and the next run retries.");
        }
        if (archived != null && archived.problems() > 0) {
            throw new IllegalStateException("archive compaction failed for " + archived.problems()
                    + " hour(s) or day(s); see the log. Their objects stay and the next run retries.");
        }
        Map<String, Object> out = asMap(report);
        if (archived != null) {
            out.put("archive", asMap(archived));
        }
        return out;
    }

    /** The archive compactor's report as plain JSON-ready values. */
    public static Map<String, Object> asMap(ArchiveCompactor.Report archive) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("hoursCompacted", archive.hoursCompacted());
        a.put("daysCompacted", archive.daysCompacted());
        a.put("pointsMerged", archive.pointsMerged());
        a.put("objectsDeleted", archive.objectsDeleted());
        a.put("problems", archive.problems());
        a.put("finished", archive.finished());
        return a;
    }

    /** The report as plain JSON-ready values (also the answer of local-dev's admin endpoint). */
    public static Map<String, Object> asMap(CompactionReport r) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("tenants", r.tenants());
        out.put("hoursCompacted", r.hoursCompacted());
        out.put("daysCompacted", r.daysCompacted());
        out.put("recomputed", r.recomputed());
        out.put("recomputesExpired", r.recomputesExpired());
        out.put("slabWrites", r.slabWrites());
        out.put("slabsUnchanged", r.slabsUnchanged());
        out.put("complete", r.complete());
        List<Map<String, Object>> progress = new ArrayList<>();
        for (CompactionReport.TenantProgress p : r.progress()) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("tenant", p.tenant());
            t.put("hoursCompactedThrough", p.hoursCompactedThrough());
            t.put("daysCompactedThrough", p.daysCompactedThrough());
            progress.add(t);
        }
        out.put("progress", progress);
        return out;
    }
}

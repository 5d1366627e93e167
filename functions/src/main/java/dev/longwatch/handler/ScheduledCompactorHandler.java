package dev.longwatch.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.longwatch.core.rollup.compact.CompactionReport;
import dev.longwatch.core.rollup.compact.CompactorService;
import dev.longwatch.core.telemetry.PlatformMetrics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The compactor, invoked by EventBridge Scheduler every minute (any input is ignored). It compacts within
 * the invocation's remaining time, less a margin to save progress and flush metrics, and answers what it did.
 * A run that overlaps the next, or is delivered twice, does no harm: compaction is idempotent. The
 * invocation fails (so the Lambda error metric shows it) when a tenant could not be compacted.
 */
public final class ScheduledCompactorHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    /** Left of the invocation's time for finishing the slot in progress and flushing metrics. */
    static final Duration MARGIN = Duration.ofSeconds(15);
    /** The budget without a Lambda context (local-dev). */
    static final Duration DEFAULT_BUDGET = Duration.ofSeconds(50);

    private final CompactorService compactor;
    private final PlatformMetrics metrics;

    public ScheduledCompactorHandler() {
        this(AwsWiring.get().compactorService(), AwsWiring.get().metrics());
    }

    public ScheduledCompactorHandler(CompactorService compactor, PlatformMetrics metrics) {
        this.compactor = compactor;
        this.metrics = metrics;
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        Duration budget = context == null ? DEFAULT_BUDGET
                : Duration.ofMillis(Math.max(1_000, context.getRemainingTimeInMillis() - MARGIN.toMillis()));
        CompactionReport report;
        try {
            report = compactor.run(budget);
        } finally {
            metrics.flush();
        }
        if (report.failedTenants() > 0) {
            throw new IllegalStateException("compaction failed for " + report.failedTenants()
                    + " tenant(s); see the log. Their progress is saved and the next run retries.");
        }
        return asMap(report);
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

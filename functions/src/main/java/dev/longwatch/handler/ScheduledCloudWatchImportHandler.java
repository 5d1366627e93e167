package dev.longwatch.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.longwatch.core.importer.CloudWatchImportJob;
import dev.longwatch.core.importer.CloudWatchImportService;
import dev.longwatch.core.telemetry.Log;
import dev.longwatch.core.telemetry.PlatformMetrics;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The CloudWatch importer, invoked by EventBridge Scheduler (any input; it is not read). Makes the declared jobs
 * ({@code LONGWATCH_CLOUDWATCH_IMPORTS}) the environment's jobs, then runs every job until it is caught up or
 * the invocation is about to time out; the next invocation resumes where this one stopped. Returns a summary.
 */
public final class ScheduledCloudWatchImportHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    /** Time kept back from the invocation's remaining time, for the last window and the release. */
    static final Duration SAFETY = Duration.ofSeconds(30);
    /** The run's budget where there is no Lambda context (local runs). */
    static final Duration WITHOUT_CONTEXT = Duration.ofMinutes(10);
    public static final String ENVIRONMENT_SOURCE = "environment";

    private final CloudWatchImportService imports;
    private final List<CloudWatchImportJob> declared;
    private final PlatformMetrics metrics;
    private final Clock clock;

    public ScheduledCloudWatchImportHandler() {
        this(AwsWiring.get().cloudWatchImportService(), AwsWiring.get().declaredCloudWatchImports(),
                AwsWiring.get().metrics(), Clock.systemUTC());
    }

    /** {@code declared} null: the environment declares no jobs, and jobs defined otherwise are left alone. */
    public ScheduledCloudWatchImportHandler(CloudWatchImportService imports, List<CloudWatchImportJob> declared,
                                            PlatformMetrics metrics, Clock clock) {
        this.imports = imports;
        this.declared = declared;
        this.metrics = metrics;
        this.clock = clock;
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
        String runId = context != null && context.getAwsRequestId() != null ? context.getAwsRequestId()
                : UUID.randomUUID().toString();
        Log.put("requestId", runId);
        try {
            if (declared != null) {
                imports.declare(declared, ENVIRONMENT_SOURCE);
            }
            Duration budget = context == null ? WITHOUT_CONTEXT : Duration.ofMillis(context.getRemainingTimeInMillis());
            Instant deadline = clock.instant().plus(budget).minus(SAFETY);
            return summary(imports.runAll(runId, deadline));
        } finally {
            metrics.flush();
            Log.clear();
        }
    }

    static Map<String, Object> summary(CloudWatchImportService.RunReport report) {
        List<Map<String, Object>> jobs = new ArrayList<>();
        for (CloudWatchImportService.JobOutcome o : report.jobs()) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("tenant", o.tenant());
            j.put("id", o.id());
            j.put("status", o.status().name());
            j.put("windows", o.windows());
            j.put("points", o.points());
            if (o.cursor() != null) {
                j.put("cursor", Instant.ofEpochMilli(o.cursor()).toString());
            }
            if (o.error() != null) {
                j.put("error", o.error());
            }
            jobs.add(j);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("points", report.points());
        out.put("jobs", jobs);
        return out;
    }
}

package dev.longwatch.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.longwatch.core.alerting.evaluate.EvaluatorService;
import dev.longwatch.core.telemetry.PlatformMetrics;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The evaluator invoked directly with one round ({@link EvaluatorRound}): {@code {"shard": 0, "shardCount": 4,
 * "time": "<aws.scheduler.scheduled-time>"}}. On AWS the rounds arrive through SQS instead
 * ({@link SqsEvaluatorHandler}, after the settle time); local-dev's ticker and admin endpoint call this one.
 * Evaluating the named minute (not the clock's) makes a retried invocation evaluate the same minute, which records
 * nothing twice. Without input: shard 0 of 1, now. The invocation fails when a tenant could not be evaluated, so
 * whoever invoked it can retry.
 */
public final class ScheduledEvaluatorHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    private final EvaluatorService evaluator;
    private final Clock clock;
    private final PlatformMetrics metrics;

    public ScheduledEvaluatorHandler() {
        this(AwsWiring.get().evaluatorService(), Clock.systemUTC(), AwsWiring.get().metrics());
    }

    public ScheduledEvaluatorHandler(EvaluatorService evaluator, Clock clock, PlatformMetrics metrics) {
        this.evaluator = evaluator;
        this.clock = clock;
        this.metrics = metrics;
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        EvaluatorRound round = EvaluatorRound.of(event == null ? Map.of() : event, clock.millis());
        EvaluatorService.Report r;
        try {
            r = evaluator.run(round.time(), round.shard(), round.shardCount());
        } finally {
            metrics.flush();
        }
        if (r.failedTenants() > 0) {
            throw new IllegalStateException("evaluation failed for " + r.failedTenants()
                    + " tenant(s); see the log. The scheduler retries this minute.");
        }
        return asMap(r);
    }

    /** The report as JSON-ready values (also the answer of local-dev's admin endpoint). */
    public static Map<String, Object> asMap(EvaluatorService.Report r) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("minute", r.minute());
        out.put("shard", r.shard());
        out.put("shardCount", r.shardCount());
        out.put("tenants", r.tenants());
        out.put("monitors", r.monitors());
        out.put("instances", r.instances());
        out.put("writes", r.writes());
        out.put("transitions", r.transitions());
        out.put("resent", r.resent());
        out.put("conflicts", r.conflicts());
        out.put("slabReads", r.slabReads());
        out.put("failedTenants", r.failedTenants());
        return out;
    }
}

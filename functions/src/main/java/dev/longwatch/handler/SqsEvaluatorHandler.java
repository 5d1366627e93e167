package dev.longwatch.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.longwatch.core.alerting.evaluate.EvaluatorService;
import dev.longwatch.core.telemetry.Log;
import dev.longwatch.core.telemetry.PlatformMetrics;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The evaluator on AWS: EventBridge Scheduler puts one round per shard ({@link EvaluatorRound}, {@code {"shard": i,
 * "shardCount": N, "time": "<scheduled time>"}}) on the queue of evaluator rounds every minute, and the queue's
 * delivery delay (the settle time) holds it until the rollups of the minute just ended are written. Each round
 * evaluates the minute it was scheduled for, never the clock's, so a late or redelivered round judges the same
 * window and records nothing twice (the evaluator's conditional writes).
 *
 * <p>A round that fails (a tenant could not be evaluated, the store is down) is reported as a batch item failure:
 * SQS redelivers it after its visibility timeout, and after the queue's maxReceiveCount it goes to the dead-letter
 * queue, whose alarm tells the operator. A round that cannot be read is reported the same way: it was written by
 * a misconfigured schedule, and its landing in the dead-letter queue is how that is noticed.
 */
public final class SqsEvaluatorHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {
    private static final Log LOG = Log.get(SqsEvaluatorHandler.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private final EvaluatorService evaluator;
    private final Clock clock;
    private final PlatformMetrics metrics;

    public SqsEvaluatorHandler() {
        this(AwsWiring.get().evaluatorService(), Clock.systemUTC(), AwsWiring.get().metrics());
    }

    /** @param clock only for the log: how long after its minute a round ran */
    public SqsEvaluatorHandler(EvaluatorService evaluator, Clock clock, PlatformMetrics metrics) {
        this.evaluator = evaluator;
        this.clock = clock;
        this.metrics = metrics;
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        try {
            for (SQSEvent.SQSMessage m : event.getRecords()) {
                if (!evaluate(m)) {
                    failures.add(new SQSBatchResponse.BatchItemFailure(m.getMessageId()));
                }
            }
        } finally {
            metrics.flush();
        }
        return new SQSBatchResponse(failures);
    }

    /** Evaluates one round; false when SQS should deliver it again. */
    private boolean evaluate(SQSEvent.SQSMessage m) {
        EvaluatorRound round;
        try {
            round = EvaluatorRound.of(JSON.readValue(m.getBody(), new TypeReference<Map<String, Object>>() {
            }), null);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            metrics.count("EvaluatorUnreadableRounds", 1);
            LOG.warn("evaluator round cannot be read; it goes to the dead-letter queue after its receives",
                    "messageId", m.getMessageId(), "reason", e instanceof JsonProcessingException j
                            ? j.getOriginalMessage() : e.getMessage());
            return false;
        }
        try {
            EvaluatorService.Report r = evaluator.run(round.time(), round.shard(), round.shardCount());
            long lateMillis = clock.millis() - r.minute();
            LOG.info("evaluator round done", "minute", r.minute(), "shard", r.shard(), "shardCount", r.shardCount(),
                    "monitors", r.monitors(), "transitions", r.transitions(), "resent", r.resent(),
                    "failedTenants", r.failedTenants(), "secondsAfterMinute", lateMillis / 1000);
            if (r.failedTenants() > 0) {
                metrics.count("EvaluatorRoundsFailed", 1);
                LOG.warn("evaluator round failed for some tenants; SQS delivers it again", "messageId",
                        m.getMessageId(), "minute", r.minute(), "shard", r.shard(), "failedTenants",
                        r.failedTenants());
                return false;
            }
            return true;
        } catch (RuntimeException e) {
            metrics.count("EvaluatorRoundsFailed", 1);
            LOG.error("evaluator round failed; SQS delivers it again", e, "messageId", m.getMessageId(),
                    "minute", round.time(), "shard", round.shard());
            return false;
        }
    }
}

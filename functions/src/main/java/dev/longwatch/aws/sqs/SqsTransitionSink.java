package dev.longwatch.aws.sqs;

import dev.longwatch.core.alerting.TransitionSink;
import dev.longwatch.model.alerting.AlertTransition;
import dev.longwatch.model.alerting.AlertTransitions;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Sends transitions to the notifier's SQS queue ({@code LONGWATCH_NOTIFY_QUEUE_URL}), one message per
 * transition in the v1 JSON format, ten per batch. Entries SQS refuses are retried a few times; if some still
 * fail, it throws, so the evaluation is retried and re-sends them (the notifier dedupes by transition id).
 */
public final class SqsTransitionSink implements TransitionSink {
    static final int BATCH = 10;
    static final int ATTEMPTS = 3;

    private final SqsClient sqs;
    private final String queueUrl;

    public SqsTransitionSink(SqsClient sqs, String queueUrl) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
    }

    @Override
    public void send(List<AlertTransition> transitions) {
        for (int i = 0; i < transitions.size(); i += BATCH) {
            sendBatch(transitions.subList(i, Math.min(transitions.size(), i + BATCH)));
        }
    }

    private void sendBatch(List<AlertTransition> batch) {
        Map<String, SendMessageBatchRequestEntry> pending = new HashMap<>();
        for (int i = 0; i < batch.size(); i++) {
            pending.put(Integer.toString(i), SendMessageBatchRequestEntry.builder().id(Integer.toString(i))
                    .messageBody(AlertTransitions.toJson(batch.get(i))).build());
        }
        List<BatchResultErrorEntry> failed = List.of();
        for (int attempt = 0; attempt < ATTEMPTS && !pending.isEmpty(); attempt++) {
            List<SendMessageBatchRequestEntry> entries = new ArrayList<>(pending.values());
            SendMessageBatchResponse r = sqs.sendMessageBatch(b -> b.queueUrl(queueUrl).entries(entries));
            r.successful().forEach(s -> pending.remove(s.id()));
            failed = r.failed();
        }
        if (!pending.isEmpty()) {
            String codes = failed.stream().map(BatchResultErrorEntry::code).distinct().toList().toString();
            throw new IllegalStateException(pending.size() + " transition(s) were not accepted by SQS " + codes
                    + "; the evaluation is retried and sends them again");
        }
    }
}

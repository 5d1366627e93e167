package dev.longwatch.core.alerting;

import dev.longwatch.model.alerting.AlertTransition;

import java.util.List;

/**
 * Port: where recorded transitions go to be notified (SQS in AWS, an in-process queue locally). Called only
 * after the transitions are stored, so a failure here is retried by re-sending the same ids; the notifier
 * dedupes by {@link AlertTransition#id()}. Throws when the transitions could not be handed over.
 */
public interface TransitionSink {
    void send(List<AlertTransition> transitions);
}

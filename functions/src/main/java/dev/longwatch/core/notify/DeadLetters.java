package dev.longwatch.core.notify;

/**
 * Port: where a delivery goes after its last failed attempt (AWS: the notifier's dead-letter SQS queue). The
 * delivery log keeps it too, with status {@code failed}, visible at {@code GET /v1/notifications?status=failed}.
 */
public interface DeadLetters {
    DeadLetters NONE = d -> {
    };

    void send(Delivery delivery);
}

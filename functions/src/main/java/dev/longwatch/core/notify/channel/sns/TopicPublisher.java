package dev.longwatch.core.notify.channel.sns;

import java.util.Map;

/** Port: publishes a message to a topic (AWS: SNS Publish). Throws {@link PublishException} when it fails. */
public interface TopicPublisher {

    void publish(String topicArn, String subject, String message, Map<String, String> attributes);

    final class PublishException extends RuntimeException {
        private final boolean retryable;

        public PublishException(String message, boolean retryable) {
            super(message);
            this.retryable = retryable;
        }

        public boolean retryable() {
            return retryable;
        }
    }
}

package dev.longwatch.aws.sns;

import dev.longwatch.core.notify.channel.sns.TopicPublisher;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import software.amazon.awssdk.services.sns.model.SnsException;

import java.util.LinkedHashMap;
import java.util.Map;

/** SNS Publish with String message attributes (for subscription filter policies). Throttling and 5xx retry. */
public final class SnsTopicPublisher implements TopicPublisher {
    private final SnsClient sns;

    public SnsTopicPublisher(SnsClient sns) {
        this.sns = sns;
    }

    @Override
    public void publish(String topicArn, String subject, String message, Map<String, String> attributes) {
        Map<String, MessageAttributeValue> attrs = new LinkedHashMap<>();
        attributes.forEach((k, v) -> attrs.put(k, MessageAttributeValue.builder().dataType("String").stringValue(v)
                .build()));
        try {
            sns.publish(b -> b.topicArn(topicArn).subject(subject).message(message).messageAttributes(attrs));
        } catch (SnsException e) {
            boolean retry = e.isThrottlingException() || e.statusCode() >= 500;
            throw new PublishException("SNS refused the message (" + e.statusCode() + " "
                    + (e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode()) + ")", retry);
        } catch (SdkClientException e) {
            throw new PublishException("SNS unreachable (" + e.getClass().getSimpleName() + ")", true);
        }
    }
}

package dev.longwatch.infra.construct;

import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sns.subscriptions.EmailSubscription;
import software.constructs.Construct;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The operators' SNS topic: every alarm of the platform notifies it when it fires and when it recovers.
 * Subscribe an e-mail address with context {@code alarmEmail}, or anything else (chat, paging) to the topic.
 */
public final class OperatorAlerts extends Construct {

    public record Props(Optional<String> email) {
    }

    private final Topic topic;
    private final List<Alarm> alarms = new ArrayList<>();

    public OperatorAlerts(Construct scope, String id, Props props) {
        super(scope, id);
        this.topic = Topic.Builder.create(this, "Topic")
                .displayName("Longwatch operator alerts")
                .enforceSsl(true)
                .build();
        // The topic policy above replaces SNS's default one, so CloudWatch alarms of this account are let in
        // explicitly.
        Stack stack = Stack.of(this);
        topic.addToResourcePolicy(PolicyStatement.Builder.create()
                .sid("CloudWatchAlarmsOfThisAccount")
                .effect(Effect.ALLOW)
                .principals(List.of(new ServicePrincipal("cloudwatch.amazonaws.com")))
                .actions(List.of("sns:Publish"))
                .resources(List.of(topic.getTopicArn()))
                .conditions(Map.of(
                        "ArnLike", Map.of("aws:SourceArn",
                                "arn:" + stack.getPartition() + ":cloudwatch:" + stack.getRegion() + ":"
                                        + stack.getAccount() + ":alarm:*"),
                        "StringEquals", Map.of("aws:SourceAccount", stack.getAccount())))
                .build());
        // Not encrypted with a KMS key: alarm notifications carry alarm names and metric values, no tenant
        // data, and CloudWatch cannot publish to a topic under the AWS managed SNS key.
        props.email().ifPresent(e -> topic.addSubscription(new EmailSubscription(e)));
    }

    /** Sends the alarm's ALARM and OK transitions to the operators. */
    public Alarm route(Alarm alarm) {
        alarm.addAlarmAction(new SnsAction(topic));
        alarm.addOkAction(new SnsAction(topic));
        alarms.add(alarm);
        return alarm;
    }

    public Topic topic() {
        return topic;
    }

    /** Every alarm routed here so far, for the dashboard's alarm status. */
    public List<Alarm> alarms() {
        return List.copyOf(alarms);
    }
}

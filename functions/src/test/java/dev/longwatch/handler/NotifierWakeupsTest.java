package dev.longwatch.handler;

import dev.longwatch.testing.LocalSqs;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.longwatch.aws.sqs.SqsWakeups;
import dev.longwatch.core.notify.GroupState;
import dev.longwatch.core.notify.NotificationService;
import dev.longwatch.core.notify.NotifyFixture;
import dev.longwatch.core.notify.NotifyStore;
import dev.longwatch.core.notify.Wakeups;
import dev.longwatch.core.notify.channel.Channel;
import dev.longwatch.core.telemetry.PlatformMetrics;
import dev.longwatch.model.alerting.AlertState;
import dev.longwatch.model.alerting.AlertTransition;
import dev.longwatch.model.alerting.AlertTransitions;
import dev.longwatch.model.alerting.Severity;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The notifier's wake-ups through a real queue (ElasticMQ in-process, free port): the SQS notifier accepts a
 * transition whose group is due in 2 s, asks once for a wake-up delayed by that much, and the delivered wake-up
 * flushes the group; delivered again, it sends nothing twice.
 */
class NotifierWakeupsTest {
    static LocalSqs local;
    static SqsClient sqs;
    static final List<SendMessageRequest> sent = Collections.synchronizedList(new ArrayList<>());

    final String queue = sqs.createQueue(b -> b.queueName("notify-" + UUID.randomUUID())).queueUrl();
    final NotifyFixture f = new NotifyFixture(NotificationService.Settings.DEFAULT, new SqsWakeups(sqs, queue));
    final SqsNotifierHandler handler = new SqsNotifierHandler(f.service, PlatformMetrics.NONE);

    @BeforeAll
    static void start() {
        // The requests as the SDK sends them: the delay asked for is on the wire, not in what SQS hands back.
        ExecutionInterceptor record = new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                if (context.request() instanceof SendMessageRequest r) {
                    sent.add(r);
                }
            }
        };
        local = LocalSqs.start(record);
        sqs = local.client();
    }

    @AfterAll
    static void stop() {
        local.close();
    }

    @AfterEach
    void close() {
        f.close();
        sent.clear();
    }

    /** The messages as Lambda's SQS event source hands them to the handler (attributes included). */
    static SQSEvent event(List<Message> messages) {
        List<SQSEvent.SQSMessage> out = new ArrayList<>();
        for (Message m : messages) {
            SQSEvent.SQSMessage e = new SQSEvent.SQSMessage();
            e.setMessageId(m.messageId());
            e.setBody(m.body());
            Map<String, SQSEvent.MessageAttribute> attrs = new HashMap<>();
            m.messageAttributes().forEach((k, v) -> {
                SQSEvent.MessageAttribute a = new SQSEvent.MessageAttribute();
                a.setDataType(v.dataType());
                a.setStringValue(v.stringValue());
                attrs.put(k, a);
            });
            e.setMessageAttributes(attrs);
            out.add(e);
        }
        SQSEvent event = new SQSEvent();
        event.setRecords(out);
        return event;
    }

    static SQSEvent transitions(AlertTransition... ts) {
        List<Message> ms = new ArrayList<>();
        for (AlertTransition t : ts) {
            ms.add(Message.builder().messageId(UUID.randomUUID().toString()).body(AlertTransitions.toJson(t)).build());
        }
        return event(ms);
    }

    Channel routed() {
        Channel ch = f.webhook("acme", "/hook");
        f.route("acme", """
                {"name":"all","default":true,"groupWait":"30s","channels":["%s"]}""".formatted(ch.id()));
        return ch;
    }

    /** A FIRING transition of the minute that ended 40 s ago: the group wait is over, only the 2 s gather is left. */
    AlertTransition late(String host) {
        long at = f.clock.millis() - 40_000;
        return NotifyFixture.transition("acme", "m-1", Map.of("host", host), AlertState.PENDING, AlertState.FIRING,
                Severity.CRITICAL, at, at - 300_000, List.of());
    }

    List<Message> receiveWake() {
        // Long polling: SQS hands the message over when its delay is over (2 s here).
        List<Message> got = sqs.receiveMessage(b -> b.queueUrl(queue).waitTimeSeconds(10).maxNumberOfMessages(10)
                .messageAttributeNames("All")).messages();
        assertEquals(1, got.size(), "one wake-up message");
        return got;
    }

    @Test
    void aBatchWhoseGroupIsDueLaterAsksOnceForADelayedWakeUp() {
        routed();
        handler.handleRequest(transitions(late("web-1"), late("web-2"), late("web-3")), null);
        assertEquals(0, f.receiver.requests().size());
        assertEquals(1, sent.size(), "one wake-up for the run, whatever the number of transitions");
        SendMessageRequest r = sent.get(0);
        assertEquals(2, r.delaySeconds(), "the group is due 2 s later");
        assertEquals(Wakeups.KIND, r.messageAttributes().get(Wakeups.ATTRIBUTE).stringValue());
        assertEquals(queue, r.queueUrl());
        assertEquals(f.clock.millis() + 2_000, dev.longwatch.core.notify.Json.parse(r.messageBody()).get("dueAt")
                .asLong());
    }

    @Test
    void aDeliveredWakeUpFlushesTheDueGroup() {
        routed();
        handler.handleRequest(transitions(late("web-1"), late("web-2")), null);
        SQSEvent wake = event(receiveWake());
        f.advance(Duration.ofSeconds(2));
        SQSBatchResponse r = handler.handleRequest(wake, null);
        assertEquals(List.of(), r.getBatchItemFailures());
        assertEquals(1, f.receiver.requests().size());
        assertEquals(2, dev.longwatch.core.notify.Json.parse(f.receiver.requests().get(0).body()).get("alerts").size());
    }

    @Test
    void aRedeliveredWakeUpNeverSendsTwice() {
        routed();
        AlertTransition t = late("web-1");
        handler.handleRequest(transitions(t), null);
        SQSEvent wake = event(receiveWake());
        f.advance(Duration.ofSeconds(2));
        String groupId = GroupState.of(f.config.routes("acme").get(0), t).id;
        NotifyStore.GroupItem before = f.store.getGroup("acme", groupId).orElseThrow();
        handler.handleRequest(wake, null);
        assertEquals(1, f.receiver.requests().size());
        // The run "crashed" after sending, before it saved the group: the group is as it was, and SQS redelivers.
        NotifyStore.GroupItem after = f.store.getGroup("acme", groupId).orElseThrow();
        f.store.putGroup(new NotifyStore.GroupItem("acme", groupId, before.json(), after.version() + 1,
                before.nextAt()));
        handler.handleRequest(wake, null);
        assertEquals(1, f.receiver.requests().size(), "the delivery log's claim stops the second send");
        handler.handleRequest(wake, null);
        assertEquals(1, f.receiver.requests().size());
    }

    @Test
    void aWakeUpThatFindsNothingDueIsHarmless() {
        routed();
        SQSEvent wake = event(List.of(Message.builder().messageId("w-1").body(Wakeups.body(f.clock.millis()))
                .messageAttributes(Map.of(Wakeups.ATTRIBUTE, software.amazon.awssdk.services.sqs.model
                        .MessageAttributeValue.builder().dataType("String").stringValue(Wakeups.KIND).build()))
                .build()));
        SQSBatchResponse r = handler.handleRequest(wake, null);
        assertEquals(List.of(), r.getBatchItemFailures());
        assertEquals(0, f.receiver.requests().size());
        assertEquals(0, sent.size(), "and it asks for nothing");
    }

    @Test
    void aWakeUpBodyWithoutTheAttributeIsStillAWakeUpAndNotAnUnreadableTransition() {
        routed();
        handler.handleRequest(transitions(late("web-1")), null);
        f.advance(Duration.ofSeconds(2));
        // What an operator sends by hand to make the notifier look now (docs/operations.md).
        SQSEvent byHand = event(List.of(Message.builder().messageId("op-1").body("{\"kind\":\"wake\"}").build()));
        assertEquals(List.of(), handler.handleRequest(byHand, null).getBatchItemFailures());
        assertEquals(1, f.receiver.requests().size());
    }
}

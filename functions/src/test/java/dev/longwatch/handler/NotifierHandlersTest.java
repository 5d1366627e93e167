package dev.longwatch.handler;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.longwatch.core.notify.NotifyFixture;
import dev.longwatch.core.notify.channel.Channel;
import dev.longwatch.core.telemetry.PlatformMetrics;
import dev.longwatch.model.alerting.AlertTransitions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The SQS notifier (partial batch failures) and the scheduled tick, on the real Lambda event types. */
class NotifierHandlersTest {
    final NotifyFixture f = new NotifyFixture();

    @AfterEach
    void close() {
        f.close();
    }

    static SQSEvent event(String... bodies) {
        List<SQSEvent.SQSMessage> ms = new ArrayList<>();
        for (int i = 0; i < bodies.length; i++) {
            SQSEvent.SQSMessage m = new SQSEvent.SQSMessage();
            m.setMessageId("msg-" + i);
            m.setBody(bodies[i]);
            ms.add(m);
        }
        SQSEvent e = new SQSEvent();
        e.setRecords(ms);
        return e;
    }

    @Test
    void aBatchIsNotifiedAndAnUnreadableMessageIsDroppedNotRetried() {
        Channel ch = f.webhook("acme", "/hook");
        f.route("acme", """
                {"name":"all","default":true,"groupWait":"0s","channels":["%s"]}""".formatted(ch.id()));
        String good = AlertTransitions.toJson(f.firing("acme", "m-1", "web-1", List.of()));
        SQSBatchResponse r = new SqsNotifierHandler(f.service, PlatformMetrics.NONE)
                .handleRequest(event(good, "{\"v\":9}"), null);
        assertEquals(List.of(), r.getBatchItemFailures());
        assertEquals(1, f.receiver.requests().size());
        new SqsNotifierHandler(f.service, PlatformMetrics.NONE).handleRequest(event(good), null);
        assertEquals(1, f.receiver.requests().size(), "SQS redelivery sends nothing twice");
    }

    @Test
    void whenThePipelineFailsEveryReadableMessageIsReportedForRedelivery() {
        f.route("acme", """
                {"name":"all","default":true,"groupWait":"0s","channels":["%s"]}""".formatted(f.webhook("acme", "/h").id()));
        String good = AlertTransitions.toJson(f.firing("acme", "m-1", "web-1", List.of()));
        SqsNotifierHandler broken = new SqsNotifierHandler(new dev.longwatch.core.notify.NotificationService(
                new dev.longwatch.aws.dynamodb.DynamoDbNotifyStore(dev.longwatch.testing.LocalDynamo.client(),
                        "no-such-table"), f.channels, null, null, null, null, null, ms -> { }, f.clock,
                PlatformMetrics.NONE, dev.longwatch.core.notify.NotificationService.Settings.DEFAULT),
                PlatformMetrics.NONE);
        SQSBatchResponse r = broken.handleRequest(event(good, "not json", good), null);
        assertEquals(List.of("msg-0", "msg-2"), r.getBatchItemFailures().stream()
                .map(SQSBatchResponse.BatchItemFailure::getItemIdentifier).toList());
    }

    @Test
    void theScheduledTickFlushesGroupsWhoseWaitRanOut() {
        Channel ch = f.webhook("acme", "/hook");
        f.route("acme", """
                {"name":"all","default":true,"groupWait":"30s","channels":["%s"]}""".formatted(ch.id()));
        f.service.accept(List.of(f.firing("acme", "m-1", "web-1", List.of())));
        ScheduledNotifierHandler tick = new ScheduledNotifierHandler(f.service, f.clock, PlatformMetrics.NONE);
        assertEquals(0, tick.handleRequest(Map.of(), null).get("sent"));
        f.advance(Duration.ofMinutes(1));
        assertEquals(1, tick.handleRequest(Map.of(), null).get("sent"));
    }
}

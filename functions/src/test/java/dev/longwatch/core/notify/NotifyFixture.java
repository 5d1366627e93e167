package dev.longwatch.core.notify;

import dev.longwatch.aws.dynamodb.DynamoDbAuditLog;
import dev.longwatch.aws.dynamodb.DynamoDbEventStore;
import dev.longwatch.aws.dynamodb.DynamoDbNotifyStore;
import dev.longwatch.aws.dynamodb.TableNames;
import dev.longwatch.core.events.EventStore;
import dev.longwatch.core.notify.channel.Channel;
import dev.longwatch.core.notify.channel.HttpTransport;
import dev.longwatch.core.notify.channel.Notifiers;
import dev.longwatch.core.notify.channel.sns.TopicPublisher;
import dev.longwatch.core.notify.chat.ActionLinks;
import dev.longwatch.core.notify.secret.KeyFileSealer;
import dev.longwatch.core.notify.secret.SecretBox;
import dev.longwatch.core.telemetry.PlatformMetrics;
import dev.longwatch.model.alerting.AlertState;
import dev.longwatch.model.alerting.AlertTransition;
import dev.longwatch.model.alerting.Severity;
import dev.longwatch.testing.HttpReceiver;
import dev.longwatch.testing.LocalDynamo;
import dev.longwatch.testing.MutableClock;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The whole notification pipeline on real parts: DynamoDB Local tables, a key-file sealer in a temp dir, local HTTP
 * receivers as destinations, and a clock the tests move (the pacer moves it too, so pacing never sleeps).
 */
public final class NotifyFixture implements AutoCloseable {
    public final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));
    public final TableNames tables = LocalDynamo.freshTables();
    public final DynamoDbNotifyStore store = new DynamoDbNotifyStore(LocalDynamo.client(), tables.notifications());
    public final EventStore events = new DynamoDbEventStore(LocalDynamo.client(), tables.events(), PlatformMetrics.NONE);
    public final SecretBox box;
    public final ChannelService channels;
    /** Configuration changes are audited here, in the alerting table as on AWS. */
    public final DynamoDbAuditLog audit = new DynamoDbAuditLog(LocalDynamo.client(), tables.alerting());
    public final NotificationConfig config;
    public final HttpReceiver receiver = new HttpReceiver();
    public final List<String[]> snsPublished = java.util.Collections.synchronizedList(new ArrayList<>());
    public final List<Delivery> deadLettered = java.util.Collections.synchronizedList(new ArrayList<>());
    public final List<Long> pauses = java.util.Collections.synchronizedList(new ArrayList<>());
    public final NotificationService service;
    public final ActionLinks links;
    /** Who the fixture's own configuration changes are audited as. */
    public static final String WHO = "key:fixture0";
    private final AtomicInteger ids = new AtomicInteger();

    /**
     * Production settings but no gather pause: in the tests of the other stages a {@code groupWait: 0s} group goes out
     * in the run that accepts it. {@code DataTimeGroupWaitTest} runs the production default, gather included.
     */
    public NotifyFixture() {
        this(NotificationService.Settings.DEFAULT.withConsoleUrl("https://console.example").withGatherMillis(0));
    }

    public NotifyFixture(NotificationService.Settings settings) {
        this(settings, Wakeups.NONE);
    }

    public NotifyFixture(NotificationService.Settings settings, Wakeups wakeups) {
        Path dir;
        try {
            dir = Files.createTempDirectory("notify-test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        box = new SecretBox(new KeyFileSealer(dir.resolve("secrets.key")));
        channels = new ChannelService(store, box, clock, () -> "id" + ids.incrementAndGet(), true);
        config = new NotificationConfig(store, channels, audit, clock, () -> "id" + ids.incrementAndGet());
        TopicPublisher sns = (topic, subject, message, attributes) -> snsPublished.add(new String[]{topic, subject, message});
        Notifiers notifiers = new Notifiers(new HttpTransport(clock), sns, receiver.url("/slack-api"), clock);
        links = new ActionLinks(store, box, "https://api.example");
        Pacer pacer = millis -> {
            pauses.add(millis);
            if (millis > 0) {
                clock.advance(Duration.ofMillis(millis));
            }
        };
        service = new NotificationService(store, channels, notifiers, events, links, null, deadLettered::add, pacer,
                clock, PlatformMetrics.NONE, settings, wakeups);
    }

    public Channel webhook(String tenant, String path) {
        return channels.create(tenant, """
                {"name":"hook","type":"webhook","config":{"url":"%s","signingSecret":"s3cret-signing-key-123"}}"""
                .formatted(receiver.url(path)));
    }

    public String route(String tenant, String json) {
        return config.createRoute(tenant, WHO, json).id();
    }

    /** A transition like the evaluator's. */
    public static AlertTransition transition(String tenant, String monitor, Map<String, String> group, AlertState from,
                                             AlertState to, Severity sev, long at, long since, List<String> channels) {
        String alertId = monitor + ":" + group.toString();
        Map<String, String> labels = new LinkedHashMap<>(group);
        labels.put("monitor", monitor);
        labels.put("severity", sev.wire());
        labels.put("team", "payments");
        return new AlertTransition(AlertTransition.idOf(alertId, at, to), tenant, alertId, monitor,
                "Checkout latency " + monitor, group, from, to, sev, 2, at, since, to == AlertState.RESOLVED ? 120.0 : 912.5,
                500.0, "p99(http.latency) > 500 for 5m", "metric=http.latency&agg=p99", "Checkout p99 is high",
                "https://runbooks.example/checkout", "team-payments", labels, channels, null);
    }

    public AlertTransition firing(String tenant, String monitor, String host, List<String> channels) {
        long now = clock.millis();
        return transition(tenant, monitor, Map.of("host", host), AlertState.PENDING, AlertState.FIRING,
                Severity.CRITICAL, now, now - 300_000, channels);
    }

    public AlertTransition resolved(String tenant, String monitor, String host, long since, List<String> channels) {
        return transition(tenant, monitor, Map.of("host", host), AlertState.FIRING, AlertState.RESOLVED,
                Severity.CRITICAL, clock.millis(), since, channels);
    }

    public void advance(Duration d) {
        clock.advance(d);
    }

    @Override
    public void close() {
        receiver.close();
    }
}

package dev.longwatch.local;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.longwatch.aws.dynamodb.DynamoDbNotifyStore;
import dev.longwatch.aws.dynamodb.TableNames;
import dev.longwatch.core.auth.ApiKeys;
import dev.longwatch.core.events.EventStore;
import dev.longwatch.core.notify.ChannelService;
import dev.longwatch.core.notify.ExecutorWakeups;
import dev.longwatch.core.notify.NotificationConfig;
import dev.longwatch.core.notify.NotificationService;
import dev.longwatch.core.notify.Pacer;
import dev.longwatch.core.notify.Wakeups;
import dev.longwatch.core.notify.channel.HttpTransport;
import dev.longwatch.core.notify.channel.Notifiers;
import dev.longwatch.core.notify.channel.sns.TopicPublisher;
import dev.longwatch.core.notify.chat.ActionLinks;
import dev.longwatch.core.notify.chat.AlertCommands;
import dev.longwatch.core.notify.chat.ChatService;
import dev.longwatch.core.notify.secret.KeyFileSealer;
import dev.longwatch.core.notify.secret.SecretBox;
import dev.longwatch.core.telemetry.Log;
import dev.longwatch.core.telemetry.PlatformMetrics;
import dev.longwatch.handler.HttpChatRequestHandler;
import dev.longwatch.handler.HttpNotificationsRequestHandler;
import dev.longwatch.model.alerting.AlertTransition;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Notifications in local-dev: the same pipeline and handlers as AWS, channel secrets sealed with a key file in the
 * data dir ({@code secrets.key}), an in-process queue in place of SQS ({@link #send}: the evaluator's sink), and a
 * ticker that drains the queue and calls {@link NotificationService#tick} every second. Wake-ups
 * ({@link ExecutorWakeups}, the in-process stand-in for the SQS wake-up messages) run the notifier at the moment a
 * group is due, so a flush is not left to the next tick. SNS channels publish to an in-process list
 * ({@link #snsMessages}), as no SNS runs locally. Webhook URLs may be plain http here.
 */
public final class LocalNotifications implements AutoCloseable {
    private static final Log LOG = Log.get(LocalNotifications.class);
    /** Drains the evaluator's queue and looks for due work (an idle run: two small index queries on DynamoDB Local). */
    static final Duration TICK = Duration.ofSeconds(1);
    static final String CHARTS_BUCKET = "longwatch-charts";

    private final NotificationService service;
    private final NotificationConfig config;
    private final HttpNotificationsRequestHandler api;
    private final HttpChatRequestHandler chat;
    private final AlertCommands alerts;
    /** The evaluator's transitions (local-dev's stand-in for the SQS queue between them). */
    private final Supplier<List<AlertTransition>> evaluated;
    private final ConcurrentLinkedQueue<AlertTransition> queue = new ConcurrentLinkedQueue<>();
    private final List<String[]> snsMessages = java.util.Collections.synchronizedList(new ArrayList<>());
    private final ScheduledExecutorService ticker;
    private final Clock clock;

    LocalNotifications(DynamoDbClient ddb, TableNames tables, Path data, ApiKeys apiKeys, EventStore events,
                       PlatformMetrics metrics, Clock clock, Supplier<String> publicUrl, Duration pollInterval,
                       AlertCommands alerts, Supplier<List<AlertTransition>> evaluated,
                       dev.longwatch.core.query.QueryService queries, dev.longwatch.core.notify.chart.ChartStore charts) {
        this.clock = clock;
        this.alerts = alerts;
        this.evaluated = evaluated;
        DynamoDbNotifyStore store = new DynamoDbNotifyStore(ddb, tables.notifications());
        SecretBox box = new SecretBox(new KeyFileSealer(data.resolve("secrets.key")));
        Supplier<String> ids = () -> UUID.randomUUID().toString().replace("-", "").substring(0, 20);
        ChannelService channels = new ChannelService(store, box, clock, ids, true);
        // Configuration changes are audited beside the monitor changes, as on AWS (GET /v1/audit).
        this.config = new NotificationConfig(store, channels,
                new dev.longwatch.aws.dynamodb.DynamoDbAuditLog(ddb, tables.alerting()), clock, ids);
        TopicPublisher sns = (topic, subject, message, attributes) -> snsMessages.add(new String[]{topic, subject, message});
        HttpTransport http = new HttpTransport(clock);
        Notifiers notifiers = new Notifiers(http, sns, "https://slack.com/api", clock);
        ActionLinks links = new ActionLinks(store, box, publicUrl);
        dev.longwatch.core.notify.chart.QueryCharts chartLinks = new dev.longwatch.core.notify.chart.QueryCharts(
                new dev.longwatch.core.notify.chart.QuerySeriesSource(queries), events, charts);
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "notifier-ticker");
            t.setDaemon(true);
            return t;
        });
        // Tests set a long poll interval to drive every job by hand (runNotifier): then nothing runs by itself.
        boolean ticking = pollInterval.compareTo(Duration.ofMinutes(1)) < 0;
        Wakeups wakeups = ticking ? new ExecutorWakeups(ticker, this::safeRun, clock) : Wakeups.NONE;
        this.service = new NotificationService(store, channels, notifiers, events, links, chartLinks, null, Pacer.SLEEP,
                clock, metrics, NotificationService.Settings.DEFAULT.withConsoleUrl(System.getenv("LONGWATCH_CONSOLE_URL")),
                wakeups);
        this.api = new HttpNotificationsRequestHandler(apiKeys, service, config, clock, metrics);
        this.chat = new HttpChatRequestHandler(new ChatService(service, config, alertCommands(), chartLinks, http, clock,
                System.getenv("LONGWATCH_CONSOLE_URL")), channels, links, clock, metrics);
        if (ticking) {
            ticker.scheduleWithFixedDelay(this::safeRun, TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** The alerting service, as chat acts on it. */
    AlertCommands alertCommands() {
        return alerts;
    }

    /** Queues transitions for the next notifier run, beside what the evaluator queued (SQS on AWS). */
    public void send(List<AlertTransition> transitions) {
        queue.addAll(transitions);
    }

    /** Drains the queue into the pipeline and ticks; what a notifier Lambda and the scheduled tick do on AWS. */
    public NotificationService.RunReport runNotifier() {
        List<AlertTransition> batch = new ArrayList<>(evaluated.get());
        for (AlertTransition t; (t = queue.poll()) != null; ) {
            batch.add(t);
        }
        try {
            // One run, as a batch with a wake-up is on AWS: the transitions, then whatever else is due.
            return service.acceptAndTick(batch);
        } catch (RuntimeException e) {
            // SQS would redeliver the batch on AWS: here it goes back to the queue for the next run (the
            // notifier dedupes transitions by id, so what this run already grouped is not told twice).
            queue.addAll(batch);
            throw e;
        }
    }

    private void safeRun() {
        try {
            runNotifier();
        } catch (RuntimeException e) {
            LOG.error("local notifier run failed; the next tick retries", e);
        }
    }

    public NotificationService service() {
        return service;
    }

    public NotificationConfig config() {
        return config;
    }

    /** What SNS channels published ({topicArn, subject, message}). */
    public List<String[]> snsMessages() {
        return List.copyOf(snsMessages);
    }

    Function<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> route(String path) {
        if (HttpNotificationsRequestHandler.serves(path)) {
            return e -> api.handleRequest(e, null);
        }
        if (HttpChatRequestHandler.serves(path)) {
            return e -> chat.handleRequest(e, null);
        }
        return null;
    }

    @Override
    public void close() throws InterruptedException {
        ticker.shutdownNow();
        ticker.awaitTermination(10, TimeUnit.SECONDS);
    }
}

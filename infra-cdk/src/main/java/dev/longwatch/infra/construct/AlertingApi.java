package dev.longwatch.infra.construct;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.aws_apigatewayv2_integrations.HttpLambdaIntegration;
import software.amazon.awscdk.services.apigatewayv2.HttpMethod;
import software.amazon.awscdk.services.apigatewayv2.HttpRoute;
import software.amazon.awscdk.services.apigatewayv2.HttpRouteKey;
import software.amazon.awscdk.services.apigatewayv2.IHttpApi;
import io.github.cdklabs.cdknag.RegexAppliesTo;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.kms.IKey;
import software.amazon.awscdk.services.s3.IBucket;
import software.amazon.awscdk.services.sqs.IQueue;
import software.constructs.Construct;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * The alerting and notification handlers behind HTTP: monitors, alerts and audit
 * ({@code HttpMonitorsRequestHandler}), channels, silences, routes, maintenance windows and the delivery log
 * ({@code HttpNotificationsRequestHandler}), and the chat endpoint ({@code HttpChatRequestHandler}), with their
 * routes on the tenant API. The console API routes to the same functions ({@link ConsoleApi}).
 *
 * <p>Like ingest and query, the tenant routes have no gateway authorizer: the handlers check the API key (401 on a
 * missing or unknown one). The chat routes carry no API key at all: Slack signs its requests with the app's
 * signing secret and action links carry a signed token, both verified in the handler.
 */
public final class AlertingApi extends Construct {
    static final String MONITORS_HANDLER = "dev.longwatch.handler.HttpMonitorsRequestHandler";
    static final String NOTIFICATIONS_HANDLER = "dev.longwatch.handler.HttpNotificationsRequestHandler";
    static final String CHAT_HANDLER = "dev.longwatch.handler.HttpChatRequestHandler";

    /**
     * @param api          the tenant API the routes join
     * @param notifyQueue  where a hand-made resolve or a chat action sends its transition
     * @param secretsKey   the channel-secrets key: the notifications API seals and opens channel secrets, the chat
     *                     endpoint opens the action-link key
     * @param consoleUrl   for links back to the console
     * @param publicApiUrl the tenant API's address, for signed action links
     */
    public record Props(TableSet tables, FunctionSettings functions, RollupRetention retention, IHttpApi api,
                        IQueue notifyQueue, IKey secretsKey, String consoleUrl, String publicApiUrl, Graphs graphs) {
        public Props(TableSet tables, FunctionSettings functions, RollupRetention retention, IHttpApi api,
                     IQueue notifyQueue, IKey secretsKey, String consoleUrl, String publicApiUrl) {
            this(tables, functions, retention, api, notifyQueue, secretsKey, consoleUrl, publicApiUrl, null);
        }

        public Props {
            Objects.requireNonNull(tables, "tables");
            Objects.requireNonNull(functions, "functions");
            Objects.requireNonNull(retention, "retention");
            Objects.requireNonNull(api, "api");
            Objects.requireNonNull(notifyQueue, "notifyQueue");
            Objects.requireNonNull(secretsKey, "secretsKey");
            Objects.requireNonNull(consoleUrl, "consoleUrl");
            Objects.requireNonNull(publicApiUrl, "publicApiUrl");
        }
    }

    /**
     * What chat's {@code /longwatch graph} reads and writes: the minute query path (series index, rollups, the
     * compactor's progress, events for markers), the charts bucket for the image and its presigned link, and, when
     * the rollup window is longer than a minute, the archive for the newest minutes ({@code QueryService.FreshTail},
     * as the query function does).
     *
     * @param charts                  where chart images go ({@code LONGWATCH_CHARTS_BUCKET})
     * @param archive                 the raw-point archive; null: graphs read the rollups only
     * @param freshFromArchiveSeconds {@code LONGWATCH_FRESH_FROM_ARCHIVE_SECONDS}; empty with the default window
     * @param minuteTierFromArchive   {@code minuteTierSource=archive}: the tail reaches back to the compacted hours
     */
    public record Graphs(IBucket charts, ArchiveBucket archive, OptionalInt freshFromArchiveSeconds,
                         boolean minuteTierFromArchive) {
        public Graphs {
            Objects.requireNonNull(charts, "charts");
            Objects.requireNonNull(freshFromArchiveSeconds, "freshFromArchiveSeconds");
        }

        /** With the minute tier from the stream. */
        public Graphs(IBucket charts, ArchiveBucket archive, OptionalInt freshFromArchiveSeconds) {
            this(charts, archive, freshFromArchiveSeconds, false);
        }
    }

    private final LongwatchFunction monitors;
    private final LongwatchFunction notifications;
    private final LongwatchFunction chat;
    private final List<HttpRoute> routes = new ArrayList<>();

    public AlertingApi(Construct scope, String id, Props props) {
        super(scope, id);
        TableSet t = props.tables();

        // Monitors CRUD, alerts, audit, and backtests, which read series like a query does.
        Map<String, String> monitorsEnv = new HashMap<>(t.environmentFor(t.rollups(), t.series(), t.events(),
                t.apiKeys(), t.alerting()));
        monitorsEnv.putAll(props.retention().environment());
        monitorsEnv.put("LONGWATCH_NOTIFY_QUEUE_URL", props.notifyQueue().getQueueUrl());
        // 1.5 GB: a backtest evaluates a monitor over days of rollups in one request; 28 s, inside API Gateway's 30.
        this.monitors = new LongwatchFunction(this, "MonitorsApi", new LongwatchFunction.Props(MONITORS_HANDLER,
                "Longwatch monitors API: monitors, backtests, alerts, audit", 1536, Duration.seconds(28),
                monitorsEnv, props.functions()));
        // Backtests read the series index, rollup slabs and events (BacktestService's adapters), never write them.
        for (var table : List.of(t.rollups(), t.series(), t.events())) {
            table.grant(monitors.alias(), DynamoActions.READ);
        }
        t.apiKeys().grant(monitors.alias(), "dynamodb:GetItem");
        t.alerting().grant(monitors.alias(), DynamoActions.READ_WRITE);
        // Resolving an alert by hand notifies like a resolve by the evaluator.
        props.notifyQueue().grantSendMessages(monitors.alias());

        Map<String, String> notificationsEnv = new HashMap<>(t.environmentFor(t.apiKeys(), t.alerting(),
                t.notifications()));
        notificationsEnv.put("LONGWATCH_SECRETS_KEY_ID", props.secretsKey().getKeyId());
        this.notifications = new LongwatchFunction(this, "NotificationsApi", new LongwatchFunction.Props(
                NOTIFICATIONS_HANDLER, "Longwatch notifications API: channels, routes, silences, maintenance windows",
                1024, Duration.seconds(15), notificationsEnv, props.functions()));
        t.apiKeys().grant(notifications.alias(), "dynamodb:GetItem");
        t.notifications().grant(notifications.alias(), DynamoActions.READ_WRITE);
        // Monitor names and ids for routes and silences; never alert state.
        t.alerting().grant(notifications.alias(), DynamoActions.READ);
        // Configuration changes are written to the audit log (new items only: never an update or a delete).
        t.alerting().grant(notifications.alias(), "dynamodb:PutItem");
        // Seals channel secrets when a channel is saved, opens them when it is read back (responses show only the
        // names of the secrets that are set).
        NotificationPipeline.grantChannelSecrets(notifications, props.secretsKey());

        Map<String, String> chatEnv = new HashMap<>(t.environmentFor(t.alerting(), t.notifications()));
        chatEnv.put("LONGWATCH_SECRETS_KEY_ID", props.secretsKey().getKeyId());
        chatEnv.put("LONGWATCH_NOTIFY_QUEUE_URL", props.notifyQueue().getQueueUrl());
        chatEnv.put("LONGWATCH_CONSOLE_URL", props.consoleUrl());
        chatEnv.put("LONGWATCH_PUBLIC_API_URL", props.publicApiUrl());
        // Slack wants an answer within 3 s: small and quick, SnapStart keeps the first one fast too. Graphs add their
        // tables and buckets below (grantGraphs).
        this.chat = new LongwatchFunction(this, "Chat", new LongwatchFunction.Props(CHAT_HANDLER,
                "Longwatch chat: Slack commands and interactions, signed action links", 1024, Duration.seconds(10),
                chatEnv, props.functions()));
        // Acknowledge, resolve and silence from chat: alert state and silences; the tenant's sealed action-link key
        // and the Slack signing secret are opened to verify each request.
        t.alerting().grant(chat.alias(), DynamoActions.READ_WRITE);
        t.notifications().grant(chat.alias(), DynamoActions.READ_WRITE);
        NotificationPipeline.grantChannelSecrets(chat, props.secretsKey());
        props.notifyQueue().grantSendMessages(chat.alias());
        if (props.graphs() != null) {
            grantGraphs(chat, t, props.retention(), props.graphs());
        }

        Map<AlertingRoutes.Target, HttpLambdaIntegration> integrations = Map.of(
                AlertingRoutes.Target.MONITORS, integration("MonitorsIntegration", monitors.alias()),
                AlertingRoutes.Target.NOTIFICATIONS, integration("NotificationsIntegration", notifications.alias()),
                AlertingRoutes.Target.CHAT, integration("ChatIntegration", chat.alias()));
        List<AlertingRoutes.Route> all = new ArrayList<>(AlertingRoutes.TENANT);
        all.addAll(AlertingRoutes.CHAT);
        for (AlertingRoutes.Route r : all) {
            for (HttpMethod m : r.methods()) {
                HttpRoute route = HttpRoute.Builder.create(this, "Route" + m + r.path().replaceAll("[^A-Za-z0-9]", ""))
                        .httpApi(props.api())
                        .routeKey(HttpRouteKey.with(r.path(), m))
                        .integration(integrations.get(r.target()))
                        .build();
                NagSuppressions.addResourceSuppressions(route, List.of(NagPackSuppression.builder()
                        .id("AwsSolutions-APIG4")
                        .reason(r.target() == AlertingRoutes.Target.CHAT
                                ? "Chat routes are called by Slack and by action links, which cannot carry an API key:"
                                + " the handler verifies Slack's request signature (signing secret, 5-minute replay"
                                + " window) or the link's signed token before doing anything."
                                : "Tenant routes are authorized inside the handler by the API key's SHA-256 in the"
                                + " api-keys table (cached 60 s), like ingest and query: an HTTP API Lambda"
                                + " authorizer could only refuse with 403, and the API contract answers 401.")
                        .build()));
                routes.add(route);
            }
        }
    }

    /**
     * {@code /longwatch graph}: read-only on the query path, put and get on chart objects only, and archive reads only
     * when minute queries take their newest minutes from it. Nothing here writes a table.
     */
    private static void grantGraphs(LongwatchFunction chat, TableSet t, RollupRetention retention, Graphs g) {
        Map<String, String> env = new HashMap<>(t.environmentFor(t.rollups(), t.series(), t.events(), t.state()));
        env.putAll(retention.environment());
        env.put("LONGWATCH_CHARTS_BUCKET", g.charts().getBucketName());
        if (g.archive() != null && g.freshFromArchiveSeconds().isPresent()) {
            env.putAll(g.archive().environment());
            env.put(FRESH_FROM_ARCHIVE, Integer.toString(g.freshFromArchiveSeconds().getAsInt()));
            g.archive().grantRead(chat);
            if (g.minuteTierFromArchive()) {
                // The tail reaches back to the tenant's compacted hours (the state table's GetItem is granted below).
                env.put(MinuteTierWiring.VARIABLE, "archive");
                env.put(MinuteTierWiring.CACHE_VARIABLE, Integer.toString(MinuteTierWiring.READER_CACHE_OBJECTS));
            }
        }
        env.forEach((k, v) -> chat.function().addEnvironment(k, v));
        for (var table : List.of(t.rollups(), t.series(), t.events())) {
            table.grant(chat.alias(), DynamoActions.QUERY);
        }
        // Which hours and days are compacted, so a long range reads the coarser tiers (as the query function does).
        t.state().grant(chat.alias(), "dynamodb:GetItem");
        // The image, and reading it back: the link Slack fetches is presigned with this function's role.
        chat.role().addToPrincipalPolicy(PolicyStatement.Builder.create()
                .actions(List.of("s3:PutObject", "s3:GetObject"))
                .resources(List.of(g.charts().arnForObjects(CHARTS_PREFIX + "*")))
                .build());
        NagSuppressions.addResourceSuppressions(chat.role().getNode().findChild("DefaultPolicy"),
                List.of(NagPackSuppression.builder()
                        .id("AwsSolutions-IAM5")
                        .appliesTo(List.of(RegexAppliesTo.builder()
                                .regex("/^Resource::<.*Charts.*\\.Arn>\\/charts\\/\\*$/").build()))
                        .reason("Chart objects only (charts/<tenant>/<hash>.png, a new key per graph, so no narrower"
                                + " prefix exists); PutObject and GetObject are the only S3 actions granted.")
                        .build()), true);
    }

    /** The charts bucket's key prefix (S3ChartStore writes {@code charts/<tenant>/<name>.png}). */
    static final String CHARTS_PREFIX = "charts/";
    /** The same variable the query function gets (IngestStack.FRESH_FROM_ARCHIVE). */
    static final String FRESH_FROM_ARCHIVE = "LONGWATCH_FRESH_FROM_ARCHIVE_SECONDS";

    /**
     * One invoke permission per function and API (any route of this API), not one per route: a function's resource
     * policy is limited to 20 KB, and the notifications function alone serves some 30 routes on each API.
     */
    static HttpLambdaIntegration integration(String id, software.amazon.awscdk.services.lambda.IFunction handler) {
        return new HttpLambdaIntegration(id, handler,
                software.amazon.awscdk.aws_apigatewayv2_integrations.HttpLambdaIntegrationProps.builder()
                        .scopePermissionToRoute(false).build());
    }

    public LongwatchFunction monitors() {
        return monitors;
    }

    public LongwatchFunction notifications() {
        return notifications;
    }

    public LongwatchFunction chat() {
        return chat;
    }

    public List<HttpRoute> routes() {
        return List.copyOf(routes);
    }
}

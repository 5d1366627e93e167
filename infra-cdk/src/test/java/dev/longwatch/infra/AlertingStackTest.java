package dev.longwatch.infra;

import dev.longwatch.infra.construct.EvaluatorRounds;
import dev.longwatch.infra.construct.LongwatchFunction;
import dev.longwatch.infra.construct.NotificationPipeline;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Template;
import software.constructs.IConstruct;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AlertingStackTest {

    private static String id(Object construct) {
        return Installation.logicalId((IConstruct) construct);
    }

    private static List<Cfn.Grant> grantsOf(Installation i, LongwatchFunction f) {
        return Cfn.grantsOf(i.template(software.amazon.awscdk.Stack.of(f)), id(f.role()));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> environment(Installation i, LongwatchFunction f) {
        Template t = i.template(software.amazon.awscdk.Stack.of(f));
        Map<String, Object> fn = Cfn.properties(Cfn.resources(t, "AWS::Lambda::Function").get(id(f.function())));
        return (Map<String, Object>) ((Map<String, Object>) fn.get("Environment")).get("Variables");
    }

    private static Map<String, Object> function(Installation i, LongwatchFunction f) {
        return Cfn.properties(Cfn.resources(i.alerting(), "AWS::Lambda::Function").get(id(f.function())));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> evaluatorSchedules(Installation i) {
        String queue = id(i.stacks.alerting().evaluator().rounds().queue());
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> s : Cfn.resources(i.alerting(), "AWS::Scheduler::Schedule").values()) {
            Map<String, Object> p = Cfn.properties(s);
            if (Cfn.json(((Map<String, Object>) p.get("Target")).get("Arn")).contains(queue)) {
                out.add(p);
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> roundsQueue(Installation i) {
        return Cfn.properties(Cfn.resources(i.alerting(), "AWS::SQS::Queue")
                .get(id(i.stacks.alerting().evaluator().rounds().queue())));
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyMinuteOneRoundPerShardNamingItsScheduledMinuteGoesOnTheRoundsQueue() throws Exception {
        for (Installation i : List.of(Installation.defaults(), Installation.production())) {
            int shards = i.stacks.alertingConfig().evaluatorShards();
            List<Map<String, Object>> schedules = evaluatorSchedules(i);
            assertEquals(shards, schedules.size());
            Set<Integer> seen = new java.util.TreeSet<>();
            for (Map<String, Object> s : schedules) {
                assertEquals("rate(1 minute)", s.get("ScheduleExpression"));
                assertEquals(Map.of("Mode", "OFF"), s.get("FlexibleTimeWindow"), "on the minute: settle counts from it");
                Map<String, Object> target = (Map<String, Object>) s.get("Target");
                Map<String, Object> input = new com.fasterxml.jackson.databind.ObjectMapper()
                        .readValue((String) target.get("Input"), Map.class);
                assertEquals(shards, input.get("shardCount"));
                assertEquals("<aws.scheduler.scheduled-time>", input.get("time"), "the minute, not the clock's");
                seen.add((Integer) input.get("shard"));
                assertTrue(Cfn.json(target.get("DeadLetterConfig")).contains(
                        id(i.stacks.alerting().evaluator().rounds().deadLetters())));
            }
            Set<Integer> expected = new java.util.TreeSet<>();
            for (int s = 0; s < shards; s++) {
                expected.add(s);
            }
            assertEquals(expected, seen, "each shard exactly once");
        }
        assertEquals(3, evaluatorSchedules(Installation.production()).size());
    }

    @Test
    void aRoundIsDeliveredTheSettleTimeAfterItsMinute() {
        assertEquals(25, AlertingConfig.defaults().evaluationSettleSeconds());
        assertEquals(25, ((Number) roundsQueue(Installation.defaults()).get("DelaySeconds")).intValue());
        assertEquals(40, ((Number) roundsQueue(Installation.production()).get("DelaySeconds")).intValue());
    }

    @Test
    @SuppressWarnings("unchecked")
    void aFailedRoundIsDeliveredAgainAFewTimesThenKeptOnTheDeadLetterQueue() {
        Installation i = Installation.defaults();
        var e = i.stacks.alerting().evaluator();
        Map<String, Object> mapping = Cfn.mappingTo(i.alerting(), id(e.function().alias()));
        assertTrue(Cfn.json(mapping.get("EventSourceArn")).contains(id(e.rounds().queue())));
        assertEquals(List.of("ReportBatchItemFailures"), mapping.get("FunctionResponseTypes"));
        assertEquals(1, ((Number) mapping.get("BatchSize")).intValue(), "one round per run: shards run in parallel");

        Map<String, Object> queue = roundsQueue(i);
        Map<String, Object> redrive = (Map<String, Object>) queue.get("RedrivePolicy");
        assertEquals(EvaluatorRounds.MAX_RECEIVES, ((Number) redrive.get("maxReceiveCount")).intValue());
        assertTrue(EvaluatorRounds.MAX_RECEIVES > 1 && EvaluatorRounds.MAX_RECEIVES <= 5);
        assertTrue(Cfn.json(redrive.get("deadLetterTargetArn")).contains(id(e.rounds().deadLetters())));
        int timeout = ((Number) function(i, e.function()).get("Timeout")).intValue();
        assertEquals(60, timeout, "a run belongs to its minute");
        int visibility = ((Number) queue.get("VisibilityTimeout")).intValue();
        assertTrue(visibility >= timeout && visibility <= 180,
                "a round in progress is not handed to a second evaluator, a failed one is retried within minutes");
        assertEquals("dev.longwatch.handler.SqsEvaluatorHandler", function(i, e.function()).get("Handler"));
    }

    @Test
    void theRoundQueuesAreEncryptedAndRefuseRequestsWithoutTls() {
        Installation i = Installation.defaults();
        var r = i.stacks.alerting().evaluator().rounds();
        for (Object q : List.of(r.queue(), r.deadLetters())) {
            Map<String, Object> p = Cfn.properties(Cfn.resources(i.alerting(), "AWS::SQS::Queue").get(id(q)));
            assertEquals(true, p.get("SqsManagedSseEnabled"));
            boolean tlsOnly = Cfn.resources(i.alerting(), "AWS::SQS::QueuePolicy").values().stream().map(Cfn::json)
                    .anyMatch(pol -> pol.contains(id(q)) && pol.contains("\"Effect\":\"Deny\"")
                            && pol.contains("aws:SecureTransport"));
            assertTrue(tlsOnly, id(q));
        }
    }

    @Test
    void theSchedulerMayOnlySendRoundsAndTheEvaluatorOnlyConsumeThem() {
        Installation i = Installation.defaults();
        var e = i.stacks.alerting().evaluator();
        List<Cfn.Grant> scheduler = Cfn.grantsOf(i.alerting(), id(e.rounds().role()));
        assertEquals(Set.of("sqs:SendMessage"), Cfn.actionsOn(scheduler, id(e.rounds().deadLetters())));
        Set<String> send = Cfn.actionsOn(scheduler, id(e.rounds().queue()));
        assertTrue(send.contains("sqs:SendMessage"), send.toString());
        assertTrue(send.stream().noneMatch(a -> a.startsWith("sqs:Receive") || a.startsWith("sqs:Delete")
                || a.equals("sqs:PurgeQueue")), send.toString());
        assertTrue(Cfn.allActions(scheduler).stream().noneMatch(a -> a.startsWith("lambda:")),
                Cfn.allActions(scheduler).toString());

        List<Cfn.Grant> evaluator = grantsOf(i, e.function());
        Set<String> consume = Cfn.actionsOn(evaluator, id(e.rounds().queue()));
        assertTrue(consume.containsAll(Set.of("sqs:ReceiveMessage", "sqs:DeleteMessage")), consume.toString());
        assertFalse(consume.contains("sqs:SendMessage"), "the evaluator cannot schedule rounds itself");
        assertEquals(Set.of(), Cfn.actionsOn(evaluator, id(e.rounds().deadLetters())));
    }

    @Test
    void theEvaluatorCanSendToTheNotifyQueueButNotReadIt() {
        Installation i = Installation.defaults();
        List<Cfn.Grant> grants = grantsOf(i, i.stacks.alerting().evaluator().function());
        Set<String> onQueue = Cfn.actionsOn(grants, id(i.stacks.alerting().notifications().queue()));
        assertTrue(onQueue.contains("sqs:SendMessage"), onQueue.toString());
        for (String read : List.of("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:PurgeQueue",
                "sqs:ChangeMessageVisibility")) {
            assertFalse(onQueue.contains(read), read);
        }
        assertEquals(Set.of(), Cfn.actionsOn(grants, id(i.stacks.alerting().notifications().deadLetters())));
        assertEquals(Set.of("LONGWATCH_ROLLUPS_TABLE", "LONGWATCH_SERIES_TABLE", "LONGWATCH_EVENTS_TABLE",
                        "LONGWATCH_ALERTING_TABLE", "LONGWATCH_NOTIFY_QUEUE_URL",
                        "LONGWATCH_RETENTION_MINUTE_DAYS", "LONGWATCH_RETENTION_HOUR_DAYS", "LONGWATCH_RETENTION_DAY_DAYS"),
                environment(i, i.stacks.alerting().evaluator().function()).keySet());
    }

    @Test
    void theEvaluatorReadsSeriesAndWritesOnlyTheAlertingTable() {
        Installation i = Installation.defaults();
        var t = i.stacks.data().tables();
        List<Cfn.Grant> grants = grantsOf(i, i.stacks.alerting().evaluator().function());
        for (Object read : List.of(t.rollups(), t.series(), t.events())) {
            assertEquals(Set.of("dynamodb:Query", "dynamodb:GetItem", "dynamodb:BatchGetItem"),
                    Cfn.actionsOn(grants, id(read)));
        }
        assertEquals(Set.of(), Cfn.actionsOn(grants, id(t.state())));
        Set<String> alerting = Cfn.actionsOn(grants, id(t.alerting()));
        assertTrue(alerting.containsAll(Set.of("dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:Query",
                "dynamodb:DeleteItem")), alerting.toString());
        assertFalse(alerting.contains("dynamodb:Scan"), "monitors are read by key, never scanned");
        assertEquals(Set.of(), Cfn.actionsOn(grants, id(t.notifications())));
        assertEquals(Set.of(), Cfn.actionsOn(grants, id(t.apiKeys())));
        assertEquals(Set.of(), Cfn.actionsOn(grants, id(i.stacks.alerting().notifications().secretsKey())));
        assertTrue(Cfn.allActions(grants).stream().noneMatch(a -> a.startsWith("kms:") || a.startsWith("sns:")),
                Cfn.allActions(grants).toString());
    }

    @Test
    @SuppressWarnings("unchecked")
    void theNotifierReportsPartialBatchFailuresAndGivesUpAfterBoundedRetries() {
        Installation i = Installation.defaults();
        var n = i.stacks.alerting().notifications();
        Map<String, Object> mapping = Cfn.mappingTo(i.alerting(), id(n.notifier().alias()));
        assertEquals(List.of("ReportBatchItemFailures"), mapping.get("FunctionResponseTypes"));
        assertTrue(Cfn.json(mapping.get("EventSourceArn")).contains(id(n.queue())));
        assertTrue(Cfn.json(mapping.get("FunctionName")).contains(id(n.notifier().alias())), "the live alias");
        assertTrue(((Map<String, Object>) mapping.get("ScalingConfig")).containsKey("MaximumConcurrency"));

        Map<String, Object> queue = Cfn.properties(Cfn.resources(i.alerting(), "AWS::SQS::Queue").get(id(n.queue())));
        Map<String, Object> redrive = (Map<String, Object>) queue.get("RedrivePolicy");
        assertEquals(NotificationPipeline.MAX_RECEIVES, ((Number) redrive.get("maxReceiveCount")).intValue());
        assertTrue(Cfn.json(redrive.get("deadLetterTargetArn")).contains(id(n.deadLetters())));
        int timeout = ((Number) function(i, n.notifier()).get("Timeout")).intValue();
        assertTrue(((Number) queue.get("VisibilityTimeout")).intValue() >= 6 * timeout,
                "a batch in progress must not become visible to a second notifier");
    }

    @Test
    void theNotifiersMaySendWakeUpsToTheirOwnQueueAndTheFlushMayNotConsumeIt() {
        Installation i = Installation.defaults();
        var n = i.stacks.alerting().notifications();
        for (LongwatchFunction f : List.of(n.notifier(), n.flush())) {
            Set<String> onQueue = Cfn.actionsOn(grantsOf(i, f), id(n.queue()));
            assertTrue(onQueue.contains("sqs:SendMessage"), onQueue.toString());
            assertFalse(onQueue.contains("sqs:PurgeQueue"), onQueue.toString());
            assertTrue(Cfn.json(environment(i, f).get("LONGWATCH_NOTIFY_WAKE_QUEUE_URL")).contains(id(n.queue())),
                    "the wake-ups go to the queue the notifier consumes");
            assertEquals(Set.of(), Cfn.actionsOn(grantsOf(i, f), id(n.deadLetters())));
        }
        assertEquals(Set.of("sqs:SendMessage"), Cfn.actionsOn(grantsOf(i, n.flush()), id(n.queue())),
                "the scheduled flush sends wake-ups and reads nothing from the queue");
    }

    @Test
    void aWakeUpIsHandedToTheNotifierWithinASecondOfItsDelay() {
        Installation i = Installation.defaults();
        // The notifier's mapping (the evaluator's rounds queue has its own).
        Map<String, Object> mapping = Cfn.resources(i.alerting(), "AWS::Lambda::EventSourceMapping").entrySet()
                .stream().filter(e -> e.getKey().startsWith("NotificationsNotifier")).map(e -> Cfn.properties(e.getValue()))
                .reduce((a, b) -> {
                    throw new AssertionError("more than one notifier mapping");
                }).orElseThrow();
        int window = ((Number) mapping.get("MaximumBatchingWindowInSeconds")).intValue();
        assertTrue(window <= 1, "a batching window of " + window + " s delays every wake-up by as much");
    }

    @Test
    void theNotificationQueuesAreEncryptedAndRefuseRequestsWithoutTls() {
        Installation i = Installation.defaults();
        var n = i.stacks.alerting().notifications();
        for (Object q : List.of(n.queue(), n.deadLetters())) {
            Map<String, Object> p = Cfn.properties(Cfn.resources(i.alerting(), "AWS::SQS::Queue").get(id(q)));
            assertEquals(true, p.get("SqsManagedSseEnabled"));
            boolean tlsOnly = Cfn.resources(i.alerting(), "AWS::SQS::QueuePolicy").values().stream().map(Cfn::json)
                    .anyMatch(pol -> pol.contains(id(q)) && pol.contains("\"Effect\":\"Deny\"")
                            && pol.contains("{\"Bool\":{\"aws:SecureTransport\":\"false\"}}"));
            assertTrue(tlsOnly, id(q));
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void onlyTheNotifierTheNotificationsApiAndTheChatEndpointUseChannelSecretsAndOnlyForThem() {
        Installation i = Installation.defaults();
        var a = i.stacks.alerting();
        String key = id(a.notifications().secretsKey());
        Map<String, Set<String>> byFunction = new TreeMap<>();
        for (LongwatchFunction f : new FunctionsOf(i).all()) {
            Set<String> actions = Cfn.actionsOn(grantsOf(i, f), key);
            if (!actions.isEmpty()) {
                byFunction.put(f.getNode().getId(), actions);
            }
        }
        // KmsSecretSealer: a data key to seal, Decrypt to open; no Encrypt, no ReEncrypt, no key management.
        Set<String> sealAndOpen = Set.of("kms:GenerateDataKey", "kms:Decrypt");
        assertEquals(Map.of("Notifier", sealAndOpen, "NotifierFlush", sealAndOpen, "Chat", sealAndOpen,
                "NotificationsApi", sealAndOpen), byFunction);
        // Every statement on the key requires the sealer's encryption context.
        for (Map<String, Object> policy : Cfn.resources(i.alerting(), "AWS::IAM::Policy").values()) {
            Map<String, Object> doc = (Map<String, Object>) Cfn.properties(policy).get("PolicyDocument");
            for (Map<String, Object> st : (List<Map<String, Object>>) doc.get("Statement")) {
                if (Cfn.json(st.get("Resource")).contains(key)) {
                    assertEquals(Map.of("StringEquals", Map.of("kms:EncryptionContext:purpose",
                            "longwatch-channel-secrets")), st.get("Condition"), Cfn.json(st));
                }
            }
        }
        Map<String, Object> k = Cfn.properties(Cfn.resources(i.alerting(), "AWS::KMS::Key").get(key));
        assertEquals(true, k.get("EnableKeyRotation"));
        assertEquals("Retain", Cfn.resources(Installation.production().alerting(), "AWS::KMS::Key")
                .get(id(Installation.production().stacks.alerting().notifications().secretsKey())).get("DeletionPolicy"),
                "without the key, stored channels are unusable");
    }

    @Test
    void snsChannelsReachOnlyTheAlertTopicAndTheTopicsTheOperatorAllows() {
        Installation d = Installation.defaults();
        var n = d.stacks.alerting().notifications();
        List<Cfn.Grant> publish = grantsOf(d, n.notifier()).stream()
                .filter(g -> g.actions().contains("sns:Publish")).toList();
        assertEquals(1, publish.size());
        assertEquals("{\"Ref\":\"" + id(n.alertTopic()) + "\"}", publish.get(0).resources(), "the alert topic alone");
        Installation p = Installation.production();
        String allowed = grantsOf(p, p.stacks.alerting().notifications().notifier()).stream()
                .filter(g -> g.actions().contains("sns:Publish")).map(Cfn.Grant::resources).findFirst().orElseThrow();
        assertTrue(allowed.contains("arn:aws:sns:*:123456789012:longwatch-*"), allowed);
    }

    @Test
    void theNotificationsApiMayAddAuditEntriesButNeverChangeOrDeleteAlertingItems() {
        Installation i = Installation.defaults();
        Set<String> onAlerting = Cfn.actionsOn(grantsOf(i, i.stacks.alerting().api().notifications()),
                id(i.stacks.data().tables().alerting()));
        assertEquals(Set.of("dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:PutItem"),
                onAlerting);
    }

    @Test
    void theIngestAndQueryFunctionsCannotReadMonitorsOrChannels() {
        Installation i = Installation.defaults();
        var t = i.stacks.data().tables();
        for (LongwatchFunction f : List.of(i.stacks.ingest().api().ingest(), i.stacks.ingest().api().query(),
                i.stacks.ingest().api().metricStream(), i.stacks.rollup().rollup().function())) {
            List<Cfn.Grant> grants = grantsOf(i, f);
            assertEquals(Set.of(), Cfn.actionsOn(grants, id(t.alerting())), f.getNode().getId());
            assertEquals(Set.of(), Cfn.actionsOn(grants, id(t.notifications())), f.getNode().getId());
        }
    }

    @Test
    void theAlertTopicIsEncryptedWithItsOwnKeyAndOnlyTheNotifiersPublish() {
        Installation i = Installation.defaults();
        var n = i.stacks.alerting().notifications();
        Map<String, Object> topic = Cfn.properties(Cfn.resources(i.alerting(), "AWS::SNS::Topic").get(id(n.alertTopic())));
        String keyRef = Cfn.json(topic.get("KmsMasterKeyId"));
        assertFalse(keyRef.contains(id(n.secretsKey())), "not the channel-secrets key");
        assertTrue(keyRef.contains("AlertTopicKey"), keyRef);
        List<String> publishers = new ArrayList<>();
        for (LongwatchFunction f : new FunctionsOf(i).all()) {
            if (Cfn.actionsOn(grantsOf(i, f), id(n.alertTopic())).contains("sns:Publish")) {
                publishers.add(f.getNode().getId());
            }
        }
        assertEquals(List.of("Notifier", "NotifierFlush"), publishers);
        assertEquals(n.alertTopic().getTopicArn().isEmpty(), false);
        assertTrue(Cfn.json(environment(i, n.notifier()).get("LONGWATCH_ALERT_TOPIC_ARN")).contains(id(n.alertTopic())));
    }

    @Test
    @SuppressWarnings("unchecked")
    void chartsArePrivateTlsOnlyAndExpire() {
        Installation i = Installation.defaults();
        var n = i.stacks.alerting().notifications();
        Map<String, Object> b = Cfn.properties(Cfn.resources(i.alerting(), "AWS::S3::Bucket").get(id(n.charts())));
        assertEquals(Map.of("BlockPublicAcls", true, "BlockPublicPolicy", true, "IgnorePublicAcls", true,
                "RestrictPublicBuckets", true), b.get("PublicAccessBlockConfiguration"));
        String rules = Cfn.json(b.get("LifecycleConfiguration"));
        assertTrue(rules.contains("\"ExpirationInDays\":" + NotificationPipeline.CHART_DAYS), rules);
        String policy = Cfn.resources(i.alerting(), "AWS::S3::BucketPolicy").values().stream().map(Cfn::json)
                .filter(p -> p.contains(id(n.charts()))).findFirst().orElseThrow();
        assertTrue(policy.contains("\"aws:SecureTransport\":\"false\"") && policy.contains("\"Deny\""), policy);
        assertTrue(Cfn.json(environment(i, n.notifier()).get("LONGWATCH_CHARTS_BUCKET")).contains(id(n.charts())));
        assertEquals(Set.of("s3:PutObject", "s3:GetObject"), Cfn.actionsOn(grantsOf(i, n.notifier()), id(n.charts())));
        assertEquals(Set.of(), Cfn.actionsOn(grantsOf(i, i.stacks.alerting().evaluator().function()), id(n.charts())));
    }

    @Test
    void notifierMemoryComesFromTheConfiguration() {
        assertEquals(1024, ((Number) function(Installation.defaults(),
                Installation.defaults().stacks.alerting().notifications().notifier()).get("MemorySize")).intValue());
        Installation p = Installation.production();
        for (LongwatchFunction f : List.of(p.stacks.alerting().notifications().notifier(),
                p.stacks.alerting().notifications().flush())) {
            assertEquals(2048, ((Number) function(p, f).get("MemorySize")).intValue());
        }
    }

    @Test
    void theFunctionsAreToldTheContractsVariablesAndNothingMore() {
        Installation i = Installation.defaults();
        var a = i.stacks.alerting();
        assertEquals(Set.of("LONGWATCH_ROLLUPS_TABLE", "LONGWATCH_SERIES_TABLE", "LONGWATCH_EVENTS_TABLE",
                "LONGWATCH_STATE_TABLE", "LONGWATCH_ALERTING_TABLE", "LONGWATCH_NOTIFICATIONS_TABLE",
                "LONGWATCH_RETENTION_MINUTE_DAYS", "LONGWATCH_RETENTION_HOUR_DAYS", "LONGWATCH_RETENTION_DAY_DAYS",
                "LONGWATCH_ALERT_TOPIC_ARN", "LONGWATCH_CHARTS_BUCKET", "LONGWATCH_SECRETS_KEY_ID",
                "LONGWATCH_CONSOLE_URL", "LONGWATCH_PUBLIC_API_URL", "LONGWATCH_NOTIFY_WAKE_QUEUE_URL"),
                environment(i, a.notifications().notifier()).keySet());
        assertEquals(environment(i, a.notifications().notifier()).keySet(),
                environment(i, a.notifications().flush()).keySet());
        assertEquals(Set.of("LONGWATCH_ROLLUPS_TABLE", "LONGWATCH_SERIES_TABLE", "LONGWATCH_EVENTS_TABLE",
                "LONGWATCH_API_KEYS_TABLE", "LONGWATCH_ALERTING_TABLE",
                "LONGWATCH_NOTIFY_QUEUE_URL", "LONGWATCH_RETENTION_MINUTE_DAYS", "LONGWATCH_RETENTION_HOUR_DAYS",
                "LONGWATCH_RETENTION_DAY_DAYS"), environment(i, a.api().monitors()).keySet());
        assertEquals(Set.of("LONGWATCH_API_KEYS_TABLE", "LONGWATCH_ALERTING_TABLE", "LONGWATCH_NOTIFICATIONS_TABLE",
                "LONGWATCH_SECRETS_KEY_ID"), environment(i, a.api().notifications()).keySet());
        // Chat's graph command reads like a query and stores its image (ChatGraphAccessTest).
        assertEquals(Set.of("LONGWATCH_ALERTING_TABLE", "LONGWATCH_NOTIFICATIONS_TABLE", "LONGWATCH_SECRETS_KEY_ID",
                "LONGWATCH_NOTIFY_QUEUE_URL", "LONGWATCH_CONSOLE_URL", "LONGWATCH_PUBLIC_API_URL",
                "LONGWATCH_ROLLUPS_TABLE", "LONGWATCH_SERIES_TABLE", "LONGWATCH_EVENTS_TABLE", "LONGWATCH_STATE_TABLE",
                "LONGWATCH_RETENTION_MINUTE_DAYS", "LONGWATCH_RETENTION_HOUR_DAYS", "LONGWATCH_RETENTION_DAY_DAYS",
                "LONGWATCH_CHARTS_BUCKET"), environment(i, a.api().chat()).keySet());
        // The public API URL is the custom domain when there is one.
        assertEquals("https://api.longwatch.example.com/", environment(Installation.production(),
                Installation.production().stacks.alerting().api().chat()).get("LONGWATCH_PUBLIC_API_URL"));
        assertEquals("https://console.longwatch.example.com", environment(Installation.production(),
                Installation.production().stacks.alerting().notifications().notifier()).get("LONGWATCH_CONSOLE_URL"));
    }

    @Test
    void alertingRoutesOnTheTenantApiReachTheirHandlersWithoutAGatewayAuthorizer() {
        Installation i = Installation.defaults();
        var a = i.stacks.alerting();
        Map<String, String> routes = routeTargets(i.alerting(), Map.of(
                id(a.api().monitors().alias()), "monitors",
                id(a.api().notifications().alias()), "notifications",
                id(a.api().chat().alias()), "chat"));
        String tenantApi = id(i.stacks.ingest().api().api());
        for (Map<String, Object> r : Cfn.resources(i.alerting(), "AWS::ApiGatewayV2::Route").values()) {
            Map<String, Object> p = Cfn.properties(r);
            if (Cfn.json(p.get("ApiId")).contains(tenantApi)) {
                assertEquals("NONE", p.getOrDefault("AuthorizationType", "NONE"), p.get("RouteKey").toString());
            }
        }
        assertEquals("monitors", routes.get("GET /v1/monitors"));
        assertEquals("monitors", routes.get("POST /v1/monitors/{proxy+}"));
        assertEquals("monitors", routes.get("POST /v1/alerts/{proxy+}"));
        assertEquals("monitors", routes.get("GET /v1/audit"));
        for (String p : List.of("/v1/channels", "/v1/silences", "/v1/routes", "/v1/maintenance-windows",
                "/v1/inhibitions")) {
            assertEquals("notifications", routes.get("POST " + p), p);
            assertEquals("notifications", routes.get("DELETE " + p + "/{proxy+}"), p);
        }
        assertEquals("notifications", routes.get("GET /v1/notifications"));
        assertEquals("chat", routes.get("POST /v1/chat/{proxy+}"));
        assertFalse(routes.containsKey("POST /v1/metrics"), "ingest stays in the ingest stack");
    }

    @Test
    void everyConsoleRouteRequiresACognitoIdTokenOfTheConsoleClient() {
        Installation i = Installation.defaults();
        var api = i.stacks.alerting().consoleApi();
        String consoleApi = id(api.api());
        Map<String, Object> authorizer = Cfn.properties(Cfn.onlyResource(i.alerting(), "AWS::ApiGatewayV2::Authorizer"));
        assertEquals("JWT", authorizer.get("AuthorizerType"));
        String jwt = Cfn.json(authorizer.get("JwtConfiguration"));
        assertTrue(jwt.contains(id(i.stacks.console().users().client())), "audience: the console client " + jwt);
        assertTrue(jwt.contains("cognito-idp") && jwt.contains(id(i.stacks.console().users().pool())), jwt);
        int consoleRoutes = 0;
        for (Map<String, Object> r : Cfn.resources(i.alerting(), "AWS::ApiGatewayV2::Route").values()) {
            Map<String, Object> p = Cfn.properties(r);
            if (Cfn.json(p.get("ApiId")).contains(consoleApi)) {
                consoleRoutes++;
                assertEquals("JWT", p.get("AuthorizationType"), p.get("RouteKey").toString());
            }
        }
        assertEquals(api.routes().size(), consoleRoutes);
    }

    @Test
    void consoleRoutesReachTheSameHandlersAsTheTenantRoutesAndNeverIngest() {
        Installation i = Installation.defaults();
        var a = i.stacks.alerting();
        String consoleApi = id(a.consoleApi().api());
        Map<String, String> names = Map.of(
                id(a.api().monitors().alias()), "monitors",
                id(a.api().notifications().alias()), "notifications",
                id(a.api().chat().alias()), "chat",
                id(i.stacks.ingest().api().query().alias()), "query",
                id(i.stacks.ingest().api().ingest().alias()), "ingest");
        Map<String, String> console = routeTargets(i.alerting(), names, consoleApi, true);
        Map<String, String> tenant = routeTargets(i.alerting(), names, consoleApi, false);
        tenant.forEach((route, target) -> {
            if (!target.equals("chat")) {
                assertEquals(target, console.get(route), route);
            }
        });
        assertEquals("query", console.get("GET /v1/query"));
        assertEquals("query", console.get("GET /v1/metrics/{name}/tags"));
        assertFalse(console.containsValue("ingest"), "console users never ingest");
        assertFalse(console.containsValue("chat"), "Slack does not call the console API");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theConsoleApiAdmitsOnlyTheConsolesOrigin() {
        for (Installation i : List.of(Installation.defaults(), Installation.production())) {
            Map<String, Object> api = Cfn.properties(Cfn.resources(i.alerting(), "AWS::ApiGatewayV2::Api")
                    .get(id(i.stacks.alerting().consoleApi().api())));
            Map<String, Object> cors = (Map<String, Object>) api.get("CorsConfiguration");
            List<Object> origins = (List<Object>) cors.get("AllowOrigins");
            assertEquals(1, origins.size());
            assertFalse(Cfn.json(origins).contains("*"), "no wildcard origin");
            assertTrue(((List<String>) cors.get("AllowHeaders")).contains("Authorization"));
        }
        Map<String, Object> prod = Cfn.properties(Cfn.resources(Installation.production().alerting(),
                "AWS::ApiGatewayV2::Api").get(id(Installation.production().stacks.alerting().consoleApi().api())));
        assertEquals(List.of("https://console.longwatch.example.com"),
                ((Map<String, Object>) prod.get("CorsConfiguration")).get("AllowOrigins"));
    }

    @Test
    void theConsoleApiIsThrottledAndAccessLoggedWithoutHeaders() {
        Installation i = Installation.defaults();
        var api = i.stacks.alerting().consoleApi();
        Map<String, Object> stage = Cfn.properties(Cfn.onlyResource(i.alerting(), "AWS::ApiGatewayV2::Stage"));
        assertTrue(Cfn.json(stage.get("AccessLogSettings")).contains(id(api.accessLogs())));
        assertFalse(Cfn.json(stage.get("AccessLogSettings")).toLowerCase().contains("header"));
        assertTrue(Cfn.json(stage.get("DefaultRouteSettings")).contains("ThrottlingRateLimit"));
    }

    @Test
    void theConsoleLearnsItsApiAndSignInFromConfigJson() {
        Installation i = Installation.defaults();
        // The bucket deployment of the alerting stack writes config.json into the console stack's bucket.
        Map<String, Object> deployment = Cfn.properties(Cfn.onlyResource(i.alerting(), "Custom::CDKBucketDeployment"));
        // The values are filled in at deploy time (markers): this API's address, the pool and the client.
        String markers = Cfn.json(deployment.get("SourceMarkers"));
        assertTrue(markers.contains(id(i.stacks.alerting().consoleApi().api())), "consoleApiUrl: " + markers);
        assertTrue(markers.contains(id(i.stacks.ingest().api().api())), "apiUrl, the tenant API: " + markers);
        assertTrue(markers.contains(id(i.stacks.console().users().pool())), markers);
        assertTrue(markers.contains(id(i.stacks.console().users().client())), markers);
        assertTrue(Cfn.json(deployment.get("DestinationBucketName")).contains(id(i.stacks.console().site().bucket())),
                "into the console bucket");
        assertEquals(false, deployment.get("Prune"), "never deletes the console's files");
        assertEquals(List.of("/config.json"), deployment.get("DistributionPaths"), "visible at once, nothing else");
    }

    @Test
    void eachFunctionMayBeInvokedByEachApiThroughOnePermissionSoItsPolicyStaysSmall() {
        Installation i = Installation.defaults();
        var a = i.stacks.alerting();
        // A function's resource policy is limited to 20 KB: one statement per route (some 30 for notifications on
        // each API) would not fit.
        Map<String, Map<String, Object>> permissions = Cfn.resources(i.alerting(), "AWS::Lambda::Permission");
        List<String> fromApis = permissions.values().stream().map(Cfn::properties)
                .filter(p -> "apigateway.amazonaws.com".equals(p.get("Principal")))
                .map(p -> Cfn.json(p.get("SourceArn"))).toList();
        assertEquals(6, fromApis.size(), "monitors, notifications, chat on the tenant API; monitors, notifications,"
                + " query on the console API");
        String tenantApi = id(i.stacks.ingest().api().api());
        String consoleApi = id(a.consoleApi().api());
        for (String arn : fromApis) {
            assertTrue(arn.contains(tenantApi) || arn.contains(consoleApi), "only from these APIs: " + arn);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyAlertingTriggerInvokesALiveAliasNeverLatest() {
        Installation i = Installation.defaults();
        List<String> aliases = new ArrayList<>();
        for (LongwatchFunction f : i.stacks.alerting().functions()) {
            aliases.add(id(f.alias()));
        }
        aliases.add(id(i.stacks.ingest().api().query().alias()));
        for (Map<String, Object> integration : Cfn.resources(i.alerting(), "AWS::ApiGatewayV2::Integration").values()) {
            String uri = Cfn.json(Cfn.properties(integration).get("IntegrationUri"));
            assertTrue(aliases.stream().anyMatch(uri::contains), uri);
        }
        // The evaluator's schedules feed its rounds queue, whose mapping invokes the alias (checked below).
        String rounds = id(i.stacks.alerting().evaluator().rounds().queue());
        for (Map<String, Object> s : Cfn.resources(i.alerting(), "AWS::Scheduler::Schedule").values()) {
            String arn = Cfn.json(((Map<String, Object>) Cfn.properties(s).get("Target")).get("Arn"));
            assertTrue(aliases.stream().anyMatch(arn::contains) || arn.contains(rounds), arn);
        }
        for (Map<String, Object> m : Cfn.resources(i.alerting(), "AWS::Lambda::EventSourceMapping").values()) {
            String fn = Cfn.json(Cfn.properties(m).get("FunctionName"));
            assertTrue(aliases.stream().anyMatch(fn::contains), fn);
        }
        for (Map<String, Object> p : Cfn.resources(i.alerting(), "AWS::Lambda::Permission").values()) {
            String fn = Cfn.json(Cfn.properties(p).get("FunctionName"));
            if (fn.contains("AutoDelete") || fn.contains("BucketDeployment")) {
                continue;
            }
            assertTrue(aliases.stream().anyMatch(fn::contains), fn);
        }
    }

    /** Route key -> target name, for the routes of the whole template. */
    private static Map<String, String> routeTargets(Template t, Map<String, String> aliasNames) {
        return routeTargets(t, aliasNames, null, false);
    }

    private static Map<String, String> routeTargets(Template t, Map<String, String> aliasNames, String apiId,
                                                    boolean onThatApi) {
        Map<String, String> integrationTarget = new TreeMap<>();
        Cfn.resources(t, "AWS::ApiGatewayV2::Integration").forEach((id, r) -> {
            String uri = Cfn.json(Cfn.properties(r).get("IntegrationUri"));
            aliasNames.forEach((alias, name) -> {
                if (uri.contains(alias)) {
                    integrationTarget.put(id, name);
                }
            });
        });
        Map<String, String> routes = new TreeMap<>();
        for (Map<String, Object> r : Cfn.resources(t, "AWS::ApiGatewayV2::Route").values()) {
            Map<String, Object> p = Cfn.properties(r);
            if (apiId != null && Cfn.json(p.get("ApiId")).contains(apiId) != onThatApi) {
                continue;
            }
            String integration = Cfn.json(p.get("Target")).replaceAll(".*\\{\"Ref\":\"([^\"]+)\"}.*", "$1");
            routes.put((String) p.get("RouteKey"), integrationTarget.get(integration));
        }
        return routes;
    }

    /** Every Longwatch function of an installation. */
    private record FunctionsOf(Installation i) {
        List<LongwatchFunction> all() {
            List<LongwatchFunction> out = new ArrayList<>(List.of(i.stacks.ingest().api().ingest(),
                    i.stacks.ingest().api().query(), i.stacks.ingest().api().metricStream(),
                    i.stacks.ingest().importer().function(), i.stacks.rollup().rollup().function(),
                    i.stacks.rollup().compactor().function()));
            out.addAll(i.stacks.alerting().functions());
            return out;
        }
    }
}

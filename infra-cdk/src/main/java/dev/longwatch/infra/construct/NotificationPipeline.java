package dev.longwatch.infra.construct;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import io.github.cdklabs.cdknag.RegexAppliesTo;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.lambda.eventsources.SqsEventSource;
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.amazon.awscdk.services.s3.LifecycleRule;
import software.amazon.awscdk.services.s3.ObjectOwnership;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sqs.DeadLetterQueue;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The notification path: the queue the evaluator sends alert transitions to (with its dead-letter queue), the
 * notifier that consumes it ({@code SqsNotifierHandler}), the scheduled notifier that flushes notification groups
 * every minute ({@code ScheduledNotifierHandler}), the SNS topic alerts fan out to, the KMS key for channel
 * secrets, and the bucket for chart images.
 *
 * <p>The notifier reports partial batch failures: a transition whose delivery failed is redelivered alone, up to
 * {@link #MAX_RECEIVES} times, then moved to the dead-letter queue (an alarm watches it). Deliveries are recorded
 * with conditional writes in the notifications table, so a redelivered transition is not sent twice.
 *
 * <p>Both notifier functions may send to the queue, and only send: their wake-ups ({@code SqsWakeups}), delayed
 * messages that run the notifier when a group is due instead of at the next minute's flush.
 */
public final class NotificationPipeline extends Construct {
    static final String NOTIFIER_HANDLER = "dev.longwatch.handler.SqsNotifierHandler";
    static final String FLUSH_HANDLER = "dev.longwatch.handler.ScheduledNotifierHandler";
    /** Receives of one transition before it goes to the dead-letter queue. */
    public static final int MAX_RECEIVES = 5;
    /** Days a chart image is kept: links in chat messages and e-mails stop working after it. */
    public static final int CHART_DAYS = 30;
    static final Duration NOTIFIER_TIMEOUT = Duration.seconds(60);
    /** How long the event source gathers a batch: what a wake-up may arrive after its due time at most. */
    public static final int BATCHING_WINDOW_SECONDS = 1;
    /** The encryption context KmsSecretSealer sends with every call; grants require it. */
    public static final String SECRETS_CONTEXT_KEY = "purpose";
    public static final String SECRETS_CONTEXT_VALUE = "longwatch-channel-secrets";

    /**
     * @param consoleUrl   the console's address, for links in notifications ({@code LONGWATCH_CONSOLE_URL})
     * @param publicApiUrl the tenant API's address, for chat action links ({@code LONGWATCH_PUBLIC_API_URL})
     * @param memoryMb     memory of both notifier functions
     * @param production   keeps the channel-secrets key when the stack is deleted
     * @param snsTopicArns the topics tenants' SNS channels may publish to (ARNs, {@code *} allowed), besides the
     *                     alert topic; empty: SNS channels can reach no other topic
     */
    public record Props(TableSet tables, FunctionSettings functions, RollupRetention retention, String consoleUrl,
                        String publicApiUrl, int memoryMb, boolean production, List<String> snsTopicArns) {
        public Props {
            snsTopicArns = List.copyOf(snsTopicArns);
            Objects.requireNonNull(tables, "tables");
            Objects.requireNonNull(functions, "functions");
            Objects.requireNonNull(retention, "retention");
            Objects.requireNonNull(consoleUrl, "consoleUrl");
            Objects.requireNonNull(publicApiUrl, "publicApiUrl");
        }
    }

    private final Queue queue;
    private final Queue deadLetters;
    private final Key secretsKey;
    private final Key topicKey;
    private final Topic alertTopic;
    private final Bucket charts;
    private final LongwatchFunction notifier;
    private final LongwatchFunction flush;
    private final FunctionSchedule flushSchedule;

    public NotificationPipeline(Construct scope, String id, Props props) {
        super(scope, id);

        this.deadLetters = Queue.Builder.create(this, "NotifyDeadLetters")
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .retentionPeriod(Duration.days(14))
                .build();
        // Visibility six times the notifier's timeout (Lambda's advice for SQS sources): a batch still being
        // worked on is never handed to a second notifier.
        this.queue = Queue.Builder.create(this, "NotifyQueue")
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .visibilityTimeout(Duration.seconds(NOTIFIER_TIMEOUT.toSeconds().longValue() * 6))
                .retentionPeriod(Duration.days(4))
                .deadLetterQueue(DeadLetterQueue.builder().queue(deadLetters).maxReceiveCount(MAX_RECEIVES).build())
                .build();

        // Channel secrets (webhook URLs, tokens, signing secrets) and the action-link keys are sealed with data keys
        // of this key in the notifications table. Only the notifications API, the notifier and the chat endpoint
        // may use it, and only with the sealer's encryption context.
        this.secretsKey = Key.Builder.create(this, "ChannelSecretsKey")
                .description("Longwatch: encrypts notification channel secrets")
                .enableKeyRotation(true)
                .pendingWindow(Duration.days(7))
                // Without the key, stored channels cannot be used any more: kept in production.
                .removalPolicy(props.production() ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY)
                .build();

        // A key of its own for the alert topic: subscribers' services must be allowed on it, the secrets must not.
        this.topicKey = Key.Builder.create(this, "AlertTopicKey")
                .description("Longwatch: encrypts the alert fan-out topic")
                .enableKeyRotation(true)
                .pendingWindow(Duration.days(7))
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();
        this.alertTopic = Topic.Builder.create(this, "AlertTopic")
                .displayName("Longwatch alerts")
                .masterKey(topicKey)
                .enforceSsl(true)
                .build();

        this.charts = Bucket.Builder.create(this, "Charts")
                .encryption(BucketEncryption.S3_MANAGED)
                .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
                .objectOwnership(ObjectOwnership.BUCKET_OWNER_ENFORCED)
                .enforceSsl(true)
                .lifecycleRules(List.of(LifecycleRule.builder()
                        .id("charts-expire")
                        .expiration(Duration.days(CHART_DAYS))
                        .abortIncompleteMultipartUploadAfter(Duration.days(1))
                        .build()))
                // Charts are derived images, rendered again on demand: nothing to keep.
                .removalPolicy(RemovalPolicy.DESTROY)
                .autoDeleteObjects(true)
                .build();
        NagSuppressions.addResourceSuppressions(charts, List.of(NagPackSuppression.builder()
                .id("AwsSolutions-S1")
                .reason("Chart images are derived from rollups, expire after " + CHART_DAYS + " days and are read"
                        + " through presigned links the notifier issues and logs; per-request server access logs"
                        + " would record nothing the notifier's log does not.")
                .build()));

        TableSet t = props.tables();
        Map<String, String> env = new HashMap<>(t.environmentFor(t.rollups(), t.series(), t.events(), t.state(),
                t.alerting(), t.notifications()));
        env.putAll(props.retention().environment());
        env.put("LONGWATCH_ALERT_TOPIC_ARN", alertTopic.getTopicArn());
        env.put("LONGWATCH_CHARTS_BUCKET", charts.getBucketName());
        env.put("LONGWATCH_SECRETS_KEY_ID", secretsKey.getKeyId());
        env.put("LONGWATCH_CONSOLE_URL", props.consoleUrl());
        env.put("LONGWATCH_PUBLIC_API_URL", props.publicApiUrl());
        env.put("LONGWATCH_NOTIFY_WAKE_QUEUE_URL", queue.getQueueUrl());

        // Memory from the configuration (charts are rendered in memory); 60 s covers a batch of deliveries, each
        // bounded by its own HTTP timeout.
        this.notifier = new LongwatchFunction(this, "Notifier", new LongwatchFunction.Props(NOTIFIER_HANDLER,
                "Longwatch notifier: routes, groups and delivers alert transitions", props.memoryMb(),
                NOTIFIER_TIMEOUT, env, props.functions()));
        this.flush = new LongwatchFunction(this, "NotifierFlush", new LongwatchFunction.Props(FLUSH_HANDLER,
                "Longwatch notifier: flushes due notification groups and repeats, every minute", props.memoryMb(),
                NOTIFIER_TIMEOUT, env, props.functions()));
        for (LongwatchFunction f : List.of(notifier, flush)) {
            grantNotifier(f, t, props.snsTopicArns());
            // Wake-ups on its own queue: sqs:SendMessage only (no KMS: the queue is SQS-managed encrypted).
            f.role().addToPrincipalPolicy(PolicyStatement.Builder.create()
                    .actions(List.of("sqs:SendMessage"))
                    .resources(List.of(queue.getQueueArn()))
                    .build());
        }

        // Batches of 10, gathered for up to 1 s: a wake-up is delivered when its group is due, not up to a
        // batching window later, and the notifier's own 2 s gather keeps one evaluation round in one message
        // when it arrives in several batches. Partial failures redeliver only the failed transitions. At most
        // 10 concurrent notifiers, so a storm of alerts cannot exhaust the account's concurrency or a chat API's
        // rate limit.
        notifier.alias().addEventSource(SqsEventSource.Builder.create(queue)
                .batchSize(10)
                .maxBatchingWindow(Duration.seconds(BATCHING_WINDOW_SECONDS))
                .reportBatchItemFailures(true)
                .maxConcurrency(10)
                .build());

        this.flushSchedule = new FunctionSchedule(this, "FlushEveryMinute", new FunctionSchedule.Props(flush,
                Duration.minutes(1), "the Longwatch notifier's group flush"));
    }

    /** What a notifier does: read alerts, record deliveries, decrypt channel secrets, publish, store charts. */
    private void grantNotifier(LongwatchFunction f, TableSet t, List<String> snsTopicArns) {
        // Charts: the query path (read only).
        for (var table : List.of(t.rollups(), t.series(), t.events())) {
            table.grant(f.alias(), DynamoActions.QUERY);
        }
        t.state().grant(f.alias(), "dynamodb:GetItem");
        // Alert instances and monitors for the message (read only; alert state is the evaluator's).
        t.alerting().grant(f.alias(), DynamoActions.READ);
        // Routes, silences, groups, the delivery log (conditional writes: sent once).
        t.notifications().grant(f.alias(), DynamoActions.READ_WRITE);
        // Channel secrets and the tenant's action-link key (sealed on first use).
        grantChannelSecrets(f, secretsKey);
        // Publishing to the encrypted alert topic: a data key per message. Spelled out, not grantPublish (which
        // grants kms:GenerateDataKey* and kms:ReEncrypt*-style wildcards). SNS channels publish to the topics the
        // operator allows (snsChannelTopicArns); a topic encrypted with a key of its own also needs that key's
        // policy to let this role use it.
        List<String> topics = new java.util.ArrayList<>(List.of(alertTopic.getTopicArn()));
        topics.addAll(snsTopicArns);
        f.role().addToPrincipalPolicy(PolicyStatement.Builder.create()
                .actions(List.of("sns:Publish"))
                .resources(topics)
                .build());
        topicKey.grant(f.alias(), "kms:GenerateDataKey", "kms:Decrypt");
        // Chart images: write them, and read them, because the links it hands out are presigned with its role.
        f.role().addToPrincipalPolicy(PolicyStatement.Builder.create()
                .actions(List.of("s3:PutObject", "s3:GetObject"))
                .resources(List.of(charts.arnForObjects("*")))
                .build());
        List<NagPackSuppression> excuses = new java.util.ArrayList<>(List.of(NagPackSuppression.builder()
                .id("AwsSolutions-IAM5")
                .appliesTo(List.of(RegexAppliesTo.builder().regex("/^Resource::<.*Charts.*\\.Arn>\\/\\*$/").build()))
                .reason("Objects of the charts bucket only (each chart gets a new, unguessable key, so no"
                        + " narrower prefix exists); PutObject and GetObject are the only S3 actions granted.")
                .build()));
        List<String> wildcards = snsTopicArns.stream().filter(a -> a.contains("*")).map(a -> "Resource::" + a)
                .toList();
        if (!wildcards.isEmpty()) {
            excuses.add(NagPackSuppression.builder()
                    .id("AwsSolutions-IAM5")
                    .appliesTo(new java.util.ArrayList<Object>(wildcards))
                    .reason("sns:Publish only, on the topic patterns the operator allowed for tenants' SNS channels"
                            + " (context snsChannelTopicArns, infra-cdk/README.md).")
                    .build());
        }
        NagSuppressions.addResourceSuppressions(f.role().getNode().findChild("DefaultPolicy"), excuses, true);
    }

    /**
     * Sealing and opening with the channel-secrets key (KmsSecretSealer: GenerateDataKey for a new data key,
     * Decrypt to open a stored one), and only with its encryption context, so the key serves this purpose alone.
     */
    static void grantChannelSecrets(LongwatchFunction f, software.amazon.awscdk.services.kms.IKey key) {
        f.role().addToPrincipalPolicy(PolicyStatement.Builder.create()
                .actions(List.of("kms:GenerateDataKey", "kms:Decrypt"))
                .resources(List.of(key.getKeyArn()))
                .conditions(Map.of("StringEquals", Map.of("kms:EncryptionContext:" + SECRETS_CONTEXT_KEY,
                        SECRETS_CONTEXT_VALUE)))
                .build());
    }

    public Queue queue() {
        return queue;
    }

    public Queue deadLetters() {
        return deadLetters;
    }

    public Key secretsKey() {
        return secretsKey;
    }

    public Topic alertTopic() {
        return alertTopic;
    }

    public Bucket charts() {
        return charts;
    }

    public LongwatchFunction notifier() {
        return notifier;
    }

    public LongwatchFunction flush() {
        return flush;
    }

    public FunctionSchedule flushSchedule() {
        return flushSchedule;
    }
}

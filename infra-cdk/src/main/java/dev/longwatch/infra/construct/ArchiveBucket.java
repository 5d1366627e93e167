package dev.longwatch.infra.construct;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import io.github.cdklabs.cdknag.RegexAppliesTo;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.amazon.awscdk.services.s3.IBucket;
import software.amazon.awscdk.services.s3.LifecycleRule;
import software.amazon.awscdk.services.s3.ObjectOwnership;
import software.amazon.awscdk.services.s3.StorageClass;
import software.amazon.awscdk.services.s3.Transition;
import software.constructs.Construct;

import java.util.List;
import java.util.Map;

/**
 * The S3 bucket of the raw-point archive (docs/operations.md#archive): private (public access blocked, bucket
 * owner owns every object, no ACLs), encrypted at rest (SSE-S3) and reachable only over TLS, unversioned (every
 * compaction rewrites and deletes objects; versions would only pile up).
 *
 * <p>Lifecycle: per-batch objects ({@code v1/raw/}) are deleted by the compactor as soon as they are merged into
 * their hourly block, never by an expiry (an expiry would destroy data whenever compaction stalled). Hourly and
 * daily blocks above 128 KiB move to Standard-IA after 30 days and Glacier Instant Retrieval after 90: both bill
 * every object as at least 128 KiB, so smaller blocks stay in Standard, where they are cheaper. Incomplete
 * multipart uploads are aborted after a day.
 *
 * <p>In production the bucket is retained when the stack is deleted; elsewhere it is removed with the stack
 * (CloudFormation refuses to delete a bucket that still holds objects: empty it first).
 */
public final class ArchiveBucket extends Construct {
    /** Prefixes of {@code ArchiveKeys}: per-batch objects, hourly blocks, daily blocks. */
    public static final String RAW = "v1/raw/";
    public static final String HOUR = "v1/hour/";
    public static final String DAY = "v1/day/";
    /** Standard-IA and Glacier Instant Retrieval bill each object as at least this many bytes. */
    public static final long MIN_BILLED_OBJECT_BYTES = 128 * 1024;
    public static final Duration TO_INFREQUENT_ACCESS = Duration.days(30);
    public static final Duration TO_GLACIER_INSTANT = Duration.days(90);

    public record Props(boolean production) {
    }

    private final Bucket bucket;

    public ArchiveBucket(Construct scope, String id, Props props) {
        super(scope, id);
        List<Transition> colder = List.of(
                Transition.builder().storageClass(StorageClass.INFREQUENT_ACCESS)
                        .transitionAfter(TO_INFREQUENT_ACCESS).build(),
                Transition.builder().storageClass(StorageClass.GLACIER_INSTANT_RETRIEVAL)
                        .transitionAfter(TO_GLACIER_INSTANT).build());
        this.bucket = Bucket.Builder.create(this, "Bucket")
                .encryption(BucketEncryption.S3_MANAGED)
                .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
                .objectOwnership(ObjectOwnership.BUCKET_OWNER_ENFORCED)
                .enforceSsl(true)
                .versioned(false)
                .lifecycleRules(List.of(
                        LifecycleRule.builder().id("hourly-blocks-colder").prefix(HOUR)
                                .objectSizeGreaterThan(MIN_BILLED_OBJECT_BYTES).transitions(colder).build(),
                        LifecycleRule.builder().id("daily-blocks-colder").prefix(DAY)
                                .objectSizeGreaterThan(MIN_BILLED_OBJECT_BYTES).transitions(colder).build(),
                        LifecycleRule.builder().id("abort-incomplete-uploads")
                                .abortIncompleteMultipartUploadAfter(Duration.days(1)).build()))
                .removalPolicy(props.production() ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY)
                .build();
        NagSuppressions.addResourceSuppressions(bucket, List.of(NagPackSuppression.builder()
                .id("AwsSolutions-S1")
                .reason("Server access logs would add a log object per request to a bucket written every minute;"
                        + " the functions log every write and compaction (JSON logs, docs/operations.md) and"
                        + " CloudTrail data events can be switched on for audits.")
                .build()));
    }

    public IBucket bucket() {
        return bucket;
    }

    /** {@code LONGWATCH_ARCHIVE_BUCKET}, as {@code AwsWiring} reads it. */
    public Map<String, String> environment() {
        return Map.of("LONGWATCH_ARCHIVE_BUCKET", bucket.getBucketName());
    }

    /** The archive consumer: writes per-batch objects, nothing else (ArchiveService). */
    public void grantWriteBatches(LongwatchFunction fn) {
        fn.role().addToPrincipalPolicy(PolicyStatement.Builder.create()
                .actions(List.of("s3:PutObject"))
                .resources(List.of(bucket.arnForObjects(RAW + "*")))
                .build());
        allowObjectWildcard(fn, "Per-batch object keys are made of the point-hour, tenant, shard and sequence range"
                + " of each batch: the function may only put objects under v1/raw/, nothing else in the bucket.");
    }

    /**
     * The compactor (ArchiveCompactor): lists per-batch and hourly prefixes, reads, writes (conditional on the
     * ETag: If-Match / If-None-Match) and deletes (conditionally) objects under {@code v1/}.
     */
    public void grantCompact(LongwatchFunction fn) {
        grantList(fn);
        fn.role().addToPrincipalPolicy(PolicyStatement.Builder.create()
                .actions(List.of("s3:GetObject", "s3:PutObject", "s3:DeleteObject"))
                .resources(List.of(bucket.arnForObjects("v1/*")))
                .build());
        allowObjectWildcard(fn, "The compactor merges per-batch objects into hourly and daily blocks of every tenant"
                + " (keys by hour, tenant and day): it reads, writes and deletes objects under v1/ only.");
    }

    /** Readers (raw-resolution queries, ArchiveReader): list and get, never write. */
    public void grantRead(LongwatchFunction fn) {
        grantList(fn);
        fn.role().addToPrincipalPolicy(PolicyStatement.Builder.create()
                .actions(List.of("s3:GetObject"))
                .resources(List.of(bucket.arnForObjects("v1/*")))
                .build());
        allowObjectWildcard(fn, "Raw-resolution queries read the blocks of the caller's tenant, whose keys are made of"
                + " hours, days and batches: read-only, objects under v1/ only; the tenant comes from the API key.");
    }

    private void grantList(LongwatchFunction fn) {
        fn.role().addToPrincipalPolicy(PolicyStatement.Builder.create()
                .actions(List.of("s3:ListBucket"))
                .resources(List.of(bucket.getBucketArn()))
                .build());
    }

    /** Object ARNs under a prefix need a wildcard; cdk-nag is told so for exactly that resource. */
    private static void allowObjectWildcard(LongwatchFunction fn, String reason) {
        NagSuppressions.addResourceSuppressions(fn.role().getNode().findChild("DefaultPolicy"),
                List.of(NagPackSuppression.builder()
                        .id("AwsSolutions-IAM5")
                        .appliesTo(List.of(RegexAppliesTo.builder()
                                .regex("/^Resource::<ArchiveBucket[0-9A-Za-z]+\\.Arn>\\/v1\\/(raw\\/)?\\*$/g")
                                .build()))
                        .reason(reason)
                        .build()), true);
    }
}

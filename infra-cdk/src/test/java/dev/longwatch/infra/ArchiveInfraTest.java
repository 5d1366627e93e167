package dev.longwatch.infra;

import dev.longwatch.infra.construct.ArchiveBucket;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The S3 archive in the CDK app: the bucket, the archive consumer's mapping, and who may do what with it. */
class ArchiveInfraTest {

    private static String bucketId(Installation i) {
        return Installation.logicalId(i.stacks.data().archive().bucket());
    }

    private static Map<String, Object> bucket(Installation i) {
        return Cfn.resources(i.data(), "AWS::S3::Bucket").get(bucketId(i));
    }

    private static Map<String, Object> mapping(Installation i) {
        return Cfn.mappingTo(i.rollup(), Installation.logicalId(i.stacks.rollup().archive().function().alias()));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> rules(Installation i) {
        Map<String, Object> config = (Map<String, Object>) Cfn.properties(bucket(i)).get("LifecycleConfiguration");
        Map<String, Map<String, Object>> out = new java.util.TreeMap<>();
        for (Map<String, Object> r : (List<Map<String, Object>>) config.get("Rules")) {
            out.put((String) r.get("Id"), r);
        }
        return out;
    }

    @Test
    void theArchiveBucketIsPrivateEncryptedAndUnversioned() {
        Map<String, Object> p = Cfn.properties(bucket(Installation.defaults()));
        assertEquals(Map.of("BlockPublicAcls", true, "BlockPublicPolicy", true, "IgnorePublicAcls", true,
                "RestrictPublicBuckets", true), p.get("PublicAccessBlockConfiguration"));
        assertTrue(Cfn.json(p.get("BucketEncryption")).contains("\"SSEAlgorithm\":\"AES256\""),
                Cfn.json(p.get("BucketEncryption")));
        assertTrue(Cfn.json(p.get("OwnershipControls")).contains("BucketOwnerEnforced"));
        // Every compaction rewrites and deletes objects: versions would only pile up.
        assertFalse(Cfn.json(p.getOrDefault("VersioningConfiguration", Map.of())).contains("Enabled"));
    }

    @Test
    void theArchiveBucketRefusesRequestsWithoutTls() {
        Installation i = Installation.defaults();
        String policy = Cfn.resources(i.data(), "AWS::S3::BucketPolicy").values().stream().map(Cfn::json)
                .filter(j -> j.contains(bucketId(i))).findFirst().orElseThrow();
        assertTrue(policy.contains("\"Effect\":\"Deny\"")
                && policy.contains("{\"Bool\":{\"aws:SecureTransport\":\"false\"}}"), policy);
    }

    @Test
    void blocksAbove128KiBMoveToInfrequentAccessAfter30DaysAndGlacierInstantRetrievalAfter90() {
        Map<String, Map<String, Object>> rules = rules(Installation.defaults());
        for (String id : List.of("hourly-blocks-colder", "daily-blocks-colder")) {
            Map<String, Object> r = rules.get(id);
            assertEquals("Enabled", r.get("Status"), id);
            assertEquals(id.startsWith("hourly") ? ArchiveBucket.HOUR : ArchiveBucket.DAY, r.get("Prefix"), id);
            // IA and Glacier IR bill each object as at least 128 KiB: smaller blocks are cheaper in Standard.
            assertEquals(128 * 1024, ((Number) r.get("ObjectSizeGreaterThan")).intValue(), id);
            assertEquals(List.of(Map.of("StorageClass", "STANDARD_IA", "TransitionInDays", 30),
                    Map.of("StorageClass", "GLACIER_IR", "TransitionInDays", 90)), r.get("Transitions"), id);
        }
    }

    @Test
    void noRuleExpiresArchivedDataOnlyIncompleteUploadsAreAborted() {
        // Per-batch objects are deleted by the compactor once merged; an expiry would destroy unmerged data.
        Map<String, Map<String, Object>> rules = rules(Installation.defaults());
        rules.forEach((id, r) -> assertFalse(r.containsKey("ExpirationInDays") || r.containsKey("ExpirationDate"),
                id + " expires objects"));
        assertEquals(Map.of("DaysAfterInitiation", 1),
                rules.get("abort-incomplete-uploads").get("AbortIncompleteMultipartUpload"));
    }

    @Test
    void theArchiveBucketOutlivesItsStackInProductionOnly() {
        assertEquals("Retain", bucket(Installation.production()).get("DeletionPolicy"));
        assertEquals("Delete", bucket(Installation.defaults()).get("DeletionPolicy"));
    }

    @Test
    void theArchiveConsumerHasItsOwnInOrderMappingWithItsOwnWindow() {
        Map<String, Object> d = mapping(Installation.defaults());
        assertEquals(1, ((Number) d.get("ParallelizationFactor")).intValue(),
                "redelivery is recognised by record identity, which needs each shard in order");
        assertEquals(60, ((Number) d.get("MaximumBatchingWindowInSeconds")).intValue());
        assertEquals(10_000, ((Number) d.get("BatchSize")).intValue());
        assertEquals("TRIM_HORIZON", d.get("StartingPosition"));
        assertEquals(120, ((Number) mapping(Installation.production()).get("MaximumBatchingWindowInSeconds"))
                .intValue());
    }

    @Test
    void failingArchiveBatchesAreBisectedRetriedBoundedlyAndThenDescribedOnAQueue() {
        Installation i = Installation.defaults();
        Map<String, Object> m = mapping(i);
        assertEquals(List.of("ReportBatchItemFailures"), m.get("FunctionResponseTypes"));
        assertEquals(true, m.get("BisectBatchOnFunctionError"));
        assertEquals(10, ((Number) m.get("MaximumRetryAttempts")).intValue());
        assertEquals(6 * 3600, ((Number) m.get("MaximumRecordAgeInSeconds")).intValue());
        String queue = Installation.logicalId(i.stacks.rollup().archive().onFailureQueue());
        assertTrue(Cfn.json(m.get("DestinationConfig")).contains(queue), Cfn.json(m.get("DestinationConfig")));
        assertEquals(true, Cfn.properties(Cfn.resources(i.rollup(), "AWS::SQS::Queue").get(queue))
                .get("SqsManagedSseEnabled"));
    }

    @Test
    void theArchiveFunctionMayOnlyPutPerBatchObjects() {
        Installation i = Installation.defaults();
        List<Cfn.Grant> grants = Cfn.grantsOf(i.rollup(),
                Installation.logicalId(i.stacks.rollup().archive().function().role()));
        List<Cfn.Grant> onBucket = grants.stream().filter(g -> g.on(bucketId(i))).toList();
        assertEquals(Set.of("s3:PutObject"), Cfn.actionsOn(grants, bucketId(i)));
        assertTrue(onBucket.stream().allMatch(g -> g.resources().contains("/" + ArchiveBucket.RAW + "*")),
                onBucket.toString());
        assertTrue(Cfn.actionsOn(grants, Installation.logicalId(i.stacks.data().tables().rollups())).isEmpty(),
                "the archive function has no business with the rollups table");
    }

    @Test
    void theCompactorMayListReadWriteAndDeleteArchiveBlocksAndIsToldTheBucket() {
        Installation i = Installation.defaults();
        var compactor = i.stacks.rollup().compactor().function();
        assertEquals(Set.of("s3:ListBucket", "s3:GetObject", "s3:PutObject", "s3:DeleteObject"),
                Cfn.actionsOn(Cfn.grantsOf(i.rollup(), Installation.logicalId(compactor.role())), bucketId(i)));
        assertTrue(environment(i.rollup(), compactor).contains("LONGWATCH_ARCHIVE_BUCKET"));
    }

    @Test
    void theQueryFunctionMayOnlyListAndReadTheArchive() {
        Installation i = Installation.defaults();
        var query = i.stacks.ingest().api().query();
        assertEquals(Set.of("s3:ListBucket", "s3:GetObject"),
                Cfn.actionsOn(Cfn.grantsOf(i.ingest(), Installation.logicalId(query.role())), bucketId(i)));
        assertTrue(environment(i.ingest(), query).contains("LONGWATCH_ARCHIVE_BUCKET"));
    }

    @Test
    void minuteQueriesReadTheMinutesTheRollupWindowStillHoldsFromTheArchive() {
        // A 300-s rollup window (production test context): the newest 420 s of minutes come from the archive;
        // with the default 10-s window the rollups are fresh enough on their own.
        assertTrue(environment(Installation.production().ingest(),
                Installation.production().stacks.ingest().api().query())
                .contains("\"LONGWATCH_FRESH_FROM_ARCHIVE_SECONDS\":\"420\""));
        assertFalse(environment(Installation.defaults().ingest(), Installation.defaults().stacks.ingest().api().query())
                .contains("LONGWATCH_FRESH_FROM_ARCHIVE"));
    }

    @Test
    void theIngestFunctionIsNotToldTheArchive() {
        Installation i = Installation.defaults();
        assertFalse(environment(i.ingest(), i.stacks.ingest().api().ingest()).contains("LONGWATCH_ARCHIVE_BUCKET"));
        assertTrue(Cfn.actionsOn(Cfn.grantsOf(i.ingest(),
                Installation.logicalId(i.stacks.ingest().api().ingest().role())), bucketId(i)).isEmpty());
    }

    private static String environment(software.amazon.awscdk.assertions.Template t,
                                      dev.longwatch.infra.construct.LongwatchFunction fn) {
        return Cfn.json(Cfn.properties(Cfn.resources(t, "AWS::Lambda::Function")
                .get(Installation.logicalId(fn.function()))).get("Environment"));
    }
}

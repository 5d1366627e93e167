package dev.longwatch.infra;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RollupStackTest {

    private static Map<String, Object> mapping(Installation i) {
        return Cfn.mappingTo(i.rollup(), Installation.logicalId(i.stacks.rollup().rollup().function().alias()));
    }

    @Test
    void theRollupConsumerReportsPartialBatchFailures() {
        // Without it, one failed slab would make Lambda redeliver (and the function re-read) the whole batch.
        assertEquals(List.of("ReportBatchItemFailures"), mapping(Installation.defaults()).get("FunctionResponseTypes"));
    }

    @Test
    void theRollupConsumerReadsTheStreamFromItsOldestRecord() {
        Map<String, Object> m = mapping(Installation.defaults());
        assertEquals("TRIM_HORIZON", m.get("StartingPosition"));
        assertTrue(Cfn.json(m.get("EventSourceArn")).contains(
                Installation.logicalId(Installation.defaults().stacks.data().stream())));
    }

    @Test
    void failingBatchesAreBisectedAndRetriedABoundedNumberOfTimes() {
        Map<String, Object> m = mapping(Installation.defaults());
        assertEquals(true, m.get("BisectBatchOnFunctionError"));
        assertEquals(10, ((Number) m.get("MaximumRetryAttempts")).intValue());
        assertEquals(6 * 3600, ((Number) m.get("MaximumRecordAgeInSeconds")).intValue());

        Map<String, Object> p = mapping(Installation.production());
        assertEquals(5, ((Number) p.get("MaximumRetryAttempts")).intValue());
        assertEquals(12 * 3600, ((Number) p.get("MaximumRecordAgeInSeconds")).intValue());
    }

    @Test
    void batchesGatherForTenSecondsByDefaultAndAsConfigured() {
        // 10 s has a minute's rollups written before the evaluator reads it, 25 s after the minute; 300 s (Lambda's
        // maximum) is the cheaper option (docs/cost.md), for installs that accept alerts several minutes later.
        Map<String, Object> d = mapping(Installation.defaults());
        assertEquals(10, ((Number) d.get("MaximumBatchingWindowInSeconds")).intValue());
        assertEquals(10_000, ((Number) d.get("BatchSize")).intValue());
        Map<String, Object> p = mapping(Installation.production());
        assertEquals(300, ((Number) p.get("MaximumBatchingWindowInSeconds")).intValue());
        assertEquals(2000, ((Number) p.get("BatchSize")).intValue());
    }

    @Test
    void recordsGivenUpGoToAnEncryptedTlsOnlyQueue() {
        Installation i = Installation.defaults();
        String queue = Installation.logicalId(i.stacks.rollup().rollup().onFailureQueue());
        Map<String, Object> m = mapping(i);
        assertTrue(Cfn.json(m.get("DestinationConfig")).contains(queue), Cfn.json(m.get("DestinationConfig")));

        Map<String, Object> q = Cfn.resources(i.rollup(), "AWS::SQS::Queue").get(queue);
        assertEquals(true, Cfn.properties(q).get("SqsManagedSseEnabled"));
        assertEquals(14 * 24 * 3600, ((Number) Cfn.properties(q).get("MessageRetentionPeriod")).intValue());
        String policy = Cfn.resources(i.rollup(), "AWS::SQS::QueuePolicy").values().stream().map(Cfn::json)
                .filter(p -> p.contains("\"" + queue + "\"")).findFirst().orElseThrow();
        assertTrue(policy.contains("\"Effect\":\"Deny\"") && policy.contains("{\"Bool\":{\"aws:SecureTransport\":\"false\"}}"),
                policy);
    }

    @Test
    void theRollupFunctionTouchesOnlyWhatItNeeds() {
        Installation i = Installation.defaults();
        var tables = i.stacks.data().tables();
        List<Cfn.Grant> grants = Cfn.grantsOf(i.rollup(),
                Installation.logicalId(i.stacks.rollup().rollup().function().role()));

        assertEquals(Set.of("dynamodb:BatchGetItem", "dynamodb:PutItem"),
                Cfn.actionsOn(grants, Installation.logicalId(tables.rollups())));
        assertEquals(Set.of("dynamodb:BatchWriteItem"), Cfn.actionsOn(grants, Installation.logicalId(tables.series())));
        assertEquals(Set.of("dynamodb:BatchWriteItem"), Cfn.actionsOn(grants, Installation.logicalId(tables.events())));
        assertEquals(Set.of(), Cfn.actionsOn(grants, Installation.logicalId(tables.apiKeys())),
                "the rollup function has no business with API keys");
        // LateArrivals: progress read and started once, recompute requests written in batches; never updated or
        // deleted (that is the compactor's).
        assertEquals(Set.of("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:BatchWriteItem"),
                Cfn.actionsOn(grants, Installation.logicalId(tables.state())));
        Set<String> stream = Cfn.actionsOn(grants, Installation.logicalId(i.stacks.data().stream()));
        assertTrue(stream.containsAll(Set.of("kinesis:GetRecords", "kinesis:GetShardIterator")), stream.toString());
        assertTrue(stream.stream().noneMatch(a -> a.startsWith("kinesis:Put")), "the consumer never writes: " + stream);
        assertTrue(Cfn.actionsOn(grants, Installation.logicalId(i.stacks.rollup().rollup().onFailureQueue()))
                .contains("sqs:SendMessage"));
    }
}

package dev.longwatch.infra;

import dev.longwatch.core.importer.CloudWatchImportJobs;
import dev.longwatch.model.IngestLimits;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CloudWatch importer and the metric-stream endpoint (docs/importing.md). */
class CloudWatchImportTest {

    @SuppressWarnings("unchecked")
    private static Map<String, Object> environment(Installation i, dev.longwatch.infra.construct.LongwatchFunction f) {
        Map<String, Object> fn = Cfn.properties(Cfn.resources(i.ingest(), "AWS::Lambda::Function")
                .get(Installation.logicalId(f.function())));
        return (Map<String, Object>) ((Map<String, Object>) fn.get("Environment")).get("Variables");
    }

    @Test
    void theImporterRunsOnItsOwnScheduleEveryFifteenMinutesByDefaultAndAsConfigured() {
        Map<String, Object> d = Cfn.properties(Cfn.onlyResource(Installation.defaults().ingest(),
                "AWS::Scheduler::Schedule"));
        assertEquals("rate(15 minutes)", d.get("ScheduleExpression"));
        assertEquals(Map.of("Mode", "OFF"), d.get("FlexibleTimeWindow"));
        assertTrue(Cfn.json(d.get("Target")).contains("DeadLetterConfig"));
        Map<String, Object> p = Cfn.properties(Cfn.onlyResource(Installation.production().ingest(),
                "AWS::Scheduler::Schedule"));
        assertEquals("rate(5 minutes)", p.get("ScheduleExpression"));
    }

    @Test
    void theImporterMayReadCloudWatchAndTouchOnlyItsStateAndTheStream() {
        Installation i = Installation.defaults();
        var tables = i.stacks.data().tables();
        List<Cfn.Grant> grants = Cfn.grantsOf(i.ingest(),
                Installation.logicalId(i.stacks.ingest().importer().function().role()));
        assertEquals(Set.of("dynamodb:Query", "dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"),
                Cfn.actionsOn(grants, Installation.logicalId(tables.state())));
        assertEquals(Set.of("kinesis:PutRecords"), Cfn.actionsOn(grants, Installation.logicalId(i.stacks.data().stream())));
        List<Cfn.Grant> cloudWatch = grants.stream().filter(g -> g.actions().contains("cloudwatch:GetMetricData"))
                .toList();
        assertEquals(1, cloudWatch.size());
        assertEquals(Set.of("cloudwatch:GetMetricData"), cloudWatch.get(0).actions(), "no ListMetrics, no writes");
        for (Object other : List.of(tables.rollups(), tables.series(), tables.events(), tables.apiKeys())) {
            assertEquals(Set.of(), Cfn.actionsOn(grants, Installation.logicalId((software.constructs.IConstruct) other)));
        }
    }

    @Test
    void configuredImportJobsReachTheImporterAndAreJobsTheFunctionsAccept() {
        Installation p = Installation.production();
        Object jobs = environment(p, p.stacks.ingest().importer().function()).get("LONGWATCH_CLOUDWATCH_IMPORTS");
        assertEquals(p.stacks.config().cloudWatchImports().orElseThrow(), jobs);
        // The same parser the importer runs at start-up.
        assertEquals(1, new CloudWatchImportJobs(IngestLimits.DEFAULT).parseList((String) jobs).size());
        Installation d = Installation.defaults();
        assertFalse(environment(d, d.stacks.ingest().importer().function()).containsKey("LONGWATCH_CLOUDWATCH_IMPORTS"),
                "without jobs in the context, jobs defined in the table are left alone");
    }

    @Test
    void theMetricStreamEndpointChecksKeysRecordsDeliveriesAndWritesOnlyToTheStream() {
        Installation i = Installation.defaults();
        var tables = i.stacks.data().tables();
        List<Cfn.Grant> grants = Cfn.grantsOf(i.ingest(),
                Installation.logicalId(i.stacks.ingest().api().metricStream().role()));
        assertEquals(Set.of("dynamodb:GetItem"), Cfn.actionsOn(grants, Installation.logicalId(tables.apiKeys())));
        assertEquals(Set.of("dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"),
                Cfn.actionsOn(grants, Installation.logicalId(tables.state())));
        assertEquals(Set.of("kinesis:PutRecords"), Cfn.actionsOn(grants, Installation.logicalId(i.stacks.data().stream())));
        assertEquals(Set.of("LONGWATCH_API_KEYS_TABLE", "LONGWATCH_STATE_TABLE", "LONGWATCH_STREAM_NAME",
                        "LONGWATCH_STREAM_PARTITION_BUCKETS"),
                environment(i, i.stacks.ingest().api().metricStream()).keySet());
    }
}

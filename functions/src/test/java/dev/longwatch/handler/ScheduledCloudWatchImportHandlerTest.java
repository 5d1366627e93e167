package dev.longwatch.handler;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import dev.longwatch.aws.cloudwatch.CloudWatchSdkMetricsSource;
import dev.longwatch.aws.dynamodb.DynamoDbImportJobStore;
import dev.longwatch.core.cloudwatch.SeriesStreamWriter;
import dev.longwatch.core.importer.CloudWatchImportJob;
import dev.longwatch.core.importer.CloudWatchImportJobs;
import dev.longwatch.core.importer.CloudWatchImportService;
import dev.longwatch.core.importer.ImportJobStore;
import dev.longwatch.core.ingest.StreamPublisher;
import dev.longwatch.core.telemetry.InMemoryMetrics;
import dev.longwatch.model.IngestLimits;
import dev.longwatch.model.Payloads;
import dev.longwatch.model.StreamRecords;
import dev.longwatch.testing.FakeCloudWatch;
import dev.longwatch.testing.LocalDynamo;
import dev.longwatch.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The EventBridge Scheduler entry point: declared jobs, the invocation's time budget, the summary it returns. */
class ScheduledCloudWatchImportHandlerTest {
    final MutableClock clock = new MutableClock(Instant.parse("2024-09-26T18:30:00Z"));
    final FakeCloudWatch cloudWatch = FakeCloudWatch.start();
    final ImportJobStore store = new DynamoDbImportJobStore(LocalDynamo.client(), LocalDynamo.freshTables().state());
    final List<StreamPublisher.OutgoingRecord> stream = new ArrayList<>();
    final InMemoryMetrics metrics = new InMemoryMetrics();
    final CloudWatchImportService imports = new CloudWatchImportService(
            new CloudWatchSdkMetricsSource(cloudWatch.client()), store,
            new SeriesStreamWriter(new StreamRecords(new Payloads(IngestLimits.DEFAULT, clock,
                    () -> UUID.randomUUID().toString())), stream::addAll),
            IngestLimits.DEFAULT, metrics, clock, CloudWatchImportService.Settings.DEFAULT);
    /** As the function reads it from LONGWATCH_CLOUDWATCH_IMPORTS. */
    final List<CloudWatchImportJob> declared = new CloudWatchImportJobs(IngestLimits.DEFAULT).parseList("""
            [{"tenant": "acme", "id": "billing", "namespace": "AWS/Billing", "metric": "EstimatedCharges",
              "dimensions": {"Currency": "USD"}, "statistics": ["Maximum"], "period": 21600,
              "since": "2024-09-26T12:00:00Z"}]""");

    @AfterEach
    void stop() {
        cloudWatch.close();
    }

    static Context lambda(String requestId, int remainingMillis) {
        return new Context() {
            public String getAwsRequestId() { return requestId; }
            public String getLogGroupName() { return "/aws/lambda/importer"; }
            public String getLogStreamName() { return "stream"; }
            public String getFunctionName() { return "importer"; }
            public String getFunctionVersion() { return "$LATEST"; }
            public String getInvokedFunctionArn() { return "arn:aws:lambda:us-east-1:123456789012:function:importer"; }
            public CognitoIdentity getIdentity() { return null; }
            public ClientContext getClientContext() { return null; }
            public int getRemainingTimeInMillis() { return remainingMillis; }
            public int getMemoryLimitInMB() { return 512; }
            public LambdaLogger getLogger() { return null; }
        };
    }

    @Test
    void anInvocationDeclaresTheEnvironmentsJobsRunsThemAndSaysWhatItDid() {
        cloudWatch.replayNext("/cloudwatch/get-metric-data-billing.json");
        var handler = new ScheduledCloudWatchImportHandler(imports, declared, metrics, clock);

        Map<String, Object> summary = handler.handleRequest(Map.of(), lambda("req-1", 900_000));

        assertEquals(1L, summary.get("points"));
        assertEquals(List.of(Map.of("tenant", "acme", "id", "billing", "status", "CAUGHT_UP", "windows", 1,
                "points", 1L, "cursor", "2024-09-26T18:00:00Z")), summary.get("jobs"));
        assertEquals("environment", store.get("acme", "billing").orElseThrow().source());
        assertEquals(1, stream.size());
    }

    @Test
    void anInvocationWithLessTimeLeftThanTheSafetyMarginImportsNothingAndLeavesTheJobAsItWas() {
        var handler = new ScheduledCloudWatchImportHandler(imports, declared, metrics, clock);

        Map<String, Object> summary = handler.handleRequest(Map.of(),
                lambda("req-1", (int) ScheduledCloudWatchImportHandler.SAFETY.toMillis() - 1));

        assertEquals(List.of(Map.of("tenant", "acme", "id", "billing", "status", "DEADLINE", "windows", 0,
                "points", 0L)), summary.get("jobs"));
        assertEquals(List.of(), cloudWatch.requests());
        assertNull(store.get("acme", "billing").orElseThrow().cursor());
    }

    @Test
    void withoutDeclaredJobsTheJobsDefinedOtherwiseAreKept() {
        store.define(declared.get(0), "api");
        cloudWatch.replayNext("/cloudwatch/get-metric-data-billing.json");

        new ScheduledCloudWatchImportHandler(imports, null, metrics, clock).handleRequest(Map.of(), null);

        assertEquals("api", store.get("acme", "billing").orElseThrow().source());
        assertEquals(1, stream.size());
    }
}

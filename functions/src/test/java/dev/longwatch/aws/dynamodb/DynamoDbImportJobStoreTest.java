package dev.longwatch.aws.dynamodb;

import dev.longwatch.core.importer.CloudWatchImportJob;
import dev.longwatch.core.importer.CloudWatchImportJobs;
import dev.longwatch.core.importer.ImportJobStore;
import dev.longwatch.model.IngestLimits;
import dev.longwatch.testing.LocalDynamo;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The import job store's conditional updates on DynamoDB Local: what keeps two runs from importing twice. */
class DynamoDbImportJobStoreTest {
    final ImportJobStore store = new DynamoDbImportJobStore(LocalDynamo.client(), LocalDynamo.freshTables().state());
    final CloudWatchImportJob job = new CloudWatchImportJobs(IngestLimits.DEFAULT).parse("""
            {"tenant": "acme", "id": "cpu", "namespace": "AWS/EC2", "metric": "CPUUtilization",
             "dimensions": {"InstanceId": "i-abcdef"}, "statistics": ["Maximum", "p99.9"], "period": 300,
             "account": "123456789012", "since": "2024-01-01T00:00:00Z", "until": "2024-02-01T00:00:00Z"}"""
            .getBytes(StandardCharsets.UTF_8));

    @Test
    void aDefinitionIsStoredAndReadBackWhole() {
        store.define(job, "api");
        ImportJobStore.Entry e = store.get("acme", "cpu").orElseThrow();
        assertEquals(job, e.job());
        assertEquals("api", e.source());
        assertNull(e.cursor());
        assertEquals(1, store.list().size());
    }

    @Test
    void aLeaseIsHeldAgainstOtherRunsUntilItRunsOut() {
        store.define(job, "api");
        assertTrue(store.claim("acme", "cpu", "run-A", 1_000, 2_000).isPresent());
        assertTrue(store.claim("acme", "cpu", "run-B", 1_500, 2_500).isEmpty(), "held by run-A");
        assertTrue(store.claim("acme", "cpu", "run-A", 1_500, 2_500).isPresent(), "run-A may renew its own lease");
        assertTrue(store.claim("acme", "cpu", "run-B", 2_501, 3_500).isPresent(), "run-A's lease ran out");
    }

    @Test
    void onlyTheHolderMovesTheCursorAndOnlyFromWhereItReadIt() {
        store.define(job, "api");
        store.claim("acme", "cpu", "run-A", 1_000, 2_000);
        assertFalse(store.advance("acme", "cpu", "run-B", null, 10, 5, 2_000), "not the holder");
        assertTrue(store.advance("acme", "cpu", "run-A", null, 10, 5, 2_000));
        assertFalse(store.advance("acme", "cpu", "run-A", null, 20, 5, 2_000), "the cursor is no longer unset");
        assertFalse(store.advance("acme", "cpu", "run-A", 5L, 20, 5, 2_000), "the cursor is not at 5");
        assertTrue(store.advance("acme", "cpu", "run-A", 10L, 20, 7, 2_000));
        ImportJobStore.Entry e = store.get("acme", "cpu").orElseThrow();
        assertEquals(20L, e.cursor());
        assertEquals(12, e.pointsImported());
    }

    @Test
    void releasingRecordsTheRunAndOnlyTheHolderCanRelease() {
        store.define(job, "api");
        store.claim("acme", "cpu", "run-A", 1_000, 2_000);
        store.release("acme", "cpu", "run-B", 1_100, "not mine");
        assertEquals("run-A", store.get("acme", "cpu").orElseThrow().leaseOwner());
        store.release("acme", "cpu", "run-A", 1_200, "CloudWatch answered Forbidden");
        ImportJobStore.Entry failed = store.get("acme", "cpu").orElseThrow();
        assertNull(failed.leaseOwner());
        assertEquals(1_200L, failed.lastRunAt());
        assertEquals("CloudWatch answered Forbidden", failed.lastError());
        store.claim("acme", "cpu", "run-C", 1_300, 2_300);
        store.release("acme", "cpu", "run-C", 1_400, null);
        assertNull(store.get("acme", "cpu").orElseThrow().lastError(), "a good run clears the last error");
    }

    @Test
    void redefiningKeepsProgressAndDeletingRemovesTheJob() {
        store.define(job, "api");
        store.claim("acme", "cpu", "run-A", 1_000, 2_000);
        store.advance("acme", "cpu", "run-A", null, 10, 5, 2_000);
        store.define(job, "environment");
        assertEquals(10L, store.get("acme", "cpu").orElseThrow().cursor());
        assertEquals("environment", store.get("acme", "cpu").orElseThrow().source());
        assertTrue(store.delete("acme", "cpu"));
        assertFalse(store.delete("acme", "cpu"));
        assertTrue(store.claim("acme", "cpu", "run-A", 1_000, 2_000).isEmpty(), "a deleted job cannot be claimed");
    }
}

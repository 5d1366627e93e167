package dev.longwatch.bench;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.dynamodb.services.local.embedded.DynamoDBEmbedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The harness on a small fleet: its counts follow from the slab layout, so they can be stated exactly. */
class WriteUnitsHarnessTest {
    static DynamoDbClient ddb;

    @BeforeAll
    static void start() {
        ddb = DynamoDBEmbedded.create(true).dynamoDbClient();
    }

    @AfterAll
    static void stop() {
        ddb.close();
    }

    @Test
    void dynamoDbLocalReportsTheUnitsTheDocumentedRulesGive() {
        assertTrue(WriteUnitsHarness.checkConsumedCapacity(ddb));
    }

    @Test
    void alignedWindowsWriteEachSeriesOncePerWindowAndLoseNothing() {
        WriteUnitsHarness.Options o = WriteUnitsHarness.Options.parse(new String[]{"--series=20", "--minutes=3"});
        WriteUnitsHarness.ScenarioResult r = WriteUnitsHarness.runScenario(ddb, o, 0);

        assertEquals(20 * 3 * 6, r.points());
        assertEquals(3, r.batches().size());
        r.batches().forEach(b -> assertEquals(20, b.slabWrites(), "one slab write per series: " + b));
        assertEquals(0, r.failed());
        // One point every 10 s and one 1 KB write per series per minute: 1000 / 6 units per 1,000 points.
        assertEquals(1000.0 / 6, r.perThousand(r.rollupWcu()), 1e-9);
        assertEquals(r.computedRollupWcu(), r.rollupWcu(), 1e-9);
    }

    @Test
    void windowsStartingMidMinuteWriteDistributionsTwice() {
        WriteUnitsHarness.Options o = WriteUnitsHarness.Options.parse(new String[]{"--series=20", "--minutes=3"});
        WriteUnitsHarness.ScenarioResult r = WriteUnitsHarness.runScenario(ddb, o, 27);

        assertEquals(20 * 3 * 6, r.points());
        assertEquals(4, r.batches().size(), "a partial window at each end");
        // 16 gauges/counters in one 10-minute slab + 4 distributions over two 1-minute slabs.
        assertEquals(24, r.batches().get(1).slabWrites());
        assertEquals(0, r.failed());
    }
}

package dev.longwatch.bench;

import dev.longwatch.core.ingest.StreamPublisher;
import dev.longwatch.model.ParsedMetrics;
import dev.longwatch.model.Payloads;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The cost harness' ingest scenarios: options, the collector's request bodies, what is counted, and a small run. */
class CostHarnessTest {

    @Test
    void theIngestWaysAreOptionsAndTheOldOptionsStillWork() {
        CostHarness.Options o = CostHarness.Options.parse(new String[]{"--series=100", "--ingest=kinesis",
                "--flush=20", "--buckets=8", "--shards=4", "--consume-shards=1", "--window=300"});
        assertEquals(CostHarness.IngestWay.KINESIS, o.ingest().way());
        assertEquals(20, o.ingest().flushSeconds());
        assertEquals(8, o.ingest().buckets());
        assertEquals(1, o.consumedShards());
        assertEquals(300, o.windowSeconds());

        CostHarness.Options old = CostHarness.Options.parse(new String[]{"--series=2500", "--hours=1", "--window=60"});
        assertEquals(CostHarness.IngestWay.PER_HOST, old.ingest().way());
        assertEquals(old.shards(), old.consumedShards(), "every shard is rolled up unless asked otherwise");

        assertThrows(IllegalArgumentException.class, () -> CostHarness.Options.parse(new String[]{"--ingest=udp"}));
        assertThrows(IllegalArgumentException.class,
                () -> CostHarness.Options.parse(new String[]{"--shards=2", "--consume-shards=3"}));
        assertThrows(IllegalArgumentException.class, () -> CostHarness.Options.parse(new String[]{"--flush=7"}));
        assertTrue(CostHarness.Options.parse(new String[]{"--ingest=kinesis", "--keys=flush", "--shards=2"}).ingest()
                .keyPerFlush());
        assertThrows(IllegalArgumentException.class, () -> CostHarness.Options.parse(new String[]{"--ingest=collector",
                "--keys=flush"}), "only the direct producer chooses its keys");
        assertThrows(IllegalArgumentException.class, () -> CostHarness.Options.parse(new String[]{"--ingest=kinesis",
                "--keys=flush", "--shards=2", "--consume-shards=1"}), "without affinity every shard must be read");
    }

    @Test
    void aCollectorFlushBecomesBodiesUnderTheApiLimitHoldingEveryReport() {
        CostHarness.Gateway gateway = new CostHarness.Gateway();
        SplittableRandom rnd = new SplittableRandom(1);
        int hosts = 8_000; // ~1.5 KB a report: about 12 MB, so several bodies
        for (int h = 0; h < hosts; h++) {
            gateway.add(WriteUnitsHarness.hostReport(h, hosts * 10, WriteUnitsHarness.T0, rnd));
        }

        List<byte[]> bodies = gateway.drainBodies();

        assertTrue(bodies.size() > 1, "split: " + bodies.size());
        assertTrue(gateway.isEmpty());
        Payloads payloads = Workloads.payloads(new SimulatedClock(WriteUnitsHarness.T0));
        int series = 0;
        for (byte[] body : bodies) {
            assertTrue(body.length <= CostHarness.Gateway.MAX_BODY_BYTES, body.length + " bytes");
            ParsedMetrics parsed = payloads.parseMetrics(body);
            assertEquals(List.of(), parsed.rejected());
            series += parsed.series().size();
        }
        assertEquals(hosts * 10, series);
        assertEquals(bodies.size(), gateway.requests);
    }

    @Test
    void putRecordsCallsAndBilledUnitsAreCountedAsKinesisBillsThem() {
        List<StreamPublisher.OutgoingRecord> seen = new ArrayList<>();
        CostHarness.CountingPublisher counting = new CostHarness.CountingPublisher(seen::addAll);
        List<StreamPublisher.OutgoingRecord> out = new ArrayList<>();
        for (int i = 0; i < 1_001; i++) {
            out.add(new StreamPublisher.OutgoingRecord("lw-2", new byte[1_020])); // 1,024 bytes with the key
        }
        out.add(new StreamPublisher.OutgoingRecord("lw-2", new byte[30_000]));

        counting.publish(out);

        assertEquals(3, counting.calls, "at most 500 records a call");
        assertEquals(1_002, counting.records);
        assertEquals(1_001 + 30, counting.kbRounded, "1 KB each, and 30,004 bytes are 30 KB");
        assertEquals(1_001 + 2, counting.payloadUnits, "25 KB units: 30,004 bytes are 2");
        assertEquals(out, seen, "everything is handed on");
    }

    @ParameterizedTest
    @ValueSource(strings = {"per-host", "collector", "kinesis"})
    void aSmallRunRollsUpAndArchivesEveryPointOfTheShardItReads(String way) {
        // run() throws unless every point of the consumed shard was rolled up and archived exactly once.
        CostHarness.run(new String[]{"--series=40", "--hours=1", "--window=60", "--shards=2", "--consume-shards=1",
                "--ingest=" + way});
    }

    @Test
    void withTheMinuteTierFromTheArchiveEachSeriesHourIsOneMinuteSlabAndTheEvaluatorsReadsAreCounted() {
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        java.io.PrintStream stdout = System.out;
        System.setOut(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            CostHarness.run(new String[]{"--series=40", "--hours=1", "--shards=1", "--ingest=collector",
                    "--minute-tier=archive", "--archive-window=10"});
        } finally {
            System.setOut(stdout);
        }
        String out = captured.toString(java.nio.charset.StandardCharsets.UTF_8);
        java.util.regex.Matcher slabs = java.util.regex.Pattern
                .compile("minute tier from the archive: ([\\d,]+) minute-slab writes").matcher(out);
        assertTrue(slabs.find(), out);
        assertEquals(40, Integer.parseInt(slabs.group(1).replace(",", "")), "one whole-hour slab per series");
        java.util.regex.Matcher tail = java.util.regex.Pattern
                .compile("evaluator's fresh tail \\([^)]*\\): (\\d+) rounds, ([\\d,]+) GET, ([\\d,]+) LIST")
                .matcher(out);
        assertTrue(tail.find(), out);
        assertEquals(60, Integer.parseInt(tail.group(1)), "one round a minute of the hour");
        assertTrue(Integer.parseInt(tail.group(2).replace(",", "")) > 0, "the rounds fetch archive objects");
        assertTrue(Integer.parseInt(tail.group(3).replace(",", "")) >= 60, "each round lists at least once");
    }
}

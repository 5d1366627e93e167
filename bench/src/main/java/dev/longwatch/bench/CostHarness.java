package dev.longwatch.bench;

import dev.longwatch.aws.dynamodb.DynamoDbCompactionStateStore;
import dev.longwatch.aws.dynamodb.DynamoDbEventStore;
import dev.longwatch.aws.dynamodb.DynamoDbRollupStore;
import dev.longwatch.aws.dynamodb.DynamoDbSeriesIndex;
import dev.longwatch.aws.dynamodb.TableNames;
import dev.longwatch.aws.dynamodb.TableSetup;
import dev.longwatch.core.ingest.IngestResult;
import dev.longwatch.core.ingest.IngestService;
import dev.longwatch.core.ingest.StreamPublisher;
import dev.longwatch.core.rollup.Retention;
import dev.longwatch.core.rollup.RollupService;
import dev.longwatch.core.rollup.compact.CompactionReport;
import dev.longwatch.core.rollup.compact.CompactorService;
import dev.longwatch.core.telemetry.InMemoryMetrics;
import dev.longwatch.core.telemetry.PlatformMetrics;
import dev.longwatch.model.Payloads;
import dev.longwatch.model.StreamRecords;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.dynamodb.services.local.embedded.DynamoDBEmbedded;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.IntStream;

/**
 * What Longwatch spends, counted, for a fleet reporting at 1-minute resolution: the inputs of docs/cost.md.
 *
 * <p>Hosts of ten series each (as {@link WriteUnitsHarness}) send one HTTP request per report through the real
 * {@link IngestService} onto a simulated Kinesis stream; a simulated event source mapping hands each batching
 * window of each shard to the real {@link RollupService} (with compaction state, as on AWS); the real
 * {@link CompactorService} runs every simulated minute, as EventBridge Scheduler runs it, and builds the hour
 * rollups. Everything writes through the real DynamoDB adapters to DynamoDB Local in-process; time is an
 * injected clock. It counts API requests, Kinesis PutRecords calls, records and bytes (1 KB-rounded for
 * on-demand, 25 KB PUT payload units for provisioned), Lambda invocations and their wall time here,
 * DynamoDB units per table as {@code ConsumedCapacity} reports them (and computed for the rollup table, since
 * DynamoDB Local charges nothing for reading a missing item), and at the end the bytes stored per tier.
 * Prices are applied in docs/cost.md, not here: counts should not go stale with the price list.
 *
 * <p>Options: {@code --series=10000 --interval=60 --hours=2 --window=60 --shards=1}.
 */
public final class CostHarness {
    static final long T0 = WriteUnitsHarness.T0;
    /** DynamoDB bills storage as the item's bytes plus 100 bytes of overhead per item. */
    static final int ITEM_OVERHEAD_BYTES = 100;

    record Options(int series, int intervalSeconds, int hours, int windowSeconds, int shards) {
        static Options parse(String[] args) {
            int series = 10_000;
            int interval = 60;
            int hours = 2;
            int window = 60;
            int shards = 1;
            for (String a : args) {
                String[] kv = a.split("=", 2);
                if (kv.length != 2) {
                    throw new IllegalArgumentException("unknown argument " + a + "; use --series=N --interval=S "
                            + "--hours=N --window=S --shards=N");
                }
                int v = Integer.parseInt(kv[1]);
                switch (kv[0]) {
                    case "--series" -> series = v;
                    case "--interval" -> interval = v;
                    case "--hours" -> hours = v;
                    case "--window" -> window = v;
                    case "--shards" -> shards = v;
                    default -> throw new IllegalArgumentException("unknown option " + kv[0]
                            + "; use --series, --interval, --hours, --window or --shards");
                }
            }
            if (series < 10 || hours < 1 || shards < 1 || interval < 1 || 60 % interval != 0
                    || window < 1 || window > 300) {
                throw new IllegalArgumentException("need series >= 10, hours >= 1, shards >= 1, an interval that "
                        + "divides 60 s and a batching window of 1-300 s (Kinesis's maximum)");
            }
            return new Options(series, interval, hours, window, shards);
        }
    }

    /** Counts what PutRecords would be billed for, then hands the records to the simulated stream. */
    static final class CountingPublisher implements StreamPublisher {
        private final StreamPublisher next;
        long calls;
        long records;
        long bytes;
        long kbRounded;
        long payloadUnits;

        CountingPublisher(StreamPublisher next) {
            this.next = next;
        }

        @Override
        public void publish(List<OutgoingRecord> out) {
            calls += (out.size() + 499) / 500; // the Kinesis adapter sends at most 500 records per PutRecords
            for (OutgoingRecord r : out) {
                long size = r.data().length + r.partitionKey().length(); // Kinesis counts the key too
                records++;
                bytes += size;
                kbRounded += (size + 1023) / 1024;
                payloadUnits += (size + 25_599) / 25_600;
            }
            next.publish(out);
        }
    }

    /** Invocations of one function and their wall time in this process (DynamoDB Local is in-process). */
    static final class Invocations {
        long count;
        long nanos;

        void add(long startNanos) {
            count++;
            nanos += System.nanoTime() - startNanos;
        }

        double meanMillis() {
            return count == 0 ? 0 : nanos / 1e6 / count;
        }
    }

    public static void main(String[] args) {
        try {
            run(args);
        } finally {
            System.exit(0); // DynamoDB Local leaves non-daemon threads behind
        }
    }

    static void run(String[] args) {
        Options o = Options.parse(args);
        int hosts = o.series() / Workloads.HOST_METRICS.size();
        int series = hosts * Workloads.HOST_METRICS.size();
        long points = (long) series * o.hours() * 3600 / o.intervalSeconds();
        System.out.printf(Locale.ROOT, "Cost harness: %,d series (%,d hosts x %d, one request per host per report), "
                        + "one point every %d s, %d simulated hours = %,d points; %d s batching window, %d shard(s); "
                        + "compactor every minute%n", series, hosts, Workloads.HOST_METRICS.size(),
                o.intervalSeconds(), o.hours(), points, o.windowSeconds(), o.shards());
        System.out.println("Starting DynamoDB Local in-process ...");
        DynamoDbClient local = DynamoDBEmbedded.create(true).dynamoDbClient();
        CapacityMeter ddb = new CapacityMeter(local);
        TableNames tables = TableNames.defaults();
        TableSetup.createIfMissing(ddb, tables);

        SimulatedClock clock = new SimulatedClock(T0);
        Payloads payloads = Workloads.payloads(clock);
        InMemoryMetrics metrics = new InMemoryMetrics();
        Retention retention = Retention.DEFAULTS;
        SimulatedStream stream = new SimulatedStream(o.shards(), clock);
        CountingPublisher kinesis = new CountingPublisher(stream);
        IngestService ingest = new IngestService(payloads, kinesis, PlatformMetrics.NONE);
        DynamoDbRollupStore rollups = new DynamoDbRollupStore(ddb, tables.rollups(), metrics, retention);
        // The state table and the compactor's series listing use calls CapacityMeter does not wrap (GetItem,
        // UpdateItem, Scan); their units come from ConsumedCapacity only.
        DynamoDbCompactionStateStore state = new DynamoDbCompactionStateStore(local, tables.state(), metrics);
        RollupService rollup = new RollupService(new StreamRecords(payloads), rollups,
                new DynamoDbSeriesIndex(ddb, tables.series(), metrics),
                new DynamoDbEventStore(ddb, tables.events(), metrics), state, retention, metrics, clock, 32);
        CompactorService compactor = new CompactorService(new DynamoDbSeriesIndex(local, tables.series(), metrics),
                rollups, state, retention, metrics, clock, CompactorService.Limits.DEFAULT);

        Invocations ingestCalls = new Invocations();
        Invocations rollupCalls = new Invocations();
        Invocations compactorCalls = new Invocations();
        Invocations compactorWorking = new Invocations();
        long pointsApplied = 0;
        int hoursCompacted = 0;
        int compactorSlabWrites = 0;

        long intervalMillis = o.intervalSeconds() * 1000L;
        long windowMillis = o.windowSeconds() * 1000L;
        Integer[] byPhase = IntStream.range(0, hosts).boxed().toArray(Integer[]::new);
        Arrays.sort(byPhase, Comparator.comparingLong(h -> WriteUnitsHarness.phase(h, intervalMillis)));
        SplittableRandom rnd = new SplittableRandom(7);
        long ingestEnd = T0 + o.hours() * 3_600_000L;
        // Run on until the last hour is past its grace and compacted, so every hour written is also rolled up.
        long end = ingestEnd + Duration.ofMinutes(7).toMillis();
        long nextWindow = T0 + windowMillis;
        long nextCompactor = T0 + 60_000;
        long nextTick = T0;
        long started = System.nanoTime();

        while (true) {
            long next = Math.min(nextTick < ingestEnd ? nextTick : Long.MAX_VALUE, Math.min(nextWindow, nextCompactor));
            if (next > end) {
                break;
            }
            if (next == nextWindow) {
                clock.set(nextWindow);
                for (int shard = 0; shard < stream.shards(); shard++) {
                    List<RollupService.IncomingRecord> batch = stream.take(shard);
                    if (batch.isEmpty()) {
                        continue;
                    }
                    long t = System.nanoTime();
                    RollupService.BatchOutcome out = rollup.apply(batch);
                    rollupCalls.add(t);
                    pointsApplied += out.pointsApplied();
                    if (!out.failedSequenceNumbers().isEmpty()) {
                        throw new IllegalStateException("rollup failed records: " + out.failedSequenceNumbers());
                    }
                }
                nextWindow += windowMillis;
            } else if (next == nextCompactor) {
                clock.set(nextCompactor);
                long t = System.nanoTime();
                CompactionReport r = compactor.run(Duration.ofMinutes(14));
                compactorCalls.add(t);
                if (r.failedTenants() > 0) {
                    throw new IllegalStateException("compaction failed: " + r);
                }
                if (r.hoursCompacted() > 0) {
                    compactorWorking.count++;
                    compactorWorking.nanos += System.nanoTime() - t;
                    hoursCompacted += r.hoursCompacted();
                    compactorSlabWrites += r.slabWrites();
                    System.out.printf(Locale.ROOT, "  %s compactor: %d hour(s) compacted, %,d slab writes (%.1f s)%n",
                            Instant.ofEpochMilli(nextCompactor), r.hoursCompacted(), r.slabWrites(),
                            (System.nanoTime() - t) / 1e9);
                }
                if ((nextCompactor - T0) % 600_000 == 0) {
                    System.out.printf(Locale.ROOT, "  %s  %,d points rolled up, %,.0f WCU so far (%.0f s)%n",
                            Instant.ofEpochMilli(nextCompactor), pointsApplied, totalUnits(metrics, tables),
                            (System.nanoTime() - started) / 1e9);
                }
                nextCompactor += 60_000;
            } else {
                for (int h : byPhase) {
                    long t = nextTick + WriteUnitsHarness.phase(h, intervalMillis);
                    // Windows that close before this report is sent are delivered first.
                    while (nextWindow <= t) {
                        clock.set(nextWindow);
                        for (int shard = 0; shard < stream.shards(); shard++) {
                            List<RollupService.IncomingRecord> batch = stream.take(shard);
                            if (!batch.isEmpty()) {
                                long s = System.nanoTime();
                                RollupService.BatchOutcome out = rollup.apply(batch);
                                rollupCalls.add(s);
                                pointsApplied += out.pointsApplied();
                            }
                        }
                        nextWindow += windowMillis;
                    }
                    clock.set(t);
                    long s = System.nanoTime();
                    IngestResult r = ingest.ingestMetrics(Workloads.TENANT,
                            WriteUnitsHarness.hostReport(h, series, t, rnd));
                    ingestCalls.add(s);
                    if (!r.rejected().isEmpty()) {
                        throw new IllegalStateException("the simulated report was refused: " + r.rejected());
                    }
                }
                nextTick += intervalMillis;
            }
        }
        if (pointsApplied != points) {
            throw new IllegalStateException("expected " + points + " points rolled up, got " + pointsApplied);
        }
        long compactorRunsDuringIngest = o.hours() * 60L;

        System.out.printf(Locale.ROOT, "%n== Counts (%,d points, %d h of reports; wall %.0f s) ==%n", points,
                o.hours(), (System.nanoTime() - started) / 1e9);
        System.out.printf(Locale.ROOT, "ingest API requests (= ingest Lambda invocations): %,d (%.2f ms each here)%n",
                ingestCalls.count, ingestCalls.meanMillis());
        System.out.printf(Locale.ROOT, "Kinesis: %,d PutRecords calls, %,d records, %,d bytes (%.1f B/record), "
                        + "%,d KB billed on-demand (1 KB-rounded), %,d PUT payload units (25 KB)%n",
                kinesis.calls, kinesis.records, kinesis.bytes, (double) kinesis.bytes / kinesis.records,
                kinesis.kbRounded, kinesis.payloadUnits);
        System.out.printf(Locale.ROOT, "rollup Lambda invocations: %,d (%.0f ms each here, DynamoDB Local in-process)%n",
                rollupCalls.count, rollupCalls.meanMillis());
        System.out.printf(Locale.ROOT, "compactor invocations: %,d in %d min of reports + tail; %d compacted hours "
                        + "(%,d hour-slab writes, %.1f s each here); the idle runs %.1f ms each here%n",
                compactorCalls.count, compactorRunsDuringIngest, hoursCompacted, compactorSlabWrites,
                compactorWorking.count == 0 ? 0 : compactorWorking.nanos / 1e9 / compactorWorking.count,
                compactorCalls.count == compactorWorking.count ? 0
                        : (compactorCalls.nanos - compactorWorking.nanos) / 1e6
                        / (compactorCalls.count - compactorWorking.count));

        System.out.println();
        System.out.println("| table | WCU (ConsumedCapacity) | RCU (ConsumedCapacity) | WCU computed | RCU computed "
                + "| WCU per 1,000 points | RCU per 1,000 points (computed where larger) |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|");
        double allW = 0;
        double allR = 0;
        for (String table : List.of(tables.rollups(), tables.series(), tables.events(), tables.state())) {
            double w = metrics.counter(WriteUnitsHarness.wcuName(table));
            double r = metrics.counter(WriteUnitsHarness.rcuName(table));
            double cw = ddb.writeUnits(table);
            double cr = ddb.readUnits(table);
            double billedW = Math.max(w, cw);
            double billedR = Math.max(r, cr);
            allW += billedW;
            allR += billedR;
            System.out.printf(Locale.ROOT, "| %s | %,.1f | %,.1f | %,.1f | %,.1f | %.1f | %.1f |%n", table, w, r, cw,
                    cr, billedW * 1000 / points, billedR * 1000 / points);
        }
        System.out.printf(Locale.ROOT, "| all | | | | | **%.1f** | **%.1f** |%n", allW * 1000 / points,
                allR * 1000 / points);
        System.out.println("(CapacityMeter computes units for PutItem, BatchWriteItem, BatchGetItem and Query; the "
                + "state table's UpdateItem/DeleteItem/GetItem count as reported.)");

        System.out.println();
        System.out.println("== Stored bytes per tier (item bytes + 100 B overhead per item, as DynamoDB bills) ==");
        Map<String, long[]> tiers = storedByTier(local, tables.rollups());
        for (Map.Entry<String, long[]> e : tiers.entrySet()) {
            long[] v = e.getValue();
            System.out.printf(Locale.ROOT, "tier %s: %,d items, %,d bytes (%.1f B/item)%n", e.getKey(), v[0], v[1],
                    (double) v[1] / v[0]);
        }
        long[] minute = tiers.getOrDefault("M", new long[2]);
        long[] hour = tiers.getOrDefault("H", new long[2]);
        System.out.printf(Locale.ROOT, "minute tier: %.1f bytes per point; hour tier: %.1f bytes per series-hour "
                        + "(%d hours compacted; scalar hour slabs hold 12 hours, so this overstates a full slab)%n",
                (double) minute[1] / points, hoursCompacted == 0 ? 0 : (double) hour[1] / series / o.hours(),
                hoursCompacted);
        local.close();
    }

    private static double totalUnits(InMemoryMetrics metrics, TableNames tables) {
        double sum = 0;
        for (String t : List.of(tables.rollups(), tables.series(), tables.events(), tables.state())) {
            sum += metrics.counter(WriteUnitsHarness.wcuName(t));
        }
        return sum;
    }

    /** Items and billed bytes per tier prefix of the sort key (M, H, D). */
    static Map<String, long[]> storedByTier(DynamoDbClient ddb, String table) {
        Map<String, long[]> out = new TreeMap<>();
        Map<String, AttributeValue> start = null;
        do {
            ScanRequest.Builder b = ScanRequest.builder().tableName(table);
            if (start != null) {
                b.exclusiveStartKey(start);
            }
            ScanResponse r = ddb.scan(b.build());
            for (Map<String, AttributeValue> item : r.items()) {
                String tier = item.get("sk").s().substring(0, 1);
                long[] v = out.computeIfAbsent(tier, k -> new long[2]);
                v[0]++;
                v[1] += ItemSizes.itemBytes(item) + ITEM_OVERHEAD_BYTES;
            }
            start = r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? r.lastEvaluatedKey() : null;
        } while (start != null);
        return out;
    }
}

package dev.longwatch.bench;

import dev.longwatch.aws.dynamodb.DynamoDbEventStore;
import dev.longwatch.aws.dynamodb.DynamoDbRollupStore;
import dev.longwatch.aws.dynamodb.DynamoDbSeriesIndex;
import dev.longwatch.aws.dynamodb.TableNames;
import dev.longwatch.aws.dynamodb.TableSetup;
import dev.longwatch.core.ingest.IngestResult;
import dev.longwatch.core.ingest.IngestService;
import dev.longwatch.core.rollup.RollupService;
import dev.longwatch.core.telemetry.InMemoryMetrics;
import dev.longwatch.core.telemetry.PlatformMetrics;
import dev.longwatch.model.MetricType;
import dev.longwatch.model.Payloads;
import dev.longwatch.model.StreamRecords;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.dynamodb.services.local.embedded.DynamoDBEmbedded;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.IntSummaryStatistics;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

/**
 * How many DynamoDB write units the rollup path spends per 1,000 points.
 *
 * <p>A fleet of hosts (ten series each: five gauges, three counters, two distributions) reports every
 * {@code interval} seconds for {@code minutes} simulated minutes through the real {@link IngestService}
 * (one stream record per series per report), onto a simulated Kinesis stream. A simulated event source
 * mapping with a 60-second batching window hands each window's records to the real {@link RollupService},
 * which writes through the real DynamoDB adapters to DynamoDB Local, in-process. Time is an injected clock:
 * nothing sleeps. Run once with windows aligned to the minute and once with windows that start at :27.
 *
 * <p>Units are counted twice: as DynamoDB Local reports them in {@code ConsumedCapacity} (what the adapters
 * put into {@link InMemoryMetrics}), and computed from the item sizes by the documented rules
 * ({@link CapacityMeter}), so one checks the other.
 *
 * <p>Options: {@code --series=1000 --minutes=30 --interval=10 --offsets=0,27 --shards=1}.
 */
public final class WriteUnitsHarness {
    static final long T0 = Instant.parse("2026-11-20T10:00:00Z").toEpochMilli();
    static final long WINDOW_MILLIS = 60_000;
    private static final AtomicInteger RUNS = new AtomicInteger();
    private static final DateTimeFormatter HMS = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

    record Options(int series, int minutes, int intervalSeconds, int[] offsetsSeconds, int shards) {
        static Options parse(String[] args) {
            int series = 1000;
            int minutes = 30;
            int interval = 10;
            int[] offsets = {0, 27};
            int shards = 1;
            for (String a : args) {
                String[] kv = a.split("=", 2);
                if (kv.length != 2 || !kv[0].startsWith("--")) {
                    throw new IllegalArgumentException("unknown argument " + a + "; use --series=N --minutes=N "
                            + "--interval=SECONDS --offsets=S,S --shards=N");
                }
                switch (kv[0]) {
                    case "--series" -> series = Integer.parseInt(kv[1]);
                    case "--minutes" -> minutes = Integer.parseInt(kv[1]);
                    case "--interval" -> interval = Integer.parseInt(kv[1]);
                    case "--offsets" -> offsets = Arrays.stream(kv[1].split(",")).mapToInt(Integer::parseInt).toArray();
                    case "--shards" -> shards = Integer.parseInt(kv[1]);
                    default -> throw new IllegalArgumentException("unknown option " + kv[0]
                            + "; use --series, --minutes, --interval, --offsets or --shards");
                }
            }
            if (series < 1 || minutes < 1 || interval < 1 || 60 % interval != 0 || shards < 1) {
                throw new IllegalArgumentException("need series >= 1, minutes >= 1, shards >= 1 and an interval "
                        + "that divides 60 seconds");
            }
            for (int o : offsets) {
                if (o < 0 || o >= 60) {
                    throw new IllegalArgumentException("window offsets are seconds past the minute, 0-59: " + o);
                }
            }
            return new Options(series, minutes, interval, offsets, shards);
        }

        long points() {
            return (long) series * minutes * (60 / intervalSeconds);
        }
    }

    /** What one rollup invocation (one shard, one window) did and cost. */
    record BatchStat(int index, long windowEnd, int records, long points, int slabWrites, double rollupWcu,
                     double seriesWcu, long seriesItems, double rcu, double computedRollupWcu,
                     double computedSeriesWcu, int failed) {
    }

    record ScenarioResult(int offsetSeconds, List<BatchStat> batches, long points, double rollupWcu,
                          double seriesWcu, double eventsWcu, double rcu, double computedRollupWcu,
                          double computedSeriesWcu, double computedRcu, long conflicts, long failed,
                          long rollupItemsMaxBytes, double wallSeconds) {
        String name() {
            return offsetSeconds == 0 ? "aligned (:00)" : String.format("not aligned (:%02d)", offsetSeconds);
        }

        double perThousand(double units) {
            return units * 1000 / points;
        }

        /** The series-index writes of the first window (all shards): {units, computed units, items}. */
        double[] firstWindowIndexWrites() {
            long first = batches.get(0).windowEnd();
            double[] out = new double[3];
            for (BatchStat b : batches) {
                if (b.windowEnd() == first) {
                    out[0] += b.seriesWcu();
                    out[1] += b.computedSeriesWcu();
                    out[2] += b.seriesItems();
                }
            }
            return out;
        }

        /**
         * Slab writes per window (all shards together), for the windows that span a full 60 s of reports
         * (the first and last are partial when not aligned).
         */
        IntSummaryStatistics slabWritesPerFullWindow(long firstReport, long lastReport) {
            Map<Long, Integer> perWindow = new TreeMap<>();
            for (BatchStat b : batches) {
                if (b.windowEnd() - WINDOW_MILLIS >= firstReport && b.windowEnd() <= lastReport + 1) {
                    perWindow.merge(b.windowEnd(), b.slabWrites(), Integer::sum);
                }
            }
            return perWindow.values().stream().mapToInt(Integer::intValue).summaryStatistics();
        }
    }

    public static void main(String[] args) {
        Options o = Options.parse(args);
        System.out.printf(Locale.ROOT, "Write units harness: %d series (%d hosts x %d metrics), one point every "
                        + "%d s, %d simulated minutes = %,d points; 60 s batching window; %d shard(s)%n",
                o.series(), (o.series() + 9) / 10, Workloads.HOST_METRICS.size(), o.intervalSeconds(), o.minutes(),
                o.points(), o.shards());
        System.out.println("Starting DynamoDB Local in-process ...");
        DynamoDbClient local = DynamoDBEmbedded.create(true).dynamoDbClient();
        boolean reported = checkConsumedCapacity(local);

        List<ScenarioResult> results = new ArrayList<>();
        for (int offset : o.offsetsSeconds()) {
            results.add(runScenario(local, o, offset));
        }
        printSummary(o, results, reported);
        local.close();
    }

    /**
     * Puts a 1.5 KB item and reads it back with ReturnConsumedCapacity. DynamoDB bills 2 write units and
     * 1 strongly consistent read unit for it; if DynamoDB Local reports those, its figures can be used.
     */
    static boolean checkConsumedCapacity(DynamoDbClient ddb) {
        TableNames t = TableNames.defaults().prefixed("probe-");
        TableSetup.createIfMissing(ddb, t);
        Map<String, AttributeValue> item = Map.of("pk", AttributeValue.fromS("probe"), "sk",
                AttributeValue.fromS("x"), "d", AttributeValue.fromS("x".repeat(1_500)));
        ConsumedCapacity w = ddb.putItem(b -> b.tableName(t.rollups()).item(item)
                .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)).consumedCapacity();
        ConsumedCapacity r = ddb.getItem(b -> b.tableName(t.rollups()).consistentRead(true)
                .key(Map.of("pk", item.get("pk"), "sk", item.get("sk")))
                .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)).consumedCapacity();
        Double wu = w == null ? null : w.capacityUnits();
        Double ru = r == null ? null : r.capacityUnits();
        double expectedW = ItemSizes.writeUnits(ItemSizes.itemBytes(item));
        System.out.printf(Locale.ROOT, "ConsumedCapacity check: PutItem of a %d-byte item reported %s write units "
                        + "(documented: %.1f); strongly consistent GetItem reported %s read units (documented: 1.0)%n",
                ItemSizes.itemBytes(item), wu, expectedW, ru);
        boolean ok = wu != null && ru != null;
        if (!ok) {
            System.out.println("DynamoDB Local did NOT return ConsumedCapacity: the figures below are the units "
                    + "computed from item sizes (1 write unit per 1 KB written, 1 read unit per 4 KB read).");
        }
        return ok;
    }

    static ScenarioResult runScenario(DynamoDbClient local, Options o, int offsetSeconds) {
        String label = offsetSeconds == 0 ? "aligned :00" : String.format("offset :%02d", offsetSeconds);
        System.out.printf("%n== Scenario: batch windows %s ==%n", offsetSeconds == 0
                ? "aligned to the minute" : "starting " + offsetSeconds + " s past the minute");
        long started = System.nanoTime();

        CapacityMeter ddb = new CapacityMeter(local);
        String prefix = "w" + offsetSeconds + "-" + RUNS.incrementAndGet() + "-"; // fresh tables every run
        TableNames tables = TableNames.defaults().prefixed(prefix);
        TableSetup.createIfMissing(ddb, tables);

        SimulatedClock clock = new SimulatedClock(T0);
        Payloads payloads = Workloads.payloads(clock);
        InMemoryMetrics metrics = new InMemoryMetrics();
        SimulatedStream stream = new SimulatedStream(o.shards(), clock);
        IngestService ingest = new IngestService(payloads, stream, PlatformMetrics.NONE);
        RollupService rollup = new RollupService(new StreamRecords(payloads),
                new DynamoDbRollupStore(ddb, tables.rollups(), metrics),
                new DynamoDbSeriesIndex(ddb, tables.series(), metrics),
                new DynamoDbEventStore(ddb, tables.events(), metrics), metrics, clock, 32);

        int hosts = (o.series() + 9) / 10;
        long intervalMillis = o.intervalSeconds() * 1000L;
        // Agents are not synchronised: each host reports at its own phase within the interval.
        Integer[] byPhase = IntStream.range(0, hosts).boxed().toArray(Integer[]::new);
        Arrays.sort(byPhase, Comparator.comparingLong(h -> phase(h, intervalMillis)));
        int ticks = o.minutes() * 60 / o.intervalSeconds();
        SplittableRandom rnd = new SplittableRandom(7);

        List<BatchStat> batches = new ArrayList<>();
        long windowEnd = T0 + (offsetSeconds == 0 ? WINDOW_MILLIS : offsetSeconds * 1000L);
        int expectedBatches = o.minutes() + (offsetSeconds == 0 ? 0 : 1);
        for (int k = 0; k < ticks; k++) {
            for (int h : byPhase) {
                long t = T0 + k * intervalMillis + phase(h, intervalMillis);
                while (t >= windowEnd) {
                    deliver(stream, rollup, clock, metrics, ddb, tables, windowEnd, batches, label, expectedBatches);
                    windowEnd += WINDOW_MILLIS;
                }
                clock.set(t);
                IngestResult r = ingest.ingestMetrics(Workloads.TENANT, hostReport(h, o.series(), t, rnd));
                if (!r.rejected().isEmpty()) {
                    throw new IllegalStateException("the simulated report was refused: " + r.rejected());
                }
            }
        }
        while (!stream.isEmpty()) {
            deliver(stream, rollup, clock, metrics, ddb, tables, windowEnd, batches, label, expectedBatches);
            windowEnd += WINDOW_MILLIS;
        }

        long points = batches.stream().mapToLong(BatchStat::points).sum();
        long failed = batches.stream().mapToLong(BatchStat::failed).sum();
        return new ScenarioResult(offsetSeconds, batches, points,
                metrics.counter(wcuName(tables.rollups())), metrics.counter(wcuName(tables.series())),
                metrics.counter(wcuName(tables.events())),
                metrics.counter(rcuName(tables.rollups())) + metrics.counter(rcuName(tables.series())),
                ddb.writeUnits(tables.rollups()), ddb.writeUnits(tables.series()),
                ddb.readUnits(tables.rollups()) + ddb.readUnits(tables.series()),
                (long) metrics.counter("RollupWriteConflicts"), failed, ddb.maxItemBytes(tables.rollups()),
                (System.nanoTime() - started) / 1e9);
    }

    /** One simulated event source mapping invocation per shard: everything that arrived before windowEnd. */
    private static void deliver(SimulatedStream stream, RollupService rollup, SimulatedClock clock,
                                InMemoryMetrics metrics, CapacityMeter ddb, TableNames tables, long windowEnd,
                                List<BatchStat> batches, String label, int expectedBatches) {
        clock.set(windowEnd);
        for (int shard = 0; shard < stream.shards(); shard++) {
            List<RollupService.IncomingRecord> batch = stream.take(shard);
            if (batch.isEmpty()) {
                continue;
            }
            double wcu0 = metrics.counter(wcuName(tables.rollups()));
            double swcu0 = metrics.counter(wcuName(tables.series()));
            double rcu0 = metrics.counter(rcuName(tables.rollups())) + metrics.counter(rcuName(tables.series()));
            double cwcu0 = ddb.writeUnits(tables.rollups());
            long sitems0 = ddb.itemsWritten(tables.series());
            double cswcu0 = ddb.writeUnits(tables.series());
            long t = System.nanoTime();
            RollupService.BatchOutcome out = rollup.apply(batch);
            BatchStat s = new BatchStat(batches.size() + 1, windowEnd, batch.size(), out.pointsApplied(),
                    out.slabWrites(), metrics.counter(wcuName(tables.rollups())) - wcu0,
                    metrics.counter(wcuName(tables.series())) - swcu0, ddb.itemsWritten(tables.series()) - sitems0,
                    metrics.counter(rcuName(tables.rollups())) + metrics.counter(rcuName(tables.series())) - rcu0,
                    ddb.writeUnits(tables.rollups()) - cwcu0, ddb.writeUnits(tables.series()) - cswcu0,
                    out.failedSequenceNumbers().size());
            batches.add(s);
            System.out.printf(Locale.ROOT, "[%s] batch %2d/%d  window ends %s  records %5d  points %5d  "
                            + "slab writes %5d  rollup WCU %7.1f  index WCU %6.1f  RCU %7.1f  (%.2f s)%s%n",
                    label, s.index(), expectedBatches * stream.shards(), HMS.format(Instant.ofEpochMilli(windowEnd)),
                    s.records(), s.points(), s.slabWrites(), s.rollupWcu(), s.seriesWcu(), s.rcu(),
                    (System.nanoTime() - t) / 1e9,
                    s.failed() == 0 ? "" : "  FAILED records: " + s.failed() + " (would be redelivered)");
        }
    }

    static long phase(int host, long intervalMillis) {
        return (host * 7_919L) % intervalMillis;
    }

    /** One host's report: its ten series, one point each at time t. */
    static byte[] hostReport(int host, int totalSeries, long t, SplittableRandom rnd) {
        StringBuilder sb = new StringBuilder(1600);
        sb.append("{\"series\":[");
        int first = host * Workloads.HOST_METRICS.size();
        int last = Math.min(totalSeries, first + Workloads.HOST_METRICS.size());
        for (int i = first; i < last; i++) {
            if (i > first) {
                sb.append(',');
            }
            Workloads.MetricSpec m = Workloads.metricOf(i);
            Workloads.appendSeriesHead(sb, m, Workloads.tagsOf(i));
            Workloads.appendPoint(sb, m.type(), t, Workloads.value(m.type(), rnd));
            sb.append("]}");
        }
        sb.append("]}");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    static String wcuName(String table) {
        return "DynamoDbWriteUnits.Table=" + table;
    }

    static String rcuName(String table) {
        return "DynamoDbReadUnits.Table=" + table;
    }

    static void printSummary(Options o, List<ScenarioResult> results, boolean reported) {
        long firstReport = T0;
        long lastReport = T0 + (long) o.minutes() * 60_000 - 1;
        System.out.printf("%n== Summary (%s) ==%n", reported
                ? "units as DynamoDB Local reports them in ConsumedCapacity; computed from item sizes in brackets"
                : "DynamoDB Local returned no ConsumedCapacity: units computed from item sizes");
        System.out.println();
        System.out.println("| batch windows | points | batches | slab writes per full window (mean / min / max) "
                + "| rollup WCU | WCU per 1,000 points (rollups) | series-index WCU (first window) "
                + "| WCU per 1,000 points (all) | RCU | RCU per 1,000 points | conflicts | failed records |");
        System.out.println("|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (ScenarioResult r : results) {
            IntSummaryStatistics full = r.slabWritesPerFullWindow(firstReport, lastReport);
            double mean = full.getAverage();
            int min = full.getCount() == 0 ? 0 : full.getMin();
            int max = full.getCount() == 0 ? 0 : full.getMax();
            double rollupWcu = reported ? r.rollupWcu() : r.computedRollupWcu();
            double seriesWcu = reported ? r.seriesWcu() : r.computedSeriesWcu();
            double rcu = reported ? r.rcu() : r.computedRcu();
            double[] index = r.firstWindowIndexWrites();
            System.out.printf(Locale.ROOT,
                    "| %s | %,d | %d | %.0f / %d / %d | %s | %s | %s | %s | %s | %s | %d | %d |%n",
                    r.name(), r.points(), r.batches().size(), mean, min, max,
                    units(rollupWcu, r.computedRollupWcu(), reported),
                    units(r.perThousand(rollupWcu), r.perThousand(r.computedRollupWcu()), reported),
                    units(index[0], index[1], reported) + " for " + (long) index[2] + " items",
                    units(r.perThousand(rollupWcu + seriesWcu + r.eventsWcu()),
                            r.perThousand(r.computedRollupWcu() + r.computedSeriesWcu()), reported),
                    units(rcu, r.computedRcu(), reported),
                    units(r.perThousand(rcu), r.perThousand(r.computedRcu()), reported),
                    r.conflicts(), r.failed());
        }
        System.out.println();
        long distributions = IntStream.range(0, o.series())
                .filter(i -> Workloads.metricOf(i).type() == MetricType.DISTRIBUTION).count();
        System.out.printf(Locale.ROOT, "Series mix: %d gauges and counters (10-minute slabs), %d distributions "
                + "(1-minute slabs).%n", o.series() - distributions, distributions);
        for (ScenarioResult r : results) {
            double rollupWcu = reported ? r.rollupWcu() : r.computedRollupWcu();
            System.out.printf(Locale.ROOT, "%s: %.1f WCU per 1,000 points on the rollup table = $%.3f per million "
                            + "points at $1.25 per million write request units ($%.3f at $0.625); "
                            + "simulated in %.0f s.%n",
                    r.name(), r.perThousand(rollupWcu), r.perThousand(rollupWcu) * 1.25 / 1000,
                    r.perThousand(rollupWcu) * 0.625 / 1000, r.wallSeconds());
        }
        for (ScenarioResult r : results) {
            System.out.printf(Locale.ROOT, "%s: largest rollup item written: %d bytes (1 KB = 1 write unit).%n",
                    r.name(), r.rollupItemsMaxBytes());
        }
        System.out.println("Goal: under 200 WCU per 1,000 points.");
    }

    private static String units(double value, double computed, boolean reported) {
        return reported ? String.format(Locale.ROOT, "%,.1f [%,.1f]", value, computed)
                : String.format(Locale.ROOT, "%,.1f", computed);
    }
}

package dev.longwatch.bench;

import dev.longwatch.aws.dynamodb.DynamoDbCompactionStateStore;
import dev.longwatch.aws.dynamodb.DynamoDbEventStore;
import dev.longwatch.aws.dynamodb.DynamoDbRollupStore;
import dev.longwatch.aws.dynamodb.DynamoDbSeriesIndex;
import dev.longwatch.aws.dynamodb.TableNames;
import dev.longwatch.aws.dynamodb.TableSetup;
import dev.longwatch.core.archive.ArchiveCompactor;
import dev.longwatch.core.archive.ArchiveService;
import dev.longwatch.core.archive.MinuteTierWriter;
import dev.longwatch.core.rollup.LateArrivals;
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
 * <p>The simulated event source mappings behave as Lambda's for Kinesis: a shard's batch is handed over when its
 * batching window has passed or when it holds {@code --batch-size} records (Lambda's maximum is 10,000), whichever
 * comes first; records beyond a full batch go in the next one at once. The archive consumer (the real
 * {@link ArchiveService} on a {@link CountingArchiveStore}) is a second mapping with its own window, and the
 * scheduled compactor also runs the real {@link ArchiveCompactor}, as on AWS: S3 requests and bytes are counted.
 *
 * <p>Options: {@code --series=10000 --interval=60 --hours=2 --window=60 --shards=1 --batch-size=10000
 * --archive-window=60 --minute-tier=stream}. With {@code --minute-tier=archive} there is no rollup mapping: the
 * archive consumer registers series, and the scheduled compactor runs the archive first, whose merge of each hour
 * writes its minute slabs (MinuteTierWriter), then the rollup tiers, as ScheduledCompactorHandler does then.
 */
public final class CostHarness {
    static final long T0 = WriteUnitsHarness.T0;
    /** DynamoDB bills storage as the item's bytes plus 100 bytes of overhead per item. */
    static final int ITEM_OVERHEAD_BYTES = 100;

    record Options(int series, int intervalSeconds, int hours, int windowSeconds, int shards, int batchSize,
                   int archiveWindowSeconds, boolean minuteTierFromArchive) {
        static Options parse(String[] args) {
            int series = 10_000;
            int interval = 60;
            int hours = 2;
            int window = 60;
            int shards = 1;
            int batchSize = 10_000;
            int archiveWindow = 60;
            boolean fromArchive = false;
            for (String a : args) {
                String[] kv = a.split("=", 2);
                if (kv.length == 2 && kv[0].equals("--minute-tier")) {
                    if (!kv[1].equals("stream") && !kv[1].equals("archive")) {
                        throw new IllegalArgumentException("--minute-tier must be stream or archive");
                    }
                    fromArchive = kv[1].equals("archive");
                    continue;
                }
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
                    case "--batch-size" -> batchSize = v;
                    case "--archive-window" -> archiveWindow = v;
                    default -> throw new IllegalArgumentException("unknown option " + kv[0]
                            + "; use --series, --interval, --hours, --window, --shards, --batch-size or "
                            + "--archive-window");
                }
            }
            if (series < 10 || hours < 1 || shards < 1 || interval < 1 || 60 % interval != 0
                    || window < 1 || window > 300 || archiveWindow < 1 || archiveWindow > 300
                    || batchSize < 1 || batchSize > 10_000) {
                throw new IllegalArgumentException("need series >= 10, hours >= 1, shards >= 1, an interval that "
                        + "divides 60 s, batching windows of 1-300 s and a batch size of 1-10,000 records "
                        + "(Lambda's limits for Kinesis)");
            }
            return new Options(series, interval, hours, window, shards, batchSize, archiveWindow, fromArchive);
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

    /**
     * One event source mapping: per shard, a batch is handed to {@code apply} when the window has passed since the
     * last hand-over or when {@code batchSize} records wait, whichever comes first.
     */
    static final class Mapping {
        final int consumer;
        final long windowMillis;
        final int batchSize;
        final long[] due;
        final java.util.function.Function<List<RollupService.IncomingRecord>, Long> apply;
        final Invocations calls = new Invocations();
        long records;
        long fullBatches;

        Mapping(int consumer, int shards, long start, long windowMillis, int batchSize,
                java.util.function.Function<List<RollupService.IncomingRecord>, Long> apply) {
            this.consumer = consumer;
            this.windowMillis = windowMillis;
            this.batchSize = batchSize;
            this.due = new long[shards];
            Arrays.fill(due, start + windowMillis);
            this.apply = apply;
        }

        long nextDue() {
            return Arrays.stream(due).min().orElse(Long.MAX_VALUE);
        }

        /** Hands over every batch whose window closed by {@code t} (at the time it closed), oldest first. */
        long deliverDue(SimulatedStream stream, SimulatedClock clock, long t) {
            long applied = 0;
            while (true) {
                int shard = -1;
                for (int i = 0; i < due.length; i++) {
                    if (due[i] <= t && (shard < 0 || due[i] < due[shard])) {
                        shard = i;
                    }
                }
                if (shard < 0) {
                    return applied;
                }
                clock.set(due[shard]);
                applied += hand(stream, shard);
                due[shard] += windowMillis;
            }
        }

        /** Hands over full batches at once, as Lambda does when a shard has a batch's worth of records. */
        long deliverFull(SimulatedStream stream, SimulatedClock clock, long t) {
            long applied = 0;
            for (int shard = 0; shard < due.length; shard++) {
                while (stream.waiting(consumer, shard) >= batchSize) {
                    clock.set(t);
                    applied += hand(stream, shard);
                    fullBatches++;
                    due[shard] = t + windowMillis;
                }
            }
            return applied;
        }

        private long hand(SimulatedStream stream, int shard) {
            List<RollupService.IncomingRecord> batch = stream.take(consumer, shard, batchSize);
            if (batch.isEmpty()) {
                return 0;
            }
            long s = System.nanoTime();
            long applied = apply.apply(batch);
            calls.add(s);
            records += batch.size();
            return applied;
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
        SimulatedStream stream = new SimulatedStream(o.shards(), 2, clock);
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
        // The archive as AwsWiring wires it: consumer and compactor (10-minute grace) on the object store.
        CountingArchiveStore s3 = new CountingArchiveStore();
        // --minute-tier=archive: as AwsWiring wires LONGWATCH_MINUTE_TIER=archive (series registered by the archive
        // consumer, minute slabs written by the archive compactor); minute writes are counted per metric type.
        MinuteWrites minuteWrites = new MinuteWrites(rollups);
        ArchiveService archive = o.minuteTierFromArchive()
                ? new ArchiveService(new StreamRecords(payloads), s3, PlatformMetrics.NONE, clock, 16,
                new DynamoDbSeriesIndex(ddb, tables.series(), metrics), new LateArrivals(state, metrics))
                : new ArchiveService(new StreamRecords(payloads), s3, PlatformMetrics.NONE, clock, 16);
        ArchiveCompactor archiveCompactor = o.minuteTierFromArchive()
                ? new ArchiveCompactor(s3, PlatformMetrics.NONE, Duration.ofMinutes(10), 16, new MinuteTierWriter(
                minuteWrites, new LateArrivals(state, metrics), retention, metrics, clock, 16))
                : new ArchiveCompactor(s3, PlatformMetrics.NONE, Duration.ofMinutes(10), 16);

        Invocations ingestCalls = new Invocations();
        Invocations compactorCalls = new Invocations();
        Invocations compactorWorking = new Invocations();
        long[] pointsApplied = {0};
        long[] pointsArchived = {0};
        int hoursCompacted = 0;
        int archiveHoursCompacted = 0;
        int compactorSlabWrites = 0;

        long intervalMillis = o.intervalSeconds() * 1000L;
        Mapping rollupMapping = new Mapping(0, o.shards(), T0, o.windowSeconds() * 1000L, o.batchSize(), batch -> {
            RollupService.BatchOutcome out = rollup.apply(batch);
            if (!out.failedSequenceNumbers().isEmpty()) {
                throw new IllegalStateException("rollup failed records: " + out.failedSequenceNumbers());
            }
            pointsApplied[0] += out.pointsApplied();
            return out.pointsApplied();
        });
        Mapping archiveMapping = new Mapping(1, o.shards(), T0, o.archiveWindowSeconds() * 1000L, o.batchSize(),
                batch -> {
                    ArchiveService.BatchOutcome out = archive.apply(batch.stream().map(r ->
                            new ArchiveService.IncomingRecord(r.shardId(), r.sequenceNumber(), r.data())).toList());
                    if (!out.failedSequenceNumbers().isEmpty()) {
                        throw new IllegalStateException("archive failed records: " + out.failedSequenceNumbers());
                    }
                    pointsArchived[0] += out.pointsArchived();
                    return out.pointsArchived();
                });
        List<Mapping> mappings = o.minuteTierFromArchive() ? List.of(archiveMapping)
                : List.of(rollupMapping, archiveMapping);
        Integer[] byPhase = IntStream.range(0, hosts).boxed().toArray(Integer[]::new);
        Arrays.sort(byPhase, Comparator.comparingLong(h -> WriteUnitsHarness.phase(h, intervalMillis)));
        SplittableRandom rnd = new SplittableRandom(7);
        long ingestEnd = T0 + o.hours() * 3_600_000L;
        // Run on until the last hour is past its grace and compacted (rollups: 5 minutes, archive: 10), so every
        // hour written is also rolled up and its archive objects merged.
        long end = ingestEnd + Duration.ofMinutes(12).toMillis();
        long nextCompactor = T0 + 60_000;
        long nextTick = T0;
        long started = System.nanoTime();

        while (true) {
            long nextWindow = mappings.stream().mapToLong(Mapping::nextDue).min().orElse(Long.MAX_VALUE);
            long next = Math.min(nextTick < ingestEnd ? nextTick : Long.MAX_VALUE, Math.min(nextWindow, nextCompactor));
            if (next > end) {
                break;
            }
            if (next == nextWindow) {
                for (Mapping m : mappings) {
                    m.deliverDue(stream, clock, next);
                }
            } else if (next == nextCompactor) {
                clock.set(nextCompactor);
                long t = System.nanoTime();
                CompactionReport r;
                ArchiveCompactor.Report a;
                if (o.minuteTierFromArchive()) {
                    a = archiveCompactor.run(clock, Duration.ofMinutes(5));
                    r = compactor.run(Duration.ofMinutes(14), a::mergedBefore);
                } else {
                    r = compactor.run(Duration.ofMinutes(14));
                    a = archiveCompactor.run(clock, Duration.ofMinutes(5));
                }
                compactorCalls.add(t);
                if (r.failedTenants() > 0 || a.problems() > 0) {
                    throw new IllegalStateException("compaction failed: " + r + " " + a);
                }
                archiveHoursCompacted += a.hoursCompacted();
                if (r.hoursCompacted() > 0 || a.hoursCompacted() > 0) {
                    compactorWorking.count++;
                    compactorWorking.nanos += System.nanoTime() - t;
                    hoursCompacted += r.hoursCompacted();
                    compactorSlabWrites += r.slabWrites();
                    System.out.printf(Locale.ROOT, "  %s compactor: %d hour(s) compacted, %,d slab writes; archive: "
                                    + "%d hour(s), %,d points merged (%.1f s)%n", Instant.ofEpochMilli(nextCompactor),
                            r.hoursCompacted(), r.slabWrites(), a.hoursCompacted(), a.pointsMerged(),
                            (System.nanoTime() - t) / 1e9);
                }
                if ((nextCompactor - T0) % 600_000 == 0) {
                    System.out.printf(Locale.ROOT, "  %s  %,d points rolled up, %,.0f WCU so far (%.0f s)%n",
                            Instant.ofEpochMilli(nextCompactor), pointsApplied[0], totalUnits(metrics, tables),
                            (System.nanoTime() - started) / 1e9);
                }
                nextCompactor += 60_000;
            } else {
                for (int h : byPhase) {
                    long t = nextTick + WriteUnitsHarness.phase(h, intervalMillis);
                    // Windows that close before this report is sent are delivered first.
                    for (Mapping m : mappings) {
                        m.deliverDue(stream, clock, t);
                    }
                    clock.set(t);
                    long s = System.nanoTime();
                    IngestResult r = ingest.ingestMetrics(Workloads.TENANT,
                            WriteUnitsHarness.hostReport(h, series, t, rnd));
                    ingestCalls.add(s);
                    if (!r.rejected().isEmpty()) {
                        throw new IllegalStateException("the simulated report was refused: " + r.rejected());
                    }
                    for (Mapping m : mappings) {
                        m.deliverFull(stream, clock, t);
                    }
                }
                nextTick += intervalMillis;
            }
        }
        if (o.minuteTierFromArchive()) {
            pointsApplied[0] = points; // no rollup consumer: the minutes come from the archive
        }
        if (pointsApplied[0] != points || pointsArchived[0] != points) {
            throw new IllegalStateException("expected " + points + " points rolled up and archived, got "
                    + pointsApplied[0] + " and " + pointsArchived[0]);
        }
        Invocations rollupCalls = rollupMapping.calls;
        long compactorRunsDuringIngest = o.hours() * 60L;

        System.out.printf(Locale.ROOT, "%n== Counts (%,d points, %d h of reports; wall %.0f s) ==%n", points,
                o.hours(), (System.nanoTime() - started) / 1e9);
        System.out.printf(Locale.ROOT, "ingest API requests (= ingest Lambda invocations): %,d (%.2f ms each here)%n",
                ingestCalls.count, ingestCalls.meanMillis());
        System.out.printf(Locale.ROOT, "Kinesis: %,d PutRecords calls, %,d records, %,d bytes (%.1f B/record), "
                        + "%,d KB billed on-demand (1 KB-rounded), %,d PUT payload units (25 KB)%n",
                kinesis.calls, kinesis.records, kinesis.bytes, (double) kinesis.bytes / kinesis.records,
                kinesis.kbRounded, kinesis.payloadUnits);
        System.out.printf(Locale.ROOT, "rollup Lambda invocations: %,d (%.0f ms each here, DynamoDB Local in-process), "
                        + "%.0f records each, %,d of them full batches (%,d records)%n", rollupCalls.count,
                rollupCalls.meanMillis(), (double) rollupMapping.records / rollupCalls.count, rollupMapping.fullBatches,
                o.batchSize());
        System.out.printf(Locale.ROOT, "archive Lambda invocations: %,d (%.0f ms each here), %.0f records each%n",
                archiveMapping.calls.count, archiveMapping.calls.meanMillis(),
                (double) archiveMapping.records / archiveMapping.calls.count);
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
        if (o.minuteTierFromArchive()) {
            System.out.printf(Locale.ROOT, "minute tier from the archive: %,.0f minute-slab writes, %,.0f unchanged%n",
                    metrics.counter("MinuteTierSlabWrites"), metrics.counter("MinuteTierSlabsUnchanged"));
            minuteWrites.byType.forEach((type, n) -> System.out.printf(Locale.ROOT,
                    "  minute-slab puts of %s series: %,d (%.1f per 1,000 points of all types)%n", type, n[0],
                    n[0] * 1000.0 / points));
        }

        System.out.println();
        System.out.println("== S3 archive ==");
        System.out.printf(Locale.ROOT, "requests: %,d PUT (%,d bytes sent), %,d GET (%,d bytes read), %,d LIST, %,d DELETE"
                        + "; %d archive hours compacted%n", s3.puts, s3.putBytes, s3.gets, s3.getBytes, s3.lists,
                s3.deletes, archiveHoursCompacted);
        System.out.printf(Locale.ROOT, "per 1,000 points: %.3f PUT, %.3f GET, %.3f LIST%n", s3.puts * 1000.0 / points,
                s3.gets * 1000.0 / points, s3.lists * 1000.0 / points);
        long archivedBytes = 0;
        for (Map.Entry<String, long[]> e : s3.storedByKind().entrySet()) {
            archivedBytes += e.getValue()[1];
            System.out.printf(Locale.ROOT, "stored %s: %,d objects, %,d bytes%n", e.getKey(), e.getValue()[0],
                    e.getValue()[1]);
        }
        System.out.printf(Locale.ROOT, "archive: %.2f bytes per point stored%n", (double) archivedBytes / points);

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

    /** Counts the minute-slab puts per metric type (the rest goes to the real store). */
    static final class MinuteWrites implements dev.longwatch.core.rollup.RollupStore {
        final dev.longwatch.core.rollup.RollupStore real;
        final Map<dev.longwatch.model.MetricType, long[]> byType = new java.util.concurrent.ConcurrentSkipListMap<>();

        MinuteWrites(dev.longwatch.core.rollup.RollupStore real) {
            this.real = real;
        }

        @Override
        public Map<dev.longwatch.core.rollup.SlabKey, dev.longwatch.core.rollup.Slab> load(
                java.util.Collection<dev.longwatch.core.rollup.SlabKey> keys) {
            return real.load(keys);
        }

        @Override
        public boolean put(dev.longwatch.core.rollup.Slab slab) {
            if (slab.key().tier() == dev.longwatch.core.rollup.Tier.MINUTE) {
                long[] n = byType.computeIfAbsent(slab.key().type(), t -> new long[1]);
                synchronized (n) {
                    n[0]++;
                }
            }
            return real.put(slab);
        }

        @Override
        public List<dev.longwatch.core.rollup.Slab> range(dev.longwatch.core.rollup.SlabKey first, long toStart) {
            return real.range(first, toStart);
        }

        @Override
        public List<dev.longwatch.core.rollup.Slab> range(dev.longwatch.core.rollup.SlabKey first, long toStart,
                                                         boolean consistent) {
            return real.range(first, toStart, consistent);
        }
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

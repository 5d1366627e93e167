package dev.longwatch.bench;

import dev.longwatch.aws.dynamodb.DynamoDbCompactionStateStore;
import dev.longwatch.aws.dynamodb.DynamoDbEventStore;
import dev.longwatch.aws.dynamodb.DynamoDbRollupStore;
import dev.longwatch.aws.dynamodb.DynamoDbSeriesIndex;
import dev.longwatch.aws.dynamodb.TableNames;
import dev.longwatch.aws.dynamodb.TableSetup;
import dev.longwatch.core.archive.ArchiveCompactor;
import dev.longwatch.core.archive.ArchiveReader;
import dev.longwatch.core.archive.ArchiveService;
import dev.longwatch.core.archive.MinuteTierWriter;
import dev.longwatch.core.query.QueryService;
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
import dev.longwatch.model.StreamPacker;
import dev.longwatch.model.StreamRecords;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.dynamodb.services.local.embedded.DynamoDBEmbedded;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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

    /** How points reach the stream (docs/cost.md, "Scenarios"). */
    enum IngestWay {
        /** Every host sends its own request per report: the API, the ingest Lambda, one publish per host. */
        PER_HOST,
        /** A collector gateway gathers the hosts' reports and sends one request per flush (under the body limit). */
        COLLECTOR,
        /** A collector puts packed records on the stream itself (PutRecords): no API Gateway, no ingest Lambda. */
        KINESIS;

        static IngestWay parse(String s) {
            return switch (s) {
                case "per-host" -> PER_HOST;
                case "collector" -> COLLECTOR;
                case "kinesis" -> KINESIS;
                default -> throw new IllegalArgumentException("--ingest must be per-host, collector or kinesis, got "
                        + s);
            };
        }

        String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /**
     * The ingest side of a run: way, collector flush interval, partition buckets, shards actually rolled up, and
     * (with {@code --ingest=kinesis}) whether the producer keys records by bucket or, to measure what the consumers'
     * shard affinity is worth, puts each flush in one record under a new key ({@code --keys=flush}).
     */
    record IngestOptions(IngestWay way, int flushSeconds, int buckets, int consumeShards, boolean keyPerFlush) {
        static final IngestOptions DEFAULT = new IngestOptions(IngestWay.PER_HOST, 10, StreamPacker.DEFAULT_BUCKETS, 0,
                false);
    }

    record Options(int series, int intervalSeconds, int hours, int windowSeconds, int shards, int batchSize,
                   int archiveWindowSeconds, IngestOptions ingest, boolean minuteTierFromArchive) {
        Options(int series, int intervalSeconds, int hours, int windowSeconds, int shards, int batchSize,
                int archiveWindowSeconds) {
            this(series, intervalSeconds, hours, windowSeconds, shards, batchSize, archiveWindowSeconds,
                    IngestOptions.DEFAULT, false);
        }

        /** Shards whose records are rolled up and archived (all unless {@code --consume-shards}). */
        int consumedShards() {
            return ingest.consumeShards() == 0 ? shards : ingest.consumeShards();
        }

        static Options parse(String[] args) {
            int series = 10_000;
            int interval = 60;
            int hours = 2;
            int window = 60;
            int shards = 1;
            int batchSize = 10_000;
            int archiveWindow = 60;
            IngestWay way = IngestWay.PER_HOST;
            int flush = 10;
            int buckets = StreamPacker.DEFAULT_BUCKETS;
            int consumeShards = 0;
            boolean keyPerFlush = false;
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
                if (kv[0].equals("--ingest")) {
                    way = IngestWay.parse(kv[1]);
                    continue;
                }
                if (kv[0].equals("--keys")) {
                    if (!kv[1].equals("bucket") && !kv[1].equals("flush")) {
                        throw new IllegalArgumentException("--keys must be bucket or flush, got " + kv[1]);
                    }
                    keyPerFlush = kv[1].equals("flush");
                    continue;
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
                    case "--flush" -> flush = v;
                    case "--buckets" -> buckets = v;
                    case "--consume-shards" -> consumeShards = v;
                    default -> throw new IllegalArgumentException("unknown option " + kv[0]
                            + "; use --series, --interval, --hours, --window, --shards, --batch-size, "
                            + "--archive-window, --ingest, --flush, --buckets or --consume-shards");
                }
            }
            if (flush < 1 || flush > 60 || 60 % flush != 0 || buckets < 1 || buckets > StreamPacker.MAX_BUCKETS
                    || consumeShards < 0 || consumeShards > shards) {
                throw new IllegalArgumentException("need a flush interval that divides 60 s, 1-" + StreamPacker.MAX_BUCKETS
                        + " buckets and --consume-shards between 1 and --shards");
            }
            if (keyPerFlush && (way != IngestWay.KINESIS || (consumeShards != 0 && consumeShards != shards))) {
                throw new IllegalArgumentException("--keys=flush needs --ingest=kinesis and every shard rolled up (a "
                        + "series is then on every shard)");
            }
            if (series < 10 || hours < 1 || shards < 1 || interval < 1 || 60 % interval != 0
                    || window < 1 || window > 300 || archiveWindow < 1 || archiveWindow > 300
                    || batchSize < 1 || batchSize > 10_000) {
                throw new IllegalArgumentException("need series >= 10, hours >= 1, shards >= 1, an interval that "
                        + "divides 60 s, batching windows of 1-300 s and a batch size of 1-10,000 records "
                        + "(Lambda's limits for Kinesis)");
            }
            return new Options(series, interval, hours, window, shards, batchSize, archiveWindow,
                    new IngestOptions(way, flush, buckets, consumeShards, keyPerFlush), fromArchive);
        }
    }

    /**
     * Counts what PutRecords would be billed for, then hands the records to the simulated stream. Also keeps, per
     * shard and second, the records and bytes written: the peaks decide how many provisioned shards are needed.
     */
    static final class CountingPublisher implements StreamPublisher {
        private final StreamPublisher next;
        private final java.time.Clock clock;
        private final java.util.function.ToIntFunction<String> shardOf;
        long calls;
        long records;
        long bytes;
        long kbRounded;
        long payloadUnits;
        /** Per shard: second → {records, bytes}. */
        final Map<Integer, Map<Long, long[]>> perSecond = new TreeMap<>();

        CountingPublisher(StreamPublisher next) {
            this(next, null, k -> 0);
        }

        CountingPublisher(StreamPublisher next, java.time.Clock clock, java.util.function.ToIntFunction<String> shardOf) {
            this.next = next;
            this.clock = clock;
            this.shardOf = shardOf;
        }

        @Override
        public void publish(List<OutgoingRecord> out) {
            // As KinesisStreamPublisher: at most 500 records and 5 MiB per PutRecords call.
            long callBytes = 0;
            int callRecords = 0;
            for (OutgoingRecord r : out) {
                long size = r.data().length + r.partitionKey().length(); // Kinesis counts the key too
                if (callRecords == 0 || callRecords == 500 || callBytes + size > 5L * 1024 * 1024) {
                    calls++;
                    callRecords = 0;
                    callBytes = 0;
                }
                callRecords++;
                callBytes += size;
                records++;
                bytes += size;
                kbRounded += (size + 1023) / 1024;
                payloadUnits += (size + 25_599) / 25_600;
                if (clock != null) {
                    long[] v = perSecond.computeIfAbsent(shardOf.applyAsInt(r.partitionKey()), k -> new TreeMap<>())
                            .computeIfAbsent(clock.millis() / 1000, k -> new long[2]);
                    v[0]++;
                    v[1] += size;
                }
            }
            next.publish(out);
        }

        /** The highest records and bytes any shard took in one second: {records, bytes}. */
        long[] peakPerShardSecond() {
            long[] peak = new long[2];
            for (Map<Long, long[]> shard : perSecond.values()) {
                for (long[] v : shard.values()) {
                    peak[0] = Math.max(peak[0], v[0]);
                    peak[1] = Math.max(peak[1], v[1]);
                }
            }
            return peak;
        }
    }

    /**
     * A collector gateway: takes the hosts' reports as they come and sends them on every {@code flush} — as one
     * ingest API request (split below the 1 MiB body limit) or, with {@code --ingest=kinesis}, as records packed
     * the way the ingest API packs them, put on the stream directly.
     */
    static final class Gateway {
        /** Below the API's 1 MiB body limit, with room for the wrapper. */
        static final int MAX_BODY_BYTES = 1_000_000;
        private final List<byte[]> buffered = new ArrayList<>();
        private int bufferedBytes;
        long requests;
        long flushes;
        long largestBody;

        void add(byte[] hostReport) {
            buffered.add(hostReport);
            bufferedBytes += hostReport.length;
        }

        boolean isEmpty() {
            return buffered.isEmpty();
        }

        /** The buffered reports as request bodies of at most {@link #MAX_BODY_BYTES}; the buffer is then empty. */
        List<byte[]> drainBodies() {
            List<byte[]> bodies = new ArrayList<>();
            java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream(Math.min(bufferedBytes, MAX_BODY_BYTES));
            for (byte[] report : buffered) {
                // A host report is {"series":[...]}: take what is between the brackets.
                int from = "{\"series\":[".length();
                int to = report.length - 2;
                if (body.size() > 0 && body.size() + (to - from) + 3 > MAX_BODY_BYTES) {
                    bodies.add(close(body));
                    body.reset();
                }
                body.write(body.size() == 0 ? '{' : ',');
                if (body.size() == 1) {
                    body.writeBytes("\"series\":[".getBytes(java.nio.charset.StandardCharsets.UTF_8));
                }
                body.write(report, from, to - from);
            }
            if (body.size() > 0) {
                bodies.add(close(body));
            }
            buffered.clear();
            bufferedBytes = 0;
            flushes++;
            requests += bodies.size();
            bodies.forEach(b -> largestBody = Math.max(largestBody, b.length));
            return bodies;
        }

        private static byte[] close(java.io.ByteArrayOutputStream body) {
            body.writeBytes("]}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return body.toByteArray();
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
        long pointsPerSeries = (long) o.hours() * 3600 / o.intervalSeconds();
        IngestOptions io = o.ingest();
        // The series on the shards that are rolled up (all, unless --consume-shards): their points are checked.
        long consumedSeries = IntStream.range(0, series).filter(i -> SimulatedStream.shardOf(
                StreamPacker.partitionKey(StreamPacker.bucketOf(Workloads.seriesId(i), io.buckets()), io.buckets()),
                o.shards()) < o.consumedShards()).count();
        long points = consumedSeries * pointsPerSeries;
        System.out.printf(Locale.ROOT, "Cost harness: %,d series (%,d hosts x %d), ingest %s%s, %d partition "
                        + "bucket(s), one point every %d s, %d simulated hours = %,d points; %d s batching window, "
                        + "%d shard(s), %d of them rolled up and archived (%,d series, %,d points); compactor every "
                        + "minute%n", series, hosts, Workloads.HOST_METRICS.size(), io.way().label(),
                io.way() == IngestWay.PER_HOST ? " (one request per host per report)"
                        : " (flush every " + io.flushSeconds() + " s" + (io.keyPerFlush() ? ", a key per flush" : "")
                        + ")", io.buckets(), o.intervalSeconds(), o.hours(),
                series * pointsPerSeries, o.windowSeconds(), o.shards(), o.consumedShards(), consumedSeries, points);
        System.out.println("Starting DynamoDB Local in-process ...");
        DynamoDbClient local = DynamoDBEmbedded.create(true).dynamoDbClient();
        CapacityMeter ddb = new CapacityMeter(local);
        TableNames tables = TableNames.defaults();
        TableSetup.createIfMissing(ddb, tables);

        SimulatedClock clock = new SimulatedClock(T0);
        Payloads payloads = Workloads.payloads(clock);
        InMemoryMetrics metrics = new InMemoryMetrics();
        Retention retention = Retention.DEFAULTS;
        SimulatedStream stream = new SimulatedStream(o.shards(), o.consumedShards(), 2, clock);
        CountingPublisher kinesis = new CountingPublisher(stream, clock, stream::shardOf);
        IngestService ingest = new IngestService(payloads, kinesis, PlatformMetrics.NONE, io.buckets());
        StreamPacker producerPacker = new StreamPacker(new StreamRecords(payloads), io.keyPerFlush() ? 1 : io.buckets());
        Gateway gateway = new Gateway();
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

        // In archive mode the evaluator reads the minutes not compacted yet from the archive once per tenant and
        // round (every minute): one warm container's reader, as AwsWiring wires it (1,024 cached objects, 300-s lag
        // bounded by the tenant's compacted hours). Its S3 requests are counted apart (CountingArchiveStore).
        QueryService.FreshTail evaluatorTail = o.minuteTierFromArchive() ? QueryService.FreshTail.untilCompacted(
                new ArchiveReader(s3.readerView(), 8, 1024), Duration.ofSeconds(300)) : null;
        Invocations readerRounds = new Invocations();
        long[] readerSeries = {0};
        Invocations ingestCalls = new Invocations();
        Invocations producerCalls = new Invocations();
        Invocations compactorCalls = new Invocations();
        Invocations compactorWorking = new Invocations();
        long[] pointsApplied = {0};
        long[] pointsArchived = {0};
        int hoursCompacted = 0;
        int archiveHoursCompacted = 0;
        int compactorSlabWrites = 0;

        long intervalMillis = o.intervalSeconds() * 1000L;
        Mapping rollupMapping = new Mapping(0, o.consumedShards(), T0, o.windowSeconds() * 1000L, o.batchSize(), batch -> {
            RollupService.BatchOutcome out = rollup.apply(batch);
            if (!out.failedSequenceNumbers().isEmpty()) {
                throw new IllegalStateException("rollup failed records: " + out.failedSequenceNumbers());
            }
            pointsApplied[0] += out.pointsApplied();
            return out.pointsApplied();
        });
        Mapping archiveMapping = new Mapping(1, o.consumedShards(), T0, o.archiveWindowSeconds() * 1000L, o.batchSize(),
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
        long flushMillis = io.flushSeconds() * 1000L;
        long[] nextFlush = {io.way() == IngestWay.PER_HOST ? Long.MAX_VALUE : T0 + flushMillis};
        long started = System.nanoTime();
        // The collector's flush at time f: one API request per body (collector) or packed records put directly.
        java.util.function.LongConsumer flush = f -> {
            for (Mapping m : mappings) {
                m.deliverDue(stream, clock, f);
            }
            clock.set(f);
            if (!gateway.isEmpty()) {
                for (byte[] body : gateway.drainBodies()) {
                    long s = System.nanoTime();
                    if (io.way() == IngestWay.COLLECTOR) {
                        IngestResult r = ingest.ingestMetrics(Workloads.TENANT, body);
                        ingestCalls.add(s);
                        if (!r.rejected().isEmpty()) {
                            throw new IllegalStateException("the collector's request was refused: " + r.rejected());
                        }
                    } else {
                        // The producer holds its points in memory; parsing the body stands in for that.
                        List<StreamPublisher.OutgoingRecord> out = new ArrayList<>();
                        for (StreamPacker.Packed p : producerPacker.packMetrics(Workloads.TENANT,
                                payloads.parseMetrics(body).series())) {
                            // --keys=flush: every record of a flush under a key of its own (no shard affinity).
                            out.add(new StreamPublisher.OutgoingRecord(io.keyPerFlush() ? "flush-" + gateway.flushes
                                    : p.partitionKey(), p.data()));
                        }
                        kinesis.publish(out);
                        producerCalls.add(s);
                    }
                }
            }
            for (Mapping m : mappings) {
                m.deliverFull(stream, clock, f);
            }
            nextFlush[0] = f + flushMillis;
        };

        while (true) {
            long nextWindow = mappings.stream().mapToLong(Mapping::nextDue).min().orElse(Long.MAX_VALUE);
            long next = Math.min(nextTick < ingestEnd ? nextTick : Long.MAX_VALUE, Math.min(nextWindow, nextCompactor));
            if (nextFlush[0] <= ingestEnd + flushMillis && nextFlush[0] < next && nextFlush[0] <= end) {
                flush.accept(nextFlush[0]);
                continue;
            }
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
                if (evaluatorTail != null && nextCompactor <= ingestEnd) {
                    long s = System.nanoTime();
                    long from = evaluatorTail.from(nextCompactor, state.progress(Workloads.TENANT).orElse(null));
                    readerSeries[0] += evaluatorTail.reader().aggregate(Workloads.TENANT, from, nextCompactor,
                            ArchiveReader.Resolution.MINUTE, k -> true).size();
                    readerRounds.add(s);
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
                    while (nextFlush[0] <= t) {
                        flush.accept(nextFlush[0]);
                    }
                    clock.set(t);
                    byte[] report = WriteUnitsHarness.hostReport(h, series, t, rnd);
                    if (io.way() != IngestWay.PER_HOST) {
                        gateway.add(report);
                        continue;
                    }
                    long s = System.nanoTime();
                    IngestResult r = ingest.ingestMetrics(Workloads.TENANT, report);
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
        long allPoints = series * pointsPerSeries;
        System.out.printf(Locale.ROOT, "ingest API requests (= ingest Lambda invocations): %,d (%.2f ms each here)%s%n",
                ingestCalls.count, ingestCalls.meanMillis(), io.way() == IngestWay.PER_HOST ? ""
                        : String.format(Locale.ROOT, "; collector flushes %,d, largest body %,d bytes%s",
                        gateway.flushes, gateway.largestBody, io.way() == IngestWay.KINESIS ? String.format(Locale.ROOT,
                                ", producer packing %.2f ms per flush here", producerCalls.meanMillis()) : ""));
        System.out.printf(Locale.ROOT, "Kinesis (all %d shards, all %,d points): %,d PutRecords calls, %,d records "
                        + "(%.3f per point), %,d bytes (%.1f B/record, %.2f B/point), %,d KB billed on-demand "
                        + "(1 KB-rounded; %.1f per 1,000 points), %,d PUT payload units (25 KB; %.1f per 1,000 points)%n",
                o.shards(), allPoints, kinesis.calls, kinesis.records, (double) kinesis.records / allPoints,
                kinesis.bytes, (double) kinesis.bytes / kinesis.records, (double) kinesis.bytes / allPoints,
                kinesis.kbRounded, kinesis.kbRounded * 1000.0 / allPoints, kinesis.payloadUnits,
                kinesis.payloadUnits * 1000.0 / allPoints);
        printStreamNeeds(o, kinesis);
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
        if (evaluatorTail != null) {
            System.out.printf(Locale.ROOT, "evaluator's fresh tail (one round a minute, warm container): %d rounds, "
                            + "%,d GET, %,d LIST; %.0f series a round, %.1f ms each here%n", readerRounds.count,
                    s3.readerGets, s3.readerLists, (double) readerSeries[0] / Math.max(1, readerRounds.count),
                    readerRounds.count == 0 ? 0.0 : readerRounds.nanos / 1e6 / readerRounds.count);
        }
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

    /**
     * What a provisioned stream needs for this load: per shard 1 MiB/s and 1,000 records/s in (Kinesis's limits),
     * with 2x headroom over the busiest second any shard saw, and few enough records per shard that a batching window
     * fills before Lambda's 10,000-record batch limit (else the window is cut short: more rollup writes).
     */
    static void printStreamNeeds(Options o, CountingPublisher kinesis) {
        double seconds = o.hours() * 3600.0;
        long[] peak = kinesis.peakPerShardSecond();
        double recordsPerSecond = kinesis.records / seconds;
        double bytesPerSecond = kinesis.bytes / seconds;
        // On `shards` shards the busiest shard took peak[]; on one shard it would take all shards' busiest second.
        long busiestRecords = 0;
        long busiestBytes = 0;
        Map<Long, long[]> total = new TreeMap<>();
        for (Map<Long, long[]> shard : kinesis.perSecond.values()) {
            shard.forEach((sec, v) -> {
                long[] t = total.computeIfAbsent(sec, k -> new long[2]);
                t[0] += v[0];
                t[1] += v[1];
            });
        }
        for (long[] v : total.values()) {
            busiestRecords = Math.max(busiestRecords, v[0]);
            busiestBytes = Math.max(busiestBytes, v[1]);
        }
        int forThroughput = (int) Math.max(1, Math.ceil(2.0 * Math.max(busiestRecords / 1000.0,
                busiestBytes / 1_048_576.0)));
        int forWindow = (int) Math.max(1, Math.ceil(recordsPerSecond * o.windowSeconds() / 10_000.0));
        System.out.printf(Locale.ROOT, "stream load: %.1f records/s, %,.0f B/s on average; busiest second %,d records, "
                        + "%,d bytes over the stream (%,d records, %,d bytes on the busiest shard); provisioned "
                        + "shards needed: %d for throughput (2x headroom), %d so that a %d-s window fits a "
                        + "10,000-record batch -> %d (a bucket never spans shards: at most %d shards carry data)%n",
                recordsPerSecond, bytesPerSecond, busiestRecords, busiestBytes, peak[0], peak[1], forThroughput,
                forWindow, o.windowSeconds(), Math.max(forThroughput, forWindow), o.ingest().buckets());
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

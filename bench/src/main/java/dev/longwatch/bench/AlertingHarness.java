package dev.longwatch.bench;

import dev.longwatch.aws.dynamodb.DynamoDbAlertStateStore;
import dev.longwatch.aws.dynamodb.DynamoDbEventStore;
import dev.longwatch.aws.dynamodb.DynamoDbMonitorStore;
import dev.longwatch.aws.dynamodb.DynamoDbRollupStore;
import dev.longwatch.aws.dynamodb.DynamoDbSeriesIndex;
import dev.longwatch.aws.dynamodb.TableNames;
import dev.longwatch.aws.dynamodb.TableSetup;
import dev.longwatch.core.alerting.AlertInstance;
import dev.longwatch.core.alerting.AlertStateStore;
import dev.longwatch.core.alerting.MonitorStore;
import dev.longwatch.core.alerting.backtest.BacktestService;
import dev.longwatch.core.alerting.evaluate.EvaluatorService;
import dev.longwatch.core.events.EventStore;
import dev.longwatch.core.rollup.RollupStore;
import dev.longwatch.core.rollup.Slab;
import dev.longwatch.core.rollup.SlabKey;
import dev.longwatch.core.rollup.Tier;
import dev.longwatch.core.series.SeriesDescriptor;
import dev.longwatch.core.series.SeriesIndex;
import dev.longwatch.core.telemetry.InMemoryMetrics;
import dev.longwatch.core.telemetry.PlatformMetrics;
import dev.longwatch.model.Aggregate;
import dev.longwatch.model.MetricType;
import dev.longwatch.model.Tags;
import dev.longwatch.model.alerting.AlertTransition;
import dev.longwatch.model.alerting.Monitor;
import dev.longwatch.model.alerting.Monitors;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.dynamodb.services.local.embedded.DynamoDBEmbedded;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The alerting engine's figures (docs/performance.md, "Alerting"):
 * <ol>
 * <li>evaluator throughput on one core: N monitors (default 10,000) over in-memory ports, per evaluated minute;</li>
 * <li>DynamoDB requests per evaluation: the same evaluator on DynamoDB Local (default 1,000 monitors), every
 * request counted by operation, with the items read;</li>
 * <li>a 30-day backtest at one-minute evaluation of one monitor over 10 series (in memory).</li>
 * </ol>
 * Run with {@code -Djdk.virtualThreadScheduler.parallelism=1} so the figure is per core ({@code bench/run alerting}).
 */
public final class AlertingHarness {
    static final long MINUTE = 60_000;
    static final long T0 = 1_795_000_000_000L / MINUTE * MINUTE;
    static final String[] METRICS = {"cpu", "mem", "latency", "rps", "errors", "disk", "queue", "gc", "threads", "io"};
    static final int SERVICES = 5;
    static final int HOSTS = 10;

    public static void main(String[] args) throws Exception {
        int monitors = intArg(args, "--monitors", 10_000);
        int tenants = intArg(args, "--tenants", 10);
        int ddbMonitors = intArg(args, "--ddb-monitors", 1_000);
        int backtestDays = intArg(args, "--backtest-days", 30);
        System.out.printf(Locale.ROOT, "Alerting harness: %,d monitors over %d tenants (CPU), %,d on DynamoDB Local, "
                + "backtest %d days%n", monitors, tenants, ddbMonitors, backtestDays);
        cpu(monitors, tenants);
        dynamo(ddbMonitors);
        backtest(backtestDays);
    }

    static int intArg(String[] args, String name, int dflt) {
        for (String a : args) {
            if (a.startsWith(name + "=")) {
                return Integer.parseInt(a.substring(name.length() + 1));
            }
        }
        return dflt;
    }

    // ---------------------------------------------------------------------------------------------------------

    static void cpu(int monitors, int tenants) {
        InMemoryRollupStore rollups = new InMemoryRollupStore();
        InMemorySeriesIndex index = new InMemorySeriesIndex();
        MemoryMonitors store = new MemoryMonitors();
        MemoryStates states = new MemoryStates();
        Random random = new Random(42);
        int series = 0;
        for (int t = 0; t < tenants; t++) {
            series += seed("tenant-" + t, 40, rollups, index, random);
            for (int i = 0; i < monitors / tenants; i++) {
                store.create("tenant-" + t, monitor(i, random).stored("mon_" + t + "_" + i, 1, T0, T0, "bench"));
            }
        }
        List<AlertTransition> sent = new ArrayList<>();
        EvaluatorService evaluator = new EvaluatorService(store, states, index, rollups, new MemoryEvents(),
                sent::addAll, PlatformMetrics.NONE, 1);
        System.out.printf(Locale.ROOT, "%n== Evaluator, one core, in-memory ports: %,d monitors, %,d series, "
                + "groupBy host (10 groups each)%n", monitors, series);
        for (int m = 30; m < 36; m++) {
            long start = System.nanoTime();
            EvaluatorService.Report r = evaluator.run(T0 + m * MINUTE, 0, 1);
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf(Locale.ROOT, "minute %d: %,d monitors, %,d instances in %.2f s = %,.0f monitors/s; "
                            + "%,d writes, %,d transitions, %,d slabs read%n", m, r.monitors(), r.instances(), seconds,
                    r.monitors() / seconds, r.writes(), r.transitions(), r.slabReads());
        }
    }

    /** 10 metrics × 5 services × 10 hosts, 40 minutes of one point a minute. */
    static int seed(String tenant, int minutes, RollupStore rollups, SeriesIndex index, Random random) {
        List<SeriesDescriptor> all = new ArrayList<>();
        for (String metric : METRICS) {
            for (int s = 0; s < SERVICES; s++) {
                for (int h = 0; h < HOSTS; h++) {
                    SeriesDescriptor d = new SeriesDescriptor(tenant, metric, MetricType.GAUGE,
                            Tags.of("service", "s" + s, "host", "h" + h), metric + "-" + s + "-" + h);
                    all.add(d);
                    write(rollups, d, T0, minutes, random);
                }
            }
        }
        index.register(all);
        return all.size();
    }

    static void write(RollupStore rollups, SeriesDescriptor d, long from, int minutes, Random random) {
        long slab = Tier.MINUTE.slabMillis(d.type());
        for (long start = Tier.MINUTE.slabStart(from, d.type()); start < from + minutes * MINUTE; start += slab) {
            SlabKey key = new SlabKey(d.qualifiedId(), Tier.MINUTE, d.type(), start);
            Aggregate[] slots = new Aggregate[Tier.MINUTE.slotsPerSlab(d.type())];
            for (int i = 0; i < slots.length; i++) {
                long t = start + i * MINUTE;
                if (t >= from && t < from + minutes * MINUTE) {
                    slots[i] = new Aggregate();
                    slots[i].add(t, 50 + random.nextGaussian() * 15, false);
                }
            }
            if (!rollups.put(new Slab(key, slots, Map.of(), 1))) {
                throw new IllegalStateException("slab already stored");
            }
        }
    }

    /** A mix: 70% threshold, 10% change, 10% absence, 10% threshold with M of N and pending. */
    static Monitor monitor(int i, Random random) {
        String metric = METRICS[i % METRICS.length];
        String service = "s" + (i / METRICS.length) % SERVICES;
        int kind = i % 10;
        String query = """
                {"metric": "%s", "filters": ["service:%s"], "groupBy": ["host"], "agg": "avg", "window": "5m"}"""
                .formatted(metric, service);
        String json = switch (kind) {
            case 7 -> """
                    {"name": "m%d", "kind": "change", "query": %s,
                     "condition": {"op": "above", "mode": "percent", "ago": "10m", "critical": 80}}""".formatted(i, query);
            case 8 -> """
                    {"name": "m%d", "kind": "absence", "query": %s, "condition": {"for": "10m"}}""".formatted(i, query);
            case 9 -> """
                    {"name": "m%d", "kind": "threshold", "query": %s, "condition": {"op": "above", "critical": %d},
                     "evaluation": {"datapoints": 3, "outOf": 5, "pendingFor": "3m"}}"""
                    .formatted(i, query, 60 + random.nextInt(20));
            default -> """
                    {"name": "m%d", "kind": "threshold", "query": %s,
                     "condition": {"op": "above", "critical": %d, "warning": %d}}"""
                    .formatted(i, query, 70 + random.nextInt(20), 60 + random.nextInt(10));
        };
        return Monitors.parse(json);
    }

    // ---------------------------------------------------------------------------------------------------------

    static void dynamo(int monitors) {
        DynamoDbClient local = DynamoDBEmbedded.create(true).dynamoDbClient();
        RequestCounter ddb = new RequestCounter(local);
        TableNames tables = TableNames.defaults().prefixed("alerting-bench-");
        TableSetup.createIfMissing(local, tables);
        InMemoryMetrics metrics = new InMemoryMetrics();
        DynamoDbRollupStore rollups = new DynamoDbRollupStore(ddb, tables.rollups(), metrics);
        DynamoDbSeriesIndex index = new DynamoDbSeriesIndex(ddb, tables.series(), metrics);
        DynamoDbMonitorStore store = new DynamoDbMonitorStore(ddb, tables.alerting());
        DynamoDbAlertStateStore states = new DynamoDbAlertStateStore(ddb, tables.alerting(), metrics);
        Random random = new Random(7);
        int series = seed("acme", 40, rollups, index, random);
        for (int i = 0; i < monitors; i++) {
            store.create("acme", monitor(i, random).stored("mon_" + i, 1, T0, T0, "bench"));
        }
        EvaluatorService evaluator = new EvaluatorService(store, states, index, rollups,
                new DynamoDbEventStore(ddb, tables.events(), metrics), t -> { }, metrics, 32);
        System.out.printf(Locale.ROOT, "%n== DynamoDB requests per evaluation (DynamoDB Local): %,d monitors of one "
                + "tenant, %,d series%n", monitors, series);
        for (int m = 30; m < 33; m++) {
            ddb.reset();
            long start = System.nanoTime();
            EvaluatorService.Report r = evaluator.run(T0 + m * MINUTE, 0, 1);
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf(Locale.ROOT, "minute %d: %,d monitors, %,d instances, %.2f s; reads: %s; items read %,d "
                            + "(%,d slabs); writes: %s%n", m, r.monitors(), r.instances(), seconds, ddb.reads(),
                    ddb.itemsRead(), r.slabReads(), ddb.writes());
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    static void backtest(int days) {
        InMemoryRollupStore rollups = new InMemoryRollupStore();
        InMemorySeriesIndex index = new InMemorySeriesIndex();
        Random random = new Random(3);
        List<SeriesDescriptor> all = new ArrayList<>();
        int minutes = days * 24 * 60;
        for (int h = 0; h < HOSTS; h++) {
            SeriesDescriptor d = new SeriesDescriptor("acme", "cpu", MetricType.GAUGE, Tags.of("host", "h" + h),
                    "cpu-" + h);
            all.add(d);
            write(rollups, d, T0, minutes + 10, random);
        }
        index.register(all);
        Monitor m = Monitors.parse("""
                {"name": "cpu", "kind": "threshold",
                 "query": {"metric": "cpu", "groupBy": ["host"], "agg": "avg", "window": "5m"},
                 "condition": {"op": "above", "critical": 70, "warning": 65, "recovery": 60},
                 "evaluation": {"pendingFor": "2m", "datapoints": 2, "outOf": 3}}""")
                .stored("mon_bt", 1, T0, T0, "bench");
        BacktestService service = new BacktestService(index, rollups, new MemoryEvents(), 1);
        System.out.printf(Locale.ROOT, "%n== Backtest: one monitor, %d days at 1-minute evaluation, %d series "
                + "(groupBy host), in-memory rollups%n", days, HOSTS);
        for (int run = 0; run < 3; run++) {
            long start = System.nanoTime();
            BacktestService.Result r = service.run("acme", m, T0 + 10 * MINUTE, T0 + (minutes + 10) * MINUTE);
            double seconds = (System.nanoTime() - start) / 1e9;
            int transitions = r.instances().stream().mapToInt(i -> i.timeline().size()).sum();
            int notes = r.instances().stream().mapToInt(i -> i.notifications().size()).sum();
            System.out.printf(Locale.ROOT, "run %d: %,d evaluations × %d instances in %.2f s; %,d slabs read; "
                    + "%,d transitions, %,d notifications%n", run + 1, r.evaluations(), r.instances().size(), seconds,
                    r.slabReads(), transitions, notes);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // In-memory ports for the CPU figures

    static final class MemoryMonitors implements MonitorStore {
        final Map<String, Map<String, Monitor>> byTenant = new ConcurrentHashMap<>();

        @Override
        public boolean create(String tenant, Monitor m) {
            return byTenant.computeIfAbsent(tenant, t -> new ConcurrentHashMap<>()).putIfAbsent(m.id(), m) == null;
        }

        @Override
        public boolean update(String tenant, Monitor m) {
            byTenant.get(tenant).put(m.id(), m);
            return true;
        }

        @Override
        public boolean delete(String tenant, String id, long version) {
            return byTenant.get(tenant).remove(id) != null;
        }

        @Override
        public Optional<Monitor> get(String tenant, String id) {
            return Optional.ofNullable(byTenant.getOrDefault(tenant, Map.of()).get(id));
        }

        @Override
        public List<Monitor> list(String tenant) {
            return new ArrayList<>(byTenant.getOrDefault(tenant, Map.of()).values());
        }

        @Override
        public List<String> tenants() {
            return new ArrayList<>(byTenant.keySet());
        }
    }

    static final class MemoryStates implements AlertStateStore {
        final Map<String, Map<String, AlertInstance>> byTenant = new ConcurrentHashMap<>();

        @Override
        public List<AlertInstance> instances(String tenant) {
            return new ArrayList<>(byTenant.getOrDefault(tenant, Map.of()).values());
        }

        @Override
        public Optional<AlertInstance> get(String tenant, String alertId) {
            return Optional.ofNullable(byTenant.getOrDefault(tenant, Map.of()).get(alertId));
        }

        @Override
        public boolean save(String tenant, AlertInstance next, List<AlertTransition> transitions) {
            Map<String, AlertInstance> m = byTenant.computeIfAbsent(tenant, t -> new ConcurrentHashMap<>());
            AlertInstance current = m.get(next.alertId());
            if ((current == null ? 0 : current.version()) != next.version() - 1) {
                return false;
            }
            m.put(next.alertId(), next);
            return true;
        }

        @Override
        public List<AlertTransition> transitions(String tenant, String alertId, int limit) {
            return List.of();
        }

        @Override
        public void deleteInstances(String tenant, String monitorId) {
        }
    }

    static final class MemoryEvents implements EventStore {
        @Override
        public void putAll(java.util.Collection<TenantEvent> events) {
        }

        @Override
        public List<dev.longwatch.model.Event> find(String tenant, long from, long to, int limit) {
            return List.of();
        }
    }
}

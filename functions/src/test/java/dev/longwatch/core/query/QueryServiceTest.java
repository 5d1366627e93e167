package dev.longwatch.core.query;

import dev.longwatch.aws.dynamodb.DynamoDbEventStore;
import dev.longwatch.aws.dynamodb.DynamoDbRollupStore;
import dev.longwatch.aws.dynamodb.DynamoDbSeriesIndex;
import dev.longwatch.aws.dynamodb.TableNames;
import dev.longwatch.core.rollup.RollupService;
import dev.longwatch.core.series.SeriesDescriptor;
import dev.longwatch.core.series.SeriesIndex;
import dev.longwatch.core.telemetry.InMemoryMetrics;
import dev.longwatch.model.IngestLimits;
import dev.longwatch.model.MetricType;
import dev.longwatch.model.PayloadException;
import dev.longwatch.model.Payloads;
import dev.longwatch.model.Series;
import dev.longwatch.model.StreamRecord;
import dev.longwatch.model.StreamRecords;
import dev.longwatch.model.Tags;
import dev.longwatch.testing.LocalDynamo;
import dev.longwatch.testing.MutableClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Queries over rollups in DynamoDB Local, written the way production writes them: stream records encoded by
 * {@link StreamRecords}, applied by {@link RollupService}, read by the DynamoDB adapters.
 */
class QueryServiceTest {
    /** On an hour boundary, so also on every slab and step boundary used below. */
    static final long T0 = Instant.parse("2026-11-20T10:00:00Z").toEpochMilli();
    static final long MIN = 60_000;

    final MutableClock clock = new MutableClock(Instant.ofEpochMilli(T0 + 2 * 3_600_000));
    final StreamRecords codec = new StreamRecords(new Payloads(IngestLimits.DEFAULT, clock, () -> "ev"));
    final InMemoryMetrics metrics = new InMemoryMetrics();
    DynamoDbSeriesIndex index;
    RollupService rollups;
    QueryService queries;
    long sequence = 1;

    @BeforeEach
    void setUp() {
        TableNames tables = LocalDynamo.freshTables();
        index = new DynamoDbSeriesIndex(LocalDynamo.client(), tables.series(), metrics);
        DynamoDbRollupStore store = new DynamoDbRollupStore(LocalDynamo.client(), tables.rollups(), metrics);
        rollups = new RollupService(codec, store, index,
                new DynamoDbEventStore(LocalDynamo.client(), tables.events(), metrics), metrics, clock, 8);
        queries = new QueryService(index, store, clock, 8);
    }

    /** Puts each series on the "stream" as its own record and rolls the batch up. */
    void write(String tenant, Series... series) {
        List<RollupService.IncomingRecord> batch = new ArrayList<>();
        for (Series s : series) {
            batch.add(new RollupService.IncomingRecord("shardId-000000000000", Long.toString(sequence++), T0,
                    codec.encode(new StreamRecord.Metrics(tenant, List.of(s)))));
        }
        RollupService.BatchOutcome outcome = rollups.apply(batch);
        assertEquals(List.of(), outcome.failedSequenceNumbers(), "the test data is written");
    }

    static Series series(String metric, MetricType type, Tags tags, long[] times, double[] values) {
        return new Series(metric, type, tags, times, values);
    }

    /** One gauge point per minute for minutes 0..19 (at :30), value base + minute. */
    static Series perMinute(String metric, Tags tags, double base) {
        long[] ts = new long[20];
        double[] vs = new double[20];
        for (int m = 0; m < 20; m++) {
            ts[m] = T0 + m * MIN + 30_000;
            vs[m] = base + m;
        }
        return series(metric, MetricType.GAUGE, tags, ts, vs);
    }

    static final Tags A = Tags.of("host", "a", "region", "eu");
    static final Tags B = Tags.of("host", "b", "region", "eu");
    static final Tags C = Tags.of("host", "c", "region", "us");
    static final Tags LB = Tags.of("role", "lb", "region", "us");

    void writeCpu() {
        write("acme", perMinute("cpu", A, 100), perMinute("cpu", B, 200), perMinute("cpu", C, 300),
                perMinute("cpu", LB, 400));
    }

    QueryResult run(String tenant, String metric, List<String> filters, List<String> groupBy, String agg, long from,
                    long to, String step) {
        return queries.query(tenant, queries.parse(metric, filters, groupBy, agg, Long.toString(from),
                Long.toString(to), step));
    }

    QueryResult sumPerMinute(List<String> filters, List<String> groupBy) {
        return run("acme", "cpu", filters, groupBy, "sum", T0, T0 + 20 * MIN, "1m");
    }

    static double[] linear(double base, double slope, int n) {
        double[] out = new double[n];
        for (int m = 0; m < n; m++) {
            out[m] = base + slope * m;
        }
        return out;
    }

    static long[] minutes(int from, int count) {
        long[] out = new long[count];
        for (int i = 0; i < count; i++) {
            out[i] = T0 + (from + i) * MIN;
        }
        return out;
    }

    static QueryResult.ResultSeries only(QueryResult r) {
        assertEquals(1, r.series().size(), () -> "one series expected, got " + r.series().size());
        return r.series().get(0);
    }

    // ---- filters ----

    @Test
    void aKeyValueFilterSelectsOnlyTheSeriesWithThatValue() {
        writeCpu();
        QueryResult.ResultSeries s = only(sumPerMinute(List.of("host:a"), List.of()));
        assertEquals(Map.of(), s.tags());
        assertArrayEquals(minutes(0, 20), s.times());
        assertArrayEquals(linear(100, 1, 20), s.values());
    }

    @Test
    void aHasKeyFilterSelectsEverySeriesThatHasTheKey() {
        writeCpu();
        assertArrayEquals(linear(600, 3, 20), only(sumPerMinute(List.of("host:*"), List.of())).values());
    }

    @Test
    void aNegatedFilterSelectsSeriesWithAnotherValueOrWithoutTheKey() {
        writeCpu();
        assertArrayEquals(linear(900, 3, 20), only(sumPerMinute(List.of("!host:a"), List.of())).values());
        assertArrayEquals(linear(400, 1, 20), only(sumPerMinute(List.of("!host:*"), List.of())).values());
    }

    @Test
    void severalFiltersMustAllMatch() {
        writeCpu();
        assertArrayEquals(linear(200, 1, 20), only(sumPerMinute(List.of("region:eu", "!host:a"), List.of())).values());
    }

    @Test
    void withoutFiltersOrGroupByEverySeriesIsMergedIntoOne() {
        writeCpu();
        QueryResult.ResultSeries s = only(sumPerMinute(List.of(), List.of()));
        assertEquals(Map.of(), s.tags());
        assertArrayEquals(linear(1000, 4, 20), s.values());
    }

    @Test
    void aFilterThatMatchesNothingGivesNoSeries() {
        writeCpu();
        assertEquals(List.of(), sumPerMinute(List.of("host:zzz"), List.of()).series());
    }

    // ---- group by ----

    @Test
    void groupByOneKeyGivesOneSeriesPerValue() {
        writeCpu();
        QueryResult r = sumPerMinute(List.of(), List.of("region"));
        assertEquals(List.of(Map.of("region", "eu"), Map.of("region", "us")),
                r.series().stream().map(QueryResult.ResultSeries::tags).toList());
        assertArrayEquals(linear(300, 2, 20), r.series().get(0).values());
        assertArrayEquals(linear(700, 2, 20), r.series().get(1).values());
    }

    @Test
    void seriesWithoutTheGroupByKeyFormTheirOwnGroup() {
        writeCpu();
        QueryResult r = sumPerMinute(List.of(), List.of("host"));
        assertEquals(List.of(Map.of(), Map.of("host", "a"), Map.of("host", "b"), Map.of("host", "c")),
                r.series().stream().map(QueryResult.ResultSeries::tags).toList());
        assertArrayEquals(linear(400, 1, 20), r.series().get(0).values());
    }

    @Test
    void groupByTwoKeysGivesOneSeriesPerCombination() {
        writeCpu();
        write("acme", perMinute("cpu", Tags.of("host", "a", "region", "eu", "core", "1"), 1000));
        for (List<String> groupBy : List.of(List.of("host,region"), List.of("region", "host"), List.of(" host , region"))) {
            QueryResult r = sumPerMinute(List.of(), groupBy);
            assertEquals(List.of(Map.of("host", "a", "region", "eu"), Map.of("host", "b", "region", "eu"),
                            Map.of("host", "c", "region", "us"), Map.of("region", "us")),
                    r.series().stream().map(QueryResult.ResultSeries::tags).toList(), "groupBy " + groupBy);
            assertArrayEquals(linear(1100, 2, 20), r.series().get(0).values(), "host a merges both of its series");
        }
    }

    @Test
    void groupsWhoseTagsPrintAlikeStayApart() {
        // Tag values may hold ", " and "=": {a="b, c=d"} and {a=b, c=d} print the same but are different groups.
        write("acme", perMinute("odd", Tags.of("a", "b, c=d"), 1), perMinute("odd", Tags.of("a", "b", "c", "d"), 2));
        QueryResult r = run("acme", "odd", List.of(), List.of("a,c"), "sum", T0, T0 + MIN, "1m");
        assertEquals(2, r.series().size(), () -> "groups: " + r.series().stream().map(QueryResult.ResultSeries::tags).toList());
    }

    // ---- aggregations ----

    void writeTemperatures() {
        // Minute 0: 4 @10s, 8 @20s, 6 @50s (arriving last-first); minute 1: -2 @5s, 10 @40s.
        write("acme", series("temp", MetricType.GAUGE, Tags.EMPTY, new long[]{T0 + 50_000}, new double[]{6}));
        write("acme", series("temp", MetricType.GAUGE, Tags.EMPTY, new long[]{T0 + 20_000, T0 + 10_000},
                new double[]{8, 4}));
        write("acme", series("temp", MetricType.GAUGE, Tags.EMPTY, new long[]{T0 + MIN + 40_000, T0 + MIN + 5_000},
                new double[]{10, -2}));
    }

    double single(String agg, String step) {
        QueryResult.ResultSeries s = only(run("acme", "temp", List.of(), List.of(), agg, T0, T0 + 2 * MIN, step));
        assertEquals(T0, s.times()[0]);
        return s.values()[0];
    }

    @Test
    void everyScalarAggregationIsExactOverTheStep() {
        writeTemperatures();
        assertEquals(5.2, single("avg", "2m"), 1e-12);
        assertEquals(26, single("sum", "2m"));
        assertEquals(-2, single("min", "2m"));
        assertEquals(10, single("max", "2m"));
        assertEquals(5, single("count", "2m"));
        assertEquals(10, single("last", "2m"));
    }

    @Test
    void lastIsTheValueWithTheLatestTimestampNotTheLatestArrival() {
        writeTemperatures();
        assertEquals(6, single("last", "1m"));
    }

    @Test
    void theDefaultAggregationIsTheAverage() {
        writeTemperatures();
        QueryResult r = queries.query("acme", queries.parse("temp", List.of(), List.of(), null, Long.toString(T0),
                Long.toString(T0 + 2 * MIN), "2m"));
        assertEquals("avg", r.agg());
        assertEquals(5.2, only(r).values()[0], 1e-12);
    }

    @Test
    void percentilesOfADistributionAreWithinOnePercentOfTheRawSamples() {
        Random random = new Random(11);
        List<Double> raw = new ArrayList<>();
        List<Series> batch = new ArrayList<>();
        for (String host : List.of("a", "b", "c")) {
            for (int part = 0; part < 4; part++) {
                long[] ts = new long[2_500];
                double[] vs = new double[ts.length];
                for (int i = 0; i < ts.length; i++) {
                    ts[i] = T0 + random.nextInt(10) * MIN + random.nextInt(60_000);
                    vs[i] = Math.exp(Math.log(80) + random.nextGaussian());
                    raw.add(vs[i]);
                }
                batch.add(series("latency", MetricType.DISTRIBUTION, Tags.of("host", host), ts, vs));
            }
        }
        // Two batches, so slabs are written, read back and merged again.
        write("acme", batch.subList(0, 6).toArray(Series[]::new));
        write("acme", batch.subList(6, 12).toArray(Series[]::new));
        double[] sorted = raw.stream().mapToDouble(Double::doubleValue).sorted().toArray();

        for (String agg : List.of("p50", "p90", "p95", "p99")) {
            double q = Integer.parseInt(agg.substring(1)) / 100.0;
            double exact = sorted[(int) Math.floor(q * (sorted.length - 1))];
            double estimate = only(run("acme", "latency", List.of(), List.of(), agg, T0, T0 + 10 * MIN, "10m"))
                    .values()[0];
            assertTrue(Math.abs(estimate - exact) / exact <= 0.01 + 1e-9,
                    agg + ": " + estimate + " vs exact " + exact);
        }
        assertEquals(30_000, only(run("acme", "latency", List.of(), List.of(), "count", T0, T0 + 10 * MIN, "10m"))
                .values()[0]);
    }

    @Test
    void aPercentileOfAGaugeIsRefusedNamingAgg() {
        writeCpu();
        PayloadException e = assertThrows(PayloadException.class, () -> sumPerMinuteWith("p99"));
        assertEquals("agg", e.field());
        assertTrue(e.reason().contains("p99 needs a distribution metric; cpu is a gauge"), e.reason());
    }

    QueryResult sumPerMinuteWith(String agg) {
        return run("acme", "cpu", List.of(), List.of(), agg, T0, T0 + 20 * MIN, "1m");
    }

    // ---- time ----

    @Test
    void bucketsStartAtMultiplesOfTheStep() {
        writeCpu();
        QueryResult.ResultSeries s = only(run("acme", "cpu", List.of("host:a"), List.of(), "sum", T0 + 2 * MIN,
                T0 + 20 * MIN, "5m"));
        assertArrayEquals(new long[]{T0, T0 + 5 * MIN, T0 + 10 * MIN, T0 + 15 * MIN}, s.times());
        assertArrayEquals(new double[]{102 + 103 + 104, 105 + 106 + 107 + 108 + 109, 110 + 111 + 112 + 113 + 114,
                115 + 116 + 117 + 118 + 119}, s.values());

        QueryResult.ResultSeries seven = only(run("acme", "cpu", List.of("host:a"), List.of(), "count", T0,
                T0 + 20 * MIN, "7m"));
        for (long t : seven.times()) {
            assertEquals(0, t % (7 * MIN), "bucket " + t + " is aligned to 7 minutes");
        }
        assertEquals(20, Arrays.stream(seven.values()).sum(), "every point is in exactly one bucket");
    }

    @Test
    void fromIsInclusiveAndToIsExclusive() {
        write("acme", series("edge", MetricType.GAUGE, Tags.EMPTY,
                new long[]{T0 + 3 * MIN - 1, T0 + 3 * MIN, T0 + 6 * MIN - 1, T0 + 6 * MIN},
                new double[]{8, 1, 2, 4}));
        QueryResult.ResultSeries s = only(run("acme", "edge", List.of(), List.of(), "sum", T0 + 3 * MIN, T0 + 6 * MIN, "3m"));
        assertArrayEquals(new long[]{T0 + 3 * MIN}, s.times());
        assertArrayEquals(new double[]{3}, s.values());
    }

    @Test
    void aRangeAcrossSlabBoundariesReadsEverySlab() {
        writeCpu();
        QueryResult.ResultSeries s = only(run("acme", "cpu", List.of("host:a"), List.of(), "max", T0 + 8 * MIN,
                T0 + 13 * MIN, "1m"));
        assertArrayEquals(minutes(8, 5), s.times());
        assertArrayEquals(linear(108, 1, 5), s.values());
    }

    @Test
    void stepsWithoutDataAreLeftOut() {
        write("acme", series("sparse", MetricType.COUNTER, Tags.EMPTY, new long[]{T0 + 30_000, T0 + 5 * MIN},
                new double[]{1, 2}));
        QueryResult.ResultSeries s = only(run("acme", "sparse", List.of(), List.of(), "sum", T0, T0 + 10 * MIN, "1m"));
        assertArrayEquals(new long[]{T0, T0 + 5 * MIN}, s.times());
    }

    @Test
    void anUnknownMetricGivesAnEmptyResult() {
        writeCpu();
        QueryResult r = run("acme", "no.such.metric", List.of(), List.of(), "avg", T0, T0 + 20 * MIN, "1m");
        assertEquals(List.of(), r.series());
        assertEquals("no.such.metric", r.metric());
        assertEquals(T0, r.from());
        assertEquals(T0 + 20 * MIN, r.to());
        assertEquals(MIN, r.step());
    }

    // ---- limits ----

    @Test
    void moreSeriesThanOneQueryMayReadIsRefusedNamingFilter() {
        List<SeriesDescriptor> many = new ArrayList<>();
        for (int i = 0; i <= QueryService.MAX_SERIES; i++) {
            many.add(SeriesDescriptor.of(new Series("wide", MetricType.GAUGE, Tags.of("pod", "pod-" + i),
                    new long[0], new double[0]).key("acme")));
        }
        index.register(many);

        PayloadException e = assertThrows(PayloadException.class,
                () -> run("acme", "wide", List.of(), List.of(), "avg", T0, T0 + 10 * MIN, "1m"));
        assertEquals("filter", e.field());
        assertTrue(e.reason().startsWith((QueryService.MAX_SERIES + 1) + " series match; at most "
                + QueryService.MAX_SERIES), e.reason());
        // Narrowed by a filter, the same metric can be read (its one series has no points yet, so no result series).
        QueryResult narrowed = run("acme", "wide", List.of("pod:pod-7"), List.of(), "avg", T0, T0 + 10 * MIN, "1m");
        assertEquals(0, narrowed.series().size());
    }

    @Test
    void aQueryThatWouldReadTooManyRollupItemsIsRefused() {
        // Distributions keep one minute per item: 13 series over 27 days at a minute-tier step are ~505,000 items.
        List<SeriesDescriptor> many = new ArrayList<>();
        for (int i = 0; i < 13; i++) {
            many.add(SeriesDescriptor.of(new Series("latency", MetricType.DISTRIBUTION, Tags.of("pod", "pod-" + i),
                    new long[0], new double[0]).key("acme")));
        }
        index.register(many);
        long days27 = 27L * 86_400_000;
        PayloadException e = assertThrows(PayloadException.class,
                () -> run("acme", "latency", List.of(), List.of(), "p99", T0 - days27, T0 + MIN, "5m"));
        assertEquals("from", e.field());
        assertTrue(e.reason().contains("rollup items; at most " + QueryService.MAX_SLAB_READS), e.reason());
    }

    // ---- tenants ----

    @Test
    void aTenantNeverSeesAnotherTenantsSeriesEvenWithTheSameMetricAndTags() {
        write("acme", perMinute("cpu", A, 100));
        write("globex", perMinute("cpu", A, 5000), perMinute("globex.only", A, 1));

        assertArrayEquals(linear(100, 1, 20), only(sumPerMinute(List.of(), List.of())).values());
        assertArrayEquals(linear(5000, 1, 20),
                only(run("globex", "cpu", List.of(), List.of(), "sum", T0, T0 + 20 * MIN, "1m")).values());
        assertEquals(List.of(), run("acme", "globex.only", List.of(), List.of(), "sum", T0, T0 + 20 * MIN, "1m").series());
        assertEquals(List.of(), run("initech", "cpu", List.of(), List.of(), "sum", T0, T0 + 20 * MIN, "1m").series());

        assertEquals(List.of(new SeriesIndex.MetricInfo("cpu", MetricType.GAUGE)), queries.metrics("acme"));
        assertEquals(List.of("cpu", "globex.only"),
                queries.metrics("globex").stream().map(SeriesIndex.MetricInfo::name).toList());
    }

    @Test
    void tagsListEachKeyWithItsSortedValues() {
        writeCpu();
        assertEquals(Map.of("host", List.of("a", "b", "c"), "region", List.of("eu", "us"), "role", List.of("lb")),
                queries.tags("acme", "cpu"));
        assertEquals(Map.of(), queries.tags("globex", "cpu"));
    }
}

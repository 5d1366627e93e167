package dev.longwatch.core.importer;

import dev.longwatch.aws.cloudwatch.CloudWatchSdkMetricsSource;
import dev.longwatch.aws.dynamodb.DynamoDbImportJobStore;
import dev.longwatch.core.cloudwatch.SeriesStreamWriter;
import dev.longwatch.core.importer.CloudWatchImportService.JobOutcome;
import dev.longwatch.core.importer.CloudWatchImportService.Settings;
import dev.longwatch.core.importer.CloudWatchImportService.Status;
import dev.longwatch.core.ingest.StreamPublisher;
import dev.longwatch.core.ingest.StreamUnavailableException;
import dev.longwatch.core.telemetry.InMemoryMetrics;
import dev.longwatch.model.IngestLimits;
import dev.longwatch.model.MetricType;
import dev.longwatch.model.Payloads;
import dev.longwatch.model.Series;
import dev.longwatch.model.StreamPacker;
import dev.longwatch.model.StreamRecord;
import dev.longwatch.model.StreamRecords;
import dev.longwatch.model.Tags;
import dev.longwatch.testing.FakeCloudWatch;
import dev.longwatch.testing.LocalDynamo;
import dev.longwatch.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The importer end to end below the handler: the real SDK CloudWatch client against {@link FakeCloudWatch}
 * (serving the documented answers), job progress in the state table on DynamoDB Local, points decoded back from
 * the records put on the stream. Time is a {@link MutableClock}; a run's time running out, a second run starting
 * meanwhile, a lease running out are all made to happen at a chosen request, never waited for.
 */
class CloudWatchImportServiceTest {
    static final String CPU_SAMPLE = "/cloudwatch/get-metric-statistics-cpu.json";
    static final Map<String, String> INSTANCE = Map.of("InstanceId", "i-abcdef");
    static final String CPU_MAX = "aws.aws.ec2.CPUUtilization.max";
    /** The day after the documented CPU datapoints (2014-02-18T23:18 .. 2014-02-19T19:18). */
    static final Instant CPU_NOW = Instant.parse("2014-02-20T00:00:00Z");
    static final Instant FAR = Instant.parse("2100-01-01T00:00:00Z");

    final MutableClock clock = new MutableClock(CPU_NOW);
    final FakeCloudWatch cloudWatch = FakeCloudWatch.start();
    final InMemoryMetrics metrics = new InMemoryMetrics();
    final Payloads payloads = new Payloads(IngestLimits.DEFAULT, clock, () -> UUID.randomUUID().toString());
    final CollectingStream stream = new CollectingStream(new StreamRecords(payloads));
    final CloudWatchImportJobs jobs = new CloudWatchImportJobs(IngestLimits.DEFAULT);
    ImportJobStore store;

    /** The stream port in memory: decodes what is published; can be made to fail at a chosen publish. */
    static final class CollectingStream implements StreamPublisher {
        final StreamRecords records;
        final List<Series> published = new ArrayList<>();
        int publishes;
        int failAt = -1;

        CollectingStream(StreamRecords records) {
            this.records = records;
        }

        @Override
        public synchronized void publish(List<OutgoingRecord> batch) {
            if (++publishes == failAt) {
                throw new StreamUnavailableException("the test stream is down", batch.size(), null);
            }
            for (OutgoingRecord r : batch) {
                StreamRecord.Metrics m = (StreamRecord.Metrics) records.decode(r.data()).record();
                for (Series s : m.series()) {
                    assertEquals(StreamPacker.partitionKey(StreamPacker.bucketOf(s.key(m.tenant()).id(),
                            StreamPacker.DEFAULT_BUCKETS), StreamPacker.DEFAULT_BUCKETS), r.partitionKey(),
                            "keyed by the series' bucket, so a series stays on one shard");
                }
                published.addAll(m.series());
            }
        }

        /** Every published point of a series name, in publish order, as [time, value]. */
        synchronized List<List<Number>> points(String name) {
            List<List<Number>> out = new ArrayList<>();
            for (Series s : published) {
                if (s.metric().equals(name)) {
                    for (int i = 0; i < s.size(); i++) {
                        out.add(List.of(s.timestamps()[i], s.values()[i]));
                    }
                }
            }
            return out;
        }
    }

    @BeforeEach
    void setUp() {
        store = new DynamoDbImportJobStore(LocalDynamo.client(), LocalDynamo.freshTables().state());
    }

    @AfterEach
    void stop() {
        cloudWatch.close();
    }

    CloudWatchImportService service(Settings settings) {
        return new CloudWatchImportService(new CloudWatchSdkMetricsSource(cloudWatch.client()), store,
                new SeriesStreamWriter(new StreamRecords(payloads), stream), IngestLimits.DEFAULT, metrics, clock,
                settings);
    }

    /** Six-hour windows at the 1-minute period: the documented CPU day takes five windows. */
    static final Settings SIX_HOUR_WINDOWS = new Settings(Duration.ofMinutes(15), Duration.ofMinutes(16), 360, 100);

    CloudWatchImportJob job(String json) {
        return jobs.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    CloudWatchImportJob cpuJob() {
        return job("""
                {"tenant": "acme", "id": "cpu", "namespace": "AWS/EC2", "metric": "CPUUtilization",
                 "dimensions": {"InstanceId": "i-abcdef"}, "statistics": ["Maximum"], "since": "2014-02-18T23:00:00Z"}""");
    }

    void seedCpu() {
        cloudWatch.putStatisticsSample(CPU_SAMPLE, "AWS/EC2", "CPUUtilization", INSTANCE, "Maximum");
    }

    /** The 21 documented datapoints, oldest first, as [time, value]. */
    static List<List<Number>> documentedCpu() {
        TreeMap<Long, Double> m = new TreeMap<>();
        com.fasterxml.jackson.databind.JsonNode sample;
        try (var in = CloudWatchImportServiceTest.class.getResourceAsStream(CPU_SAMPLE)) {
            sample = new com.fasterxml.jackson.databind.ObjectMapper().readTree(in);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        for (var p : sample.get("Datapoints")) {
            m.put(Instant.parse(p.get("Timestamp").asText()).toEpochMilli(), p.get("Maximum").asDouble());
        }
        List<List<Number>> out = new ArrayList<>();
        m.forEach((t, v) -> out.add(List.of(t, v)));
        return out;
    }

    static List<List<Number>> sorted(List<List<Number>> points) {
        List<List<Number>> out = new ArrayList<>(points);
        out.sort((a, b) -> Long.compare(a.get(0).longValue(), b.get(0).longValue()));
        return out;
    }

    // -----------------------------------------------------------------------------------------------------------

    @Test
    void theDocumentedBillingRequestIsWhatTheImporterSendsAndItsDocumentedAnswerBecomesOnePoint() {
        clock.set(Instant.parse("2024-09-26T18:30:00Z"));
        store.define(job("""
                {"tenant": "acme", "id": "billing", "namespace": "AWS/Billing", "metric": "EstimatedCharges",
                 "dimensions": {"Currency": "USD"}, "statistics": ["Maximum"], "period": 21600,
                 "since": "2024-09-26T12:00:00Z"}"""), "api");
        cloudWatch.replayNext("/cloudwatch/get-metric-data-billing.json");

        JobOutcome o = service(Settings.DEFAULT).run("acme", "billing", "run-1", FAR);

        assertEquals(Status.CAUGHT_UP, o.status());
        assertEquals(1, cloudWatch.requests().size());
        FakeCloudWatch.Received r = cloudWatch.requests().get(0);
        // The request of the AWS CLI example: --start-time 2024-09-26T12:00:00Z --end-time 2024-09-26T18:00:00Z
        assertEquals(Instant.parse("2024-09-26T12:00:00Z"), r.start());
        assertEquals(Instant.parse("2024-09-26T18:00:00Z"), r.end());
        assertEquals(21600, r.period(0));
        assertEquals("Maximum", r.queries().get(0).at("/MetricStat/Stat").asText());
        assertEquals("USD", r.queries().get(0).at("/MetricStat/Metric/Dimensions/0/Value").asText());

        assertEquals(1, stream.published.size());
        Series s = stream.published.get(0);
        assertEquals("aws.aws.billing.EstimatedCharges.max", s.metric());
        assertEquals(MetricType.GAUGE, s.type());
        assertEquals(Tags.of("Currency", "USD", "aws_region", "us-east-1"), s.tags());
        assertEquals(List.of(List.of(Instant.parse("2024-09-26T12:00:00Z").toEpochMilli(), 542.38)),
                stream.points("aws.aws.billing.EstimatedCharges.max"));

        ImportJobStore.Entry e = store.get("acme", "billing").orElseThrow();
        assertEquals(Instant.parse("2024-09-26T18:00:00Z").toEpochMilli(), e.cursor());
        assertEquals(1, e.pointsImported());
        assertNull(e.leaseOwner(), "the lease is given back");
        assertNull(e.lastError());
    }

    @Test
    void theFirstRunWalksBackAsFarAsCloudWatchKeepsDataAtThePeriodItKeepsForEachAge() {
        store.define(job("""
                {"tenant": "acme", "id": "all", "namespace": "AWS/EC2", "metric": "CPUUtilization",
                 "dimensions": {"InstanceId": "i-abcdef"}, "statistics": ["Average"]}"""), "api");

        assertEquals(Status.CAUGHT_UP, service(Settings.DEFAULT).run("acme", "all", "run-1", FAR).status());

        List<FakeCloudWatch.Received> rs = cloudWatch.requests();
        assertEquals(List.of(3600, 300, 60), rs.stream().map(r -> r.period(0)).toList());
        Instant now = CPU_NOW;
        assertEquals(now.minus(Duration.ofDays(454)), rs.get(0).start(), "455 days back, a day inside the edge");
        assertEquals(now.minus(Duration.ofDays(63)).plus(Duration.ofHours(1)), rs.get(0).end());
        assertEquals(rs.get(0).end(), rs.get(1).start());
        assertEquals(now.minus(Duration.ofDays(15)).plus(Duration.ofHours(1)), rs.get(1).end());
        assertEquals(rs.get(1).end(), rs.get(2).start());
        assertEquals(now.minus(Duration.ofMinutes(15)), rs.get(2).end(), "up to the settle delay");
        assertTrue(rs.stream().allMatch(r -> r.nextToken() == null));
    }

    @Test
    void pagesAreFollowedWithNextTokenAndEveryRecordedDatapointIsImportedOnce() {
        seedCpu();
        cloudWatch.pageSize(4);
        store.define(cpuJob(), "api");

        JobOutcome o = service(SIX_HOUR_WINDOWS).run("acme", "cpu", "run-1", FAR);

        assertEquals(Status.CAUGHT_UP, o.status());
        assertEquals(5, o.windows());
        assertEquals(21, o.points());
        assertEquals(documentedCpu(), sorted(stream.points(CPU_MAX)));
        assertEquals(21, stream.points(CPU_MAX).size(), "no datapoint twice");
        List<FakeCloudWatch.Received> rs = cloudWatch.requests();
        assertTrue(rs.stream().anyMatch(r -> r.nextToken() != null), "later pages were asked for");
        for (int i = 1; i < rs.size(); i++) {
            if (rs.get(i).nextToken() != null) {
                assertEquals(rs.get(i - 1).start(), rs.get(i).start(), "a page repeats its window");
                assertEquals(rs.get(i - 1).end(), rs.get(i).end());
            }
        }
        assertEquals(21.0, metrics.counter("CloudWatchPointsImported"));
    }

    @Test
    void aRunStoppedByAStreamOutageResumesAfterTheLastWindowThatReachedTheStream() {
        seedCpu();
        store.define(cpuJob(), "api");
        stream.failAt = 3;

        JobOutcome first = service(SIX_HOUR_WINDOWS).run("acme", "cpu", "run-1", FAR);

        assertEquals(Status.FAILED, first.status());
        assertEquals(2, first.windows());
        ImportJobStore.Entry e = store.get("acme", "cpu").orElseThrow();
        assertEquals(Instant.parse("2014-02-19T11:00:00Z").toEpochMilli(), e.cursor(), "two six-hour windows from 23:00");
        assertTrue(e.lastError().contains("the test stream is down"), e.lastError());
        assertNull(e.leaseOwner());
        cloudWatch.clearRequests();

        JobOutcome second = service(SIX_HOUR_WINDOWS).run("acme", "cpu", "run-2", FAR);

        assertEquals(Status.CAUGHT_UP, second.status());
        assertEquals(Instant.ofEpochMilli(e.cursor()), cloudWatch.requests().get(0).start(), "resumes at the cursor");
        assertEquals(documentedCpu(), sorted(stream.points(CPU_MAX)));
        assertEquals(21, stream.points(CPU_MAX).size(), "the failed window was imported once, by the second run");
        assertNull(store.get("acme", "cpu").orElseThrow().lastError());
    }

    @Test
    void aRunWhoseTimeIsUpStopsBetweenWindowsAndTheNextRunContinues() {
        seedCpu();
        store.define(cpuJob(), "api");
        cloudWatch.onRequest(r -> clock.advance(Duration.ofMinutes(1)));
        Instant deadline = CPU_NOW.plus(Duration.ofSeconds(150));

        JobOutcome first = service(SIX_HOUR_WINDOWS).run("acme", "cpu", "run-1", deadline);

        assertEquals(Status.DEADLINE, first.status());
        assertEquals(3, first.windows(), "windows started at +0, +1 and +2 minutes; the deadline is at +2.5");
        assertEquals(Instant.parse("2014-02-19T17:00:00Z").toEpochMilli(), first.cursor());

        cloudWatch.onRequest(r -> { }); // (a minute per request would always leave one more minute to import)
        JobOutcome second = service(SIX_HOUR_WINDOWS).run("acme", "cpu", "run-2", FAR);

        assertEquals(Status.CAUGHT_UP, second.status());
        assertEquals(documentedCpu(), sorted(stream.points(CPU_MAX)));
        assertEquals(21, stream.points(CPU_MAX).size());
    }

    @Test
    void runningAgainImportsNothingTwiceAndLaterOnlyWhatIsNew() {
        seedCpu();
        store.define(cpuJob(), "api");
        CloudWatchImportService imports = service(SIX_HOUR_WINDOWS);
        imports.run("acme", "cpu", "run-1", FAR);
        cloudWatch.clearRequests();

        JobOutcome again = imports.run("acme", "cpu", "run-2", FAR);

        assertEquals(Status.CAUGHT_UP, again.status());
        assertEquals(0, again.points());
        assertEquals(List.of(), cloudWatch.requests(), "nothing new to ask for");

        Instant later = Instant.parse("2014-02-19T23:50:00Z");
        cloudWatch.put("AWS/EC2", "CPUUtilization", INSTANCE, "Maximum", later, 42.0);
        clock.advance(Duration.ofHours(1));
        JobOutcome hourLater = imports.run("acme", "cpu", "run-3", FAR);

        assertEquals(1, hourLater.points());
        List<List<Number>> expected = new ArrayList<>(documentedCpu());
        expected.add(List.of(later.toEpochMilli(), 42.0));
        assertEquals(expected, sorted(stream.points(CPU_MAX)));
        assertEquals(22, stream.points(CPU_MAX).size());
    }

    @Test
    void aRunStartedWhileAnotherHoldsTheJobImportsNothing() {
        seedCpu();
        store.define(cpuJob(), "api");
        CloudWatchImportService imports = service(SIX_HOUR_WINDOWS);
        AtomicReference<JobOutcome> overlapping = new AtomicReference<>();
        AtomicBoolean once = new AtomicBoolean();
        cloudWatch.onRequest(r -> {
            if (once.compareAndSet(false, true)) {
                overlapping.set(imports.run("acme", "cpu", "run-B", FAR)); // while run-A waits for its first answer
            }
        });

        JobOutcome a = imports.run("acme", "cpu", "run-A", FAR);

        assertEquals(Status.BUSY, overlapping.get().status());
        assertEquals(Status.CAUGHT_UP, a.status());
        assertEquals(a.windows(), cloudWatch.requests().size(), "every request was run-A's");
        assertEquals(documentedCpu(), sorted(stream.points(CPU_MAX)));
        assertEquals(21, stream.points(CPU_MAX).size());
    }

    @Test
    void aRunThatOutlivesItsLeaseStopsAtItsFirstWindowOnceAnotherRunHasTakenTheJobOver() {
        seedCpu();
        store.define(cpuJob(), "api");
        CloudWatchImportService imports = service(SIX_HOUR_WINDOWS);
        AtomicReference<JobOutcome> takeover = new AtomicReference<>();
        AtomicBoolean once = new AtomicBoolean();
        cloudWatch.onRequest(r -> {
            if (once.compareAndSet(false, true)) {
                clock.advance(SIX_HOUR_WINDOWS.lease().plusMinutes(1)); // run-A hangs past its lease...
                takeover.set(imports.run("acme", "cpu", "run-B", FAR)); // ...and the next scheduled run takes over
            }
        });

        JobOutcome a = imports.run("acme", "cpu", "run-A", FAR);

        assertEquals(Status.CAUGHT_UP, takeover.get().status());
        assertEquals(Status.LOST_LEASE, a.status());
        assertEquals(0, a.windows(), "run-A's window did not move the cursor");
        long requestsOfB = cloudWatch.requests().size() - 1;
        assertEquals(takeover.get().windows(), requestsOfB, "run-A asked for no window after losing the lease");
        ImportJobStore.Entry e = store.get("acme", "cpu").orElseThrow();
        assertEquals(takeover.get().cursor(), e.cursor());
        assertNull(e.leaseOwner(), "run-B gave the lease back; run-A did not touch it");
        // The documented residual: the window run-A had in hand ([23:00, 05:00), six datapoints) reached the
        // stream before run-A learnt it had lost the job, so those points are on the stream twice.
        List<List<Number>> all = stream.points(CPU_MAX);
        assertEquals(21 + 6, all.size());
        assertEquals(6, countIn(documentedCpu(), Instant.parse("2014-02-18T23:00:00Z"),
                Instant.parse("2014-02-19T05:00:00Z")));
        assertEquals(documentedCpu(), sorted(new ArrayList<>(new java.util.LinkedHashSet<>(all))));
    }

    static long countIn(List<List<Number>> points, Instant from, Instant to) {
        return points.stream().filter(p -> p.get(0).longValue() >= from.toEpochMilli()
                && p.get(0).longValue() < to.toEpochMilli()).count();
    }

    @Test
    void aForbiddenAnswerFailsTheJobWithTheReasonAndLeavesItsCursor() {
        seedCpu();
        store.define(cpuJob(), "api");
        cloudWatch.statusCodeNext("Forbidden");

        JobOutcome o = service(SIX_HOUR_WINDOWS).run("acme", "cpu", "run-1", FAR);

        assertEquals(Status.FAILED, o.status());
        assertTrue(o.error().contains("CloudWatch answered Forbidden for AWS/EC2 CPUUtilization Maximum"), o.error());
        ImportJobStore.Entry e = store.get("acme", "cpu").orElseThrow();
        assertNull(e.cursor());
        assertEquals(o.error(), e.lastError());
        assertEquals(List.of(), stream.published);
        assertEquals(1.0, metrics.counter("CloudWatchImportFailures"));
    }

    @Test
    void aRefusedCallFailsTheJobAndTheNextRunRetriesTheWindow() {
        seedCpu();
        store.define(cpuJob(), "api");
        cloudWatch.failNext(400, "LimitExceededException", "Rate exceeded");

        JobOutcome failed = service(SIX_HOUR_WINDOWS).run("acme", "cpu", "run-1", FAR);
        JobOutcome retried = service(SIX_HOUR_WINDOWS).run("acme", "cpu", "run-2", FAR);

        assertEquals(Status.FAILED, failed.status());
        assertTrue(failed.error().contains("Rate exceeded"), failed.error());
        assertEquals(Status.CAUGHT_UP, retried.status());
        assertEquals(21, stream.points(CPU_MAX).size());
    }

    @Test
    void everyStatisticIsItsOwnSeriesInOneCallPerWindow() {
        Instant t = Instant.parse("2014-02-19T10:00:00Z");
        cloudWatch.put("AWS/EC2", "CPUUtilization", INSTANCE, "Sum", t, 12.0)
                .put("AWS/EC2", "CPUUtilization", INSTANCE, "SampleCount", t, 3.0)
                .put("AWS/EC2", "CPUUtilization", INSTANCE, "p99", t, 7.5);
        store.define(job("""
                {"tenant": "acme", "id": "stats", "namespace": "AWS/EC2", "metric": "CPUUtilization",
                 "dimensions": {"InstanceId": "i-abcdef"}, "statistics": ["Sum", "SampleCount", "p99"],
                 "account": "123456789012", "since": "2014-02-19T00:00:00Z"}"""), "api");

        service(Settings.DEFAULT).run("acme", "stats", "run-1", FAR);

        assertEquals(1, cloudWatch.requests().size());
        assertEquals(3, cloudWatch.requests().get(0).queries().size());
        Map<String, MetricType> types = new TreeMap<>();
        for (Series s : stream.published) {
            types.put(s.metric(), s.type());
            assertEquals(Tags.of("InstanceId", "i-abcdef", "aws_account", "123456789012", "aws_region", "us-east-1"),
                    s.tags());
        }
        assertEquals(Map.of("aws.aws.ec2.CPUUtilization.sum", MetricType.COUNTER,
                "aws.aws.ec2.CPUUtilization.count", MetricType.COUNTER,
                "aws.aws.ec2.CPUUtilization.p99", MetricType.GAUGE), types);
    }

    @Test
    void aJobWithAnEndStopsThereAndStaysCaughtUp() {
        seedCpu();
        store.define(job("""
                {"tenant": "acme", "id": "cpu", "namespace": "AWS/EC2", "metric": "CPUUtilization",
                 "dimensions": {"InstanceId": "i-abcdef"}, "statistics": ["Maximum"],
                 "since": "2014-02-18T23:00:00Z", "until": "2014-02-19T03:00:00Z"}"""), "api");

        service(Settings.DEFAULT).run("acme", "cpu", "run-1", FAR);
        clock.advance(Duration.ofDays(1));
        JobOutcome later = service(Settings.DEFAULT).run("acme", "cpu", "run-2", FAR);

        assertEquals(Status.CAUGHT_UP, later.status());
        assertEquals(0, later.windows());
        assertEquals(4, stream.points(CPU_MAX).size(), "23:18, 00:18, 01:18, 02:18");
    }

    @Test
    void declaredJobsBecomeTheEnvironmentsJobsKeepingProgressAndLeavingOtherJobsAlone() {
        seedCpu();
        CloudWatchImportService imports = service(SIX_HOUR_WINDOWS);
        CloudWatchImportJob cpu = cpuJob();
        CloudWatchImportJob old = job("""
                {"tenant": "acme", "id": "old", "namespace": "AWS/EC2", "metric": "NetworkIn", "statistics": ["Sum"]}""");
        CloudWatchImportJob manual = job("""
                {"tenant": "globex", "id": "manual", "namespace": "AWS/EC2", "metric": "NetworkOut", "statistics": ["Sum"]}""");
        store.define(manual, "api");
        imports.declare(List.of(cpu, old), "environment");
        imports.run("acme", "cpu", "run-1", FAR);
        long cursor = store.get("acme", "cpu").orElseThrow().cursor();

        CloudWatchImportJob cpuWithAverage = job("""
                {"tenant": "acme", "id": "cpu", "namespace": "AWS/EC2", "metric": "CPUUtilization",
                 "dimensions": {"InstanceId": "i-abcdef"}, "statistics": ["Maximum", "Average"],
                 "since": "2014-02-18T23:00:00Z"}""");
        imports.declare(List.of(cpuWithAverage), "environment");

        Map<String, ImportJobStore.Entry> now = new TreeMap<>();
        store.list().forEach(e -> now.put(e.job().key(), e));
        assertEquals(List.of("acme/cpu", "globex/manual"), new ArrayList<>(now.keySet()));
        assertEquals(cpuWithAverage, now.get("acme/cpu").job());
        assertEquals(cursor, now.get("acme/cpu").cursor(), "a changed definition keeps its progress");
        assertEquals("environment", now.get("acme/cpu").source());
        assertEquals("api", now.get("globex/manual").source());
    }

    @Test
    void runAllRunsEveryJobTheLeastRecentlyRunFirst() {
        seedCpu();
        CloudWatchImportService imports = service(SIX_HOUR_WINDOWS);
        store.define(cpuJob(), "api");
        store.define(job("""
                {"tenant": "globex", "id": "cpu", "namespace": "AWS/EC2", "metric": "CPUUtilization",
                 "dimensions": {"InstanceId": "i-abcdef"}, "statistics": ["Maximum"], "since": "2014-02-18T23:00:00Z"}"""),
                "api");
        imports.run("globex", "cpu", "run-0", FAR);
        clock.advance(Duration.ofMinutes(1));

        CloudWatchImportService.RunReport report = imports.runAll("run-1", FAR);

        assertEquals(List.of("acme/cpu", "globex/cpu"), report.jobs().stream().map(j -> j.tenant() + "/" + j.id()).toList());
        assertTrue(report.jobs().stream().allMatch(j -> j.status() == Status.CAUGHT_UP));
        assertNotNull(store.get("acme", "cpu").orElseThrow().lastRunAt());
    }
}

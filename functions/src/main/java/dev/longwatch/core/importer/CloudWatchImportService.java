package dev.longwatch.core.importer;

import dev.longwatch.model.PointBuffer;
import dev.longwatch.core.cloudwatch.CloudWatchSeries;
import dev.longwatch.core.cloudwatch.SeriesStreamWriter;
import dev.longwatch.core.telemetry.Log;
import dev.longwatch.core.telemetry.PlatformMetrics;
import dev.longwatch.model.IngestLimits;
import dev.longwatch.model.Series;
import dev.longwatch.model.Tags;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Copies CloudWatch metrics into Longwatch on a schedule, so their history outlives CloudWatch's retention.
 *
 * <p>Each job moves a cursor forward through time in windows. A window is read with {@code GetMetricData}
 * (every page of it), its points are put on the stream as the job's series ({@link CloudWatchSeries}), and only
 * then the cursor moves to the window's end, conditionally ({@link ImportJobStore}). A run that stops, fails or
 * runs out of time leaves the cursor at the last window that is on the stream; the next run resumes there.
 *
 * <p>The first run starts as far back as CloudWatch still keeps data (a day short of 455 days, so the first
 * request is not at the very edge) or at the job's {@code since}. The period of each window follows the age
 * of its start, as CloudWatch requires: 1 hour older than 63 days, 5 minutes older than 15 days, else 1 minute
 * (each boundary with an hour of margin), or the job's own coarser period. A window ends where a finer period
 * becomes available, at {@link Settings#delay()} before now (CloudWatch fills recent periods late), and after
 * at most {@link Settings#maxDatapointsPerCall()} datapoints over all its queries.
 */
public final class CloudWatchImportService {
    private static final Log LOG = Log.get(CloudWatchImportService.class);
    static final long MINUTE = 60_000L;
    static final long HOUR = 60 * MINUTE;
    static final long DAY = 24 * HOUR;
    /** CloudWatch keeps 1-minute data 15 days, 5-minute data 63 days, 1-hour data 455 days. */
    static final long ONE_MINUTE_KEPT = 15 * DAY;
    static final long FIVE_MINUTES_KEPT = 63 * DAY;
    static final long ONE_HOUR_KEPT = 455 * DAY;
    /** Stay this far inside a retention boundary: a request just past it would be refused or come back empty. */
    static final long TIER_MARGIN = HOUR;
    static final long OLDEST_MARGIN = DAY;

    /**
     * {@code delay}: how far behind now imports stop (CloudWatch receives and aggregates late); {@code lease}:
     * how long a run holds a job (at least the function's timeout); {@code maxDatapointsPerCall}: the window
     * budget over all queries of a call; {@code maxPagesPerWindow}: a guard against a NextToken that never ends.
     */
    public record Settings(Duration delay, Duration lease, int maxDatapointsPerCall, int maxPagesPerWindow) {
        public static final Settings DEFAULT = new Settings(Duration.ofMinutes(15), Duration.ofMinutes(16),
                CloudWatchMetricsSource.MAX_DATAPOINTS_PER_CALL, 1_000);

        public Settings {
            if (maxDatapointsPerCall < 1 || maxDatapointsPerCall > CloudWatchMetricsSource.MAX_DATAPOINTS_PER_CALL) {
                throw new IllegalArgumentException("maxDatapointsPerCall must be 1.."
                        + CloudWatchMetricsSource.MAX_DATAPOINTS_PER_CALL);
            }
        }
    }

    /** One GetMetricData window: [start, end) in epoch ms at {@code period} seconds. */
    public record Window(long start, long end, int period) {
    }

    public enum Status {
        /** Everything up to now minus the delay (or the job's {@code until}) is imported. */
        CAUGHT_UP,
        /** The run's time was up; the next run resumes at the cursor. */
        DEADLINE,
        /** Another run holds the job. */
        BUSY,
        /** This run's lease ran out and another run took the job over; this run stopped. */
        LOST_LEASE,
        /** CloudWatch or the stream failed; the cursor stays before the failed window. */
        FAILED
    }

    public record JobOutcome(String tenant, String id, Status status, int windows, long points, Long cursor,
                             String error) {
    }

    public record RunReport(List<JobOutcome> jobs) {
        public long points() {
            return jobs.stream().mapToLong(JobOutcome::points).sum();
        }
    }

    private final CloudWatchMetricsSource source;
    private final ImportJobStore store;
    private final SeriesStreamWriter writer;
    private final CloudWatchSeries names;
    private final PlatformMetrics metrics;
    private final Clock clock;
    private final Settings settings;

    public CloudWatchImportService(CloudWatchMetricsSource source, ImportJobStore store, SeriesStreamWriter writer,
                                   IngestLimits limits, PlatformMetrics metrics, Clock clock, Settings settings) {
        this.source = source;
        this.store = store;
        this.writer = writer;
        this.names = new CloudWatchSeries(limits);
        this.metrics = metrics;
        this.clock = clock;
        this.settings = settings;
    }

    public ImportJobStore store() {
        return store;
    }

    /**
     * Makes the jobs defined by {@code source} (e.g. {@code environment}) exactly {@code jobs}: new ones are
     * created, changed definitions replaced (progress kept), and that source's jobs not listed any more removed.
     * Jobs of other sources are left alone.
     */
    public void declare(List<CloudWatchImportJob> jobs, String source) {
        Map<String, ImportJobStore.Entry> existing = new HashMap<>();
        for (ImportJobStore.Entry e : store.list()) {
            existing.put(e.job().key(), e);
        }
        Set<String> wanted = new HashSet<>();
        for (CloudWatchImportJob job : jobs) {
            wanted.add(job.key());
            ImportJobStore.Entry e = existing.get(job.key());
            if (e == null || !e.job().equals(job) || !source.equals(e.source())) {
                store.define(job, source);
            }
        }
        for (ImportJobStore.Entry e : existing.values()) {
            if (source.equals(e.source()) && !wanted.contains(e.job().key())) {
                store.delete(e.job().tenant(), e.job().id());
                LOG.info("import job removed from the declared jobs", "tenant", e.job().tenant(), "job", e.job().id());
            }
        }
    }

    /** Runs every job, the least recently run first, until each is caught up or the deadline passes. */
    public RunReport runAll(String runId, Instant deadline) {
        List<ImportJobStore.Entry> jobs = new ArrayList<>(store.list());
        jobs.sort(Comparator.comparing((ImportJobStore.Entry e) -> e.lastRunAt() == null ? Long.MIN_VALUE : e.lastRunAt()));
        List<JobOutcome> out = new ArrayList<>();
        for (ImportJobStore.Entry e : jobs) {
            out.add(run(e.job().tenant(), e.job().id(), runId, deadline));
        }
        return new RunReport(out);
    }

    /** Runs one job: takes its lease, imports windows from its cursor on, gives the lease back. */
    public JobOutcome run(String tenant, String id, String runId, Instant deadline) {
        long now = clock.millis();
        Optional<ImportJobStore.Entry> claimed = store.claim(tenant, id, runId, now, now + settings.lease().toMillis());
        if (claimed.isEmpty()) {
            LOG.info("import job is held by another run", "tenant", tenant, "job", id);
            return new JobOutcome(tenant, id, Status.BUSY, 0, 0, null, null);
        }
        CloudWatchImportJob job = claimed.get().job();
        Long cursor = claimed.get().cursor();
        long start = cursor != null ? cursor : firstStart(job, now);
        int windows = 0;
        long points = 0;
        Status status;
        String error = null;
        try {
            while (true) {
                now = clock.millis();
                Window w = nextWindow(job, start, now, settings);
                if (w == null) {
                    status = Status.CAUGHT_UP;
                    break;
                }
                if (now >= deadline.toEpochMilli()) {
                    status = Status.DEADLINE;
                    break;
                }
                List<Series> series = fetch(job, w);
                int n = writer.publish(tenant, series);
                if (!store.advance(tenant, id, runId, cursor, w.end(), n, clock.millis() + settings.lease().toMillis())) {
                    status = Status.LOST_LEASE;
                    LOG.warn("import job was taken over by another run; stopping", "tenant", tenant, "job", id,
                            "windowStart", Instant.ofEpochMilli(w.start()).toString());
                    break;
                }
                cursor = w.end();
                start = w.end();
                windows++;
                points += n;
                metrics.count("CloudWatchPointsImported", n);
            }
        } catch (RuntimeException e) {
            status = Status.FAILED;
            error = describe(e);
            metrics.count("CloudWatchImportFailures", 1);
            LOG.error("import job failed; the next run retries from its cursor", e, "tenant", tenant, "job", id,
                    "cursor", cursor == null ? "not started" : Instant.ofEpochMilli(cursor).toString());
        }
        if (status != Status.LOST_LEASE) {
            store.release(tenant, id, runId, clock.millis(), error);
        }
        LOG.info("import job ran", "tenant", tenant, "job", id, "status", status.name(), "windows", windows,
                "points", points, "cursor", cursor == null ? "not started" : Instant.ofEpochMilli(cursor).toString());
        return new JobOutcome(tenant, id, status, windows, points, cursor, error);
    }

    /** Where a job's first run starts: its {@code since}, or as far back as CloudWatch keeps data. */
    static long firstStart(CloudWatchImportJob job, long now) {
        long since = job.since() != null ? job.since().toEpochMilli() : Long.MIN_VALUE;
        return Math.max(since, oldestAvailable(now));
    }

    static long oldestAvailable(long now) {
        return alignUp(now - ONE_HOUR_KEPT + OLDEST_MARGIN, HOUR);
    }

    /** The finest period (seconds) CloudWatch still has for data starting at {@code start}. */
    static int tierPeriod(long start, long now) {
        if (start >= now - ONE_MINUTE_KEPT + TIER_MARGIN) {
            return 60;
        }
        if (start >= now - FIVE_MINUTES_KEPT + TIER_MARGIN) {
            return 300;
        }
        return 3600;
    }

    /** Where the next finer tier begins for a window of {@code tier}, or MAX_VALUE for the finest. */
    private static long tierEnd(int tier, long now) {
        return switch (tier) {
            case 3600 -> now - FIVE_MINUTES_KEPT + TIER_MARGIN;
            case 300 -> now - ONE_MINUTE_KEPT + TIER_MARGIN;
            default -> Long.MAX_VALUE;
        };
    }

    private static int finerTier(int tier) {
        return tier == 3600 ? 300 : 60;
    }

    /** The job's period at a tier: its own period rounded up to a multiple of what the tier still keeps. */
    static int period(CloudWatchImportJob job, int tier) {
        if (job.period() == null) {
            return tier;
        }
        return (job.period() + tier - 1) / tier * tier;
    }

    /** The next window from {@code cursor}, or null when the job has nothing more to import now. */
    static Window nextWindow(CloudWatchImportJob job, long cursor, long now, Settings settings) {
        long start = Math.max(cursor, oldestAvailable(now));
        int tier = tierPeriod(start, now);
        int period = period(job, tier);
        long p = period * 1000L;
        start = alignUp(start, p);
        long limit = now - settings.delay().toMillis();
        if (job.until() != null) {
            limit = Math.min(limit, job.until().toEpochMilli());
        }
        long end = alignDown(limit, p);
        long boundary = tierEnd(tier, now);
        if (boundary != Long.MAX_VALUE && period(job, finerTier(tier)) != period) {
            end = Math.min(end, alignUp(boundary, p));
        }
        long perQuery = Math.max(1, settings.maxDatapointsPerCall() / job.statistics().size());
        end = Math.min(end, start + perQuery * p);
        return end > start ? new Window(start, end, period) : null;
    }

    private List<Series> fetch(CloudWatchImportJob job, Window w) {
        List<CloudWatchMetricsSource.MetricQuery> queries = new ArrayList<>();
        for (int i = 0; i < job.statistics().size(); i++) {
            queries.add(new CloudWatchMetricsSource.MetricQuery("q" + i, job.namespace(), job.metricName(),
                    job.dimensions(), job.statistics().get(i), w.period()));
        }
        if (queries.size() > CloudWatchMetricsSource.MAX_QUERIES_PER_CALL) {
            throw new IllegalStateException("a job reads at most " + CloudWatchImportJobs.MAX_STATISTICS
                    + " statistics");
        }
        Map<String, PointBuffer> byId = new HashMap<>();
        for (CloudWatchMetricsSource.MetricQuery q : queries) {
            byId.put(q.id(), new PointBuffer(64));
        }
        Instant start = Instant.ofEpochMilli(w.start());
        Instant end = Instant.ofEpochMilli(w.end());
        String token = null;
        int pages = 0;
        do {
            if (++pages > settings.maxPagesPerWindow()) {
                throw new IllegalStateException("GetMetricData returned more than " + settings.maxPagesPerWindow()
                        + " pages for one window; stopping");
            }
            CloudWatchMetricsSource.Page page = source.getMetricData(queries, start, end, token);
            metrics.count("CloudWatchImportRequests", 1);
            for (CloudWatchMetricsSource.QueryResult r : page.results()) {
                PointBuffer pts = byId.get(r.id());
                if (pts == null) {
                    continue;
                }
                if ("Forbidden".equals(r.status()) || "InternalError".equals(r.status())) {
                    throw new IllegalStateException("CloudWatch answered " + r.status() + " for " + job.namespace()
                            + " " + job.metricName() + " " + queryStat(queries, r.id()) + messages(r.messages()));
                }
                for (int i = 0; i < r.timestamps().length; i++) {
                    long t = r.timestamps()[i];
                    double v = r.values()[i];
                    // Only the window's own periods: windows never overlap, so no point is imported twice.
                    if (t >= w.start() && t < w.end() && Double.isFinite(v)) {
                        pts.add(t, v);
                    }
                }
            }
            token = page.nextToken();
        } while (token != null);
        String region = source.region();
        Tags tags = names.tags(job.dimensions(), job.account(), region);
        List<Series> out = new ArrayList<>();
        for (CloudWatchMetricsSource.MetricQuery q : queries) {
            PointBuffer pts = byId.get(q.id());
            if (pts.size() == 0) {
                continue;
            }
            CloudWatchSeries.Statistic stat = CloudWatchSeries.statistic(q.statistic());
            out.add(toSeries(pts, names.name(job.namespace(), job.metricName(), stat.suffix()), stat, tags));
        }
        return out;
    }

    private static String queryStat(List<CloudWatchMetricsSource.MetricQuery> queries, String id) {
        return queries.stream().filter(q -> q.id().equals(id)).map(CloudWatchMetricsSource.MetricQuery::statistic)
                .findFirst().orElse(id);
    }

    private static String messages(List<String> messages) {
        return messages == null || messages.isEmpty() ? "" : ": " + String.join("; ", messages);
    }

    static String describe(RuntimeException e) {
        String m = e.getClass().getSimpleName() + ": " + e.getMessage();
        return m.length() <= 500 ? m : m.substring(0, 497) + "...";
    }

    static long alignUp(long t, long step) {
        return Math.floorDiv(t + step - 1, step) * step;
    }

    static long alignDown(long t, long step) {
        return Math.floorDiv(t, step) * step;
    }

    /** The points of one query, collected over pages, sorted and deduplicated by time. */
    private static Series toSeries(PointBuffer p, String name, CloudWatchSeries.Statistic stat, Tags tags) {
        int size = p.size();
        Integer[] order = new Integer[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingLong(p::time));
        long[] t = new long[size];
        double[] v = new double[size];
        int n = 0;
        for (Integer i : order) {
            // A period answered twice (on two pages) is one datapoint.
            if (n > 0 && t[n - 1] == p.time(i)) {
                continue;
            }
            t[n] = p.time(i);
            v[n] = p.value(i);
            n++;
        }
        return new Series(name, stat.type(), tags, Arrays.copyOf(t, n), Arrays.copyOf(v, n));
    }
}

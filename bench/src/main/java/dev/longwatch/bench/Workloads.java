package dev.longwatch.bench;

import dev.longwatch.model.IngestLimits;
import dev.longwatch.model.MetricType;
import dev.longwatch.model.Payloads;
import dev.longwatch.model.Series;
import dev.longwatch.model.StreamRecord;
import dev.longwatch.model.StreamRecords;
import dev.longwatch.model.SeriesKey;
import dev.longwatch.model.Tags;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The data the benchmarks and the harness feed the core with: realistic request bodies and stream records
 * of a fleet of hosts, each reporting a fixed set of gauges, counters and distributions with three tags.
 * Deterministic (seeded), so every run measures the same bytes.
 */
public final class Workloads {
    /** "Now" for every benchmark: all generated timestamps lie shortly before it. */
    public static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");
    public static final String TENANT = "acme";

    public static final int LARGE_SERIES = 200;
    public static final int LARGE_POINTS_PER_SERIES = 235;
    public static final int LARGE_POINTS = LARGE_SERIES * LARGE_POINTS_PER_SERIES;
    public static final int SMALL_SERIES = 10;
    public static final int SMALL_POINTS = SMALL_SERIES;

    /** One metric a host reports; a host reports all of them, so series = hosts x metrics. */
    public record MetricSpec(String name, MetricType type) {
    }

    /** Ten metrics per host: five gauges, three counters, two distributions. */
    public static final List<MetricSpec> HOST_METRICS = List.of(
            new MetricSpec("system.cpu.user", MetricType.GAUGE),
            new MetricSpec("system.cpu.system", MetricType.GAUGE),
            new MetricSpec("system.mem.used_pct", MetricType.GAUGE),
            new MetricSpec("system.disk.used_pct", MetricType.GAUGE),
            new MetricSpec("jvm.heap.used_bytes", MetricType.GAUGE),
            new MetricSpec("http.server.requests", MetricType.COUNTER),
            new MetricSpec("http.server.errors", MetricType.COUNTER),
            new MetricSpec("net.bytes_sent", MetricType.COUNTER),
            new MetricSpec("http.server.duration_ms", MetricType.DISTRIBUTION),
            new MetricSpec("db.query.duration_ms", MetricType.DISTRIBUTION));

    private static final String[] REGIONS = {"us-east-1", "eu-west-1", "ap-southeast-2"};
    private static final String[] SERVICES = {"checkout", "search", "catalog", "payments", "auth"};

    private Workloads() {
    }

    public static Clock fixedClock() {
        return Clock.fixed(NOW, ZoneOffset.UTC);
    }

    public static Payloads payloads(Clock clock) {
        return new Payloads(IngestLimits.DEFAULT, clock, () -> "bench-event");
    }

    /** The three tags of host {@code h}: host, region, service. */
    public static Tags hostTags(int h) {
        return Tags.of("host", String.format("web-%04d", h), "region", REGIONS[h % REGIONS.length],
                "service", SERVICES[h % SERVICES.length]);
    }

    public static MetricSpec metricOf(int seriesIndex) {
        return HOST_METRICS.get(seriesIndex % HOST_METRICS.size());
    }

    public static Tags tagsOf(int seriesIndex) {
        return hostTags(seriesIndex / HOST_METRICS.size());
    }

    /** The series id (Kinesis bucket input) of series {@code seriesIndex} of {@link #TENANT}. */
    public static String seriesId(int seriesIndex) {
        MetricSpec m = metricOf(seriesIndex);
        return new SeriesKey(TENANT, m.name(), m.type(), tagsOf(seriesIndex)).id();
    }

    /** A plausible value for one point of a metric of this type: what real clients write (short decimals). */
    public static double value(MetricType type, SplittableRandom rnd) {
        return switch (type) {
            case GAUGE -> Math.round(rnd.nextDouble(0, 100) * 100) / 100.0;
            case COUNTER -> rnd.nextInt(0, 5_000);
            case DISTRIBUTION -> Math.round(Math.exp(rnd.nextDouble(0, 7)) * 10) / 10.0;
        };
    }

    /**
     * A {@code POST /v1/metrics} body: {@code series} series of {@code pointsPerSeries} points each, one
     * point a second ending at {@link #NOW}, series taken in turn from the hosts' metrics.
     */
    public static byte[] metricsBody(int series, int pointsPerSeries, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        long end = NOW.toEpochMilli() - 1_000;
        StringBuilder sb = new StringBuilder(series * (120 + pointsPerSeries * 24));
        sb.append("{\"series\":[");
        for (int i = 0; i < series; i++) {
            if (i > 0) {
                sb.append(',');
            }
            MetricSpec m = metricOf(i);
            appendSeriesHead(sb, m, tagsOf(i));
            for (int j = 0; j < pointsPerSeries; j++) {
                if (j > 0) {
                    sb.append(',');
                }
                long ts = end - (long) (pointsPerSeries - 1 - j) * 1_000;
                appendPoint(sb, m.type(), ts, value(m.type(), rnd));
            }
            sb.append("]}");
        }
        sb.append("]}");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The ~1 MiB body (1,028,633 bytes): 200 series x 235 points, three tags each, gauges, counters and
     * distributions mixed. 250 points a series would pass the 1 MiB body limit.
     */
    public static byte[] largeBody() {
        return metricsBody(LARGE_SERIES, LARGE_POINTS_PER_SERIES, 1);
    }

    /** A small body: 10 series x 1 point (one host's report). */
    public static byte[] smallBody() {
        return metricsBody(SMALL_SERIES, 1, 2);
    }

    static void appendSeriesHead(StringBuilder sb, MetricSpec m, Tags tags) {
        sb.append("{\"metric\":\"").append(m.name()).append("\",\"type\":\"").append(m.type().wireName())
                .append("\",\"tags\":{");
        boolean first = true;
        for (var e : tags.asMap().entrySet()) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            sb.append('"').append(e.getKey()).append("\":\"").append(e.getValue()).append('"');
        }
        sb.append("},\"points\":[");
    }

    static void appendPoint(StringBuilder sb, MetricType type, long ts, double v) {
        sb.append('[').append(ts).append(',');
        if (type == MetricType.COUNTER) {
            sb.append((long) v); // counters are whole numbers on the wire
        } else {
            sb.append(v);
        }
        sb.append(']');
    }

    /**
     * What the stream holds after {@code reports} reports of {@code series} series, one point each, one
     * record per series per report (as {@code IngestService} writes them), reports {@code intervalMillis}
     * apart starting at {@code start}. Ordered by report, then series.
     */
    public static List<byte[]> oneTickRecords(StreamRecords codec, int series, int reports, long start,
                                              long intervalMillis, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<byte[]> out = new ArrayList<>(series * reports);
        for (int r = 0; r < reports; r++) {
            long ts = start + r * intervalMillis;
            for (int i = 0; i < series; i++) {
                MetricSpec m = metricOf(i);
                Series s = new Series(m.name(), m.type(), tagsOf(i), new long[]{ts},
                        new double[]{value(m.type(), rnd)});
                out.add(codec.encode(new StreamRecord.Metrics(TENANT, List.of(s))));
            }
        }
        return out;
    }

    /** A Kinesis-style sequence number: 56 decimal digits, increasing with {@code n}. */
    public static String sequenceNumber(long n) {
        String digits = Long.toString(n);
        return "49" + "0".repeat(54 - digits.length()) + digits;
    }
}

package dev.longwatch.core.archive;

import dev.longwatch.model.MetricType;
import dev.longwatch.model.SeriesKey;
import dev.longwatch.model.Tags;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Realistic series for measuring the block format, seeded so figures repeat. Timestamps are what agents send:
 * on the reporting interval ({@code jitterMillis = 0}, as StatsD flushers, the CloudWatch import and Prometheus'
 * timestamp alignment produce) or off it by a few milliseconds of scheduling jitter.
 */
final class ArchiveSamples {
    static final String TENANT = "acme";

    record Sample(String name, SeriesKey key, Points points) {
    }

    private ArchiveSamples() {
    }

    static List<Sample> regularGauges(long start, int points, long interval, int jitterMillis, long seed) {
        Random r = new Random(seed);
        List<Sample> out = new ArrayList<>();
        // Queue depth: a small integer that often stays put.
        out.add(sample("queue.depth", MetricType.GAUGE, start, points, interval, jitterMillis, r, new Gen() {
            long depth = 12;

            public double next() {
                if (r.nextInt(4) == 0) {
                    depth = Math.max(0, depth + r.nextInt(7) - 3);
                }
                return depth;
            }
        }));
        // Memory in use, in bytes, moving a few pages at a time.
        out.add(sample("mem.used_bytes", MetricType.GAUGE, start, points, interval, jitterMillis, r, new Gen() {
            long pages = 524_288;

            public double next() {
                if (r.nextInt(3) == 0) {
                    pages += r.nextInt(33) - 16;
                }
                return pages * 4096.0;
            }
        }));
        // Health: 1 while up, 0 for a rare blip.
        out.add(sample("service.up", MetricType.GAUGE, start, points, interval, jitterMillis, r,
                () -> r.nextInt(500) == 0 ? 0.0 : 1.0));
        // Open connections: an integer wandering around 200.
        out.add(sample("db.connections", MetricType.GAUGE, start, points, interval, jitterMillis, r, new Gen() {
            long n = 200;

            public double next() {
                n = Math.max(0, n + r.nextInt(5) - 2);
                return n;
            }
        }));
        // A sensor reporting tenths of a degree.
        out.add(sample("room.temperature_c", MetricType.GAUGE, start, points, interval, jitterMillis, r, new Gen() {
            double t = 21.3;

            public double next() {
                t += 0.05 * r.nextGaussian();
                return Math.round(t * 10) / 10.0;
            }
        }));
        return out;
    }

    static List<Sample> counters(long start, int points, long interval, int jitterMillis, long seed) {
        Random r = new Random(seed);
        List<Sample> out = new ArrayList<>();
        // Longwatch counters are deltas per report: requests, errors, bytes.
        out.add(sample("http.requests", MetricType.COUNTER, start, points, interval, jitterMillis, r,
                () -> poisson(r, 120)));
        out.add(sample("http.errors", MetricType.COUNTER, start, points, interval, jitterMillis, r,
                () -> poisson(r, 0.3)));
        out.add(sample("jobs.completed", MetricType.COUNTER, start, points, interval, jitterMillis, r,
                () -> poisson(r, 4)));
        out.add(sample("net.bytes_out", MetricType.COUNTER, start, points, interval, jitterMillis, r,
                () -> poisson(r, 40) * 1460.0));
        return out;
    }

    static List<Sample> noisy(long start, int points, long interval, int jitterMillis, long seed) {
        Random r = new Random(seed);
        List<Sample> out = new ArrayList<>();
        // Full-precision measurements: a latency average, a CPU ratio, a load average.
        out.add(sample("http.latency_avg_ms", MetricType.GAUGE, start, points, interval, jitterMillis, r,
                () -> Math.exp(3 + 0.4 * r.nextGaussian())));
        out.add(sample("cpu.utilization", MetricType.GAUGE, start, points, interval, jitterMillis, r, new Gen() {
            double u = 0.35;

            public double next() {
                u = Math.min(1, Math.max(0, u + 0.02 * r.nextGaussian()));
                return u;
            }
        }));
        out.add(sample("system.load1", MetricType.GAUGE, start, points, interval, jitterMillis, r, new Gen() {
            double load = 1.2;

            public double next() {
                load = Math.max(0, load * 0.92 + 0.08 * (1.2 + r.nextGaussian()));
                return load;
            }
        }));
        return out;
    }

    interface Gen {
        double next();
    }

    private static Sample sample(String metric, MetricType type, long start, int n, long interval, int jitter,
                                 Random r, Gen gen) {
        SeriesKey key = new SeriesKey(TENANT, metric, type, Tags.of("host", "web-1", "region", "eu-west-1"));
        Points p = new Points(n);
        for (int i = 0; i < n; i++) {
            long t = start + i * interval + (jitter == 0 ? 0 : r.nextInt(2 * jitter + 1) - jitter);
            p.add(t, gen.next());
        }
        return new Sample(metric, key, p);
    }

    private static double poisson(Random r, double lambda) {
        if (lambda > 30) {
            return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * r.nextGaussian()));
        }
        double l = Math.exp(-lambda);
        int k = 0;
        double p = 1;
        do {
            k++;
            p *= r.nextDouble();
        } while (p > l);
        return k - 1;
    }
}

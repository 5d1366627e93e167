package dev.longwatch.core.alerting.evaluate;

import dev.longwatch.model.PayloadException;
import dev.longwatch.model.alerting.CompositeExpression;
import dev.longwatch.model.alerting.Condition;
import dev.longwatch.model.alerting.Monitor;
import dev.longwatch.model.alerting.MonitorQuery;
import dev.longwatch.model.alerting.Severity;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Evaluates one monitor at one minute: per group, the {@link EvaluationResult} of its condition. The data comes
 * from {@link SeriesData} and {@link EventData}, loaded beforehand for all of a tenant's monitors
 * ({@link #need} says what each monitor reads).
 */
public final class MonitorEvaluator {
    static final int NONE_SEASONALITY_SAMPLES = 60;
    static final int MIN_ANOMALY_SAMPLES = 3;

    private MonitorEvaluator() {
    }

    /** The end of the data an evaluation at {@code at} reads: the evaluation delay before it. */
    public static long end(Monitor m, long at) {
        return at - m.evaluation().delay().toMillis();
    }

    /** Registers the data {@code m} reads when evaluated at {@code at}. */
    public static void need(Monitor m, long at, SeriesData series, EventData events) {
        long end = end(m, at);
        MonitorQuery q = m.query();
        switch (m.condition()) {
            case Condition.Threshold t -> series.need(q.metric(), end - ms(q.window()), end);
            case Condition.Change c -> {
                series.need(q.metric(), end - ms(q.window()), end);
                series.need(q.metric(), end - ms(c.ago()) - ms(q.window()), end - ms(c.ago()));
            }
            case Condition.Absence a -> {
                if (a.events() != null) {
                    events.need(end - ms(a.forDuration()), end);
                } else {
                    series.need(q.metric(), end - ms(a.forDuration()), end);
                }
            }
            case Condition.Anomaly a -> {
                series.need(q.metric(), end - ms(q.window()), end);
                for (long lag : lags(a, q)) {
                    series.need(q.metric(), end - lag - ms(q.window()), end - lag);
                }
            }
            case Condition.EventCount e -> events.need(end - ms(e.window()), end);
            case Condition.Composite c -> {
            }
        }
    }

    /**
     * The results per group. {@code known} are the groups of the monitor's existing instances: a known group
     * without data is NO_DATA (or, for absence, breaching). {@code firing} tells a composite whether a monitor
     * has a FIRING instance. A query the data cannot answer gives ERROR for every known group.
     */
    public static Map<Map<String, String>, EvaluationResult> evaluate(Monitor m, long at, SeriesData series,
                                                                     EventData events,
                                                                     Collection<Map<String, String>> known,
                                                                     Predicate<String> firing) {
        try {
            return results(m, at, series, events, known, firing);
        } catch (PayloadException | IllegalArgumentException e) {
            String reason = e instanceof PayloadException p ? p.field() + ": " + p.reason() : e.getMessage();
            Map<Map<String, String>, EvaluationResult> out = new LinkedHashMap<>();
            for (Map<String, String> g : known.isEmpty() ? List.of(Map.<String, String>of()) : known) {
                out.put(g, EvaluationResult.error(reason));
            }
            return out;
        }
    }

    private static Map<Map<String, String>, EvaluationResult> results(Monitor m, long at, SeriesData series,
                                                                      EventData events,
                                                                      Collection<Map<String, String>> known,
                                                                      Predicate<String> firing) {
        long end = end(m, at);
        MonitorQuery q = m.query();
        Map<Map<String, String>, EvaluationResult> out = new LinkedHashMap<>();
        switch (m.condition()) {
            case Condition.Threshold t -> {
                series.window(q, end - ms(q.window()), end).forEach((g, v) -> out.put(g, levels(t.op(), v,
                        t.critical(), t.warning(), t.recovery())));
                missing(out, known, q.groupBy().isEmpty(), EvaluationResult.noData());
            }
            case Condition.Change c -> {
                Map<Map<String, String>, Double> now = series.window(q, end - ms(q.window()), end);
                Map<Map<String, String>, Double> then = series.window(q, end - ms(c.ago()) - ms(q.window()),
                        end - ms(c.ago()));
                now.forEach((g, v) -> {
                    Double before = then.get(g);
                    if (before == null || (c.percent() && before == 0)) {
                        out.put(g, EvaluationResult.noData());
                        return;
                    }
                    double change = c.percent() ? (v - before) / Math.abs(before) * 100 : v - before;
                    // Levels are magnitudes: "below" breaches on a fall by more than the level.
                    double sign = c.op() == Condition.Op.BELOW ? -1 : 1;
                    out.put(g, levels(c.op(), change, sign * c.critical(),
                            c.warning() == null ? null : sign * c.warning(), null));
                });
                missing(out, known, q.groupBy().isEmpty(), EvaluationResult.noData());
            }
            case Condition.Absence a -> {
                long from = end - ms(a.forDuration());
                if (a.events() != null) {
                    int n = events.count(a.events(), from, end);
                    out.put(Map.of(), n == 0 ? EvaluationResult.breaching(Severity.CRITICAL, 0.0, null)
                            : EvaluationResult.ok((double) n, null));
                } else {
                    Map<Map<String, String>, Double> seen = series.window(q, from, end);
                    for (Map<String, String> g : series.groups(q)) {
                        out.put(g, seen.containsKey(g) ? EvaluationResult.ok(seen.get(g), null)
                                : EvaluationResult.breaching(Severity.CRITICAL, null, null));
                    }
                    missing(out, known, q.groupBy().isEmpty(), EvaluationResult.breaching(Severity.CRITICAL, null,
                            null));
                }
            }
            case Condition.Anomaly a -> {
                Map<Map<String, String>, Double> now = series.window(q, end - ms(q.window()), end);
                List<Map<Map<String, String>, Double>> past = new ArrayList<>();
                for (long lag : lags(a, q)) {
                    past.add(series.window(q, end - lag - ms(q.window()), end - lag));
                }
                now.forEach((g, v) -> out.put(g, anomaly(a, v, past, g)));
                missing(out, known, q.groupBy().isEmpty(), EvaluationResult.noData());
            }
            case Condition.EventCount e -> {
                int n = events.count(e.events(), end - ms(e.window()), end);
                out.put(Map.of(), levels(e.op(), n, e.critical(), e.warning(), null));
            }
            case Condition.Composite c -> {
                boolean on = CompositeExpression.parse(c.expression()).evaluate(firing);
                out.put(Map.of(), on ? EvaluationResult.breaching(Severity.CRITICAL, null, null)
                        : EvaluationResult.ok(null, null));
            }
        }
        return out;
    }

    /** Known groups without a result get {@code absent}; an ungrouped monitor always has its one group. */
    private static void missing(Map<Map<String, String>, EvaluationResult> out, Collection<Map<String, String>> known,
                                boolean ungrouped, EvaluationResult absent) {
        for (Map<String, String> g : known) {
            out.putIfAbsent(g, absent);
        }
        if (ungrouped) {
            out.putIfAbsent(Map.of(), absent);
        }
    }

    /** Critical, then warning, then the recovery band (hysteresis), else OK. */
    static EvaluationResult levels(Condition.Op op, double v, double critical, Double warning, Double recovery) {
        if (op.breaches(v, critical)) {
            return EvaluationResult.breaching(Severity.CRITICAL, v, critical);
        }
        if (warning != null && op.breaches(v, warning)) {
            return EvaluationResult.breaching(Severity.WARNING, v, warning);
        }
        if (recovery != null && op.breaches(v, recovery)) {
            return EvaluationResult.recovering(v, critical);
        }
        return EvaluationResult.ok(v, critical);
    }

    /** How far back each past sample of an anomaly monitor lies. */
    static List<Long> lags(Condition.Anomaly a, MonitorQuery q) {
        List<Long> out = new ArrayList<>();
        long period = switch (a.seasonality()) {
            case "daily" -> Duration.ofDays(1).toMillis();
            case "weekly" -> Duration.ofDays(7).toMillis();
            default -> ms(q.window());
        };
        int max = a.seasonality().equals("none") ? NONE_SEASONALITY_SAMPLES : Integer.MAX_VALUE;
        for (long lag = period; lag <= ms(a.history()) && out.size() < max; lag += period) {
            out.add(lag);
        }
        return out;
    }

    /**
     * The band is the mean of the same window one season (day, week, or window) earlier, over the history, plus
     * or minus k standard deviations (k = 4, 3, 2 for low, medium, high sensitivity). With fewer than
     * {@link #MIN_ANOMALY_SAMPLES} past samples there is no band yet, and the group is OK.
     */
    private static EvaluationResult anomaly(Condition.Anomaly a, double v, List<Map<Map<String, String>, Double>> past,
                                            Map<String, String> g) {
        List<Double> samples = new ArrayList<>();
        for (Map<Map<String, String>, Double> p : past) {
            Double x = p.get(g);
            if (x != null) {
                samples.add(x);
            }
        }
        if (samples.size() < MIN_ANOMALY_SAMPLES) {
            return EvaluationResult.ok(v, null);
        }
        double mean = samples.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        double var = samples.stream().mapToDouble(x -> (x - mean) * (x - mean)).sum() / (samples.size() - 1);
        double sd = Math.max(Math.sqrt(var), Math.abs(mean) * 1e-3 + 1e-9);
        double k = switch (a.sensitivity()) {
            case "low" -> 4;
            case "high" -> 2;
            default -> 3;
        };
        double upper = mean + k * sd;
        double lower = mean - k * sd;
        if (!a.direction().equals("below") && v > upper) {
            return EvaluationResult.breaching(Severity.CRITICAL, v, upper);
        }
        if (!a.direction().equals("above") && v < lower) {
            return EvaluationResult.breaching(Severity.CRITICAL, v, lower);
        }
        return EvaluationResult.ok(v, a.direction().equals("below") ? lower : upper);
    }

    static long ms(Duration d) {
        return d.toMillis();
    }
}

package dev.longwatch.core.alerting.backtest;

import dev.longwatch.core.alerting.AlertInstance;
import dev.longwatch.core.alerting.evaluate.EvaluationResult;
import dev.longwatch.core.alerting.evaluate.EventData;
import dev.longwatch.core.alerting.evaluate.MonitorEvaluator;
import dev.longwatch.core.alerting.evaluate.SeriesData;
import dev.longwatch.core.alerting.evaluate.StateMachine;
import dev.longwatch.core.alerting.evaluate.Transitions;
import dev.longwatch.core.events.EventStore;
import dev.longwatch.core.rollup.RollupStore;
import dev.longwatch.core.series.SeriesIndex;
import dev.longwatch.model.PayloadException;
import dev.longwatch.model.alerting.AlertTransition;
import dev.longwatch.model.alerting.Condition;
import dev.longwatch.model.alerting.Monitor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * When a monitor would have fired: the real {@link MonitorEvaluator} and {@link StateMachine} run at every
 * evaluation time of the range, over rollups read once for the whole range. Nothing is stored or sent.
 */
public final class BacktestService {
    public static final Duration MAX_RANGE = Duration.ofDays(31);
    static final long MINUTE = 60_000;

    private final SeriesIndex index;
    private final RollupStore rollups;
    private final EventStore events;
    private final int concurrency;

    /** Per alert instance: its transitions, the ones that would notify, the evaluated series and the levels. */
    public record InstanceResult(Map<String, String> group, List<AlertTransition> timeline,
                                 List<AlertTransition> notifications, long[] times, double[] values,
                                 Map<String, Double> thresholds) {
    }

    public record Result(long from, long to, int evaluations, long slabReads, List<InstanceResult> instances) {
    }

    public BacktestService(SeriesIndex index, RollupStore rollups, EventStore events, int concurrency) {
        this.index = index;
        this.rollups = rollups;
        this.events = events;
        this.concurrency = concurrency;
    }

    public Result run(String tenant, Monitor m, long from, long to) {
        if (to <= from) {
            throw new PayloadException("from", "must be before to");
        }
        if (to - from > MAX_RANGE.toMillis()) {
            throw new PayloadException("from", "a backtest covers at most " + MAX_RANGE.toDays() + " days");
        }
        if (m.condition() instanceof Condition.Composite) {
            throw new PayloadException("monitor.kind", "composite monitors cannot be backtested (backtest the "
                    + "monitors they combine)");
        }
        long every = m.evaluation().every().toMillis();
        long first = Math.floorDiv(from + every - 1, every) * every;
        // By range (a one-off read, so it finds minute slabs of whichever layout wrote them).
        SeriesData series = new SeriesData(tenant, index, rollups, concurrency, null, Long.MAX_VALUE, true);
        EventData eventData = new EventData(tenant, events);
        // One read covering every evaluation: the data of the first and the last, and all between.
        SeriesData probe = new SeriesData(tenant, index, rollups, concurrency);
        MonitorEvaluator.need(m, first, probe, eventData);
        MonitorEvaluator.need(m, to, probe, eventData);
        probe.coveringNeeds().forEach((metric, range) -> series.need(metric, range[0], range[1]));
        series.load();
        eventData.load();

        Map<String, AlertInstance> states = new LinkedHashMap<>();
        Map<String, List<AlertTransition>> timelines = new LinkedHashMap<>();
        Map<String, List<long[]>> times = new LinkedHashMap<>();
        Map<String, List<Double>> values = new LinkedHashMap<>();
        Map<String, Map<String, String>> groups = new LinkedHashMap<>();
        int evaluations = 0;
        for (long at = first; at < to; at += every) {
            evaluations++;
            List<Map<String, String>> known = new ArrayList<>(groups.values());
            Map<Map<String, String>, EvaluationResult> results = MonitorEvaluator.evaluate(m, at, series, eventData,
                    known, id -> false);
            for (Map.Entry<Map<String, String>, EvaluationResult> r : results.entrySet()) {
                String alertId = AlertInstance.idOf(m.id(), r.getKey());
                groups.putIfAbsent(alertId, r.getKey());
                AlertInstance s = states.computeIfAbsent(alertId, id -> AlertInstance.fresh(id, m.id(), m.name(),
                        r.getKey(), m.severity(), Transitions.labels(m, r.getKey())));
                StateMachine.Step step = StateMachine.step(tenant, m, s, r.getValue(), at);
                states.put(alertId, step.next());
                timelines.computeIfAbsent(alertId, k -> new ArrayList<>()).addAll(step.transitions());
                if (r.getValue().value() != null) {
                    times.computeIfAbsent(alertId, k -> new ArrayList<>()).add(new long[]{at});
                    values.computeIfAbsent(alertId, k -> new ArrayList<>()).add(r.getValue().value());
                }
            }
        }
        List<InstanceResult> out = new ArrayList<>();
        Map<String, Double> thresholds = thresholds(m);
        for (Map.Entry<String, Map<String, String>> g : groups.entrySet()) {
            List<AlertTransition> timeline = timelines.getOrDefault(g.getKey(), List.of());
            List<long[]> t = times.getOrDefault(g.getKey(), List.of());
            List<Double> v = values.getOrDefault(g.getKey(), List.of());
            long[] ts = new long[t.size()];
            double[] vs = new double[v.size()];
            for (int i = 0; i < ts.length; i++) {
                ts[i] = t.get(i)[0];
                vs[i] = v.get(i);
            }
            out.add(new InstanceResult(g.getValue(), timeline,
                    timeline.stream().filter(x -> x.to().notifiable()).toList(), ts, vs, thresholds));
        }
        return new Result(from, to, evaluations, series.slabReads(), out);
    }

    static Map<String, Double> thresholds(Monitor m) {
        Map<String, Double> out = new LinkedHashMap<>();
        switch (m.condition()) {
            case Condition.Threshold t -> {
                out.put("critical", t.critical());
                if (t.warning() != null) {
                    out.put("warning", t.warning());
                }
                if (t.recovery() != null) {
                    out.put("recovery", t.recovery());
                }
            }
            case Condition.EventCount e -> {
                out.put("critical", e.critical());
                if (e.warning() != null) {
                    out.put("warning", e.warning());
                }
            }
            default -> {
            }
        }
        return out;
    }
}

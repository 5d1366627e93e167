package dev.longwatch.core.alerting.evaluate;

import dev.longwatch.core.alerting.AlertInstance;
import dev.longwatch.core.alerting.AlertStateStore;
import dev.longwatch.core.alerting.MonitorStore;
import dev.longwatch.core.alerting.TransitionSink;
import dev.longwatch.core.events.EventStore;
import dev.longwatch.core.query.QueryService;
import dev.longwatch.core.rollup.CompactionProgress;
import dev.longwatch.core.rollup.CompactionStateStore;
import dev.longwatch.core.rollup.RollupStore;
import dev.longwatch.core.series.SeriesIndex;
import dev.longwatch.core.telemetry.Log;
import dev.longwatch.core.telemetry.PlatformMetrics;
import dev.longwatch.model.alerting.AlertState;
import dev.longwatch.model.alerting.AlertTransition;
import dev.longwatch.model.alerting.Condition;
import dev.longwatch.model.alerting.Monitor;
import dev.longwatch.model.alerting.MonitorKind;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The scheduled evaluation of one minute for one shard: every enabled monitor whose id hashes to the shard and
 * whose interval divides the minute is evaluated against the rollups, its instances stepped through the
 * {@link StateMachine}, the changes written conditionally ({@link AlertStateStore#save}) and only then sent.
 *
 * <p>Exactly once: transitions are stored with the instance (its outbox) before they are sent, and the outbox is
 * emptied once the sink took them. A retry or an overlapping run of the same minute finds the instances already
 * evaluated (their {@code lastEvaluatedAt}) and only sends what is still in their outbox (same ids; the notifier
 * dedupes), or loses the conditional write and skips; a later minute sends what an earlier run could not. An
 * instance whose state did not change is not written at all.
 */
public final class EvaluatorService {
    private static final Log LOG = Log.get(EvaluatorService.class);
    public static final long MINUTE = 60_000;

    private final MonitorStore monitors;
    private final AlertStateStore states;
    private final SeriesIndex index;
    private final RollupStore rollups;
    private final EventStore events;
    private final TransitionSink sink;
    private final PlatformMetrics metrics;
    private final int concurrency;

    /** What a run did. {@code failedTenants} are retried by the next invocation (the run fails). */
    public record Report(long minute, int shard, int shardCount, int tenants, int monitors, int instances,
                         int writes, int transitions, int resent, int conflicts, long slabReads, int failedTenants) {
    }

    /** Null: monitors read the minute rollups only. */
    private final QueryService.FreshTail freshTail;
    /** For {@link QueryService.FreshTail#untilCompacted}; may be null. */
    private final CompactionStateStore compaction;

    public EvaluatorService(MonitorStore monitors, AlertStateStore states, SeriesIndex index, RollupStore rollups,
                            EventStore events, TransitionSink sink, PlatformMetrics metrics, int concurrency) {
        this(monitors, states, index, rollups, events, sink, metrics, concurrency, null, null);
    }

    /**
     * With a fresh tail, each tenant's newest minutes (from {@link QueryService.FreshTail#from} at the evaluated
     * minute, with the tenant's compaction progress) come from the archive: read once per tenant and round for
     * all the series its due monitors need, never once per monitor ({@link SeriesData}).
     */
    public EvaluatorService(MonitorStore monitors, AlertStateStore states, SeriesIndex index, RollupStore rollups,
                            EventStore events, TransitionSink sink, PlatformMetrics metrics, int concurrency,
                            QueryService.FreshTail freshTail, CompactionStateStore compaction) {
        this.freshTail = freshTail;
        this.compaction = compaction;
        this.monitors = monitors;
        this.states = states;
        this.index = index;
        this.rollups = rollups;
        this.events = events;
        this.sink = sink;
        this.metrics = metrics;
        this.concurrency = concurrency;
    }

    /** The shard of a monitor: a stable hash of its id. */
    public static int shardOf(String monitorId, int shardCount) {
        return Math.floorMod(monitorId.hashCode(), shardCount);
    }

    /** Evaluates the minute containing {@code time} for one shard of {@code shardCount}. */
    public Report run(long time, int shard, int shardCount) {
        if (shardCount < 1 || shard < 0 || shard >= shardCount) {
            throw new IllegalArgumentException("shard must be in [0, shardCount)");
        }
        long minute = Math.floorDiv(time, MINUTE) * MINUTE;
        Counts c = new Counts();
        int tenants = 0;
        int failed = 0;
        for (String tenant : monitors.tenants()) {
            List<Monitor> due = new ArrayList<>();
            for (Monitor m : monitors.list(tenant)) {
                if (m.enabled() && shardOf(m.id(), shardCount) == shard
                        && Math.floorMod(minute / MINUTE, m.evaluation().every().toMinutes()) == 0) {
                    due.add(m);
                }
            }
            if (due.isEmpty()) {
                continue;
            }
            tenants++;
            try {
                evaluateTenant(tenant, due, minute, c);
            } catch (RuntimeException e) {
                failed++;
                LOG.error("evaluation failed for a tenant; the run fails so the schedule retries it", e,
                        "tenant", tenant, "minute", minute);
            }
        }
        metrics.count("MonitorsEvaluated", c.monitors);
        metrics.count("AlertTransitions", c.transitions);
        metrics.count("EvaluationConflicts", c.conflicts);
        return new Report(minute, shard, shardCount, tenants, c.monitors, c.instances, c.writes, c.transitions,
                c.resent, c.conflicts, c.slabReads, failed);
    }

    private static final class Counts {
        int monitors;
        int instances;
        int writes;
        int transitions;
        int resent;
        int conflicts;
        long slabReads;
    }

    private void evaluateTenant(String tenant, List<Monitor> due, long minute, Counts c) {
        Map<String, AlertInstance> byId = new HashMap<>();
        Map<String, List<AlertInstance>> byMonitor = new HashMap<>();
        for (AlertInstance i : states.instances(tenant)) {
            byId.put(i.alertId(), i);
            byMonitor.computeIfAbsent(i.monitorId(), k -> new ArrayList<>()).add(i);
        }
        SeriesData series;
        if (freshTail == null) {
            series = new SeriesData(tenant, index, rollups, concurrency);
        } else {
            CompactionProgress progress = freshTail.untilCompacted() && compaction != null
                    ? compaction.progress(tenant).orElse(null) : null;
            series = new SeriesData(tenant, index, rollups, concurrency, freshTail.reader(),
                    freshTail.from(minute, progress), freshTail.untilCompacted());
        }
        EventData eventData = new EventData(tenant, events);
        for (Monitor m : due) {
            MonitorEvaluator.need(m, minute, series, eventData);
        }
        series.load();
        eventData.load();
        c.slabReads += series.slabReads();
        if (freshTail != null) {
            metrics.count("EvaluatorArchiveSeries", series.archiveSeries());
        }

        // Composites last, so they see this minute's states of the monitors they name.
        List<Monitor> ordered = new ArrayList<>(due);
        ordered.sort((a, b) -> Boolean.compare(a.kind() == MonitorKind.COMPOSITE, b.kind() == MonitorKind.COMPOSITE));
        List<AlertTransition> toSend = new ArrayList<>();
        List<AlertInstance> delivered = new ArrayList<>();
        for (Monitor m : ordered) {
            c.monitors++;
            List<AlertInstance> existing = byMonitor.getOrDefault(m.id(), List.of());
            List<Map<String, String>> known = existing.stream().map(AlertInstance::group).toList();
            Map<Map<String, String>, EvaluationResult> results = MonitorEvaluator.evaluate(m, minute, series,
                    eventData, known, id -> byMonitor.getOrDefault(id, List.of()).stream()
                            .anyMatch(i -> i.state() == AlertState.FIRING));
            List<AlertInstance> updated = new ArrayList<>();
            for (Map.Entry<Map<String, String>, EvaluationResult> r : results.entrySet()) {
                c.instances++;
                String alertId = AlertInstance.idOf(m.id(), r.getKey());
                AlertInstance s = byId.get(alertId);
                if (s == null) {
                    s = AlertInstance.fresh(alertId, m.id(), m.name(), r.getKey(), m.severity(),
                            Transitions.labels(m, r.getKey()));
                }
                if (s.lastEvaluatedAt() >= minute) {
                    // Already done by an earlier attempt of this minute: send what it recorded and did not deliver.
                    if (!s.outbox().isEmpty()) {
                        toSend.addAll(s.outbox());
                        c.resent += s.outbox().size();
                        delivered.add(s);
                    }
                    updated.add(s);
                    continue;
                }
                StateMachine.Step step = StateMachine.step(tenant, m, s, r.getValue(), minute);
                AlertInstance next = step.next();
                List<AlertTransition> out = step.transitions();
                boolean unchanged = out.isEmpty() && next.sameContent(s) && s.version() > 0;
                if (unchanged && s.outbox().isEmpty()) {
                    updated.add(s);
                    continue;
                }
                if (unchanged) {
                    // An earlier run recorded transitions but could not send them: send them now.
                    toSend.addAll(s.outbox());
                    c.resent += s.outbox().size();
                    delivered.add(s);
                    updated.add(s);
                    continue;
                }
                if (out.isEmpty() && s.version() == 0 && next.state() == AlertState.OK
                        && next.recent().indexOf('1') < 0 && r.getValue().status() != EvaluationResult.Status.ERROR) {
                    // A healthy group that never breached needs no item yet.
                    updated.add(s);
                    continue;
                }
                List<AlertTransition> box = new ArrayList<>(s.outbox());
                box.addAll(out);
                AlertInstance stored = next.withEvaluated(minute, box).withVersion(s.version() + 1);
                if (states.save(tenant, stored, out)) {
                    c.writes++;
                    c.transitions += out.size();
                    c.resent += s.outbox().size();
                    toSend.addAll(box);
                    if (!box.isEmpty()) {
                        delivered.add(stored);
                    }
                    updated.add(stored);
                    byId.put(alertId, stored);
                } else {
                    c.conflicts++;
                    updated.add(s);
                }
            }
            List<AlertInstance> all = new ArrayList<>(updated);
            for (AlertInstance i : existing) {
                if (all.stream().noneMatch(u -> u.alertId().equals(i.alertId()))) {
                    all.add(i);
                }
            }
            byMonitor.put(m.id(), all);
        }
        if (!toSend.isEmpty()) {
            for (AlertTransition t : toSend) {
                LOG.info("alert transition", "tenant", tenant, "alertId", t.alertId(), "from", t.from().wire(),
                        "to", t.to().wire(), "at", t.at());
            }
            sink.send(toSend);
            // Delivered: empty the outboxes. A clear that loses to another writer is harmless (at worst that
            // writer sends the same ids again, which the notifier dedupes).
            for (AlertInstance i : delivered) {
                states.save(tenant, i.withEvaluated(i.lastEvaluatedAt(), List.of()).withVersion(i.version() + 1),
                        List.of());
            }
        }
    }

    /** Monitors a composite names must exist; used by the API. */
    public static List<String> referenced(Monitor m) {
        if (m.condition() instanceof Condition.Composite c) {
            return List.copyOf(dev.longwatch.model.alerting.CompositeExpression.parse(c.expression()).ids());
        }
        return List.of();
    }
}

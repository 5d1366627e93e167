package dev.longwatch.core.alerting;

import dev.longwatch.aws.dynamodb.DynamoDbAlertStateStore;
import dev.longwatch.aws.dynamodb.DynamoDbAuditLog;
import dev.longwatch.aws.dynamodb.DynamoDbEventStore;
import dev.longwatch.aws.dynamodb.DynamoDbMonitorStore;
import dev.longwatch.aws.dynamodb.DynamoDbRollupStore;
import dev.longwatch.aws.dynamodb.DynamoDbSeriesIndex;
import dev.longwatch.aws.dynamodb.TableNames;
import dev.longwatch.core.alerting.backtest.BacktestService;
import dev.longwatch.core.alerting.evaluate.EvaluatorService;
import dev.longwatch.core.rollup.RollupService;
import dev.longwatch.core.telemetry.InMemoryMetrics;
import dev.longwatch.model.Event;
import dev.longwatch.model.IngestLimits;
import dev.longwatch.model.MetricType;
import dev.longwatch.model.Payloads;
import dev.longwatch.model.Series;
import dev.longwatch.model.StreamRecord;
import dev.longwatch.model.StreamRecords;
import dev.longwatch.model.Tags;
import dev.longwatch.model.alerting.AlertTransition;
import dev.longwatch.model.alerting.Monitor;
import dev.longwatch.model.alerting.Monitors;
import dev.longwatch.testing.LocalDynamo;
import dev.longwatch.testing.MutableClock;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The alerting services on DynamoDB Local with their real adapters, fed through the real rollup service.
 * Time is in minutes from {@link #T0}; the clock is moved by hand. Transitions sent go to {@link #sent}.
 */
public final class AlertingFixture {
    public static final long MINUTE = 60_000;
    public static final long T0 = Instant.parse("2026-11-20T00:00:00Z").toEpochMilli();

    public final MutableClock clock = new MutableClock(Instant.ofEpochMilli(T0));
    public final InMemoryMetrics metrics = new InMemoryMetrics();
    public final TableNames tables = LocalDynamo.freshTables();
    public final StreamRecords codec = new StreamRecords(new Payloads(IngestLimits.DEFAULT, clock, () -> "ev"));
    public final DynamoDbRollupStore rollups = new DynamoDbRollupStore(LocalDynamo.client(), tables.rollups(), metrics);
    public final DynamoDbSeriesIndex index = new DynamoDbSeriesIndex(LocalDynamo.client(), tables.series(), metrics);
    public final DynamoDbEventStore events = new DynamoDbEventStore(LocalDynamo.client(), tables.events(), metrics);
    public final RollupService rollup = new RollupService(codec, rollups, index, events, metrics, clock, 4);
    public final DynamoDbMonitorStore monitorStore = new DynamoDbMonitorStore(LocalDynamo.client(), tables.alerting());
    public final DynamoDbAlertStateStore states = new DynamoDbAlertStateStore(LocalDynamo.client(), tables.alerting(),
            metrics);
    public final DynamoDbAuditLog audit = new DynamoDbAuditLog(LocalDynamo.client(), tables.alerting());
    public final List<AlertTransition> sent = new ArrayList<>();
    public final TransitionSink sink = sent::addAll;
    public final EvaluatorService evaluator = new EvaluatorService(monitorStore, states, index, rollups, events, sink,
            metrics, 4);
    public final MonitorService monitors = new MonitorService(monitorStore, states, audit, clock, new SecureRandom());
    public final AlertService alerts = new AlertService(states, monitorStore, audit, sink, clock);
    public final BacktestService backtests = new BacktestService(index, rollups, events, 4);
    private long seq;

    public static long at(int minute) {
        return T0 + minute * MINUTE;
    }

    /** Writes gauge points through the rollup: {@code values[i]} at minute {@code first + i} (NaN: no point). */
    public void gauge(String tenant, String metric, Tags tags, int first, double... values) {
        List<Long> ts = new ArrayList<>();
        List<Double> vs = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            if (!Double.isNaN(values[i])) {
                ts.add(at(first + i) + 1_000);
                vs.add(values[i]);
            }
        }
        if (ts.isEmpty()) {
            return;
        }
        Series s = new Series(metric, MetricType.GAUGE, tags, ts.stream().mapToLong(Long::longValue).toArray(),
                vs.stream().mapToDouble(Double::doubleValue).toArray());
        apply(codec.encode(new StreamRecord.Metrics(tenant, List.of(s))));
    }

    public void event(String tenant, String kind, Tags tags, long time) {
        apply(codec.encode(new StreamRecord.Events(tenant, List.of(new Event("ev-" + time + kind, "t", kind, time,
                tags, null, null, null)))));
    }

    private void apply(byte[] data) {
        RollupService.BatchOutcome o = rollup.apply(List.of(new RollupService.IncomingRecord("shardId-0",
                String.format("49%054d", ++seq), clock.millis(), data)));
        if (!o.failedSequenceNumbers().isEmpty() || o.unreadableRecords() > 0) {
            throw new IllegalStateException("the rollup refused the test data");
        }
    }

    public Monitor create(String tenant, String json) {
        return monitors.create(tenant, "key:test", Monitors.parse(json));
    }

    /** Runs the evaluator for minute {@code minute} (shard 0 of 1), with the clock there. */
    public EvaluatorService.Report evaluate(int minute) {
        clock.set(Instant.ofEpochMilli(at(minute)));
        return evaluator.run(at(minute), 0, 1);
    }

    /** The sent transitions as {@code "t=5 OK->FIRING"} (minutes from T0). */
    public List<String> seen() {
        List<String> out = new ArrayList<>();
        for (AlertTransition t : sent) {
            out.add("t=" + (t.at() - T0) / MINUTE + " " + t.from().wire() + "->" + t.to().wire());
        }
        return out;
    }
}

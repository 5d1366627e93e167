package dev.longwatch.testing;

import dev.longwatch.aws.dynamodb.DynamoDbCompactionStateStore;
import dev.longwatch.aws.dynamodb.DynamoDbEventStore;
import dev.longwatch.aws.dynamodb.DynamoDbRollupStore;
import dev.longwatch.aws.dynamodb.DynamoDbSeriesIndex;
import dev.longwatch.aws.dynamodb.TableNames;
import dev.longwatch.core.query.QueryResult;
import dev.longwatch.core.query.QueryService;
import dev.longwatch.core.rollup.CompactionStateStore;
import dev.longwatch.core.rollup.Retention;
import dev.longwatch.core.rollup.RollupService;
import dev.longwatch.core.rollup.RollupStore;
import dev.longwatch.core.rollup.Slab;
import dev.longwatch.core.rollup.SlabKey;
import dev.longwatch.core.rollup.Tier;
import dev.longwatch.core.rollup.compact.CompactionReport;
import dev.longwatch.core.rollup.compact.CompactorService;
import dev.longwatch.core.telemetry.InMemoryMetrics;
import dev.longwatch.model.Aggregate;
import dev.longwatch.model.IngestLimits;
import dev.longwatch.model.Payloads;
import dev.longwatch.model.Series;
import dev.longwatch.model.StreamRecord;
import dev.longwatch.model.StreamRecords;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Rollup, compactor and query wired the way AwsWiring wires them, on fresh DynamoDB Local tables and a clock
 * the test moves. Records are encoded by {@link StreamRecords} and carry increasing sequence numbers of one
 * shard, like a Kinesis shard. Stores can be wrapped (to count reads or step into the middle of a run).
 */
public final class TieredRollups {
    public static final String SHARD = "shardId-000000000000";

    public final MutableClock clock;
    public final InMemoryMetrics metrics = new InMemoryMetrics();
    public final StreamRecords codec;
    public final TableNames tables = LocalDynamo.freshTables();
    public final Retention retention;
    public final DynamoDbRollupStore store;
    public final DynamoDbSeriesIndex index;
    public final DynamoDbCompactionStateStore state;
    private long sequence;

    public TieredRollups(Instant now) {
        this(now, Retention.DEFAULTS);
    }

    public TieredRollups(Instant now, Retention retention) {
        this.clock = new MutableClock(now);
        this.retention = retention;
        this.codec = new StreamRecords(new Payloads(IngestLimits.DEFAULT, clock, () -> "ev"));
        this.store = new DynamoDbRollupStore(LocalDynamo.client(), tables.rollups(), metrics, retention);
        this.index = new DynamoDbSeriesIndex(LocalDynamo.client(), tables.series(), metrics);
        this.state = new DynamoDbCompactionStateStore(LocalDynamo.client(), tables.state(), metrics);
    }

    public RollupService rollups() {
        return rollups(store, state);
    }

    public RollupService rollups(RollupStore rollupStore, CompactionStateStore stateStore) {
        return new RollupService(codec, rollupStore, index,
                new DynamoDbEventStore(LocalDynamo.client(), tables.events(), metrics), stateStore, retention,
                metrics, clock, 4);
    }

    public CompactorService compactor() {
        return compactor(store, CompactorService.Limits.DEFAULT);
    }

    public CompactorService compactor(RollupStore rollupStore, CompactorService.Limits limits) {
        return new CompactorService(index, rollupStore, state, retention, metrics, clock, limits);
    }

    public QueryService queries(RollupStore rollupStore) {
        return new QueryService(index, rollupStore, state, retention, clock, 4);
    }

    /** A batch of one record per series, with the next sequence numbers. */
    public List<RollupService.IncomingRecord> batch(String tenant, Series... series) {
        List<RollupService.IncomingRecord> out = new ArrayList<>();
        for (Series s : series) {
            out.add(new RollupService.IncomingRecord(SHARD, String.format(Locale.ROOT, "49%054d", ++sequence),
                    clock.millis(), codec.encode(new StreamRecord.Metrics(tenant, List.of(s)))));
        }
        return out;
    }

    /** Rolls a batch up and checks that nothing failed. */
    public RollupService.BatchOutcome apply(RollupService service, List<RollupService.IncomingRecord> batch) {
        RollupService.BatchOutcome outcome = service.apply(batch);
        assertEquals(List.of(), outcome.failedSequenceNumbers(), "the batch is rolled up");
        return outcome;
    }

    public RollupService.BatchOutcome write(String tenant, Series... series) {
        return apply(rollups(), batch(tenant, series));
    }

    /** Runs the compactor until it reports nothing left (at most 50 runs). */
    public List<CompactionReport> compactFully(CompactorService compactor) {
        List<CompactionReport> reports = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            CompactionReport r = compactor.run(Duration.ofMinutes(1));
            reports.add(r);
            if (r.complete()) {
                return reports;
            }
        }
        throw new AssertionError("the compactor did not finish in 50 runs: " + reports.get(reports.size() - 1));
    }

    /** The merged aggregate of one slot of one tier (null when empty or absent). */
    public Aggregate slot(String tenant, Series s, Tier tier, long time) {
        Slab slab = slab(tenant, s, tier, time);
        if (slab == null) {
            return null;
        }
        return slab.merged()[(int) ((tier.slotStart(time) - slab.key().start()) / tier.slotMillis())];
    }

    public Slab slab(String tenant, Series s, Tier tier, long time) {
        SlabKey key = new SlabKey(s.key(tenant).qualifiedId(), tier, s.type(), tier.slabStart(time, s.type()));
        return store.load(List.of(key)).get(key);
    }

    /** A query through {@link QueryService#parse}, as the HTTP handler runs it. */
    public static QueryResult query(QueryService q, String tenant, String metric, String agg, long from, long to,
                                    String step) {
        return q.query(tenant, q.parse(metric, List.of(), List.of(), agg, Long.toString(from), Long.toString(to),
                step));
    }
}

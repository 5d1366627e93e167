package dev.longwatch.core.alerting;

import dev.longwatch.aws.dynamodb.DynamoDbCompactionStateStore;
import dev.longwatch.aws.s3.S3ArchiveStore;
import dev.longwatch.core.alerting.evaluate.EvaluatorService;
import dev.longwatch.core.alerting.evaluate.SeriesData;
import dev.longwatch.core.archive.ArchiveReader;
import dev.longwatch.core.archive.ArchiveService;
import dev.longwatch.core.archive.ArchiveStore;
import dev.longwatch.core.query.QueryService;
import dev.longwatch.core.rollup.LateArrivals;
import dev.longwatch.core.rollup.RollupService;
import dev.longwatch.model.MetricType;
import dev.longwatch.model.Series;
import dev.longwatch.model.StreamRecord;
import dev.longwatch.model.Tags;
import dev.longwatch.model.alerting.MonitorQuery;
import dev.longwatch.testing.LocalDynamo;
import dev.longwatch.testing.LocalS3;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.longwatch.core.alerting.AlertingFixture.at;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The evaluator's fresh tail (DynamoDB Local and s3proxy): minutes newer than the boundary come from the archive,
 * read once per tenant and round for all monitors, and no minute is counted from both the rollups and the archive.
 */
class EvaluatorFreshTailTest {
    static final Tags CHECKOUT = Tags.of("service", "checkout");

    final AlertingFixture f = new AlertingFixture();
    final DynamoDbCompactionStateStore state = new DynamoDbCompactionStateStore(LocalDynamo.client(),
            f.tables.state(), f.metrics);
    final CountingStore s3 = new CountingStore(new S3ArchiveStore(LocalS3.client(), LocalS3.freshBucket()));
    /** The archive consumer as the minute tier from the archive wires it: it registers series. */
    final ArchiveService archive = new ArchiveService(f.codec, s3, f.metrics, f.clock, 2, f.index,
            new LateArrivals(state, f.metrics));
    private long seq;

    /** Counts object fetches, to show the archive is read once per tenant and round. */
    static final class CountingStore implements ArchiveStore {
        final ArchiveStore real;
        final AtomicInteger gets = new AtomicInteger();

        CountingStore(ArchiveStore real) {
            this.real = real;
        }

        @Override
        public Optional<Stored> get(String key) {
            gets.incrementAndGet();
            return real.get(key);
        }

        @Override
        public String put(String key, byte[] bytes) {
            return real.put(key, bytes);
        }

        @Override
        public boolean putIfUnchanged(String key, byte[] bytes, String expectedEtag) {
            return real.putIfUnchanged(key, bytes, expectedEtag);
        }

        @Override
        public List<Listed> list(String prefix) {
            return real.list(prefix);
        }

        @Override
        public List<String> listPrefixes(String prefix) {
            return real.listPrefixes(prefix);
        }

        @Override
        public void delete(String key) {
            real.delete(key);
        }

        @Override
        public boolean deleteIfUnchanged(String key, String etag) {
            return real.deleteIfUnchanged(key, etag);
        }
    }

    static Series cpu(int minute, double value) {
        return new Series("cpu", MetricType.GAUGE, CHECKOUT, new long[]{at(minute) + 1_000}, new double[]{value});
    }

    byte[] record(Series s) {
        return f.codec.encode(new StreamRecord.Metrics("acme", List.of(s)));
    }

    void toArchive(Series s) {
        String sequence = String.format(Locale.ROOT, "49%054d", ++seq);
        assertEquals(List.of(), archive.apply(List.of(new ArchiveService.IncomingRecord("shardId-0", sequence,
                record(s)))).failedSequenceNumbers());
    }

    /** Both consumers, as in stream mode once the rollup mapping's window has passed. */
    void toBoth(Series s) {
        String sequence = String.format(Locale.ROOT, "49%054d", ++seq);
        assertEquals(List.of(), f.rollup.apply(List.of(new RollupService.IncomingRecord("shardId-0", sequence,
                f.clock.millis(), record(s)))).failedSequenceNumbers());
        assertEquals(List.of(), archive.apply(List.of(new ArchiveService.IncomingRecord("shardId-0", sequence,
                record(s)))).failedSequenceNumbers());
    }

    EvaluatorService withFreshTail() {
        return new EvaluatorService(f.monitorStore, f.states, f.index, f.rollups, f.events, f.sink, f.metrics, 2,
                QueryService.FreshTail.untilCompacted(new ArchiveReader(s3, 2, 512), Duration.ofMinutes(5)), state);
    }

    @Test
    void theEvaluatorSeesTheJustClosedMinuteFromTheArchive() {
        f.create("acme", """
                {"name": "CPU", "kind": "threshold", "query": {"metric": "cpu", "window": "1m"},
                 "condition": {"op": "above", "critical": 90}, "evaluation": {"delay": "0m"}}""");
        toArchive(cpu(0, 95)); // in the archive only: no minute rollup exists yet

        f.clock.set(java.time.Instant.ofEpochMilli(at(1)));
        withFreshTail().run(at(1), 0, 1);

        assertEquals(List.of("t=1 OK->FIRING"), f.seen());
    }

    @Test
    void theArchiveIsReadOncePerTenantAndRoundHoweverManyMonitors() {
        for (int i = 0; i < 5; i++) {
            f.create("acme", """
                    {"name": "CPU %d", "kind": "threshold", "query": {"metric": "cpu", "window": "%dm"},
                     "condition": {"op": "above", "critical": 90}, "evaluation": {"delay": "0m"}}"""
                    .formatted(i, i + 1));
        }
        toArchive(cpu(0, 95));
        EvaluatorService evaluator = withFreshTail();

        f.clock.set(java.time.Instant.ofEpochMilli(at(1)));
        evaluator.run(at(1), 0, 1);

        assertEquals(5, f.sent.size(), "every monitor fired");
        // The tail starts at the tenant's hourDone (23:00 the day before): one per-batch object and the two days'
        // blocks, each fetched once for the five monitors.
        assertEquals(3, s3.gets.get());
    }

    @Test
    void aMinuteInBothTheRollupsAndTheArchiveCountsOnce() {
        // Stream mode with a long rollup window: minutes 0-4 are rolled up, minute 5 is in the archive only.
        for (int m = 0; m < 5; m++) {
            toBoth(cpu(m, 30));
        }
        toArchive(cpu(5, 30));
        MonitorQuery q = new MonitorQuery("cpu", List.of(), List.of(), "sum", Duration.ofMinutes(6));
        SeriesData data = new SeriesData("acme", f.index, f.rollups, 2, new ArchiveReader(s3, 2), at(3));
        data.need("cpu", at(0), at(6));

        data.load();

        assertEquals(Map.of(Map.of(), 180.0), data.window(q, at(0), at(6)),
                "minutes 0-2 from the rollups, 3-5 from the archive, each once");
    }
}

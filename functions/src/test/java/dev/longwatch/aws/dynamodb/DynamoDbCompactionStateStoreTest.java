package dev.longwatch.aws.dynamodb;

import dev.longwatch.core.rollup.CompactionProgress;
import dev.longwatch.core.rollup.CompactionProgress.Mark;
import dev.longwatch.core.rollup.RecomputeRequest;
import dev.longwatch.core.rollup.Tier;
import dev.longwatch.core.telemetry.InMemoryMetrics;
import dev.longwatch.model.MetricType;
import dev.longwatch.testing.LocalDynamo;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The compactor's progress and recompute requests in the state table of DynamoDB Local. */
class DynamoDbCompactionStateStoreTest {
    static final long H = 3_600_000;
    final InMemoryMetrics metrics = new InMemoryMetrics();
    DynamoDbCompactionStateStore state;

    @BeforeEach
    void setUp() {
        state = new DynamoDbCompactionStateStore(LocalDynamo.client(), LocalDynamo.freshTables().state(), metrics);
    }

    static RecomputeRequest ask(String series, Tier tier, long slot) {
        return new RecomputeRequest("acme", series, MetricType.GAUGE, tier, slot, null);
    }

    @Test
    void aTenantStartsOnceAndKeepsItsFirstProgress() {
        assertEquals(Optional.empty(), state.progress("acme"));
        CompactionProgress first = new CompactionProgress(10 * H, 10 * H, 0, 0);
        assertTrue(state.start("acme", first));
        assertFalse(state.start("acme", new CompactionProgress(20 * H, 20 * H, 0, 0)), "a second start changes nothing");
        assertEquals(Optional.of(first), state.progress("acme"));
        assertEquals(Optional.empty(), state.progress("globex"), "per tenant");
    }

    @Test
    void marksOnlyMoveForward() {
        state.start("acme", new CompactionProgress(10 * H, 10 * H, 0, 0));
        state.advance("acme", Mark.HOUR_CLAIMED, 14 * H);
        state.advance("acme", Mark.HOUR_DONE, 12 * H);
        state.advance("acme", Mark.HOUR_DONE, 11 * H); // a slower run finishing late
        state.advance("acme", Mark.DAY_DONE, 24 * H);
        assertEquals(new CompactionProgress(14 * H, 12 * H, 0, 24 * H), state.progress("acme").orElseThrow());
    }

    @Test
    void askingTwiceIsOneRequestAndOnlyTheLatestAskCanBeCompleted() {
        state.request(List.of(ask("s1", Tier.HOUR, 5 * H), ask("s1", Tier.HOUR, 5 * H)));
        RecomputeRequest read = state.pending("acme", Tier.HOUR, 10).get(0);
        state.request(List.of(ask("s1", Tier.HOUR, 5 * H))); // a late point came in while it was being done
        List<RecomputeRequest> pending = state.pending("acme", Tier.HOUR, 10);
        assertEquals(1, pending.size(), "one request per series and slot");
        assertNotEquals(read.token(), pending.get(0).token(), "every ask renews the token");

        assertFalse(state.complete(read), "the newer ask keeps the request");
        assertEquals(1, state.pending("acme", Tier.HOUR, 10).size());
        assertTrue(state.complete(pending.get(0)));
        assertEquals(List.of(), state.pending("acme", Tier.HOUR, 10));
    }

    @Test
    void requestsAreListedPerTierOldestSlotFirstUpToTheLimit() {
        state.request(List.of(ask("s2", Tier.HOUR, 7 * H), ask("s1", Tier.HOUR, 5 * H), ask("s1", Tier.DAY, 0),
                ask("s3", Tier.HOUR, 6 * H),
                new RecomputeRequest("globex", "s9", MetricType.COUNTER, Tier.HOUR, H, null)));
        List<RecomputeRequest> hours = state.pending("acme", Tier.HOUR, 2);
        assertEquals(List.of(5 * H, 6 * H), hours.stream().map(RecomputeRequest::slotStart).toList());
        assertEquals("s1", hours.get(0).seriesId());
        assertEquals(MetricType.GAUGE, hours.get(0).type());
        List<RecomputeRequest> days = state.pending("acme", Tier.DAY, 10);
        assertEquals(1, days.size());
        assertEquals(Tier.DAY, days.get(0).tier());
        assertEquals(MetricType.COUNTER, state.pending("globex", Tier.HOUR, 10).get(0).type());
    }
}

package dev.longwatch.core.alerting.evaluate;

import dev.longwatch.model.alerting.AlertState;
import dev.longwatch.model.alerting.AlertTransition;
import dev.longwatch.model.alerting.Severity;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The evaluation rules of docs/alerting.md, one timeline each (time in minutes). */
class StateMachineTimelineTest {
    static final String ABOVE_500 = "{\"op\": \"above\", \"critical\": 500}";

    @Test
    void aBreachFiresAtOnceWithoutPendingAndResolvesWhenTheValueRecovers() {
        Timeline t = Timeline.threshold(ABOVE_500, "{}").values(0, 100, 600, 700, 200, 100);
        assertEquals(List.of("t=1 OK->FIRING", "t=3 FIRING->RESOLVED"), t.seen());
    }

    @Test
    void pendingForHoldsTheAlertInPendingUntilTheBreachHasLastedThatLong() {
        Timeline t = Timeline.threshold(ABOVE_500, "{\"pendingFor\": \"3m\"}").values(0, 600, 600, 600, 600, 600);
        assertEquals(List.of("t=0 OK->PENDING", "t=3 PENDING->FIRING"), t.seen());
        assertEquals(0, (t.transitions.get(1).since() - Timeline.T0) / Timeline.MINUTE,
                "a firing alert's episode began when it went pending");
    }

    @Test
    void aBreachShorterThanPendingForGoesBackToOkWithoutFiring() {
        Timeline t = Timeline.threshold(ABOVE_500, "{\"pendingFor\": \"3m\"}").values(0, 600, 600, 100, 100);
        assertEquals(List.of("t=0 OK->PENDING", "t=2 PENDING->OK"), t.seen());
    }

    @Test
    void mOfNFiresOnlyWhenMOfTheLastNEvaluationsBreach() {
        Timeline t = Timeline.threshold(ABOVE_500, "{\"datapoints\": 3, \"outOf\": 5}")
                .values(0, 600, 100, 600, 100, 100, 100, 600, 600, 100, 600);
        // Two of five at most until t=9, when t=6, t=7 and t=9 make three of the last five.
        assertEquals(List.of("t=9 OK->FIRING"), t.seen());
    }

    @Test
    void mOfNResolvesOnlyWhenFewerThanMOfTheLastNBreach() {
        Timeline t = Timeline.threshold(ABOVE_500, "{\"datapoints\": 2, \"outOf\": 3}")
                .values(0, 600, 600, 100, 600, 100, 100);
        // t=4: the last three are 100, 600, 100: one breach of three.
        assertEquals(List.of("t=1 OK->FIRING", "t=4 FIRING->RESOLVED"), t.seen());
    }

    @Test
    void aRecoveryLevelKeepsTheAlertFiringUntilTheValueCrossesIt() {
        Timeline t = Timeline.threshold("{\"op\": \"above\", \"critical\": 500, \"recovery\": 400}", "{}")
                .values(0, 600, 450, 480, 399);
        assertEquals(List.of("t=0 OK->FIRING", "t=3 FIRING->RESOLVED"), t.seen());
    }

    @Test
    void keepFiringForResolvesOnlyAfterRecoveringThatLong() {
        Timeline t = Timeline.threshold(ABOVE_500, "{\"keepFiringFor\": \"2m\"}")
                .values(0, 600, 100, 600, 100, 100, 100);
        assertEquals(List.of("t=0 OK->FIRING", "t=5 FIRING->RESOLVED"), t.seen());
    }

    @Test
    void warningAndCriticalLevelsGiveTheSeverityAndAnEscalationIsATransition() {
        Timeline t = Timeline.threshold("{\"op\": \"above\", \"critical\": 500, \"warning\": 300}", "{}")
                .values(0, 350, 600, 100);
        assertEquals(List.of("t=0 OK->FIRING", "t=1 FIRING->FIRING", "t=2 FIRING->RESOLVED"), t.seen());
        assertEquals(Severity.WARNING, t.transitions.get(0).severity());
        assertEquals(300.0, t.transitions.get(0).threshold());
        assertEquals(Severity.CRITICAL, t.transitions.get(1).severity());
    }

    @Test
    void belowBreachesUnderTheLevel() {
        Timeline t = Timeline.threshold("{\"op\": \"below\", \"critical\": 10}", "{}").values(0, 50, 5, 20);
        assertEquals(List.of("t=1 OK->FIRING", "t=2 FIRING->RESOLVED"), t.seen());
    }

    @Test
    void noDataMovesToNoDataByDefaultAndBackWhenDataReturns() {
        Timeline t = Timeline.threshold(ABOVE_500, "{}").at(0, 100.0).at(1, (Double) null).at(2, 100.0);
        assertEquals(List.of("t=1 OK->NO_DATA", "t=2 NO_DATA->OK"), t.seen());
        assertNull(t.transitions.get(0).value());
    }

    @Test
    void noDataAsBreachingFires() {
        Timeline t = Timeline.threshold(ABOVE_500, "{\"noData\": \"breaching\"}").at(0, (Double) null);
        assertEquals(List.of("t=0 OK->FIRING"), t.seen());
    }

    @Test
    void noDataAsOkResolvesAFiringAlert() {
        Timeline t = Timeline.threshold(ABOVE_500, "{\"noData\": \"ok\"}").at(0, 600.0).at(1, (Double) null);
        assertEquals(List.of("t=0 OK->FIRING", "t=1 FIRING->RESOLVED"), t.seen());
    }

    @Test
    void noDataAsKeepLeavesAFiringAlertFiring() {
        Timeline t = Timeline.threshold(ABOVE_500, "{\"noData\": \"keep\"}").at(0, 600.0).at(1, (Double) null)
                .at(2, (Double) null);
        assertEquals(List.of("t=0 OK->FIRING"), t.seen());
        assertEquals(AlertState.FIRING, t.state.state());
    }

    @Test
    void aFiringEpisodeInterruptedByNoDataEndsResolvedNotSilentlyOk() {
        Timeline t = Timeline.threshold(ABOVE_500, "{}").at(0, 600.0).at(1, (Double) null).at(2, 100.0);
        assertEquals(List.of("t=0 OK->FIRING", "t=1 FIRING->NO_DATA", "t=2 NO_DATA->RESOLVED"), t.seen());
    }

    @Test
    void anEvaluationErrorIsTheErrorStateWithItsReasonNeverOk() {
        Timeline t = Timeline.threshold(ABOVE_500, "{}").at(0, 100.0)
                .at(1, EvaluationResult.error("query.agg: p99 needs a distribution metric")).at(2, 100.0);
        assertEquals(List.of("t=1 OK->ERROR", "t=2 ERROR->OK"), t.seen());
        AlertTransition error = t.transitions.get(0);
        assertEquals("query.agg: p99 needs a distribution metric", error.error());
    }

    @Test
    void anInstanceFlippingMoreThanKTimesInTheWindowIsFlappingAndNotifiedOnce() {
        Timeline t = Timeline.threshold(ABOVE_500, "{\"flapping\": {\"changes\": 4, \"window\": \"30m\"}}")
                .values(0, 600, 100, 600, 100, 600, 100, 600, 100, 600, 100);
        // Changes at t=0,1,2,3 are notified; the fifth (t=4) makes it FLAPPING; further flips are not transitions.
        assertEquals(List.of("t=0 OK->FIRING", "t=1 FIRING->RESOLVED", "t=2 RESOLVED->FIRING",
                "t=3 FIRING->RESOLVED", "t=4 RESOLVED->FLAPPING"), t.seen());
    }

    @Test
    void aFlappingInstanceLeavesFlappingOnceItHasSettledWithinTheWindow() {
        Timeline t = Timeline.threshold(ABOVE_500, "{\"flapping\": {\"changes\": 4, \"window\": \"10m\"}}")
                .values(0, 600, 100, 600, 100, 600);
        for (int m = 5; m <= 12; m++) {
            t.at(m, 600.0);
        }
        // Changes at t=0..4 fall out of the ten-minute window one by one; at t=13 two remain (<= 4/2).
        assertEquals("t=4 RESOLVED->FLAPPING", t.seen().get(4));
        assertEquals(List.of("t=12 FLAPPING->FIRING"), t.seen().subList(5, t.seen().size()));
    }

    @Test
    void theTransitionCarriesTheValueThresholdRenderedMessageAndStableId() {
        Timeline t = new Timeline("""
                {"name": "Checkout latency", "kind": "threshold",
                 "query": {"metric": "http.latency", "groupBy": [], "agg": "p99", "window": "1m"},
                 "condition": {"op": "above", "critical": 500}, "priority": 2, "runbook": "https://rb/x",
                 "message": "{{monitor.name}}: {{value}} > {{threshold}} ({{state}})", "tags": {"team": "pay"},
                 "notify": {"channels": ["ch_1"]}}""").values(0, 912.5);
        AlertTransition f = t.transitions.get(0);
        assertEquals(AlertTransition.idOf("mon_t:*", Timeline.T0, AlertState.FIRING), f.id());
        assertEquals("Checkout latency: 912.5 > 500 (FIRING)", f.message());
        assertEquals("p99(http.latency) > 500", f.condition());
        assertEquals(912.5, f.value());
        assertEquals(500.0, f.threshold());
        assertEquals(2, f.priority());
        assertEquals(List.of("ch_1"), f.channels());
        assertEquals("pay", f.labels().get("team"));
        assertEquals("critical", f.labels().get("severity"));
    }
}

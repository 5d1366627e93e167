package dev.longwatch.infra;

import dev.longwatch.infra.construct.LongwatchFunction;
import software.amazon.awscdk.App;
import software.amazon.awscdk.assertions.Template;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code minuteTierSource}: where minute rollups come from, and what each function gets for it. */
class MinuteTierInfraTest {

    private static String environment(Template t, LongwatchFunction fn) {
        return Cfn.json(Cfn.properties(Cfn.resources(t, "AWS::Lambda::Function")
                .get(Installation.logicalId(fn.function()))).get("Environment"));
    }

    private static Object rollupMappingEnabled(Installation i) {
        return Cfn.mappingTo(i.rollup(), Installation.logicalId(i.stacks.rollup().rollup().function().alias()))
                .get("Enabled");
    }

    @Test
    void theMinuteTierComesFromTheStreamByDefaultAndOnlyArchiveIsTheOtherChoice() {
        assertEquals("stream", LongwatchConfig.defaults().minuteTierSource());
        App app = App.Builder.create().context(Map.of("minuteTierSource", "s3")).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LongwatchConfig.fromContext(app.getNode()));
        assertTrue(e.getMessage().contains("'minuteTierSource' is 's3'"), e.getMessage());
    }

    @Test
    void withTheMinuteTierFromTheArchiveTheRollupConsumerReadsNothing() {
        assertEquals(false, rollupMappingEnabled(Installation.archiveMinuteTier()));
        assertEquals(true, rollupMappingEnabled(Installation.defaults()));
    }

    @Test
    void inArchiveModeTheArchiveIsWrittenAsOftenAsTheRollupsWouldBeSoTheSettledMinuteIsInIt() {
        Installation a = Installation.archiveMinuteTier();
        Object archiveWindow = Cfn.mappingTo(a.rollup(),
                Installation.logicalId(a.stacks.rollup().archive().function().alias())).get("MaximumBatchingWindowInSeconds");
        assertEquals(LongwatchConfig.defaults().batchingWindowSeconds(), ((Number) archiveWindow).intValue(),
                "the evaluator reads the minute just ended from the archive 25 s after it");
        Installation d = Installation.defaults();
        Object defaultWindow = Cfn.mappingTo(d.rollup(),
                Installation.logicalId(d.stacks.rollup().archive().function().alias())).get("MaximumBatchingWindowInSeconds");
        assertEquals(LongwatchConfig.defaults().archiveBatchingWindowSeconds(), ((Number) defaultWindow).intValue(),
                "in stream mode the archive keeps its own, longer window (fewer objects)");
    }

    @Test
    void theArchiveConsumerRegistersSeriesAndStartsTenantsOnlyInArchiveMode() {
        Installation i = Installation.archiveMinuteTier();
        LongwatchFunction archive = i.stacks.rollup().archive().function();
        String env = environment(i.rollup(), archive);
        assertTrue(env.contains("\"LONGWATCH_MINUTE_TIER\":\"archive\"") && env.contains("LONGWATCH_SERIES_TABLE")
                && env.contains("LONGWATCH_STATE_TABLE"), env);
        var grants = Cfn.grantsOf(i.rollup(), Installation.logicalId(archive.role()));
        assertTrue(Cfn.allActions(grants).containsAll(Set.of("dynamodb:BatchWriteItem", "dynamodb:GetItem",
                "dynamodb:PutItem")), grants.toString());

        Installation d = Installation.defaults();
        assertFalse(environment(d.rollup(), d.stacks.rollup().archive().function()).contains("LONGWATCH_MINUTE_TIER"));
    }

    @Test
    void theCompactorWritesMinutesAndMayAskForRecomputesInArchiveMode() {
        Installation i = Installation.archiveMinuteTier();
        LongwatchFunction compactor = i.stacks.rollup().compactor().function();
        assertTrue(environment(i.rollup(), compactor).contains("\"LONGWATCH_MINUTE_TIER\":\"archive\""));
        assertTrue(Cfn.allActions(Cfn.grantsOf(i.rollup(), Installation.logicalId(compactor.role())))
                .contains("dynamodb:BatchWriteItem"));
    }

    @Test
    void queriesAndTheEvaluatorReadTheUncompactedMinutesFromTheArchive() {
        Installation i = Installation.archiveMinuteTier();
        String query = environment(i.ingest(), i.stacks.ingest().api().query());
        assertTrue(query.contains("\"LONGWATCH_MINUTE_TIER\":\"archive\"")
                && query.contains("\"LONGWATCH_FRESH_FROM_ARCHIVE_SECONDS\":\"300\""), query);
        LongwatchFunction evaluator = i.stacks.alerting().evaluator().function();
        String env = environment(i.alerting(), evaluator);
        assertTrue(env.contains("\"LONGWATCH_MINUTE_TIER\":\"archive\"") && env.contains("LONGWATCH_ARCHIVE_BUCKET")
                && env.contains("LONGWATCH_STATE_TABLE") && env.contains("LONGWATCH_ARCHIVE_CACHE_OBJECTS"), env);
        Set<String> actions = Cfn.allActions(Cfn.grantsOf(i.alerting(), Installation.logicalId(evaluator.role())));
        assertTrue(actions.containsAll(Set.of("s3:ListBucket", "s3:GetObject")), actions.toString());
        assertFalse(actions.contains("s3:PutObject"), "the evaluator only reads the archive");
    }

    @Test
    void inStreamModeTheEvaluatorReadsTheArchiveOnlyWithALongRollupWindow() {
        // Production's test context has a 300-s window: the window plus two minutes come from the archive.
        Installation p = Installation.production();
        String env = environment(p.alerting(), p.stacks.alerting().evaluator().function());
        assertTrue(env.contains("\"LONGWATCH_FRESH_FROM_ARCHIVE_SECONDS\":\"420\"")
                && !env.contains("LONGWATCH_MINUTE_TIER"), env);
        Installation d = Installation.defaults();
        assertFalse(environment(d.alerting(), d.stacks.alerting().evaluator().function())
                .contains("LONGWATCH_FRESH_FROM_ARCHIVE"));
    }
}

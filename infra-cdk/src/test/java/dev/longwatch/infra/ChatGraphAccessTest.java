package dev.longwatch.infra;

import dev.longwatch.infra.construct.LongwatchFunction;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The chat function answers {@code /longwatch graph} with a chart: it is told and may read what a minute query reads
 * (series index, rollups, the compactor's progress, events for markers; the archive only when minute queries take their
 * newest minutes from it) and may put and get chart images. Nothing more.
 */
class ChatGraphAccessTest {

    private static String id(Object construct) {
        return Installation.logicalId((software.constructs.IConstruct) construct);
    }

    private static LongwatchFunction chat(Installation i) {
        return i.stacks.alerting().api().chat();
    }

    private static List<Cfn.Grant> grants(Installation i) {
        return Cfn.grantsOf(i.alerting(), id(chat(i).role()));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> environment(Installation i, LongwatchFunction f) {
        var t = i.template(software.amazon.awscdk.Stack.of(f));
        Map<String, Object> fn = Cfn.properties(Cfn.resources(t, "AWS::Lambda::Function").get(id(f.function())));
        return (Map<String, Object>) ((Map<String, Object>) fn.get("Environment")).get("Variables");
    }

    @Test
    void chatIsToldTheQueryTablesTheRetentionAndTheChartsBucket() {
        Installation i = Installation.defaults();
        Map<String, Object> env = environment(i, chat(i));
        for (String v : List.of("LONGWATCH_ROLLUPS_TABLE", "LONGWATCH_SERIES_TABLE", "LONGWATCH_EVENTS_TABLE",
                "LONGWATCH_STATE_TABLE", "LONGWATCH_RETENTION_MINUTE_DAYS", "LONGWATCH_RETENTION_HOUR_DAYS",
                "LONGWATCH_RETENTION_DAY_DAYS", "LONGWATCH_CHARTS_BUCKET")) {
            assertTrue(env.containsKey(v), v + " in " + env.keySet());
        }
        assertTrue(Cfn.json(env.get("LONGWATCH_CHARTS_BUCKET")).contains(id(i.stacks.alerting().notifications().charts())));
        // The query function's own retention: chat's graphs read the tiers the same way.
        Map<String, Object> query = environment(i, i.stacks.ingest().api().query());
        for (String v : List.of("LONGWATCH_RETENTION_MINUTE_DAYS", "LONGWATCH_RETENTION_HOUR_DAYS",
                "LONGWATCH_RETENTION_DAY_DAYS")) {
            assertEquals(query.get(v), env.get(v), v);
        }
    }

    @Test
    void chatReadsTheQueryTablesLikeTheQueryFunctionAndWritesNoneOfThem() {
        Installation i = Installation.defaults();
        var t = i.stacks.data().tables();
        List<Cfn.Grant> g = grants(i);
        for (Object read : List.of(t.rollups(), t.series(), t.events())) {
            assertEquals(Set.of("dynamodb:Query", "dynamodb:GetItem"), Cfn.actionsOn(g, id(read)), id(read));
        }
        assertEquals(Set.of("dynamodb:GetItem"), Cfn.actionsOn(g, id(t.state())), "the compactor's progress only");
        assertEquals(Set.of(), Cfn.actionsOn(g, id(t.apiKeys())), "chat carries no API key");
    }

    @Test
    void chatMayPutAndGetChartObjectsOnly() {
        Installation i = Installation.defaults();
        String charts = id(i.stacks.alerting().notifications().charts());
        List<Cfn.Grant> onCharts = grants(i).stream().filter(g -> g.on(charts)).toList();
        assertEquals(1, onCharts.size(), onCharts.toString());
        assertEquals(Set.of("s3:PutObject", "s3:GetObject"), onCharts.get(0).actions());
        assertTrue(onCharts.get(0).resources().contains("/charts/*"), "objects under charts/ only: "
                + onCharts.get(0).resources());
    }

    @Test
    void withTheDefaultRollupWindowChatIsNeitherToldNorAllowedTheArchive() {
        Installation i = Installation.defaults();
        Map<String, Object> env = environment(i, chat(i));
        assertFalse(env.containsKey("LONGWATCH_ARCHIVE_BUCKET"), env.keySet().toString());
        assertFalse(env.containsKey("LONGWATCH_FRESH_FROM_ARCHIVE_SECONDS"), env.keySet().toString());
        assertEquals(Set.of(), Cfn.actionsOn(grants(i), id(i.stacks.data().archive().bucket())));
    }

    @Test
    void withALongerRollupWindowChatReadsTheNewestMinutesFromTheArchiveLikeTheQueryFunction() {
        Installation p = Installation.production(); // batchingWindowSeconds = 300
        Map<String, Object> env = environment(p, chat(p));
        assertEquals("420", env.get("LONGWATCH_FRESH_FROM_ARCHIVE_SECONDS"));
        assertEquals(environment(p, p.stacks.ingest().api().query()).get("LONGWATCH_FRESH_FROM_ARCHIVE_SECONDS"),
                env.get("LONGWATCH_FRESH_FROM_ARCHIVE_SECONDS"), "the same lag as GET /v1/query");
        String archive = id(p.stacks.data().archive().bucket());
        assertTrue(Cfn.json(env.get("LONGWATCH_ARCHIVE_BUCKET")).contains(archive), Cfn.json(env));
        List<Cfn.Grant> onArchive = Cfn.grantsOf(p.alerting(), id(chat(p).role())).stream()
                .filter(g -> g.on(archive)).toList();
        assertEquals(Set.of("s3:ListBucket", "s3:GetObject"), Cfn.actionsOn(onArchive, archive), "read only");
        for (Cfn.Grant g : onArchive) {
            if (g.actions().contains("s3:GetObject")) {
                assertTrue(g.resources().contains("/v1/*"), "blocks under v1/ only: " + g.resources());
            }
        }
    }

    @Test
    void noOtherAlertingFunctionGainsTheArchive() {
        Installation p = Installation.production();
        String archive = id(p.stacks.data().archive().bucket());
        var a = p.stacks.alerting();
        // The evaluator reads the archive's fresh tail with this 300-s rollup window (MinuteTierInfraTest).
        for (LongwatchFunction f : List.of(a.notifications().notifier(),
                a.notifications().flush(), a.api().monitors(), a.api().notifications())) {
            assertEquals(Set.of(), Cfn.actionsOn(Cfn.grantsOf(p.alerting(), id(f.role())), archive), f.getNode().getId());
        }
    }
}

package dev.longwatch.infra;

import dev.longwatch.infra.construct.LongwatchFunction;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Template;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.ZipFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FunctionsTest {

    private static List<Map<String, Object>> functions(Installation i) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Template t : i.templates().values()) {
            // Longwatch's own functions; the CDK's helpers (bucket deployment, auto-delete) are the CDK's business.
            Cfn.resources(t, "AWS::Lambda::Function").values().stream().map(Cfn::properties)
                    .filter(p -> String.valueOf(p.get("Handler")).startsWith("dev.longwatch."))
                    .forEach(out::add);
        }
        return out;
    }

    private static List<LongwatchFunction> all(Installation i) {
        List<LongwatchFunction> out = new ArrayList<>(List.of(i.stacks.ingest().api().ingest(),
                i.stacks.ingest().api().query(), i.stacks.ingest().api().metricStream(),
                i.stacks.ingest().importer().function(), i.stacks.rollup().rollup().function(),
                i.stacks.rollup().compactor().function(), i.stacks.rollup().archive().function()));
        out.addAll(i.stacks.alerting().functions());
        return out;
    }

    @Test
    void functionsRunJava21OnArm64WithSnapStart() {
        List<Map<String, Object>> fns = functions(Installation.defaults());
        assertEquals(13, fns.size());
        for (Map<String, Object> f : fns) {
            assertEquals("java21", f.get("Runtime"), f.get("Handler").toString());
            assertEquals(List.of("arm64"), f.get("Architectures"));
            assertEquals(Map.of("ApplyOn", "PublishedVersions"), f.get("SnapStart"));
        }
    }

    @Test
    void triggersAndIntegrationsInvokeTheLiveAliasNeverLatest() {
        Installation i = Installation.defaults();
        // SnapStart only restores published versions: anything invoking $LATEST would cold-start in full.
        String rollupAlias = Installation.logicalId(i.stacks.rollup().rollup().function().alias());
        Map<String, Object> mapping = Cfn.mappingTo(i.rollup(), rollupAlias);
        String target = Cfn.json(mapping.get("FunctionName"));
        assertTrue(target.contains(rollupAlias) && target.contains(":" + LongwatchFunction.ALIAS), target);
        String archiveAlias = Installation.logicalId(i.stacks.rollup().archive().function().alias());
        String archived = Cfn.json(Cfn.mappingTo(i.rollup(), archiveAlias).get("FunctionName"));
        assertTrue(archived.contains(":" + LongwatchFunction.ALIAS), archived);

        String ingestAlias = Installation.logicalId(i.stacks.ingest().api().ingest().alias());
        String queryAlias = Installation.logicalId(i.stacks.ingest().api().query().alias());
        String streamAlias = Installation.logicalId(i.stacks.ingest().api().metricStream().alias());
        for (Map<String, Object> integration : Cfn.resources(i.ingest(), "AWS::ApiGatewayV2::Integration").values()) {
            String uri = Cfn.json(Cfn.properties(integration).get("IntegrationUri"));
            assertTrue(uri.contains(ingestAlias) || uri.contains(queryAlias) || uri.contains(streamAlias), uri);
        }
        for (Map<String, Object> permission : Cfn.resources(i.ingest(), "AWS::Lambda::Permission").values()) {
            String fn = Cfn.json(Cfn.properties(permission).get("FunctionName"));
            assertTrue(fn.contains(ingestAlias) || fn.contains(queryAlias) || fn.contains(streamAlias), fn);
        }
        String importerAlias = Installation.logicalId(i.stacks.ingest().importer().function().alias());
        String imported = Cfn.json(((Map<?, ?>) Cfn.properties(Cfn.onlyResource(i.ingest(),
                "AWS::Scheduler::Schedule")).get("Target")).get("Arn"));
        assertTrue(imported.contains(importerAlias), imported);
        String compactorAlias = Installation.logicalId(i.stacks.rollup().compactor().function().alias());
        Map<String, Object> schedule = Cfn.properties(Cfn.onlyResource(i.rollup(), "AWS::Scheduler::Schedule"));
        String scheduled = Cfn.json(((Map<?, ?>) schedule.get("Target")).get("Arn"));
        assertTrue(scheduled.contains(compactorAlias), scheduled);
        for (LongwatchFunction f : all(i)) {
            assertEquals(LongwatchFunction.ALIAS, f.alias().getAliasName());
        }
    }

    @Test
    void everyFunctionLogsToItsOwnLogGroupWithTheConfiguredRetention() {
        for (Installation i : List.of(Installation.defaults(), Installation.production())) {
            int days = i.stacks.config().logRetentionDays();
            String retainOrDelete = i.stacks.config().production() ? "Retain" : "Delete";
            for (LongwatchFunction f : all(i)) {
                Template t = i.template(software.amazon.awscdk.Stack.of(f));
                Map<String, Object> fn = Cfn.properties(Cfn.resources(t, "AWS::Lambda::Function")
                        .get(Installation.logicalId(f.function())));
                String group = Installation.logicalId(f.logGroup());
                assertEquals(Map.of("LogGroup", Map.of("Ref", group)), fn.get("LoggingConfig"));
                Map<String, Object> lg = Cfn.resources(t, "AWS::Logs::LogGroup").get(group);
                assertEquals(days, ((Number) Cfn.properties(lg).get("RetentionInDays")).intValue());
                assertEquals(retainOrDelete, lg.get("DeletionPolicy"));
            }
        }
    }

    @Test
    void functionRolesCarryNoManagedPolicies() {
        Installation i = Installation.defaults();
        for (LongwatchFunction f : all(i)) {
            Template t = i.template(software.amazon.awscdk.Stack.of(f));
            Map<String, Object> role = Cfn.properties(Cfn.resources(t, "AWS::IAM::Role")
                    .get(Installation.logicalId(f.role())));
            assertFalse(role.containsKey("ManagedPolicyArns"),
                    "AWSLambdaBasicExecutionRole would let " + f.getNode().getId() + " write to any log group");
            Set<String> logActions = new TreeSet<>();
            for (Cfn.Grant g : Cfn.grantsOf(t, Installation.logicalId(f.role()))) {
                g.actions().stream().filter(a -> a.startsWith("logs:")).forEach(a -> {
                    logActions.add(a);
                    assertTrue(g.on(Installation.logicalId(f.logGroup())), "logs only to its own group: " + g);
                });
            }
            assertEquals(Set.of("logs:CreateLogStream", "logs:PutLogEvents"), logActions);
        }
    }

    @Test
    void eachFunctionIsToldOnlyTheTablesItUses() {
        Installation i = Installation.defaults();
        var t = i.stacks.data().tables();
        Map<String, Object> ingest = environment(i, i.stacks.ingest().api().ingest());
        assertEquals(Set.of("LONGWATCH_API_KEYS_TABLE", "LONGWATCH_STREAM_NAME", "LONGWATCH_STREAM_PARTITION_BUCKETS"),
                ingest.keySet());
        assertEquals(Set.of("LONGWATCH_ROLLUPS_TABLE", "LONGWATCH_SERIES_TABLE", "LONGWATCH_EVENTS_TABLE",
                "LONGWATCH_API_KEYS_TABLE", "LONGWATCH_STATE_TABLE", "LONGWATCH_RETENTION_MINUTE_DAYS",
                "LONGWATCH_RETENTION_HOUR_DAYS", "LONGWATCH_RETENTION_DAY_DAYS", "LONGWATCH_ARCHIVE_BUCKET"),
                environment(i, i.stacks.ingest().api().query()).keySet());
        Map<String, Object> rollup = environment(i, i.stacks.rollup().rollup().function());
        assertEquals(Set.of("LONGWATCH_ROLLUPS_TABLE", "LONGWATCH_SERIES_TABLE", "LONGWATCH_EVENTS_TABLE",
                "LONGWATCH_STATE_TABLE", "LONGWATCH_RETENTION_MINUTE_DAYS", "LONGWATCH_RETENTION_HOUR_DAYS",
                "LONGWATCH_RETENTION_DAY_DAYS"), rollup.keySet());
        Map<String, Object> compactor = environment(i, i.stacks.rollup().compactor().function());
        assertEquals(Set.of("LONGWATCH_ROLLUPS_TABLE", "LONGWATCH_SERIES_TABLE", "LONGWATCH_STATE_TABLE",
                "LONGWATCH_RETENTION_MINUTE_DAYS", "LONGWATCH_RETENTION_HOUR_DAYS", "LONGWATCH_RETENTION_DAY_DAYS",
                "LONGWATCH_ARCHIVE_BUCKET"), compactor.keySet());
        assertEquals(Set.of("LONGWATCH_ARCHIVE_BUCKET"),
                environment(i, i.stacks.rollup().archive().function()).keySet(), "the archive function uses no table");
        assertTrue(Cfn.json(compactor.get("LONGWATCH_STATE_TABLE")).contains(Installation.logicalId(t.state())));
        assertTrue(Cfn.json(rollup.get("LONGWATCH_STATE_TABLE")).contains(Installation.logicalId(t.state())));
        // Each variable names the right resource of the data stack.
        assertTrue(Cfn.json(rollup.get("LONGWATCH_ROLLUPS_TABLE")).contains(Installation.logicalId(t.rollups())));
        assertTrue(Cfn.json(rollup.get("LONGWATCH_SERIES_TABLE")).contains(Installation.logicalId(t.series())));
        assertTrue(Cfn.json(rollup.get("LONGWATCH_EVENTS_TABLE")).contains(Installation.logicalId(t.events())));
        assertTrue(Cfn.json(ingest.get("LONGWATCH_API_KEYS_TABLE")).contains(Installation.logicalId(t.apiKeys())));
        assertTrue(Cfn.json(ingest.get("LONGWATCH_STREAM_NAME")).contains(
                Installation.logicalId(i.stacks.data().stream())));
    }

    /**
     * The rollup function routes old points, the compactor stops recomputing and queries switch tiers by the
     * same retention rule: they must all be told the same days, the configured ones.
     */
    @Test
    void rollupQueryAndCompactorAreToldTheSameConfiguredRetention() {
        for (Installation i : List.of(Installation.defaults(), Installation.production())) {
            var c = i.stacks.config();
            Map<String, Object> expected = Map.of(
                    "LONGWATCH_RETENTION_MINUTE_DAYS", Integer.toString(c.minuteRetentionDays()),
                    "LONGWATCH_RETENTION_HOUR_DAYS", Integer.toString(c.hourRetentionDays()),
                    "LONGWATCH_RETENTION_DAY_DAYS", Integer.toString(c.dayRetentionDays()));
            for (LongwatchFunction f : List.of(i.stacks.ingest().api().query(), i.stacks.rollup().rollup().function(),
                    i.stacks.rollup().compactor().function())) {
                Map<String, Object> env = environment(i, f);
                expected.forEach((k, v) -> assertEquals(v, env.get(k), f.getNode().getId() + " " + k));
            }
        }
        assertEquals("60", environment(Installation.production(), Installation.production().stacks.rollup()
                .compactor().function()).get("LONGWATCH_RETENTION_MINUTE_DAYS"));
        assertEquals("30", environment(Installation.defaults(), Installation.defaults().stacks.rollup()
                .compactor().function()).get("LONGWATCH_RETENTION_MINUTE_DAYS"));
    }

    @Test
    void theQueryFunctionIsDeployedOnlyAfterTheCompactorWhoseProgressItReads() {
        Installation i = Installation.defaults();
        assertTrue(i.stacks.ingest().getDependencies().contains(i.stacks.rollup()),
                "with the state table but no compactor, hourly queries would wait for hours nobody builds");
        assertFalse(i.stacks.rollup().getDependencies().contains(i.stacks.ingest()));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> environment(Installation i, LongwatchFunction f) {
        Template t = i.template(software.amazon.awscdk.Stack.of(f));
        Map<String, Object> fn = Cfn.properties(Cfn.resources(t, "AWS::Lambda::Function")
                .get(Installation.logicalId(f.function())));
        return (Map<String, Object>) ((Map<String, Object>) fn.get("Environment")).get("Variables");
    }

    @Test
    void theDeploymentJarHoldsEveryConfiguredHandlerAndNoTestClasses() throws Exception {
        Installation i = Installation.defaults();
        Path jar = Path.of(i.stacks.config().functionsJar());
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            for (Map<String, Object> f : functions(i)) {
                String handler = (String) f.get("Handler");
                String entry = handler.replaceAll("::.*", "").replace('.', '/') + ".class";
                assertNotNull(zip.getEntry(entry), handler + " is named in the stack but missing from " + jar);
            }
            List<String> testEntries = new ArrayList<>();
            for (var e : Collections.list(zip.entries())) {
                if (e.getName().startsWith("dev/longwatch/testing/") || e.getName().endsWith("Test.class")) {
                    testEntries.add(e.getName());
                }
                assertFalse(e.getName().matches("META-INF/[^/]+\\.(SF|RSA|DSA|EC)"),
                        "signature files from shaded jars break class loading: " + e.getName());
            }
            assertEquals(List.of(), testEntries);
        }
    }
}

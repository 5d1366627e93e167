package dev.longwatch.infra;

import dev.longwatch.infra.construct.LongwatchFunction;
import dev.longwatch.infra.construct.ScheduledCompactor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScheduledCompactorTest {

    private static ScheduledCompactor compactor(Installation i) {
        return i.stacks.rollup().compactor();
    }

    private static Map<String, Object> schedule(Installation i) {
        return Cfn.properties(Cfn.onlyResource(i.rollup(), "AWS::Scheduler::Schedule"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> target(Installation i) {
        return (Map<String, Object>) schedule(i).get("Target");
    }

    private static String groupName(Installation i) {
        return (String) Cfn.properties(Cfn.onlyResource(i.rollup(), "AWS::Scheduler::ScheduleGroup")).get("Name");
    }

    @Test
    void theCompactorRunsEveryMinuteFromEventBridgeScheduler() {
        Installation i = Installation.defaults();
        Map<String, Object> s = schedule(i);
        assertEquals("rate(1 minute)", s.get("ScheduleExpression"));
        assertEquals(Map.of("Mode", "OFF"), s.get("FlexibleTimeWindow"),
                "a flexible window would spread ticks and trip the dead-man's switch");
        assertEquals("ENABLED", s.getOrDefault("State", "ENABLED"));
        // In its own schedule group, so the scheduler role can be limited to the schedules in it.
        assertEquals(groupName(i), s.get("GroupName"));
        // By name only, so CloudFormation must be told to create the group (and the role's policy) first.
        Object dependsOn = Cfn.resources(i.rollup(), "AWS::Scheduler::Schedule").values().iterator().next()
                .get("DependsOn");
        assertTrue(Cfn.json(dependsOn).contains(Installation.logicalId(compactor(i).group())), Cfn.json(dependsOn));
        assertTrue(Cfn.json(dependsOn).contains("SchedulerRoleDefaultPolicy"), Cfn.json(dependsOn));
        // No rule-based schedule on the side (EventBridge rules would invoke without the retry policy and DLQ).
        i.rollup().resourceCountIs("AWS::Events::Rule", 0);
    }

    @Test
    void theScheduleInvokesTheCompactorAliasNeverLatest() {
        Installation i = Installation.defaults();
        String arn = Cfn.json(target(i).get("Arn"));
        assertTrue(arn.contains(Installation.logicalId(compactor(i).function().alias())), arn);
        assertEquals(LongwatchFunction.ALIAS, compactor(i).function().alias().getAliasName());
    }

    @Test
    @SuppressWarnings("unchecked")
    void undeliverableTicksAreRetriedBrieflyThenGoToAnEncryptedTlsOnlyDeadLetterQueue() {
        Installation i = Installation.defaults();
        Map<String, Object> retry = (Map<String, Object>) target(i).get("RetryPolicy");
        int attempts = ((Number) retry.get("MaximumRetryAttempts")).intValue();
        assertTrue(attempts >= 1 && attempts <= 5, "bounded retries: " + attempts);
        assertEquals(60, ((Number) retry.get("MaximumEventAgeInSeconds")).intValue(),
                "a tick older than a minute is superseded by the next one");

        String queue = Installation.logicalId(compactor(i).deadLetters());
        assertTrue(Cfn.json(target(i).get("DeadLetterConfig")).contains(queue),
                Cfn.json(target(i).get("DeadLetterConfig")));
        Map<String, Object> q = Cfn.properties(Cfn.resources(i.rollup(), "AWS::SQS::Queue").get(queue));
        assertEquals(true, q.get("SqsManagedSseEnabled"));
        boolean tlsOnly = Cfn.resources(i.rollup(), "AWS::SQS::QueuePolicy").values().stream()
                .map(Cfn::json)
                .anyMatch(p -> p.contains(queue) && p.contains("\"Effect\":\"Deny\"")
                        && p.contains("{\"Bool\":{\"aws:SecureTransport\":\"false\"}}"));
        assertTrue(tlsOnly, "the dead-letter queue refuses requests without TLS");
    }

    @Test
    void theSchedulerMayOnlyInvokeTheCompactorAlias() {
        Installation i = Installation.defaults();
        ScheduledCompactor c = compactor(i);
        String role = Installation.logicalId(c.schedulerRole());
        assertTrue(Cfn.json(target(i).get("RoleArn")).contains(role));

        List<Cfn.Grant> grants = Cfn.grantsOf(i.rollup(), role);
        String alias = Installation.logicalId(c.function().alias());
        String queue = Installation.logicalId(c.deadLetters());
        for (Cfn.Grant g : grants) {
            if (g.actions().contains("lambda:InvokeFunction")) {
                assertEquals(Set.of("lambda:InvokeFunction"), g.actions());
                // The alias's ARN only: neither the unqualified function ($LATEST) nor a wildcard of versions.
                assertEquals("{\"Ref\":\"" + alias + "\"}", g.resources());
            } else {
                assertEquals(Set.of("sqs:SendMessage"), g.actions(), "only failed ticks to its queue: " + g);
                assertTrue(g.on(queue), g.toString());
            }
        }
        assertEquals(Set.of("lambda:InvokeFunction", "sqs:SendMessage"), Cfn.allActions(grants));

        // Only EventBridge Scheduler, for schedules of this account in the compactor's group, may assume it.
        Map<String, Object> r = Cfn.properties(Cfn.resources(i.rollup(), "AWS::IAM::Role").get(role));
        String trust = Cfn.json(r.get("AssumeRolePolicyDocument"));
        assertTrue(trust.contains("{\"Service\":\"scheduler.amazonaws.com\"}"), trust);
        assertTrue(trust.contains("aws:SourceAccount") && trust.contains("aws:SourceArn"), trust);
        assertTrue(trust.contains(":schedule/" + groupName(i) + "/*"), "limited to the compactor's group: " + trust);
        assertFalse(r.containsKey("ManagedPolicyArns"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void aFailedRunIsNotRetriedBecauseTheNextMinuteDoesTheSameWork() {
        Installation i = Installation.defaults();
        Map<String, Object> config = Cfn.properties(Cfn.onlyResource(i.rollup(), "AWS::Lambda::EventInvokeConfig"));
        assertEquals(0, ((Number) config.get("MaximumRetryAttempts")).intValue());
        assertEquals(60, ((Number) config.get("MaximumEventAgeInSeconds")).intValue());
        // The alias's qualifier (the last part of its ARN), not $LATEST or a version.
        assertTrue(Cfn.json(config.get("Qualifier")).contains(
                Installation.logicalId(compactor(i).function().alias())), Cfn.json(config.get("Qualifier")));
        assertTrue(Cfn.json(config.get("FunctionName")).contains(
                Installation.logicalId(compactor(i).function().function())));
    }

    @Test
    void theCompactorRunIsBoundedByItsTimeout() {
        Installation i = Installation.defaults();
        Map<String, Object> fn = Cfn.properties(Cfn.resources(i.rollup(), "AWS::Lambda::Function")
                .get(Installation.logicalId(compactor(i).function().function())));
        assertEquals("dev.longwatch.handler.ScheduledCompactorHandler", fn.get("Handler"));
        int timeout = ((Number) fn.get("Timeout")).intValue();
        // The handler stops 15 s before the end (its budget is the context's remaining time): the timeout must
        // leave it real work, and stay short enough that overlapping runs stay few.
        assertTrue(timeout >= 60 && timeout <= 300, "timeout " + timeout);
        assertTrue(((Number) fn.get("MemorySize")).intValue() >= 1024);
    }

    @Test
    void theCompactorTouchesExactlyWhatItsAdaptersCall() {
        Installation i = Installation.defaults();
        var tables = i.stacks.data().tables();
        List<Cfn.Grant> grants = Cfn.grantsOf(i.rollup(), Installation.logicalId(compactor(i).function().role()));
        assertEquals(Set.of("dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:PutItem"),
                Cfn.actionsOn(grants, Installation.logicalId(tables.rollups())));
        assertEquals(Set.of("dynamodb:Query"), Cfn.actionsOn(grants, Installation.logicalId(tables.series())));
        assertEquals(Set.of("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:Query",
                "dynamodb:DeleteItem"), Cfn.actionsOn(grants, Installation.logicalId(tables.state())));
        assertEquals(Set.of(), Cfn.actionsOn(grants, Installation.logicalId(tables.events())));
        assertEquals(Set.of(), Cfn.actionsOn(grants, Installation.logicalId(tables.apiKeys())));
        assertEquals(Set.of(), Cfn.actionsOn(grants, Installation.logicalId(i.stacks.data().stream())));
        // The archive's blocks (ArchiveCompactor): list, read, conditional write and delete; nothing else in S3.
        assertEquals(Set.of("s3:ListBucket", "s3:GetObject", "s3:PutObject", "s3:DeleteObject"),
                Cfn.actionsOn(grants, Installation.logicalId(i.stacks.data().archive().bucket())));
        assertTrue(Cfn.allActions(grants).stream().allMatch(a -> a.startsWith("dynamodb:") || a.startsWith("logs:")
                        || a.startsWith("s3:")), Cfn.allActions(grants).toString());
    }
}

package dev.longwatch.infra;

import dev.longwatch.infra.construct.LongwatchFunction;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Template;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ObservabilityStackTest {

    private static List<Map<String, Object>> alarms(Installation i) {
        List<Map<String, Object>> out = new ArrayList<>();
        Cfn.resources(i.observability(), "AWS::CloudWatch::Alarm").values().forEach(a -> out.add(Cfn.properties(a)));
        return out;
    }

    /** Alarms on this metric whose dimensions mention the construct's resource. */
    private static List<Map<String, Object>> alarmsOn(Installation i, String metric, Object construct) {
        String id = Installation.logicalId((software.constructs.IConstruct) construct);
        return alarms(i).stream()
                .filter(a -> metric.equals(a.get("MetricName")) && Cfn.json(a.get("Dimensions")).contains(id))
                .toList();
    }

    @Test
    void operatorsAreEmailedOnlyWhenAnAlarmEmailIsGiven() {
        Installation.defaults().observability().resourceCountIs("AWS::SNS::Subscription", 0);
        Installation.production().observability().hasResourceProperties("AWS::SNS::Subscription", Map.of(
                "Protocol", "email", "Endpoint", "ops@example.com"));
    }

    @Test
    void recordsGivenUpByTheRollupConsumerRaiseAnAlarm() {
        Installation i = Installation.defaults();
        List<Map<String, Object>> a = alarmsOn(i, "ApproximateNumberOfMessagesVisible",
                i.stacks.rollup().rollup().onFailureQueue());
        assertEquals(1, a.size());
        assertEquals(1, ((Number) a.get(0).get("Threshold")).intValue(), "a single given-up batch is lost data");
        assertEquals("GreaterThanOrEqualToThreshold", a.get(0).get("ComparisonOperator"));
    }

    @Test
    void aLaggingRollupConsumerRaisesAnAlarm() {
        for (Installation i : List.of(Installation.defaults(), Installation.production())) {
            List<Map<String, Object>> a = alarmsOn(i, "IteratorAge", i.stacks.rollup().rollup().function().function());
            assertEquals(1, a.size());
            assertEquals(i.stacks.config().iteratorAgeAlarmMinutes() * 60_000,
                    ((Number) a.get(0).get("Threshold")).intValue());
            assertEquals("Maximum", a.get(0).get("Statistic"));
        }
    }

    @Test
    void errorsAndThrottlesOfEveryFunctionRaiseAlarms() {
        Installation i = Installation.defaults();
        List<LongwatchFunction> all = new ArrayList<>(List.of(i.stacks.ingest().api().ingest(),
                i.stacks.ingest().api().query(), i.stacks.ingest().api().metricStream(),
                i.stacks.ingest().importer().function(), i.stacks.rollup().rollup().function(),
                i.stacks.rollup().compactor().function()));
        all.addAll(i.stacks.alerting().functions());
        assertEquals(12, all.size());
        for (LongwatchFunction f : all) {
            assertEquals(1, alarmsOn(i, "Errors", f.function()).size(), f.getNode().getId() + " errors");
            assertEquals(1, alarmsOn(i, "Throttles", f.function()).size(), f.getNode().getId() + " throttles");
        }
    }

    @Test
    void everyAlarmNotifiesTheOperatorTopicWhenItFiresAndWhenItRecovers() {
        Installation i = Installation.defaults();
        String topic = Installation.logicalId(i.stacks.observability().alerts().topic());
        List<Map<String, Object>> all = alarms(i);
        assertFalse(all.isEmpty());
        for (Map<String, Object> a : all) {
            assertEquals(List.of(Map.of("Ref", topic)), a.get("AlarmActions"), a.get("AlarmDescription").toString());
            assertEquals(List.of(Map.of("Ref", topic)), a.get("OKActions"));
        }
    }

    @Test
    void onlyTheDeadMansSwitchTreatsSilenceAsFailure() {
        Installation i = Installation.defaults();
        List<Map<String, Object>> switches = new ArrayList<>(alarmsOn(i, "Invocations",
                i.stacks.rollup().compactor().function().function()));
        switches.addAll(alarmsOn(i, "Invocations", i.stacks.alerting().evaluator().function().function()));
        assertEquals(2, switches.size(), "the compactor's and the evaluator's dead-man's switches");
        for (Map<String, Object> a : alarms(i)) {
            // Elsewhere no data means no traffic or no failures, which is healthy.
            assertEquals(switches.contains(a) ? "breaching" : "notBreaching", a.get("TreatMissingData"),
                    a.get("AlarmDescription").toString());
        }
    }

    @Test
    void theCompactorHasADeadMansSwitch() {
        Installation i = Installation.defaults();
        List<Map<String, Object>> a = alarmsOn(i, "Invocations", i.stacks.rollup().compactor().function().function());
        assertEquals(1, a.size());
        Map<String, Object> alarm = a.get(0);
        assertEquals("AWS/Lambda", alarm.get("Namespace"));
        assertEquals("Sum", alarm.get("Statistic"));
        int period = ((Number) alarm.get("Period")).intValue();
        int expected = period / 60; // one run a minute
        double threshold = ((Number) alarm.get("Threshold")).doubleValue();
        assertEquals("LessThanThreshold", alarm.get("ComparisonOperator"));
        assertTrue(threshold > 1 && threshold <= expected, "fires below the expected count, got " + threshold
                + " of " + expected);
        assertEquals("breaching", alarm.get("TreatMissingData"), "a compactor that never runs publishes no data");
        assertTrue(((Number) alarm.get("EvaluationPeriods")).intValue() * period <= 15 * 60,
                "a stopped compactor is noticed within 15 minutes");
    }

    @Test
    void compactorTicksTheSchedulerCouldNotDeliverRaiseAnAlarm() {
        Installation i = Installation.defaults();
        List<Map<String, Object>> a = alarmsOn(i, "ApproximateNumberOfMessagesVisible",
                i.stacks.rollup().compactor().deadLetters());
        assertEquals(1, a.size());
        assertEquals(1, ((Number) a.get(0).get("Threshold")).intValue());
        assertEquals("GreaterThanOrEqualToThreshold", a.get(0).get("ComparisonOperator"));
    }

    @Test
    void aCompactorThatFallsBehindTheClockRaisesAnAlarm() {
        Installation i = Installation.defaults();
        List<Map<String, Object>> a = alarms(i).stream()
                .filter(x -> "CompactorLagMillis".equals(x.get("MetricName"))).toList();
        assertEquals(1, a.size());
        assertEquals("Longwatch", a.get(0).get("Namespace"));
        assertTrue(Cfn.json(a.get(0).get("Dimensions")).contains(
                Installation.logicalId(i.stacks.rollup().compactor().function().function())));
        // About 65 minutes is current (an hour closes, then a grace period): the threshold must be above it.
        assertTrue(((Number) a.get(0).get("Threshold")).doubleValue() > 65 * 60_000);
    }

    @Test
    void cloudWatchMayPublishToTheOperatorTopicOnlyOverTls() {
        Template t = Installation.defaults().observability();
        String policy = Cfn.json(Cfn.properties(Cfn.onlyResource(t, "AWS::SNS::TopicPolicy")));
        assertTrue(policy.contains("{\"Service\":\"cloudwatch.amazonaws.com\"}"), policy);
        assertTrue(policy.contains("\"aws:SecureTransport\":\"false\""), policy);
    }

    /**
     * The dashboard must show every metric docs/operations.md promises operators, so a metric added to the
     * docs without a graph fails here.
     */
    @Test
    void theDashboardShowsEveryPlatformMetricOfTheOperationsGuide() throws Exception {
        String body = Cfn.json(Cfn.properties(Cfn.onlyResource(Installation.defaults().observability(),
                "AWS::CloudWatch::Dashboard")).get("DashboardBody"));
        assertTrue(body.contains("Longwatch"), "namespace");
        List<String> documented = documentedMetrics();
        assertTrue(documented.size() >= 12, "could not read the metric table of docs/operations.md: " + documented);
        List<String> missing = documented.stream().filter(m -> !body.contains(m)).toList();
        assertEquals(List.of(), missing, "documented metrics missing from the dashboard");
        for (String aws : List.of("IteratorAge", "IncomingRecords", "ApproximateNumberOfMessagesVisible", "5xx",
                "InvocationAttemptCount", "InvocationsSentToDeadLetterCount")) {
            assertTrue(body.contains(aws), aws);
        }
    }

    @Test
    void theEvaluatorHasADeadMansSwitchThatCountsEveryShard() {
        for (Installation i : List.of(Installation.defaults(), Installation.production())) {
            int shards = i.stacks.alertingConfig().evaluatorShards();
            List<Map<String, Object>> a = alarmsOn(i, "Invocations",
                    i.stacks.alerting().evaluator().function().function());
            assertEquals(1, a.size());
            Map<String, Object> alarm = a.get(0);
            assertEquals("AWS/Lambda", alarm.get("Namespace"));
            assertEquals("Sum", alarm.get("Statistic"));
            int period = ((Number) alarm.get("Period")).intValue();
            int expected = period / 60 * shards; // every shard once a minute
            double threshold = ((Number) alarm.get("Threshold")).doubleValue();
            assertEquals("LessThanThreshold", alarm.get("ComparisonOperator"));
            // One shard stopping must be noticed: the threshold is above what the other shards alone reach.
            assertTrue(threshold > expected - period / 60 && threshold <= expected, "threshold " + threshold
                    + " of " + expected + " with " + shards + " shards");
            assertEquals("breaching", alarm.get("TreatMissingData"), "an evaluator that never runs publishes no data");
            assertTrue(((Number) alarm.get("EvaluationPeriods")).intValue() * period <= 15 * 60,
                    "a stopped evaluator is noticed within 15 minutes");
        }
        assertEquals(3, Installation.production().stacks.alertingConfig().evaluatorShards());
    }

    @Test
    void everyDeadLetterQueueOfTheAlertingPathRaisesAnAlarm() {
        Installation i = Installation.defaults();
        var alerting = i.stacks.alerting();
        for (Object queue : List.of(alerting.notifications().deadLetters(),
                alerting.evaluator().rounds().deadLetters(), alerting.notifications().flushSchedule().deadLetters())) {
            List<Map<String, Object>> a = alarmsOn(i, "ApproximateNumberOfMessagesVisible", queue);
            assertEquals(1, a.size(), Installation.logicalId((software.constructs.IConstruct) queue));
            assertEquals(1, ((Number) a.get(0).get("Threshold")).intValue(), "a single message is a lost notification or tick");
            assertEquals("GreaterThanOrEqualToThreshold", a.get(0).get("ComparisonOperator"));
        }
    }

    @Test
    void notificationsWaitingTooLongOnTheQueueRaiseAnAlarm() {
        Installation i = Installation.defaults();
        List<Map<String, Object>> a = alarmsOn(i, "ApproximateAgeOfOldestMessage",
                i.stacks.alerting().notifications().queue());
        assertEquals(1, a.size());
        assertEquals(300, ((Number) a.get(0).get("Threshold")).intValue());
    }

    @Test
    void theDashboardShowsTheEvaluatorAndTheNotifier() {
        Installation i = Installation.defaults();
        String body = Cfn.json(Cfn.properties(Cfn.onlyResource(i.observability(), "AWS::CloudWatch::Dashboard"))
                .get("DashboardBody"));
        for (String title : List.of("Evaluator runs", "Evaluator duration", "Evaluator schedule", "Notification queue",
                "Notifier runs", "Notifier duration")) {
            assertTrue(body.contains(title), title);
        }
        assertTrue(body.contains(Installation.logicalId(i.stacks.alerting().evaluator().function().function())));
        assertTrue(body.contains(Installation.logicalId(i.stacks.alerting().notifications().notifier().function())));
        assertTrue(body.contains("ApproximateAgeOfOldestMessage"));
    }

    private static List<String> documentedMetrics() throws Exception {
        String doc = Files.readString(Path.of("../docs/operations.md"));
        String section = doc.substring(doc.indexOf("## The platform's own metrics"));
        section = section.substring(0, section.indexOf("\n## ", 5));
        List<String> names = new ArrayList<>();
        for (String line : section.split("\n")) {
            if (!line.startsWith("| `")) {
                continue;
            }
            String firstCell = line.split("\\|")[1].replaceAll("\\(.*?\\)", "");
            Matcher m = Pattern.compile("`([A-Za-z]+)`").matcher(firstCell);
            while (m.find()) {
                names.add(m.group(1));
            }
        }
        return names;
    }
}

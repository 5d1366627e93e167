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
        for (LongwatchFunction f : List.of(i.stacks.ingest().api().ingest(), i.stacks.ingest().api().query(),
                i.stacks.rollup().rollup().function())) {
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
            assertEquals("notBreaching", a.get("TreatMissingData"));
        }
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
        for (String aws : List.of("IteratorAge", "IncomingRecords", "ApproximateNumberOfMessagesVisible", "5xx")) {
            assertTrue(body.contains(aws), aws);
        }
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

package dev.longwatch.core.cloudwatch;

import dev.longwatch.model.IngestLimits;
import dev.longwatch.model.MetricType;
import dev.longwatch.model.Tags;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The documented mapping from CloudWatch metrics to Longwatch series names, types and tags. */
class CloudWatchSeriesTest {
    final CloudWatchSeries names = new CloudWatchSeries(IngestLimits.DEFAULT);

    @Test
    void theNameIsAwsThenTheNamespaceLowerCasedWithDotsThenTheMetricThenTheStatistic() {
        assertEquals("aws.aws.ec2.CPUUtilization.max", names.name("AWS/EC2", "CPUUtilization", "max"));
        assertEquals("aws.ecs.containerinsights.CpuUtilized.avg",
                names.name("ECS/ContainerInsights", "CpuUtilized", "avg"));
        assertEquals("aws.my_app.Latency_p_50.sum", names.name("My App", "Latency (p 50)", "sum"),
                "characters a name cannot hold become one _");
    }

    @Test
    void theImporterAndTheStreamUseTheSameSuffixesAndTypes() {
        assertEquals(CloudWatchSeries.statistic("Minimum").suffix(), CloudWatchSeries.streamStatistic("min").suffix());
        assertEquals(CloudWatchSeries.statistic("Maximum").suffix(), CloudWatchSeries.streamStatistic("max").suffix());
        assertEquals(CloudWatchSeries.statistic("Sum").suffix(), CloudWatchSeries.streamStatistic("sum").suffix());
        assertEquals(CloudWatchSeries.statistic("SampleCount").suffix(), CloudWatchSeries.streamStatistic("count").suffix());
        assertEquals(MetricType.COUNTER, CloudWatchSeries.statistic("Sum").type());
        assertEquals(MetricType.COUNTER, CloudWatchSeries.streamStatistic("count").type());
        assertEquals(MetricType.GAUGE, CloudWatchSeries.statistic("Average").type());
        assertEquals("avg", CloudWatchSeries.statistic("Average").suffix());
        assertEquals("p99.9", CloudWatchSeries.statistic("p99.9").suffix());
        assertEquals("tm_25_75", CloudWatchSeries.streamStatistic("TM(25%:75%)").suffix());
        assertThrows(IllegalArgumentException.class, () -> CloudWatchSeries.statistic("p101"));
    }

    @Test
    void dimensionsBecomeTagsBesideAccountAndRegion() {
        Tags t = names.tags(Map.of("InstanceId", "i-1", "9lives", "x", "Auto Scaling Group", "web"), "123456789012",
                "eu-west-1");
        assertEquals(Tags.of("InstanceId", "i-1", "_9lives", "x", "Auto_Scaling_Group", "web",
                "aws_account", "123456789012", "aws_region", "eu-west-1"), t);
    }

    @Test
    void whatCannotFitIsRefusedNotTruncated() {
        Map<String, String> many = new HashMap<>();
        for (int i = 0; i < CloudWatchSeries.MAX_DIMENSIONS + 1; i++) {
            many.put("d" + i, "v");
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> names.tags(many, null, "us-east-1"))
                .getMessage().contains("19 dimensions"));
        assertThrows(IllegalArgumentException.class, () -> names.tags(Map.of("a", "x".repeat(201)), null, null));
        assertThrows(IllegalArgumentException.class, () -> names.tags(Map.of("a b", "1", "a_b", "2"), null, null));
        assertThrows(IllegalArgumentException.class, () -> names.tags(Map.of("aws_region", "x"), null, "us-east-1"));
        assertThrows(IllegalArgumentException.class, () -> names.name("N", "M".repeat(200), "max"));
        assertThrows(IllegalArgumentException.class, () -> names.name("N", "§§", "max"));
    }
}

package dev.longwatch.aws.dynamodb;

import dev.longwatch.core.series.SeriesDescriptor;
import dev.longwatch.core.series.SeriesIndex;
import dev.longwatch.core.telemetry.InMemoryMetrics;
import dev.longwatch.model.MetricType;
import dev.longwatch.model.SeriesKey;
import dev.longwatch.model.Tags;
import dev.longwatch.testing.LocalDynamo;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The series catalogue in DynamoDB Local. */
class DynamoDbSeriesIndexTest {
    final InMemoryMetrics metrics = new InMemoryMetrics();
    TableNames tables;
    DynamoDbSeriesIndex index;

    @BeforeEach
    void setUp() {
        tables = LocalDynamo.freshTables();
        index = new DynamoDbSeriesIndex(LocalDynamo.client(), tables.series(), metrics);
    }

    static SeriesDescriptor descriptor(String tenant, String metric, MetricType type, Tags tags) {
        return SeriesDescriptor.of(new SeriesKey(tenant, metric, type, tags));
    }

    static List<SeriesDescriptor> sorted(List<SeriesDescriptor> list) {
        return list.stream().sorted(Comparator.comparing(SeriesDescriptor::id)).toList();
    }

    int itemCount() {
        return LocalDynamo.client().scan(b -> b.tableName(tables.series())).count();
    }

    @Test
    void registeringTheSameSeriesAgainChangesNothing() {
        SeriesDescriptor a = descriptor("acme", "cpu", MetricType.GAUGE, Tags.of("host", "a"));
        SeriesDescriptor b = descriptor("acme", "cpu", MetricType.GAUGE, Tags.of("host", "b"));
        index.register(List.of(a, b));
        int items = itemCount();
        index.register(List.of(b, a));
        index.register(List.of(a, a));

        assertEquals(4, items, "one tenant item, one metric item and two series items");
        assertEquals(items, itemCount());
        assertEquals(sorted(List.of(a, b)), sorted(index.series("acme", "cpu")));
        assertEquals(List.of(new SeriesIndex.MetricInfo("cpu", MetricType.GAUGE)), index.metrics("acme"));
    }

    @Test
    void seriesComeBackWithTheirTagsTypeAndId() {
        SeriesDescriptor d = descriptor("acme", "http.latency", MetricType.DISTRIBUTION,
                Tags.of("route", "/api/v1/items", "method", "GET"));
        index.register(List.of(d));
        List<SeriesDescriptor> found = index.series("acme", "http.latency");
        assertEquals(List.of(d), found);
        assertEquals(d.qualifiedId(), found.get(0).qualifiedId());
    }

    @Test
    void metricsAreListedByNameWithTheirTypePerTenant() {
        index.register(List.of(
                descriptor("acme", "requests", MetricType.COUNTER, Tags.EMPTY),
                descriptor("acme", "cpu", MetricType.GAUGE, Tags.of("host", "a")),
                descriptor("acme", "cpu", MetricType.GAUGE, Tags.of("host", "b")),
                descriptor("acme", "latency", MetricType.DISTRIBUTION, Tags.EMPTY),
                descriptor("globex", "queue.depth", MetricType.GAUGE, Tags.EMPTY)));

        assertEquals(List.of(new SeriesIndex.MetricInfo("cpu", MetricType.GAUGE),
                new SeriesIndex.MetricInfo("latency", MetricType.DISTRIBUTION),
                new SeriesIndex.MetricInfo("requests", MetricType.COUNTER)), index.metrics("acme"));
        assertEquals(List.of(new SeriesIndex.MetricInfo("queue.depth", MetricType.GAUGE)), index.metrics("globex"));
        assertEquals(List.of(), index.metrics("initech"));
        assertEquals(List.of(), index.series("globex", "cpu"));
        assertEquals(List.of(), index.series("acme", "queue.depth"));
    }

    @Test
    void aMetricWhoseNameExtendsAnotherDoesNotLeakIntoIt() {
        index.register(List.of(descriptor("acme", "cpu", MetricType.GAUGE, Tags.EMPTY),
                descriptor("acme", "cpu.user", MetricType.GAUGE, Tags.EMPTY)));
        assertEquals(1, index.series("acme", "cpu").size());
        assertEquals(1, index.series("acme", "cpu.user").size());
    }

    @Test
    void moreSeriesThanOneQueryPageAreAllListed() {
        // ~700 bytes a series item: 2,000 of them are ~1.4 MB, beyond the 1 MB one query returns.
        String pad = "p".repeat(200);
        List<SeriesDescriptor> all = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            all.add(descriptor("acme", "wide", MetricType.GAUGE,
                    Tags.of("pod", "pod-" + i, "a", pad, "b", pad, "c", pad)));
        }
        index.register(all);

        var firstPage = LocalDynamo.client().query(b -> b.tableName(tables.series())
                .keyConditionExpression("pk = :pk")
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("acme#wide"))));
        assertTrue(firstPage.hasLastEvaluatedKey() && !firstPage.lastEvaluatedKey().isEmpty(),
                "the series do not fit in one page (" + firstPage.count() + " in the first)");

        List<SeriesDescriptor> found = index.series("acme", "wide");
        assertEquals(2_000, found.size());
        Set<String> pods = new HashSet<>();
        found.forEach(d -> pods.add(d.tags().get("pod")));
        assertEquals(2_000, pods.size(), "each series once");
        assertEquals(sorted(all), sorted(found));
    }
}

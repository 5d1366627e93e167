package dev.longwatch.aws.dynamodb;

import dev.longwatch.core.series.SeriesDescriptor;
import dev.longwatch.core.telemetry.InMemoryMetrics;
import dev.longwatch.model.MetricType;
import dev.longwatch.model.SeriesKey;
import dev.longwatch.model.Tags;
import dev.longwatch.testing.LocalDynamo;
import org.junit.jupiter.api.Test;

import java.util.Comparator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What the compactor enumerates: every tenant once, and a tenant's series across its metrics. */
class SeriesIndexTenantsTest {
    final DynamoDbSeriesIndex index = new DynamoDbSeriesIndex(LocalDynamo.client(), LocalDynamo.freshTables().series(),
            new InMemoryMetrics());

    static SeriesDescriptor d(String tenant, String metric, MetricType type, String host) {
        return SeriesDescriptor.of(new SeriesKey(tenant, metric, type, Tags.of("host", host)));
    }

    @Test
    void everyTenantThatRegisteredASeriesIsListedOnce() {
        assertEquals(List.of(), index.tenants());
        index.register(List.of(d("acme", "cpu", MetricType.GAUGE, "a"), d("globex", "cpu", MetricType.GAUGE, "a")));
        index.register(List.of(d("acme", "mem", MetricType.GAUGE, "a"), d("acme", "cpu", MetricType.GAUGE, "b")));
        assertEquals(List.of("acme", "globex"), index.tenants());
    }

    @Test
    void aTenantsSeriesAreListedAcrossItsMetrics() {
        List<SeriesDescriptor> acme = List.of(d("acme", "cpu", MetricType.GAUGE, "a"),
                d("acme", "cpu", MetricType.GAUGE, "b"), d("acme", "requests", MetricType.COUNTER, "a"),
                d("acme", "latency", MetricType.DISTRIBUTION, "a"));
        index.register(acme);
        index.register(List.of(d("globex", "cpu", MetricType.GAUGE, "a")));
        Comparator<SeriesDescriptor> byId = Comparator.comparing(SeriesDescriptor::id);
        assertEquals(acme.stream().sorted(byId).toList(), index.allSeries("acme").stream().sorted(byId).toList());
    }
}

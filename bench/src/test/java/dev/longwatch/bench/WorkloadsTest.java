package dev.longwatch.bench;

import dev.longwatch.model.MetricType;
import dev.longwatch.model.ParsedMetrics;
import dev.longwatch.model.Payloads;
import dev.longwatch.model.Series;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The benchmark bodies must be what they claim, or the figures measure refusals instead of ingest. */
class WorkloadsTest {
    final Payloads payloads = Workloads.payloads(Workloads.fixedClock());

    @Test
    void theLargeBodyFitsTheBodyLimitAndIsAcceptedInFull() {
        byte[] body = Workloads.largeBody();
        ParsedMetrics p = payloads.parseMetrics(body);

        assertTrue(body.length <= payloads.limits().maxBodyBytes(), "large body is " + body.length + " bytes");
        assertTrue(body.length > 1_000_000, "large body should be about 1 MiB, is " + body.length);
        assertEquals(Workloads.LARGE_POINTS, p.acceptedPoints());
        assertEquals(Workloads.LARGE_SERIES, p.series().size());
        assertEquals(0, p.rejected().size(), () -> "rejected: " + p.rejected());
    }

    @Test
    void theLargeBodyMixesAllMetricTypesWithThreeTags() {
        Set<MetricType> types = EnumSet.noneOf(MetricType.class);
        for (Series s : payloads.parseMetrics(Workloads.largeBody()).series()) {
            types.add(s.type());
            assertEquals(3, s.tags().size(), s::toString);
        }
        assertEquals(EnumSet.allOf(MetricType.class), types);
    }

    @Test
    void theSmallBodyIsTenSeriesOfOnePoint() {
        ParsedMetrics p = payloads.parseMetrics(Workloads.smallBody());

        assertEquals(Workloads.SMALL_POINTS, p.acceptedPoints());
        assertEquals(10, p.series().size());
        assertEquals(0, p.rejected().size(), () -> "rejected: " + p.rejected());
    }

    @Test
    void sequenceNumbersCompareInTheOrderTheyAreIssued() {
        assertEquals(56, Workloads.sequenceNumber(1).length());
        assertTrue(Workloads.sequenceNumber(9).compareTo(Workloads.sequenceNumber(10)) < 0);
    }
}

package dev.longwatch.core.notify.chart;

import dev.longwatch.aws.s3.S3ChartStore;
import dev.longwatch.core.notify.NotifyFixture;
import dev.longwatch.core.events.EventStore;
import dev.longwatch.model.Event;
import dev.longwatch.model.Tags;
import dev.longwatch.model.alerting.AlertTransition;
import dev.longwatch.testing.LocalS3;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Chart images: drawn server-side, stored in S3 (s3proxy), reachable through their presigned link. */
class ChartsTest {
    final NotifyFixture f = new NotifyFixture();

    @AfterEach
    void close() {
        f.close();
    }

    static boolean hasColour(BufferedImage img, int rgb) {
        for (int x = 0; x < img.getWidth(); x++) {
            for (int y = 0; y < img.getHeight(); y++) {
                if ((img.getRGB(x, y) & 0xFFFFFF) == rgb) {
                    return true;
                }
            }
        }
        return false;
    }

    @Test
    void theChartIsAPngWithTheSeriesTheThresholdAndEventMarkers() throws Exception {
        long from = 0, to = 3_600_000;
        long[] times = new long[60];
        double[] values = new double[60];
        for (int i = 0; i < 60; i++) {
            times[i] = i * 60_000L;
            values[i] = i < 30 ? 100 : 900;
        }
        byte[] png = new ChartRenderer().png(new ChartRenderer.Chart("latency", times, values, 500.0,
                List.of(1_800_000L), from, to));
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        assertEquals(ChartRenderer.WIDTH, img.getWidth());
        assertEquals(ChartRenderer.HEIGHT, img.getHeight());
        assertTrue(hasColour(img, 0xE01E5A), "the threshold line");
        assertTrue(hasColour(img, 0x1D6FD8), "the series");
        assertTrue(hasColour(img, 0x999999), "the event marker");
    }

    @Test
    void anAlertsChartIsStoredAndItsExpiringLinkServesIt() throws Exception {
        List<List<String>> asked = new ArrayList<>();
        QueryCharts.SeriesSource source = (tenant, metric, filters, agg, a, b) -> {
            asked.add(List.of(tenant, metric, String.join(",", filters), String.valueOf(agg)));
            return new QueryCharts.Series(new long[]{a, a + 60_000}, new double[]{400, 900});
        };
        long now = f.clock.millis();
        f.events.putAll(List.of(new EventStore.TenantEvent("acme", new Event("e1", "Deploy v42", "deploy",
                now - 600_000, Tags.of("host", "web-1"), null, null, null))));
        S3ChartStore store = new S3ChartStore(LocalS3.client(), LocalS3.presigner(), LocalS3.freshBucket());
        QueryCharts charts = new QueryCharts(source, f.events, store);
        AlertTransition t = f.firing("acme", "m-1", "web-1", List.of());
        String url = charts.chartUrl(t, now);
        assertEquals(List.of(List.of("acme", "http.latency", "host:web-1", "p99")), asked,
                "the monitor's query narrowed to the alert's group");
        assertTrue(url.contains("X-Amz-Signature="), url);
        assertTrue(url.contains("X-Amz-Expires=604800"), url);
        HttpResponse<byte[]> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode());
        assertArrayEquals(new byte[]{(byte) 0x89, 'P', 'N', 'G'}, java.util.Arrays.copyOf(r.body(), 4));
    }
}

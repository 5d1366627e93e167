package dev.longwatch.core.notify.chart;

import dev.longwatch.core.events.EventStore;
import dev.longwatch.core.notify.ChartLinks;
import dev.longwatch.core.notify.channel.Signatures;
import dev.longwatch.core.notify.chat.ChatService;
import dev.longwatch.model.Event;
import dev.longwatch.model.alerting.AlertTransition;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Chart images for messages and for {@code /longwatch graph}: the monitor's query (from the transition, narrowed to
 * the alert's group) over the last hours, the threshold, and the tenant's events as markers; rendered to PNG and
 * stored with an expiring link.
 */
public final class QueryCharts implements ChartLinks, ChatService.Graphs {
    public static final long WINDOW_MILLIS = 3 * 3_600_000L;

    /** Port: one series of a metric query (the query service): points in [from, to). */
    public interface SeriesSource {
        Series series(String tenant, String metric, List<String> filters, String agg, long from, long to);
    }

    public record Series(long[] times, double[] values) {
    }

    private final SeriesSource source;
    private final EventStore events;
    private final ChartStore store;
    private final ChartRenderer renderer = new ChartRenderer();

    public QueryCharts(SeriesSource source, EventStore events, ChartStore store) {
        this.source = source;
        this.events = events;
        this.store = store;
    }

    @Override
    public String chartUrl(AlertTransition t, long now) {
        if (t.query() == null) {
            return null;
        }
        String metric = null, agg = null;
        List<String> filters = new ArrayList<>();
        for (String pair : t.query().split("&")) {
            int eq = pair.indexOf('=');
            if (eq < 0) {
                continue;
            }
            String k = URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            switch (k) {
                case "metric" -> metric = v;
                case "agg" -> agg = v;
                case "filter" -> filters.add(v);
                default -> {
                }
            }
        }
        if (metric == null) {
            return null;
        }
        t.group().forEach((k, v) -> filters.add(k + ":" + v));
        long to = Math.max(t.at(), now - now % 60_000) + 60_000;
        long from = to - WINDOW_MILLIS;
        String title = (t.monitorName() == null ? metric : t.monitorName()) + " " + new java.util.TreeMap<>(t.group());
        return render(t.tenant(), "alert-" + t.id(), title, metric, filters, agg, t.threshold(), from, to);
    }

    @Override
    public String graphUrl(String tenant, String metric, List<String> filters, String range, long now) {
        long span = dev.longwatch.core.notify.Durations.parse("range", range).toMillis();
        long to = now - now % 60_000 + 60_000;
        return render(tenant, "graph-" + now + "-" + metric, metric + " " + String.join(" ", filters), metric, filters,
                null, null, to - span, to);
    }

    private String render(String tenant, String name, String title, String metric, List<String> filters, String agg,
                          Double threshold, long from, long to) {
        Series s = source.series(tenant, metric, filters, agg, from, to);
        List<Long> marks = new ArrayList<>();
        if (events != null) {
            for (Event e : events.find(tenant, from, to, 200)) {
                if (related(e, filters)) {
                    marks.add(e.time());
                }
            }
        }
        byte[] png = renderer.png(new ChartRenderer.Chart(title, s.times(), s.values(), threshold, marks, from, to));
        return store.put(tenant, Signatures.sha256Hex(name).substring(0, 24) + ".png", png);
    }

    /** An event marks the chart when it shares a filter's tag value (or when there are no filters). */
    private static boolean related(Event e, List<String> filters) {
        if (filters.isEmpty()) {
            return true;
        }
        Map<String, String> tags = e.tags() == null ? Map.of() : e.tags().asMap();
        for (String f : filters) {
            int c = f.indexOf(':');
            if (c > 0 && !f.startsWith("!") && f.substring(c + 1).equals(tags.get(f.substring(0, c)))) {
                return true;
            }
        }
        return false;
    }
}

package dev.longwatch.aws.telemetry;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.longwatch.core.telemetry.PlatformMetrics;

import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Longwatch's own metrics as CloudWatch Embedded Metric Format log lines: CloudWatch extracts them from the
 * function's log group with no PutMetricData calls. One line per dimension set at each {@link #flush()}.
 */
public final class EmfMetrics implements PlatformMetrics {
    public static final String NAMESPACE = "Longwatch";
    private static final JsonFactory JSON = new JsonFactory();

    private final String function;
    private final PrintStream out;
    private final Clock clock;
    /** dimension ("" for none) -> value -> metric -> sum */
    private final Map<String, Map<String, Map<String, Double>>> counters = new LinkedHashMap<>();
    private final Map<String, Double> gauges = new LinkedHashMap<>();

    public EmfMetrics(String function, PrintStream out, Clock clock) {
        this.function = function;
        this.out = out;
        this.clock = clock;
    }

    @Override
    public synchronized void count(String name, String dimension, String dimensionValue, double value) {
        add("", "", name, value);
        if (dimension != null) {
            add(dimension, dimensionValue, name, value);
        }
    }

    private void add(String dimension, String value, String name, double v) {
        counters.computeIfAbsent(dimension, d -> new LinkedHashMap<>())
                .computeIfAbsent(value, x -> new LinkedHashMap<>())
                .merge(name, v, Double::sum);
    }

    @Override
    public synchronized void gauge(String name, double value) {
        gauges.put(name, value);
    }

    @Override
    public synchronized void flush() {
        if (!gauges.isEmpty()) {
            counters.computeIfAbsent("", d -> new LinkedHashMap<>()).computeIfAbsent("", x -> new LinkedHashMap<>())
                    .putAll(gauges);
        }
        for (Map.Entry<String, Map<String, Map<String, Double>>> d : counters.entrySet()) {
            for (Map.Entry<String, Map<String, Double>> v : d.getValue().entrySet()) {
                out.println(line(d.getKey(), v.getKey(), v.getValue()));
            }
        }
        counters.clear();
        gauges.clear();
    }

    private String line(String dimension, String value, Map<String, Double> values) {
        StringWriter w = new StringWriter(256);
        try (JsonGenerator g = JSON.createGenerator(w)) {
            g.writeStartObject();
            g.writeObjectFieldStart("_aws");
            g.writeNumberField("Timestamp", clock.millis());
            g.writeArrayFieldStart("CloudWatchMetrics");
            g.writeStartObject();
            g.writeStringField("Namespace", NAMESPACE);
            g.writeArrayFieldStart("Dimensions");
            g.writeStartArray();
            g.writeString("Function");
            if (!dimension.isEmpty()) {
                g.writeString(dimension);
            }
            g.writeEndArray();
            g.writeEndArray();
            g.writeArrayFieldStart("Metrics");
            for (String name : values.keySet()) {
                g.writeStartObject();
                g.writeStringField("Name", name);
                g.writeStringField("Unit", name.endsWith("Millis") ? "Milliseconds" : "Count");
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
            g.writeEndArray();
            g.writeEndObject();
            g.writeStringField("Function", function);
            if (!dimension.isEmpty()) {
                g.writeStringField(dimension, value);
            }
            for (Map.Entry<String, Double> e : values.entrySet()) {
                g.writeNumberField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return w.toString();
    }
}

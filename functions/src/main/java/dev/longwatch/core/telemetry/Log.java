package dev.longwatch.core.telemetry;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Structured JSON log lines on stdout (CloudWatch Logs on AWS), one object per line, carrying the request
 * id and tenant of the current request. Callers pass only safe fields: never keys, tokens or URLs with
 * secrets. The sink is replaceable so tests can assert on what was written.
 */
public final class Log {
    private static final JsonFactory JSON = new JsonFactory();
    private static final ThreadLocal<Map<String, String>> CONTEXT = ThreadLocal.withInitial(LinkedHashMap::new);
    private static volatile PrintStream sink = System.out;
    private static volatile Clock clock = Clock.systemUTC();

    private final String logger;

    private Log(String logger) {
        this.logger = logger;
    }

    public static Log get(Class<?> type) {
        return new Log(type.getSimpleName());
    }

    /** Sets a context field (requestId, tenant) for log lines written by this thread until {@link #clear()}. */
    public static void put(String key, String value) {
        if (value == null) {
            CONTEXT.get().remove(key);
        } else {
            CONTEXT.get().put(key, value);
        }
    }

    public static void clear() {
        CONTEXT.get().clear();
    }

    /** Redirects every log line (tests capture output this way). Returns the previous sink. */
    public static PrintStream redirect(PrintStream to) {
        PrintStream old = sink;
        sink = to;
        return old;
    }

    public void info(String message, Object... fields) {
        write("INFO", message, null, fields);
    }

    public void warn(String message, Object... fields) {
        write("WARN", message, null, fields);
    }

    public void error(String message, Throwable t, Object... fields) {
        write("ERROR", message, t, fields);
    }

    private void write(String level, String message, Throwable t, Object... fields) {
        StringWriter w = new StringWriter(160);
        try (JsonGenerator g = JSON.createGenerator(w)) {
            g.writeStartObject();
            g.writeStringField("time", clock.instant().toString());
            g.writeStringField("level", level);
            g.writeStringField("logger", logger);
            g.writeStringField("message", message);
            for (Map.Entry<String, String> e : CONTEXT.get().entrySet()) {
                g.writeStringField(e.getKey(), e.getValue());
            }
            for (int i = 0; i + 1 < fields.length; i += 2) {
                Object v = fields[i + 1];
                String k = String.valueOf(fields[i]);
                if (v instanceof Number n) {
                    g.writeFieldName(k);
                    if (n instanceof Double || n instanceof Float) {
                        g.writeNumber(n.doubleValue());
                    } else {
                        g.writeNumber(n.longValue());
                    }
                } else {
                    g.writeStringField(k, String.valueOf(v));
                }
            }
            if (t != null) {
                // The type and message only: SDK messages name resources, never our secrets.
                g.writeStringField("error", t.getClass().getName() + ": " + t.getMessage());
            }
            g.writeEndObject();
        } catch (IOException e) {
            return;
        }
        sink.println(w);
    }
}

package dev.longwatch.model.alerting;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.longwatch.model.Names;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The JSON form of {@link Monitor} ({@code /v1/monitors}) and its validation. {@link #parse} reports every invalid
 * field at once ({@link MonitorValidationException}), each by its JSON path ({@code condition.critical}).
 * Read-only fields in a request ({@code id}, {@code version}, ...) are ignored; unknown fields too.
 */
public final class Monitors {
    public static final int MAX_NAME = 200;
    public static final int MAX_TEXT = 2_000;
    public static final int MAX_TAGS = 20;
    public static final int MAX_FILTERS = 20;
    public static final int MAX_CHANNELS = 20;
    public static final int MAX_OUT_OF = 60;
    public static final Duration MAX_WINDOW = Duration.ofDays(1);
    public static final Duration MAX_HISTORY = Duration.ofDays(28);
    public static final Set<String> AGGS = Set.of("avg", "sum", "min", "max", "count", "last", "p50", "p90", "p95",
            "p99");
    private static final Pattern FILTER = Pattern.compile("!?[^:!][^:]*:.+");
    private static final Pattern TAG_KEY = Pattern.compile("[A-Za-z][A-Za-z0-9_.\\-/]{0,99}");
    private static final ObjectMapper JSON = new ObjectMapper();

    private Monitors() {
    }

    /** Reads and validates a monitor definition; throws with every field error. */
    public static Monitor parse(JsonNode o) {
        Reader r = new Reader();
        Monitor m = r.monitor(o);
        if (!r.errors.isEmpty()) {
            throw new MonitorValidationException(r.errors);
        }
        return m;
    }

    public static Monitor parse(String json) {
        try {
            return parse(JSON.readTree(json));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new MonitorValidationException(List.of(new FieldError("", "not JSON: " + e.getOriginalMessage())));
        }
    }

    public static ObjectNode toJson(Monitor m) {
        ObjectNode o = JSON.createObjectNode();
        if (m.id() != null) {
            o.put("id", m.id());
        }
        o.put("name", m.name());
        o.put("kind", m.kind().wire());
        if (m.query() != null) {
            MonitorQuery q = m.query();
            ObjectNode qn = o.putObject("query");
            qn.put("metric", q.metric());
            q.filters().forEach(qn.putArray("filters")::add);
            q.groupBy().forEach(qn.putArray("groupBy")::add);
            qn.put("agg", q.agg());
            qn.put("window", Durations.format(q.window()));
        }
        ObjectNode c = o.putObject("condition");
        switch (m.condition()) {
            case Condition.Threshold t -> {
                c.put("op", t.op().wire());
                c.put("critical", t.critical());
                putNumber(c, "warning", t.warning());
                putNumber(c, "recovery", t.recovery());
            }
            case Condition.Change ch -> {
                c.put("op", ch.op().wire());
                c.put("mode", ch.percent() ? "percent" : "absolute");
                c.put("ago", Durations.format(ch.ago()));
                c.put("critical", ch.critical());
                putNumber(c, "warning", ch.warning());
            }
            case Condition.Absence a -> {
                c.put("for", Durations.format(a.forDuration()));
                if (a.events() != null) {
                    putEvents(c, a.events());
                }
            }
            case Condition.Anomaly a -> {
                c.put("direction", a.direction());
                c.put("sensitivity", a.sensitivity());
                c.put("seasonality", a.seasonality());
                c.put("history", Durations.format(a.history()));
            }
            case Condition.EventCount e -> {
                putEvents(c, e.events());
                c.put("window", Durations.format(e.window()));
                c.put("op", e.op().wire());
                c.put("critical", e.critical());
                putNumber(c, "warning", e.warning());
            }
            case Condition.Composite x -> c.put("expression", x.expression());
        }
        EvaluationSettings e = m.evaluation();
        ObjectNode en = o.putObject("evaluation");
        en.put("every", Durations.format(e.every()));
        en.put("delay", Durations.format(e.delay()));
        en.put("datapoints", e.datapoints());
        en.put("outOf", e.outOf());
        en.put("pendingFor", Durations.format(e.pendingFor()));
        en.put("keepFiringFor", Durations.format(e.keepFiringFor()));
        en.put("noData", e.noData().wire());
        ObjectNode fl = en.putObject("flapping");
        fl.put("changes", e.flapChanges());
        fl.put("window", Durations.format(e.flapWindow()));
        o.put("severity", m.severity().wire());
        o.put("priority", m.priority());
        if (m.message() != null) {
            o.put("message", m.message());
        }
        if (m.runbook() != null) {
            o.put("runbook", m.runbook());
        }
        if (m.owner() != null) {
            o.put("owner", m.owner());
        }
        ObjectNode tags = o.putObject("tags");
        m.tags().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(t -> tags.put(t.getKey(), t.getValue()));
        m.channels().forEach(o.putObject("notify").putArray("channels")::add);
        if (!o.has("notify")) {
            o.putObject("notify").putArray("channels");
        }
        o.put("enabled", m.enabled());
        if (m.id() != null) {
            o.put("version", m.version());
            o.put("createdAt", Instant.ofEpochMilli(m.createdAt()).toString());
            o.put("updatedAt", Instant.ofEpochMilli(m.updatedAt()).toString());
            if (m.updatedBy() != null) {
                o.put("updatedBy", m.updatedBy());
            }
        }
        return o;
    }

    /** Reads a stored monitor (written by {@link #toJson}); never fails on a definition it wrote itself. */
    public static Monitor fromStored(String json) {
        try {
            JsonNode o = JSON.readTree(json);
            Monitor m = parse(o);
            return m.stored(o.path("id").asText(null), o.path("version").asLong(),
                    Instant.parse(o.path("createdAt").asText()).toEpochMilli(),
                    Instant.parse(o.path("updatedAt").asText()).toEpochMilli(), o.path("updatedBy").asText(null));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a stored monitor is not JSON", e);
        }
    }

    private static void putEvents(ObjectNode c, EventMatch e) {
        ObjectNode en = c.putObject("events");
        if (e.kind() != null) {
            en.put("kind", e.kind());
        }
        e.filters().forEach(en.putArray("filters")::add);
    }

    private static void putNumber(ObjectNode o, String field, Double v) {
        if (v != null) {
            o.put(field, v);
        }
    }

    /** Collects errors instead of stopping at the first. */
    private static final class Reader {
        final List<FieldError> errors = new ArrayList<>();

        void error(String field, String reason) {
            errors.add(new FieldError(field, reason));
        }

        Monitor monitor(JsonNode o) {
            if (o == null || !o.isObject()) {
                error("", "a monitor must be a JSON object");
                return null;
            }
            String name = text(o, "name", "name", true, MAX_NAME);
            if (name != null && name.isBlank()) {
                error("name", "must not be blank");
            }
            MonitorKind kind = null;
            String kindText = text(o, "kind", "kind", true, 50);
            if (kindText != null) {
                kind = MonitorKind.fromWire(kindText);
                if (kind == null) {
                    error("kind", "\"" + kindText + "\" is not one of threshold, change, absence, anomaly, "
                            + "event_count, composite");
                }
            }
            JsonNode cond = o.get("condition");
            boolean eventAbsence = kind == MonitorKind.ABSENCE && cond != null && cond.has("events");
            boolean needsQuery = kind != null && kind != MonitorKind.COMPOSITE && kind != MonitorKind.EVENT_COUNT
                    && !eventAbsence;
            MonitorQuery query = null;
            JsonNode q = o.get("query");
            if (q != null && !q.isNull() && needsQuery) {
                query = query(q);
            } else if (needsQuery) {
                error("query", "is required for a " + kind.wire() + " monitor");
            }
            Condition condition = null;
            if (cond == null || !cond.isObject()) {
                error("condition", "is required: an object (see the kinds in docs/alerting.md)");
            } else if (kind != null) {
                condition = condition(kind, cond);
            }
            EvaluationSettings evaluation = evaluation(o.get("evaluation"));
            Severity severity = Severity.CRITICAL;
            String sev = text(o, "severity", "severity", false, 20);
            if (sev != null) {
                severity = Severity.fromWire(sev);
                if (severity == null) {
                    error("severity", "\"" + sev + "\" is not one of critical, warning, info");
                }
            }
            int priority = 3;
            JsonNode p = o.get("priority");
            if (p != null && !p.isNull()) {
                if (!p.isIntegralNumber() || p.asInt() < 1 || p.asInt() > 5) {
                    error("priority", "must be a whole number from 1 (highest) to 5");
                } else {
                    priority = p.asInt();
                }
            }
            String message = text(o, "message", "message", false, MAX_TEXT);
            String runbook = text(o, "runbook", "runbook", false, MAX_TEXT);
            if (runbook != null && !(runbook.startsWith("https://") || runbook.startsWith("http://"))) {
                error("runbook", "must be an http(s) link");
            }
            String owner = text(o, "owner", "owner", false, MAX_NAME);
            Map<String, String> tags = tags(o.get("tags"));
            List<String> channels = List.of();
            JsonNode notify = o.get("notify");
            if (notify != null && !notify.isNull()) {
                if (!notify.isObject()) {
                    error("notify", "must be an object such as {\"channels\": [\"ch_...\"]}");
                } else {
                    channels = strings(notify.get("channels"), "notify.channels", MAX_CHANNELS, null, null);
                }
            }
            boolean enabled = true;
            JsonNode en = o.get("enabled");
            if (en != null && !en.isNull()) {
                if (!en.isBoolean()) {
                    error("enabled", "must be true or false");
                } else {
                    enabled = en.asBoolean();
                }
            }
            if (!errors.isEmpty()) {
                return null;
            }
            return new Monitor(null, name, kind, query, condition, evaluation, severity, priority, message, runbook,
                    owner, tags, channels, enabled, 0, 0, 0, null);
        }

        MonitorQuery query(JsonNode q) {
            if (!q.isObject()) {
                error("query", "must be an object with metric, filters, groupBy, agg and window");
                return null;
            }
            String metric = text(q, "metric", "query.metric", true, 200);
            if (metric != null && !Names.isValidName(metric, 200)) {
                error("query.metric", "\"" + metric + "\" is not a valid metric name");
            }
            List<String> filters = strings(q.get("filters"), "query.filters", MAX_FILTERS, FILTER,
                    "must be key:value, key:* or !key:value");
            List<String> groupBy = strings(q.get("groupBy"), "query.groupBy", 10, TAG_KEY, "is not a tag key");
            String agg = text(q, "agg", "query.agg", false, 10);
            if (agg == null) {
                agg = "avg";
            } else if (!AGGS.contains(agg)) {
                error("query.agg", "\"" + agg + "\" is not one of avg, sum, min, max, count, last, p50, p90, p95, p99");
            }
            Duration window = duration(q, "window", "query.window", Duration.ofMinutes(5), Duration.ofMinutes(1),
                    MAX_WINDOW, true);
            return new MonitorQuery(metric, filters, groupBy, agg, window);
        }

        Condition condition(MonitorKind kind, JsonNode c) {
            return switch (kind) {
                case THRESHOLD -> {
                    Condition.Op op = op(c, true);
                    Double critical = number(c, "critical", true);
                    Double warning = number(c, "warning", false);
                    Double recovery = number(c, "recovery", false);
                    if (op != null && critical != null) {
                        if (warning != null && !op.breaches(critical, warning) && !critical.equals(warning)) {
                            error("condition.warning", "must be reached before critical: "
                                    + (op == Condition.Op.ABOVE ? "at most" : "at least") + " the critical level");
                        }
                        if (recovery != null && op.breaches(recovery, critical)) {
                            error("condition.recovery", "must be on the healthy side of the critical level ("
                                    + (op == Condition.Op.ABOVE ? "at most " : "at least ") + critical + ")");
                        }
                    }
                    yield op == null || critical == null ? null
                            : new Condition.Threshold(op, critical, warning, recovery);
                }
                case CHANGE -> {
                    Condition.Op op = op(c, true);
                    String mode = c.path("mode").asText("absolute");
                    if (!mode.equals("absolute") && !mode.equals("percent")) {
                        error("condition.mode", "\"" + mode + "\" is not absolute or percent");
                    }
                    Duration ago = duration(c, "ago", "condition.ago", null, Duration.ofMinutes(1), MAX_HISTORY, true);
                    Double critical = number(c, "critical", true);
                    Double warning = number(c, "warning", false);
                    yield op == null || critical == null || ago == null ? null
                            : new Condition.Change(op, mode.equals("percent"), ago, critical, warning);
                }
                case ABSENCE -> {
                    Duration d = duration(c, "for", "condition.for", null, Duration.ofMinutes(1), MAX_WINDOW, true);
                    EventMatch events = c.has("events") ? events(c.get("events"), "condition.events") : null;
                    yield d == null ? null : new Condition.Absence(d, events);
                }
                case ANOMALY -> {
                    String direction = oneOf(c, "direction", "both", "both", "above", "below");
                    String sensitivity = oneOf(c, "sensitivity", "medium", "low", "medium", "high");
                    String seasonality = oneOf(c, "seasonality", "daily", "daily", "weekly", "none");
                    Duration history = duration(c, "history", "condition.history", Duration.ofDays(14),
                            Duration.ofDays(1), MAX_HISTORY, false);
                    yield new Condition.Anomaly(direction, sensitivity, seasonality, history);
                }
                case EVENT_COUNT -> {
                    EventMatch events = null;
                    if (!c.has("events")) {
                        error("condition.events", "is required: {\"kind\": ..., \"filters\": [...]}");
                    } else {
                        events = events(c.get("events"), "condition.events");
                    }
                    Duration window = duration(c, "window", "condition.window", null, Duration.ofMinutes(1),
                            MAX_WINDOW, true);
                    Condition.Op op = c.has("op") ? op(c, true) : Condition.Op.ABOVE;
                    Double critical = number(c, "critical", true);
                    Double warning = number(c, "warning", false);
                    yield events == null || window == null || op == null || critical == null ? null
                            : new Condition.EventCount(events, window, op, critical, warning);
                }
                case COMPOSITE -> {
                    String expr = text(c, "expression", "condition.expression", true, MAX_TEXT);
                    if (expr != null) {
                        try {
                            CompositeExpression.parse(expr);
                        } catch (IllegalArgumentException e) {
                            error("condition.expression", e.getMessage());
                            yield null;
                        }
                    }
                    yield expr == null ? null : new Condition.Composite(expr);
                }
            };
        }

        EventMatch events(JsonNode e, String field) {
            if (e == null || !e.isObject()) {
                error(field, "must be an object: {\"kind\": ..., \"filters\": [...]}");
                return null;
            }
            String kind = text(e, "kind", field + ".kind", false, 200);
            List<String> filters = strings(e.get("filters"), field + ".filters", MAX_FILTERS, FILTER,
                    "must be key:value, key:* or !key:value");
            if (kind == null && filters.isEmpty()) {
                error(field, "name a kind or at least one filter");
            }
            return new EventMatch(kind, filters);
        }

        EvaluationSettings evaluation(JsonNode e) {
            EvaluationSettings d = EvaluationSettings.DEFAULT;
            if (e == null || e.isNull()) {
                return d;
            }
            if (!e.isObject()) {
                error("evaluation", "must be an object");
                return d;
            }
            Duration every = duration(e, "every", "evaluation.every", d.every(), Duration.ofMinutes(1),
                    Duration.ofHours(1), true);
            Duration delay = duration(e, "delay", "evaluation.delay", d.delay(), Duration.ZERO, Duration.ofHours(1),
                    true);
            int outOf = count(e, "outOf", "evaluation.outOf", d.outOf(), 1, MAX_OUT_OF);
            int datapoints = count(e, "datapoints", "evaluation.datapoints", Math.min(d.datapoints(), outOf), 1,
                    MAX_OUT_OF);
            if (datapoints > outOf) {
                error("evaluation.datapoints", "must be at most outOf (" + outOf + ")");
            }
            Duration pending = duration(e, "pendingFor", "evaluation.pendingFor", d.pendingFor(), Duration.ZERO,
                    Duration.ofDays(1), false);
            Duration keep = duration(e, "keepFiringFor", "evaluation.keepFiringFor", d.keepFiringFor(), Duration.ZERO,
                    Duration.ofDays(1), false);
            NoDataPolicy noData = d.noData();
            String nd = text(e, "noData", "evaluation.noData", false, 20);
            if (nd != null) {
                noData = NoDataPolicy.fromWire(nd);
                if (noData == null) {
                    error("evaluation.noData", "\"" + nd + "\" is not one of ok, breaching, keep, no_data");
                }
            }
            int changes = d.flapChanges();
            Duration window = d.flapWindow();
            JsonNode f = e.get("flapping");
            if (f != null && !f.isNull()) {
                if (!f.isObject()) {
                    error("evaluation.flapping", "must be an object such as {\"changes\": 6, \"window\": \"1h\"}");
                } else {
                    changes = count(f, "changes", "evaluation.flapping.changes", changes, 2, 1000);
                    window = duration(f, "window", "evaluation.flapping.window", window, Duration.ofMinutes(1),
                            Duration.ofDays(1), true);
                }
            }
            return new EvaluationSettings(every, delay, datapoints, outOf, pending, keep, noData, changes, window);
        }

        Condition.Op op(JsonNode c, boolean required) {
            String s = text(c, "op", "condition.op", required, 10);
            if (s == null) {
                return null;
            }
            Condition.Op op = Condition.Op.fromWire(s);
            if (op == null) {
                error("condition.op", "\"" + s + "\" is not above or below");
            }
            return op;
        }

        String oneOf(JsonNode c, String name, String dflt, String... allowed) {
            String s = text(c, name, "condition." + name, false, 20);
            if (s == null) {
                return dflt;
            }
            if (!List.of(allowed).contains(s)) {
                error("condition." + name, "\"" + s + "\" is not one of " + String.join(", ", allowed));
                return dflt;
            }
            return s;
        }

        Double number(JsonNode o, String name, boolean required) {
            JsonNode n = o.get(name);
            if (n == null || n.isNull()) {
                if (required) {
                    error("condition." + name, "is required: a number");
                }
                return null;
            }
            if (!n.isNumber() || !Double.isFinite(n.asDouble())) {
                error("condition." + name, "must be a finite number");
                return null;
            }
            return n.asDouble();
        }

        int count(JsonNode o, String name, String field, int dflt, int min, int max) {
            JsonNode n = o.get(name);
            if (n == null || n.isNull()) {
                return dflt;
            }
            if (!n.isIntegralNumber() || n.asLong() < min || n.asLong() > max) {
                error(field, "must be a whole number from " + min + " to " + max);
                return dflt;
            }
            return n.asInt();
        }

        Duration duration(JsonNode o, String name, String field, Duration dflt, Duration min, Duration max,
                          boolean wholeMinutes) {
            JsonNode n = o.get(name);
            if (n == null || n.isNull()) {
                if (dflt == null) {
                    error(field, "is required: a duration such as 5m, 1h or 1d");
                }
                return dflt;
            }
            Duration d = n.isTextual() ? Durations.parse(n.asText()) : null;
            if (d == null) {
                error(field, "must be a duration such as 90s, 5m, 1h or 1d");
                return dflt;
            }
            if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
                error(field, "must be from " + Durations.format(min) + " to " + Durations.format(max));
                return dflt;
            }
            if (wholeMinutes && d.toSeconds() % 60 != 0) {
                error(field, "must be a whole number of minutes");
                return dflt;
            }
            return d;
        }

        String text(JsonNode o, String name, String field, boolean required, int max) {
            JsonNode n = o.get(name);
            if (n == null || n.isNull()) {
                if (required) {
                    error(field, "is required");
                }
                return null;
            }
            if (!n.isTextual()) {
                error(field, "must be a string");
                return null;
            }
            String s = n.asText();
            if (required && s.isEmpty()) {
                error(field, "must not be empty");
                return null;
            }
            if (s.length() > max) {
                error(field, "is longer than " + max + " characters");
                return null;
            }
            return s;
        }

        List<String> strings(JsonNode n, String field, int max, Pattern pattern, String reason) {
            if (n == null || n.isNull()) {
                return List.of();
            }
            if (!n.isArray()) {
                error(field, "must be an array of strings");
                return List.of();
            }
            if (n.size() > max) {
                error(field, "has more than " + max + " entries");
                return List.of();
            }
            List<String> out = new ArrayList<>();
            for (int i = 0; i < n.size(); i++) {
                JsonNode v = n.get(i);
                if (!v.isTextual() || v.asText().isEmpty() || v.asText().length() > 500) {
                    error(field + "[" + i + "]", "must be a non-empty string");
                } else if (pattern != null && !pattern.matcher(v.asText()).matches()) {
                    error(field + "[" + i + "]", "\"" + v.asText() + "\" " + reason);
                } else {
                    out.add(v.asText());
                }
            }
            return out;
        }

        Map<String, String> tags(JsonNode n) {
            Map<String, String> out = new LinkedHashMap<>();
            if (n == null || n.isNull()) {
                return out;
            }
            if (!n.isObject()) {
                error("tags", "must be an object of strings");
                return out;
            }
            if (n.size() > MAX_TAGS) {
                error("tags", "has more than " + MAX_TAGS + " entries");
                return out;
            }
            n.properties().forEach(e -> {
                if (!TAG_KEY.matcher(e.getKey()).matches()) {
                    error("tags." + e.getKey(), "is not a valid tag key");
                } else if (!e.getValue().isTextual() || e.getValue().asText().length() > 200) {
                    error("tags." + e.getKey(), "must be a string of at most 200 characters");
                } else {
                    out.put(e.getKey(), e.getValue().asText());
                }
            });
            return out;
        }
    }
}

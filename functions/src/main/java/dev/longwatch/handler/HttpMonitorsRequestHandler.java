package dev.longwatch.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.longwatch.core.alerting.AlertInstance;
import dev.longwatch.core.alerting.AlertService;
import dev.longwatch.core.alerting.AuditLog;
import dev.longwatch.core.alerting.MonitorService;
import dev.longwatch.core.alerting.NotFoundException;
import dev.longwatch.core.alerting.backtest.BacktestService;
import dev.longwatch.core.auth.ApiKeys;
import dev.longwatch.core.auth.Principal;
import dev.longwatch.core.query.TimeExpressions;
import dev.longwatch.core.telemetry.Log;
import dev.longwatch.core.telemetry.PlatformMetrics;
import dev.longwatch.model.PayloadException;
import dev.longwatch.model.alerting.AlertState;
import dev.longwatch.model.alerting.AlertTransition;
import dev.longwatch.model.alerting.FieldError;
import dev.longwatch.model.alerting.Monitor;
import dev.longwatch.model.alerting.MonitorValidationException;
import dev.longwatch.model.alerting.Monitors;
import dev.longwatch.model.alerting.Severity;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The alerting API: {@code /v1/monitors} (CRUD, {@code /backtest}), {@code /v1/alerts} (list, summary, one alert
 * with its history, ack, resolve) and {@code /v1/audit}. Every call is scoped to the tenant of the API key, and
 * changes are audited with the key's subject ({@code key:<key id prefix>}).
 */
public final class HttpMonitorsRequestHandler
        implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    static final int MAX_BODY = 256 * 1024;
    static final int DEFAULT_AUDIT_LIMIT = 100;
    static final int MAX_AUDIT_LIMIT = 1_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ApiKeys apiKeys;
    private final MonitorService monitors;
    private final AlertService alerts;
    private final BacktestService backtests;
    private final AuditLog audit;
    private final Clock clock;
    private final PlatformMetrics metrics;

    public HttpMonitorsRequestHandler() {
        this(AwsWiring.get().apiKeys(), AwsWiring.get().monitorService(), AwsWiring.get().alertService(),
                AwsWiring.get().backtestService(), AwsWiring.get().auditLog(), Clock.systemUTC(),
                AwsWiring.get().metrics());
    }

    public HttpMonitorsRequestHandler(ApiKeys apiKeys, MonitorService monitors, AlertService alerts,
                                      BacktestService backtests, AuditLog audit, Clock clock,
                                      PlatformMetrics metrics) {
        this.apiKeys = apiKeys;
        this.monitors = monitors;
        this.alerts = alerts;
        this.backtests = backtests;
        this.audit = audit;
        this.clock = clock;
        this.metrics = metrics;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return HttpApi.serve(event, metrics, e -> {
            try {
                return route(e);
            } catch (MonitorValidationException x) {
                return validationError(x.errors());
            } catch (NotFoundException x) {
                return HttpApi.error(404, null, x.getMessage());
            } catch (MonitorService.ConflictException x) {
                return HttpApi.error(409, null, x.getMessage());
            }
        });
    }

    /** Whether this handler serves {@code path} (local-dev routes by it). */
    public static boolean serves(String path) {
        return path.equals("/v1/monitors") || path.startsWith("/v1/monitors/") || path.equals("/v1/alerts")
                || path.startsWith("/v1/alerts/") || path.equals("/v1/audit");
    }

    private APIGatewayV2HTTPResponse route(APIGatewayV2HTTPEvent e) {
        String path = HttpApi.path(e);
        String method = HttpApi.method(e);
        if (!serves(path)) {
            return HttpApi.notFound(e);
        }
        String[] parts = path.substring(1).split("/", -1); // v1, monitors|alerts|audit, ...
        if (parts.length > 4 || (parts.length >= 3 && parts[2].isEmpty())) {
            return HttpApi.notFound(e);
        }
        String allowed = allowed(parts);
        if (allowed == null) {
            return HttpApi.notFound(e);
        }
        if (!allowed.contains(method)) {
            return HttpApi.error(405, null, "use " + allowed + " on " + path);
        }
        Optional<Principal> who = HttpApi.principal(e, apiKeys);
        if (who.isEmpty()) {
            return HttpApi.unauthorized();
        }
        Principal p = who.get();
        Log.put("tenant", p.tenant());
        Map<String, List<String>> q = HttpApi.query(e);
        String kind = parts[1];
        if (kind.equals("audit")) {
            return audit(p, q);
        }
        if (kind.equals("monitors")) {
            if (parts.length == 2) {
                return method.equals("GET") ? listMonitors(p) : createMonitor(p, e);
            }
            if (parts[2].equals("backtest")) {
                return backtest(p, e);
            }
            String id = decode(parts[2]);
            return switch (method) {
                case "GET" -> monitor(200, monitors.get(p.tenant(), id)
                        .orElseThrow(() -> new NotFoundException("no monitor " + id)));
                case "PUT" -> updateMonitor(p, id, e);
                default -> {
                    Monitor gone = monitors.delete(p.tenant(), p.subject(), id,
                            m -> alerts.retire(p.tenant(), m, p.subject()));
                    yield HttpApi.json(200, g -> g.writeRawValue(JSON.createObjectNode().put("deleted", gone.id())
                            .toString()));
                }
            };
        }
        if (parts.length == 2) {
            return listAlerts(p, q);
        }
        if (parts.length == 3 && parts[2].equals("summary")) {
            return summary(p);
        }
        String id = decode(parts[2]);
        if (parts.length == 3) {
            AlertService.Detail d = alerts.get(p.tenant(), id).orElseThrow(() -> new NotFoundException("no alert "
                    + id));
            ObjectNode o = alertJson(d.alert());
            ArrayNode ts = o.putArray("transitions");
            d.transitions().forEach(t -> ts.add(transitionJson(t)));
            return write(200, o);
        }
        JsonNode body = bodyOrEmpty(e);
        String by = text(body, "by", p.subject());
        String note = text(body, "note", null);
        AlertInstance a = parts[3].equals("ack") ? alerts.ack(p.tenant(), id, by, note)
                : alerts.resolve(p.tenant(), id, by, note);
        return write(200, alertJson(a));
    }

    /** The methods a path takes, or null for no such path. */
    private static String allowed(String[] parts) {
        String kind = parts[1];
        return switch (kind) {
            case "audit" -> parts.length == 2 ? "GET" : null;
            case "monitors" -> parts.length == 2 ? "GET, POST"
                    : parts.length == 3 ? (parts[2].equals("backtest") ? "POST" : "GET, PUT, DELETE") : null;
            case "alerts" -> parts.length == 2 ? "GET"
                    : parts.length == 3 ? "GET"
                    : parts[3].equals("ack") || parts[3].equals("resolve") ? "POST" : null;
            default -> null;
        };
    }

    private APIGatewayV2HTTPResponse listMonitors(Principal p) {
        ObjectNode o = JSON.createObjectNode();
        ArrayNode list = o.putArray("monitors");
        monitors.list(p.tenant()).forEach(m -> list.add(Monitors.toJson(m)));
        return write(200, o);
    }

    private APIGatewayV2HTTPResponse createMonitor(Principal p, APIGatewayV2HTTPEvent e) {
        Monitor m = Monitors.parse(body(e));
        return monitor(201, monitors.create(p.tenant(), p.subject(), m));
    }

    private APIGatewayV2HTTPResponse updateMonitor(Principal p, String id, APIGatewayV2HTTPEvent e) {
        JsonNode body = body(e);
        Monitor m = Monitors.parse(body);
        JsonNode v = body.get("version");
        Long expected = v != null && v.isIntegralNumber() ? v.asLong() : null;
        return monitor(200, monitors.update(p.tenant(), p.subject(), id, m, expected));
    }

    private static APIGatewayV2HTTPResponse monitor(int status, Monitor m) {
        return write(status, Monitors.toJson(m));
    }

    private APIGatewayV2HTTPResponse backtest(Principal p, APIGatewayV2HTTPEvent e) {
        JsonNode body = body(e);
        Monitor m;
        JsonNode def = body.get("monitor");
        if (def != null && !def.isNull()) {
            try {
                m = Monitors.parse(def).stored("backtest", 0, 0, 0, p.subject());
            } catch (MonitorValidationException x) {
                throw new MonitorValidationException(x.errors().stream()
                        .map(f -> new FieldError(f.field().isEmpty() ? "monitor" : "monitor." + f.field(), f.reason()))
                        .toList());
            }
        } else if (body.hasNonNull("monitorId")) {
            String id = body.get("monitorId").asText();
            m = monitors.get(p.tenant(), id).orElseThrow(() -> new PayloadException("monitorId", "no monitor " + id));
        } else {
            throw new PayloadException("monitor", "send a monitor definition (monitor) or a saved monitor's id "
                    + "(monitorId)");
        }
        long to = body.hasNonNull("to") ? TimeExpressions.parseTime(body.get("to").asText(), clock, "to")
                : clock.millis();
        long from = body.hasNonNull("from") ? TimeExpressions.parseTime(body.get("from").asText(), clock, "from")
                : to - 7 * 86_400_000L;
        BacktestService.Result r = backtests.run(p.tenant(), m, from, to);
        ObjectNode o = JSON.createObjectNode();
        o.put("from", r.from());
        o.put("to", r.to());
        o.put("evaluations", r.evaluations());
        ArrayNode instances = o.putArray("instances");
        for (BacktestService.InstanceResult i : r.instances()) {
            ObjectNode n = instances.addObject();
            i.group().forEach(n.putObject("group")::put);
            ArrayNode timeline = n.putArray("timeline");
            for (AlertTransition t : i.timeline()) {
                ObjectNode x = timeline.addObject();
                x.put("at", t.at());
                x.put("from", t.from().wire());
                x.put("to", t.to().wire());
                putNumber(x, "value", t.value());
                putNumber(x, "threshold", t.threshold());
            }
            ArrayNode notes = n.putArray("notifications");
            for (AlertTransition t : i.notifications()) {
                ObjectNode x = notes.addObject();
                x.put("at", t.at());
                x.put("state", t.to().wire());
                x.put("severity", t.severity().wire());
                x.put("message", t.message());
            }
            ObjectNode series = n.putObject("series");
            ArrayNode times = series.putArray("times");
            ArrayNode values = series.putArray("values");
            for (int k = 0; k < i.times().length; k++) {
                times.add(i.times()[k]);
                if (Double.isFinite(i.values()[k])) {
                    values.add(i.values()[k]);
                } else {
                    values.addNull();
                }
            }
            ObjectNode th = n.putObject("thresholds");
            i.thresholds().forEach(th::put);
        }
        return write(200, o);
    }

    private APIGatewayV2HTTPResponse listAlerts(Principal p, Map<String, List<String>> q) {
        String stateRaw = HttpApi.first(q, "state");
        AlertState state = stateRaw == null ? null : AlertState.fromWire(stateRaw);
        if (stateRaw != null && state == null) {
            throw new PayloadException("state", "\"" + stateRaw + "\" is not one of OK, PENDING, FIRING, RESOLVED, "
                    + "NO_DATA, ERROR, FLAPPING");
        }
        String sevRaw = HttpApi.first(q, "severity");
        Severity severity = sevRaw == null ? null : Severity.fromWire(sevRaw);
        if (sevRaw != null && severity == null) {
            throw new PayloadException("severity", "\"" + sevRaw + "\" is not one of critical, warning, info");
        }
        String tag = HttpApi.first(q, "tag");
        if (tag != null && tag.indexOf(':') <= 0) {
            throw new PayloadException("tag", "must be key:value");
        }
        List<AlertInstance> found = alerts.list(p.tenant(), new AlertService.Filter(state, severity,
                HttpApi.first(q, "monitorId"), tag));
        ObjectNode o = JSON.createObjectNode();
        ArrayNode list = o.putArray("alerts");
        found.forEach(a -> list.add(alertJson(a)));
        return write(200, o);
    }

    private APIGatewayV2HTTPResponse summary(Principal p) {
        AlertService.Summary s = alerts.summary(p.tenant());
        ObjectNode o = JSON.createObjectNode();
        o.put("total", s.total());
        s.byState().forEach(o.putObject("byState")::put);
        s.bySeverity().forEach(o.putObject("bySeverity")::put);
        return write(200, o);
    }

    private APIGatewayV2HTTPResponse audit(Principal p, Map<String, List<String>> q) {
        String toRaw = HttpApi.first(q, "to");
        String fromRaw = HttpApi.first(q, "from");
        long to = toRaw == null ? clock.millis() + 1 : TimeExpressions.parseTime(toRaw, clock, "to");
        long from = fromRaw == null ? to - 30 * 86_400_000L : TimeExpressions.parseTime(fromRaw, clock, "from");
        if (from >= to) {
            throw new PayloadException("from", "must be before to");
        }
        int limit = DEFAULT_AUDIT_LIMIT;
        String limitRaw = HttpApi.first(q, "limit");
        if (limitRaw != null) {
            try {
                limit = Integer.parseInt(limitRaw);
            } catch (NumberFormatException x) {
                limit = -1;
            }
            if (limit < 1 || limit > MAX_AUDIT_LIMIT) {
                throw new PayloadException("limit", "must be a whole number from 1 to " + MAX_AUDIT_LIMIT);
            }
        }
        String target = HttpApi.first(q, "target");
        String kind = HttpApi.first(q, "kind");
        if (kind != null && !AuditLog.KINDS.contains(kind)) {
            throw new PayloadException("kind", "must be one of " + String.join(", ", AuditLog.KINDS));
        }
        boolean filtered = target != null || kind != null;
        ObjectNode o = JSON.createObjectNode();
        ArrayNode list = o.putArray("entries");
        for (AuditLog.Entry a : audit.list(p.tenant(), from, to, filtered ? MAX_AUDIT_LIMIT : limit)) {
            if ((target != null && !target.equals(a.target())) || (kind != null && !kind.equals(a.kind()))) {
                continue;
            }
            if (list.size() >= limit) {
                break;
            }
            ObjectNode x = list.addObject();
            x.put("at", Instant.ofEpochMilli(a.at()).toString());
            x.put("who", a.who());
            x.put("action", a.action());
            x.put("kind", a.kind());
            x.put("target", a.target());
            x.set("before", parse(a.before()));
            x.set("after", parse(a.after()));
            if (a.summary() != null) {
                x.put("summary", a.summary());
            }
        }
        return write(200, o);
    }

    static ObjectNode alertJson(AlertInstance a) {
        ObjectNode o = JSON.createObjectNode();
        o.put("id", a.alertId());
        o.put("monitorId", a.monitorId());
        o.put("monitorName", a.monitorName());
        a.group().forEach(o.putObject("group")::put);
        o.put("state", a.state().wire());
        o.put("severity", a.severity().wire());
        o.put("since", Instant.ofEpochMilli(a.since()).toString());
        o.put("lastEvaluatedAt", Instant.ofEpochMilli(a.lastEvaluatedAt()).toString());
        putNumber(o, "value", a.value());
        putNumber(o, "threshold", a.threshold());
        if (a.ack() == null) {
            o.putNull("acknowledged");
        } else {
            ObjectNode ack = o.putObject("acknowledged");
            ack.put("by", a.ack().by());
            ack.put("at", Instant.ofEpochMilli(a.ack().at()).toString());
            if (a.ack().note() != null) {
                ack.put("note", a.ack().note());
            } else {
                ack.putNull("note");
            }
        }
        // Silences belong to the notification service; the alert's own state never hides it.
        o.put("silenced", false);
        a.labels().forEach(o.putObject("labels")::put);
        if (a.error() != null) {
            o.put("error", a.error());
        }
        return o;
    }

    static ObjectNode transitionJson(AlertTransition t) {
        ObjectNode x = JSON.createObjectNode();
        x.put("id", t.id());
        x.put("at", Instant.ofEpochMilli(t.at()).toString());
        x.put("from", t.from().wire());
        x.put("to", t.to().wire());
        x.put("severity", t.severity().wire());
        putNumber(x, "value", t.value());
        putNumber(x, "threshold", t.threshold());
        if (t.message() != null) {
            x.put("message", t.message());
        }
        if (t.error() != null) {
            x.put("error", t.error());
        }
        return x;
    }

    private static void putNumber(ObjectNode o, String field, Double v) {
        if (v == null || !Double.isFinite(v)) {
            o.putNull(field);
        } else {
            o.put(field, v);
        }
    }

    private static JsonNode parse(String json) {
        if (json == null) {
            return JSON.nullNode();
        }
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            return JSON.getNodeFactory().textNode(json);
        }
    }

    private static String text(JsonNode body, String field, String dflt) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return dflt;
        }
        if (!n.isTextual() || n.asText().length() > 2_000) {
            throw new PayloadException(field, "must be a string of at most 2000 characters");
        }
        return n.asText();
    }

    private static JsonNode body(APIGatewayV2HTTPEvent e) {
        byte[] raw = HttpApi.body(e, MAX_BODY);
        try {
            JsonNode n = JSON.readTree(raw);
            if (n == null || !n.isObject()) {
                throw new PayloadException("", "the body must be a JSON object");
            }
            return n;
        } catch (java.io.IOException x) {
            throw new PayloadException("", "the body is not valid JSON");
        }
    }

    private static JsonNode bodyOrEmpty(APIGatewayV2HTTPEvent e) {
        return e.getBody() == null || e.getBody().isBlank() ? JSON.createObjectNode() : body(e);
    }

    private static APIGatewayV2HTTPResponse write(int status, JsonNode o) {
        String text = o.toString();
        return HttpApi.json(status, g -> g.writeRawValue(text));
    }

    private static APIGatewayV2HTTPResponse validationError(List<FieldError> errors) {
        ObjectNode o = JSON.createObjectNode();
        o.put("status", 400);
        o.put("error", "Bad Request");
        o.put("field", errors.get(0).field());
        o.put("reason", errors.get(0).reason());
        ArrayNode all = o.putArray("errors");
        errors.forEach(f -> all.addObject().put("field", f.field()).put("reason", f.reason()));
        return write(400, o);
    }

    /** Percent-decodes a path segment ({@code +} stays a plus). */
    static String decode(String segment) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] b = segment.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < b.length; i++) {
            if (b[i] == '%') {
                if (i + 2 >= b.length) {
                    throw new PayloadException("id", "is not valid percent-encoding");
                }
                int hi = Character.digit(b[i + 1], 16);
                int lo = Character.digit(b[i + 2], 16);
                if (hi < 0 || lo < 0) {
                    throw new PayloadException("id", "is not valid percent-encoding");
                }
                out.write(hi * 16 + lo);
                i += 2;
            } else {
                out.write(b[i]);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}

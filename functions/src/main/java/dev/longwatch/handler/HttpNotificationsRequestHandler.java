package dev.longwatch.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.longwatch.core.auth.ApiKeys;
import dev.longwatch.core.auth.Principal;
import dev.longwatch.core.notify.ChannelService;
import dev.longwatch.core.notify.Delivery;
import dev.longwatch.core.notify.Json;
import dev.longwatch.core.notify.NotificationConfig;
import dev.longwatch.core.notify.NotificationService;
import dev.longwatch.core.notify.channel.Channel;
import dev.longwatch.core.telemetry.Log;
import dev.longwatch.core.telemetry.PlatformMetrics;
import dev.longwatch.model.PayloadException;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The notification API: {@code /v1/channels} (CRUD and {@code POST /v1/channels/{id}/test}), {@code /v1/routes},
 * {@code /v1/silences}, {@code /v1/maintenance-windows}, {@code /v1/inhibitions} and {@code GET /v1/notifications} (the
 * delivery log).
 * Scoped to the API key's tenant; channel secrets are accepted but never returned. Every change to a channel, route,
 * silence, maintenance window or inhibition rule is audited ({@code GET /v1/audit}) with the caller's subject.
 */
public final class HttpNotificationsRequestHandler
        implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    static final int MAX_BODY = 64 * 1024;
    static final int DEFAULT_LIMIT = 50, MAX_LIMIT = 500;

    private final ApiKeys apiKeys;
    private final NotificationService notifications;
    private final NotificationConfig config;
    private final Clock clock;
    private final PlatformMetrics metrics;

    public HttpNotificationsRequestHandler() {
        this(AwsWiring.get().apiKeys(), AwsWiring.get().notificationService(), AwsWiring.get().notificationConfig(),
                Clock.systemUTC(), AwsWiring.get().metrics());
    }

    public HttpNotificationsRequestHandler(ApiKeys apiKeys, NotificationService notifications,
                                           NotificationConfig config, Clock clock, PlatformMetrics metrics) {
        this.apiKeys = apiKeys;
        this.notifications = notifications;
        this.config = config;
        this.clock = clock;
        this.metrics = metrics;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return HttpApi.serve(event, metrics, this::route);
    }

    /** The paths this handler serves (local-dev routes them here). */
    public static boolean serves(String path) {
        return path.equals("/v1/notifications") || under(path, "/v1/channels") || under(path, "/v1/routes")
                || under(path, "/v1/silences") || under(path, "/v1/maintenance-windows")
                || under(path, "/v1/inhibitions");
    }

    private static boolean under(String path, String base) {
        return path.equals(base) || path.startsWith(base + "/");
    }

    private APIGatewayV2HTTPResponse route(APIGatewayV2HTTPEvent e) {
        String path = HttpApi.path(e);
        if (!serves(path)) {
            return HttpApi.notFound(e);
        }
        String[] p = path.substring(1).split("/", -1);
        if (p.length > 4 || (p.length == 4 && !(p[1].equals("channels") && p[3].equals("test")))
                || (p.length >= 3 && p[2].isEmpty())) {
            return HttpApi.notFound(e);
        }
        Optional<Principal> principal = HttpApi.principal(e, apiKeys);
        if (principal.isEmpty()) {
            return HttpApi.unauthorized();
        }
        Log.put("tenant", principal.get().tenant());
        String m = HttpApi.method(e);
        String t = principal.get().tenant();
        // Changes are audited with who made them: key:<key id prefix>, or user:<email> from the console.
        String who = principal.get().subject();
        String id = p.length >= 3 ? p[2] : null;
        return switch (p[1]) {
            case "channels" -> p.length == 4 ? testChannel(e, m, t, id) : channels(e, m, t, who, id);
            case "routes" -> routes(e, m, t, who, id);
            case "silences" -> silences(e, m, t, who, id);
            case "maintenance-windows" -> windows(e, m, t, who, id);
            case "inhibitions" -> inhibitions(e, m, t, who, id);
            default -> notifications(e, m, t);
        };
    }

    private static String body(APIGatewayV2HTTPEvent e) {
        return new String(HttpApi.body(e, MAX_BODY), StandardCharsets.UTF_8);
    }

    static APIGatewayV2HTTPResponse json(int status, JsonNode body) {
        return APIGatewayV2HTTPResponse.builder().withStatusCode(status)
                .withHeaders(Map.of("Content-Type", "application/json")).withBody(body.toString()).build();
    }

    private static APIGatewayV2HTTPResponse noContent() {
        return APIGatewayV2HTTPResponse.builder().withStatusCode(204).withHeaders(Map.of()).build();
    }

    private static APIGatewayV2HTTPResponse missing(String what, String id) {
        return HttpApi.error(404, null, "no " + what + " " + id);
    }

    private static APIGatewayV2HTTPResponse notAllowed(String m, APIGatewayV2HTTPEvent e, String allowed) {
        return HttpApi.error(405, null, m + " is not allowed on " + HttpApi.path(e) + "; use " + allowed);
    }

    private static ObjectNode list(String field, List<? extends JsonNode> items) {
        ObjectNode o = Json.object();
        ArrayNode a = o.putArray(field);
        a.addAll(items);
        return o;
    }

    private APIGatewayV2HTTPResponse channels(APIGatewayV2HTTPEvent e, String m, String t, String who, String id) {
        ChannelService ch = notifications.channels();
        if (id == null) {
            return switch (m) {
                case "GET" -> json(200, list("channels", ch.list(t).stream().map(ChannelService::toJson).toList()));
                case "POST" -> json(201, ChannelService.toJson(config.createChannel(t, who, body(e))));
                default -> notAllowed(m, e, "GET or POST");
            };
        }
        return switch (m) {
            case "GET" -> ch.get(t, id).map(c -> json(200, ChannelService.toJson(c))).orElseGet(() -> missing("channel", id));
            case "PUT" -> config.updateChannel(t, who, id, body(e)).map(c -> json(200, ChannelService.toJson(c)))
                    .orElseGet(() -> missing("channel", id));
            case "DELETE" -> config.deleteChannel(t, who, id) ? noContent() : missing("channel", id);
            default -> notAllowed(m, e, "GET, PUT or DELETE");
        };
    }

    private APIGatewayV2HTTPResponse testChannel(APIGatewayV2HTTPEvent e, String m, String t, String id) {
        if (!m.equals("POST")) {
            return notAllowed(m, e, "POST");
        }
        Optional<Channel> c = notifications.channels().get(t, id);
        if (c.isEmpty()) {
            return missing("channel", id);
        }
        Delivery d = notifications.test(t, c.get());
        return json(200, d.toJson());
    }

    private APIGatewayV2HTTPResponse routes(APIGatewayV2HTTPEvent e, String m, String t, String who, String id) {
        if (id == null) {
            return switch (m) {
                case "GET" -> json(200, list("routes", config.routes(t).stream().map(r -> r.toJson()).toList()));
                case "POST" -> json(201, config.createRoute(t, who, body(e)).toJson());
                default -> notAllowed(m, e, "GET or POST");
            };
        }
        return switch (m) {
            case "GET" -> config.route(t, id).map(r -> json(200, r.toJson())).orElseGet(() -> missing("route", id));
            case "PUT" -> config.updateRoute(t, who, id, body(e)).map(r -> json(200, r.toJson()))
                    .orElseGet(() -> missing("route", id));
            case "DELETE" -> config.deleteRoute(t, who, id) ? noContent() : missing("route", id);
            default -> notAllowed(m, e, "GET, PUT or DELETE");
        };
    }

    private APIGatewayV2HTTPResponse silences(APIGatewayV2HTTPEvent e, String m, String t, String who, String id) {
        long now = clock.millis();
        if (id == null) {
            return switch (m) {
                case "GET" -> json(200, list("silences", config.silences(t).stream().map(s -> s.toJson(now)).toList()));
                case "POST" -> json(201, config.createSilence(t, who, body(e)).toJson(now));
                default -> notAllowed(m, e, "GET or POST");
            };
        }
        return switch (m) {
            case "GET" -> config.silence(t, id).map(s -> json(200, s.toJson(now))).orElseGet(() -> missing("silence", id));
            case "DELETE" -> config.expireSilence(t, who, id).map(s -> json(200, s.toJson(now)))
                    .orElseGet(() -> missing("silence", id));
            default -> notAllowed(m, e, "GET or DELETE");
        };
    }

    private APIGatewayV2HTTPResponse windows(APIGatewayV2HTTPEvent e, String m, String t, String who, String id) {
        long now = clock.millis();
        if (id == null) {
            return switch (m) {
                case "GET" -> json(200, list("maintenanceWindows", config.windows(t).stream().map(w -> w.toJson(now))
                        .toList()));
                case "POST" -> json(201, config.createWindow(t, who, body(e)).toJson(now));
                default -> notAllowed(m, e, "GET or POST");
            };
        }
        return switch (m) {
            case "GET" -> config.window(t, id).map(w -> json(200, w.toJson(now)))
                    .orElseGet(() -> missing("maintenance window", id));
            case "PUT" -> config.updateWindow(t, who, id, body(e)).map(w -> json(200, w.toJson(now)))
                    .orElseGet(() -> missing("maintenance window", id));
            case "DELETE" -> config.deleteWindow(t, who, id) ? noContent() : missing("maintenance window", id);
            default -> notAllowed(m, e, "GET, PUT or DELETE");
        };
    }

    private APIGatewayV2HTTPResponse inhibitions(APIGatewayV2HTTPEvent e, String m, String t, String who, String id) {
        if (id == null) {
            return switch (m) {
                case "GET" -> {
                    List<ObjectNode> rules = config.inhibitions(t).stream().map(r -> r.toJson()).toList();
                    // Without rules of its own the tenant has the built-in one (docs/notifications.md#inhibition).
                    yield json(200, list("inhibitions", rules).put("builtInRuleActive", rules.isEmpty()));
                }
                case "POST" -> json(201, config.createInhibition(t, who, body(e)).toJson());
                default -> notAllowed(m, e, "GET or POST");
            };
        }
        return switch (m) {
            case "GET" -> config.inhibition(t, id).map(r -> json(200, r.toJson()))
                    .orElseGet(() -> missing("inhibition rule", id));
            case "PUT" -> config.updateInhibition(t, who, id, body(e)).map(r -> json(200, r.toJson()))
                    .orElseGet(() -> missing("inhibition rule", id));
            case "DELETE" -> config.deleteInhibition(t, who, id) ? noContent() : missing("inhibition rule", id);
            default -> notAllowed(m, e, "GET, PUT or DELETE");
        };
    }

    private APIGatewayV2HTTPResponse notifications(APIGatewayV2HTTPEvent e, String m, String t) {
        if (!m.equals("GET")) {
            return notAllowed(m, e, "GET");
        }
        Map<String, List<String>> q = HttpApi.query(e);
        String status = HttpApi.first(q, "status");
        if (status != null && !List.of(Delivery.PENDING, Delivery.SENT, Delivery.RETRYING, Delivery.FAILED,
                Delivery.SUMMARIZED).contains(status)) {
            throw new PayloadException("status", "must be one of pending, sent, retrying, failed, summarized");
        }
        int limit = DEFAULT_LIMIT;
        String l = HttpApi.first(q, "limit");
        if (l != null) {
            try {
                limit = Integer.parseInt(l);
            } catch (NumberFormatException ex) {
                limit = -1;
            }
            if (limit < 1 || limit > MAX_LIMIT) {
                throw new PayloadException("limit", "must be a whole number from 1 to " + MAX_LIMIT);
            }
        }
        String after = HttpApi.first(q, "after");
        List<Delivery> page = notifications.list(t, status, limit, after);
        ObjectNode o = list("notifications", page.stream().map(Delivery::toJson).toList());
        if (page.size() == limit) {
            o.put("next", page.get(page.size() - 1).id());
        }
        return json(200, o);
    }
}

package dev.longwatch.infra.construct;

import software.amazon.awscdk.services.apigatewayv2.HttpMethod;

import java.util.List;

/**
 * The HTTP routes of the alerting and notification handlers, shared by the tenant API (API keys, checked in the
 * handlers) and the console API (Cognito JWTs, checked by API Gateway): the same paths reach the same functions.
 */
final class AlertingRoutes {
    enum Target { MONITORS, NOTIFICATIONS, CHAT, QUERY }

    record Route(String path, List<HttpMethod> methods, Target target) {
    }

    private static final List<HttpMethod> COLLECTION = List.of(HttpMethod.GET, HttpMethod.POST);
    private static final List<HttpMethod> ITEM = List.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT,
            HttpMethod.PATCH, HttpMethod.DELETE);

    /** Monitors, alerts and audit ({@code HttpMonitorsRequestHandler}); channels, silences, ... (notifications). */
    static final List<Route> TENANT = List.of(
            new Route("/v1/monitors", COLLECTION, Target.MONITORS),
            // {id}, backtest, {id}/...
            new Route("/v1/monitors/{proxy+}", ITEM, Target.MONITORS),
            new Route("/v1/alerts", List.of(HttpMethod.GET), Target.MONITORS),
            // summary, {id}, {id}/ack, {id}/resolve
            new Route("/v1/alerts/{proxy+}", COLLECTION, Target.MONITORS),
            new Route("/v1/audit", List.of(HttpMethod.GET), Target.MONITORS),
            new Route("/v1/channels", COLLECTION, Target.NOTIFICATIONS),
            new Route("/v1/channels/{proxy+}", ITEM, Target.NOTIFICATIONS),
            new Route("/v1/silences", COLLECTION, Target.NOTIFICATIONS),
            new Route("/v1/silences/{proxy+}", ITEM, Target.NOTIFICATIONS),
            new Route("/v1/routes", COLLECTION, Target.NOTIFICATIONS),
            new Route("/v1/routes/{proxy+}", ITEM, Target.NOTIFICATIONS),
            new Route("/v1/maintenance-windows", COLLECTION, Target.NOTIFICATIONS),
            new Route("/v1/maintenance-windows/{proxy+}", ITEM, Target.NOTIFICATIONS),
            new Route("/v1/inhibitions", COLLECTION, Target.NOTIFICATIONS),
            new Route("/v1/inhibitions/{proxy+}", ITEM, Target.NOTIFICATIONS),
            new Route("/v1/notifications", List.of(HttpMethod.GET), Target.NOTIFICATIONS));

    /** Slack commands and interactions, signed action links: verified in the handler, never with an API key. */
    static final List<Route> CHAT = List.of(
            new Route("/v1/chat/{proxy+}", List.of(HttpMethod.GET, HttpMethod.POST), Target.CHAT));

    /** What the console reads besides alerting: the query function's read routes (never ingest). */
    static final List<Route> QUERY = List.of(
            new Route("/v1/query", List.of(HttpMethod.GET), Target.QUERY),
            new Route("/v1/metrics", List.of(HttpMethod.GET), Target.QUERY),
            new Route("/v1/metrics/{name}/tags", List.of(HttpMethod.GET), Target.QUERY),
            new Route("/v1/events", List.of(HttpMethod.GET), Target.QUERY));

    private AlertingRoutes() {
    }
}

package dev.longwatch.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.longwatch.core.notify.ChannelService;
import dev.longwatch.core.notify.Json;
import dev.longwatch.core.notify.channel.Channel;
import dev.longwatch.core.notify.channel.ChannelType;
import dev.longwatch.core.notify.chat.ActionLinks;
import dev.longwatch.core.notify.chat.ChatService;
import dev.longwatch.core.notify.chat.SlackSignature;
import dev.longwatch.core.telemetry.Log;
import dev.longwatch.core.telemetry.PlatformMetrics;
import dev.longwatch.model.TenantIds;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * ChatOps endpoints, called by Slack and by people's browsers, with no API key:
 * {@code POST /v1/chat/slack/commands} and {@code /v1/chat/slack/interactions} (query {@code tenant} and
 * {@code channel} name the Slack channel whose signing secret verifies the request: v0 HMAC, 5-minute window, a
 * signature is accepted once), and {@code GET|POST /v1/chat/actions/{token}} (signed, expiring action links: GET
 * shows a confirmation page so link scanners never act; POST acts). Answers come well within Slack's 3 seconds:
 * each action is a few DynamoDB writes.
 */
public final class HttpChatRequestHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    private static final Log LOG = Log.get(HttpChatRequestHandler.class);
    static final int MAX_BODY = 64 * 1024;

    private final ChatService chat;
    private final ChannelService channels;
    private final ActionLinks links;
    private final Clock clock;
    private final PlatformMetrics metrics;

    public HttpChatRequestHandler() {
        this(AwsWiring.get());
    }

    /** Wired from a function's environment, as on AWS. */
    HttpChatRequestHandler(AwsWiring w) {
        this(w.chatService(), w.notificationService().channels(), w.actionLinks(), w.clock(), w.metrics());
    }

    public HttpChatRequestHandler(ChatService chat, ChannelService channels, ActionLinks links, Clock clock,
                                  PlatformMetrics metrics) {
        this.chat = chat;
        this.channels = channels;
        this.links = links;
        this.clock = clock;
        this.metrics = metrics;
    }

    public static boolean serves(String path) {
        return path.equals("/v1/chat/slack/commands") || path.equals("/v1/chat/slack/interactions")
                || path.startsWith("/v1/chat/actions/");
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return HttpApi.serve(event, metrics, this::route);
    }

    private APIGatewayV2HTTPResponse route(APIGatewayV2HTTPEvent e) {
        String path = HttpApi.path(e);
        String m = HttpApi.method(e);
        if (path.startsWith("/v1/chat/actions/") && path.length() > "/v1/chat/actions/".length()
                && path.indexOf('/', "/v1/chat/actions/".length()) < 0) {
            return action(e, m, path.substring("/v1/chat/actions/".length()));
        }
        if (!path.equals("/v1/chat/slack/commands") && !path.equals("/v1/chat/slack/interactions")) {
            return HttpApi.notFound(e);
        }
        if (!m.equals("POST")) {
            return HttpApi.error(405, null, m + " is not allowed on " + path + "; use POST");
        }
        Map<String, List<String>> q = HttpApi.query(e);
        String tenant = HttpApi.first(q, "tenant");
        String channelId = HttpApi.first(q, "channel");
        String raw = new String(HttpApi.body(e, MAX_BODY), StandardCharsets.UTF_8);
        Optional<Channel> ch = tenant != null && TenantIds.isValid(tenant) && channelId != null
                ? channels.get(tenant, channelId) : Optional.empty();
        String secret = ch.filter(c -> c.type() == ChannelType.SLACK).map(c -> c.secret("signingSecret")).orElse(null);
        SlackSignature.Verdict v = SlackSignature.verify(secret, HttpApi.header(e, "x-slack-request-timestamp"),
                HttpApi.header(e, "x-slack-signature"), raw, clock.millis());
        if (v != SlackSignature.Verdict.OK) {
            metrics.count("ChatRequestsRefused", "reason", v.name().toLowerCase(), 1);
            LOG.warn("Slack request refused", "reason", v.name().toLowerCase(), "tenant", String.valueOf(tenant));
            return HttpApi.error(401, "X-Slack-Signature", "the request is not signed by this channel's Slack app, or "
                    + "is older than 5 minutes");
        }
        if (!chat.firstUse(tenant, HttpApi.header(e, "x-slack-signature").trim())) {
            metrics.count("ChatRequestsRefused", "reason", "replay", 1);
            return HttpApi.error(401, "X-Slack-Signature", "this request was already received (replay)");
        }
        Log.put("tenant", tenant);
        Map<String, String> form = form(raw);
        if (path.endsWith("/commands")) {
            String by = "slack:" + form.getOrDefault("user_id", "?") + " (" + form.getOrDefault("user_name", "?") + ")";
            return HttpNotificationsRequestHandler.json(200, chat.command(tenant, form.get("text"), by));
        }
        JsonNode payload = Json.parse(form.getOrDefault("payload", "{}"));
        ChatService.Click click = ChatService.Click.of(payload);
        if (click.action() == null || click.groupId() == null) {
            return HttpApi.error(400, "payload", "no action in the interaction");
        }
        String by = "slack:" + click.userId() + " (" + click.userName() + ")";
        String text = chat.groupAction(tenant, click.groupId(), click.action(), by).map(ChatService.Done::text)
                .orElse("These alerts are no longer active.");
        chat.respond(click.responseUrl(), text, false);
        return HttpNotificationsRequestHandler.json(200, Json.object().put("response_type", "in_channel")
                .put("text", text));
    }

    private APIGatewayV2HTTPResponse action(APIGatewayV2HTTPEvent e, String m, String token) {
        Optional<ActionLinks.Action> a = links.verify(token, clock.millis());
        if (a.isEmpty()) {
            metrics.count("ChatRequestsRefused", "reason", "bad_token", 1);
            return html(403, "This link is not valid or has expired.");
        }
        Log.put("tenant", a.get().tenant());
        String what = switch (a.get().action()) {
            case "ack" -> "Acknowledge";
            case "resolve" -> "Resolve";
            case "silence_1h" -> "Silence for 1 hour";
            default -> null;
        };
        if (what == null) {
            return html(403, "This link is not valid or has expired.");
        }
        if (m.equals("GET")) {
            return html(200, "<form method=\"post\"><p>" + what + " these alerts?</p>"
                    + "<label>Your name or email: <input name=\"by\" maxlength=\"200\" required></label> "
                    + "<button type=\"submit\">" + what + "</button></form>");
        }
        if (!m.equals("POST")) {
            return HttpApi.error(405, null, m + " is not allowed on action links; use GET or POST");
        }
        String raw = e.getBody() == null ? "" : new String(HttpApi.body(e, MAX_BODY), StandardCharsets.UTF_8);
        String given = form(raw).getOrDefault("by", "").trim();
        String by = "link:" + (given.isEmpty() ? "anonymous" : given.substring(0, Math.min(200, given.length())));
        String text = chat.groupAction(a.get().tenant(), a.get().groupId(), a.get().action(), by)
                .map(ChatService.Done::text).orElse("These alerts are no longer active.");
        return html(200, "<p>" + escape(text) + "</p>");
    }

    static Map<String, String> form(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            try {
                out.put(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                        eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException bad) {
                // A malformed pair is ignored; the signature already proved who sent the request.
            }
        }
        return out;
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static APIGatewayV2HTTPResponse html(int status, String body) {
        String page = "<!doctype html><html><head><meta charset=\"utf-8\"><title>Longwatch</title></head><body>"
                + (body.startsWith("<") ? body : "<p>" + escape(body) + "</p>") + "</body></html>";
        return APIGatewayV2HTTPResponse.builder().withStatusCode(status)
                .withHeaders(Map.of("Content-Type", "text/html; charset=utf-8", "Cache-Control", "no-store",
                        "X-Robots-Tag", "noindex"))
                .withBody(page).build();
    }
}

package dev.longwatch.handler;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.longwatch.core.notify.Json;
import dev.longwatch.core.notify.NotifyFixture;
import dev.longwatch.core.notify.channel.Channel;
import dev.longwatch.core.notify.channel.HttpTransport;
import dev.longwatch.core.notify.chat.ChatService;
import dev.longwatch.core.notify.chat.InMemoryAlertCommands;
import dev.longwatch.core.notify.chat.SlackSignature;
import dev.longwatch.core.notify.mute.Silence;
import dev.longwatch.core.telemetry.PlatformMetrics;
import dev.longwatch.model.alerting.AlertTransition;
import dev.longwatch.testing.HttpReceiver;
import dev.longwatch.testing.OpenApiContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Slack commands and buttons (signed, fresh, once) and signed action links, ending in audited alert actions. */
class HttpChatRequestHandlerTest {
    static final OpenApiContract SPEC = OpenApiContract.load();
    static final String SIGNING = "slack-signing-secret-0123";
    final NotifyFixture f = new NotifyFixture();
    final InMemoryAlertCommands alerts = new InMemoryAlertCommands();
    final ChatService chat = new ChatService(f.service, f.config, alerts,
            (tenant, metric, filters, range, now) -> "https://charts.example/" + metric + ".png",
            new HttpTransport(f.clock), f.clock, "https://console.example");
    final HttpChatRequestHandler handler = new HttpChatRequestHandler(chat, f.channels, f.links, f.clock,
            PlatformMetrics.NONE);
    final Channel slack = f.channels.create("acme", """
            {"name":"s","type":"slack","config":{"botToken":"xoxb-1","channel":"C42","signingSecret":"%s"}}"""
            .formatted(SIGNING));

    @AfterEach
    void close() {
        f.close();
    }

    APIGatewayV2HTTPResponse post(String path, String query, String body, Map<String, String> headers) {
        APIGatewayV2HTTPEvent e = APIGatewayV2HTTPEvent.builder().withVersion("2.0").withRawPath(path)
                .withRawQueryString(query).withHeaders(headers).withBody(body)
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder().withRequestId("t")
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder().withMethod(body == null ? "GET" : "POST")
                                .withPath(path).build()).build()).build();
        APIGatewayV2HTTPResponse r = handler.handleRequest(e, null);
        List<OpenApiContract.Problem> p = SPEC.validateResponse(e, r);
        assertTrue(p.isEmpty(), r.getStatusCode() + " " + r.getBody() + ": " + p);
        return r;
    }

    APIGatewayV2HTTPResponse slack(String path, String body, long timestamp, String secret) {
        return post(path, "tenant=acme&channel=" + slack.id(), body, Map.of("content-type",
                "application/x-www-form-urlencoded", "x-slack-request-timestamp", Long.toString(timestamp),
                "x-slack-signature", SlackSignature.sign(secret, timestamp, body)));
    }

    APIGatewayV2HTTPResponse command(String text) {
        String body = "command=%2Flongwatch&user_id=U1&user_name=ana&text=" + URLEncoder.encode(text, StandardCharsets.UTF_8)
                + "&nonce=" + System.nanoTime();
        return slack("/v1/chat/slack/commands", body, f.clock.millis() / 1000, SIGNING);
    }

    @Test
    void aSignedFreshCommandIsAnsweredAndBadStaleOrReplayedOnesAre401() {
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        java.io.PrintStream previous = dev.longwatch.core.telemetry.Log.redirect(new java.io.PrintStream(captured, true,
                StandardCharsets.UTF_8));
        try {
            signedFreshBadStaleReplayed();
        } finally {
            dev.longwatch.core.telemetry.Log.redirect(previous);
        }
        String logs = captured.toString(StandardCharsets.UTF_8);
        assertTrue(logs.contains("Slack request refused"), logs);
        assertTrue(!logs.contains(SIGNING) && !logs.contains("xoxb-1"), "no secret in the logs:\n" + logs);
    }

    void signedFreshBadStaleReplayed() {
        long now = f.clock.millis() / 1000;
        String body = "command=%2Flongwatch&text=status&user_id=U1&user_name=ana";
        assertEquals(200, slack("/v1/chat/slack/commands", body, now, SIGNING).getStatusCode());
        assertEquals(401, slack("/v1/chat/slack/commands", body, now, SIGNING).getStatusCode(), "replayed");
        assertEquals(401, slack("/v1/chat/slack/commands", body + "&x=1", now, "wrong-secret").getStatusCode(), "bad");
        assertEquals(401, slack("/v1/chat/slack/commands", body + "&x=2", now - 301, SIGNING).getStatusCode(), "stale");
        assertEquals(401, post("/v1/chat/slack/commands", "tenant=acme&channel=" + slack.id(), body,
                Map.of()).getStatusCode(), "unsigned");
        assertEquals(200, slack("/v1/chat/slack/commands", body + "&x=3", now - 299, SIGNING).getStatusCode(),
                "4 m 59 s old is still fresh");
    }

    @Test
    void commandsActThroughAlertCommandsAsTheSlackUser() {
        AlertTransition t = f.firing("acme", "m-1", "web-1", List.of());
        alerts.record(t);
        JsonNode status = Json.parse(command("status").getBody());
        assertTrue(status.get("text").asText().contains("FIRING 1"), status.toString());
        JsonNode ack = Json.parse(command("ack " + t.alertId() + " looking").getBody());
        assertEquals("in_channel", ack.get("response_type").asText());
        assertEquals(new InMemoryAlertCommands.AuditEntry("acme", t.alertId(), "ack", "slack:U1 (ana)", "looking"),
                alerts.audit().get(0));
        command("resolve " + t.alertId());
        assertEquals("resolve", alerts.audit().get(1).action());
        assertTrue(Json.parse(command("ack nope").getBody()).get("text").asText().contains("No alert"));

        command("silence m-1 2h");
        Silence s = f.config.silences("acme").get(0);
        assertEquals(List.of("monitor=m-1"), s.matchers());
        assertEquals("slack:U1 (ana)", s.createdBy());
        assertEquals(f.clock.millis() + 7_200_000, s.endsAt());
        command("silence service=checkout,env=prod 30m");
        assertEquals(2, f.config.silences("acme").size());

        JsonNode graph = Json.parse(command("graph http.latency service:checkout 6h").getBody());
        assertEquals("https://charts.example/http.latency.png", graph.get("blocks").get(1).get("image_url").asText());
        assertTrue(Json.parse(command("dance").getBody()).get("text").asText().startsWith("Usage"));
    }

    @Test
    void theAcknowledgeButtonAcksTheGroupUpdatesTheSlackMessageAndAnswersTheResponseUrl() {
        f.route("acme", """
                {"name":"all","default":true,"groupWait":"0s","channels":["%s"]}""".formatted(slack.id()));
        f.receiver.then(200, Map.of(), "{\"ok\":true,\"channel\":\"C42\",\"ts\":\"1700.0001\"}");
        AlertTransition a = f.firing("acme", "m-1", "web-1", List.of());
        AlertTransition b = f.firing("acme", "m-1", "web-2", List.of());
        alerts.record(a);
        alerts.record(b);
        f.service.accept(List.of(a, b));
        HttpReceiver.Request posted = f.receiver.requests().get(0);
        assertEquals("/slack-api/chat.postMessage", posted.path());
        assertEquals("Bearer xoxb-1", posted.header("authorization"));
        String groupId = Json.parse(posted.body()).get("blocks").findValue("value").asText();

        f.receiver.then(200, Map.of(), "{\"ok\":true,\"channel\":\"C42\",\"ts\":\"1700.0001\"}");
        String payload = """
                {"type":"block_actions","user":{"id":"U9","username":"bob"},"response_url":"%s",
                 "actions":[{"action_id":"ack","value":"%s"}]}""".formatted(f.receiver.url("/respond"), groupId);
        APIGatewayV2HTTPResponse r = slack("/v1/chat/slack/interactions", "payload="
                + URLEncoder.encode(payload, StandardCharsets.UTF_8), f.clock.millis() / 1000, SIGNING);
        assertEquals(200, r.getStatusCode());
        assertEquals(2, alerts.audit().size());
        assertTrue(alerts.audit().stream().allMatch(e -> e.by().equals("slack:U9 (bob)") && e.action().equals("ack")));
        HttpReceiver.Request update = f.receiver.requests().get(1);
        assertEquals("/slack-api/chat.update", update.path());
        JsonNode u = Json.parse(update.body());
        assertEquals("1700.0001", u.get("ts").asText());
        assertEquals("C42", u.get("channel").asText());
        assertTrue(update.body().contains("Acknowledged by slack:U9 (bob) (2 alerts)"));
        assertTrue(u.get("blocks").findValues("action_id").isEmpty(), "the buttons are gone");
        assertEquals("/respond", f.receiver.requests().get(2).path());
    }

    @Test
    void aResolutionRewritesTheOriginalSlackMessageInsteadOfPostingANewOne() {
        f.route("acme", """
                {"name":"all","default":true,"groupWait":"0s","channels":["%s"]}""".formatted(slack.id()));
        f.receiver.then(200, Map.of(), "{\"ok\":true,\"channel\":\"C42\",\"ts\":\"1700.0001\"}");
        f.receiver.then(200, Map.of(), "{\"ok\":true,\"channel\":\"C42\",\"ts\":\"1700.0001\"}");
        AlertTransition a = f.firing("acme", "m-1", "web-1", List.of());
        f.service.accept(List.of(a));
        f.advance(Duration.ofMinutes(5));
        f.service.accept(List.of(f.resolved("acme", "m-1", "web-1", a.since(), List.of())));
        assertEquals(List.of("/slack-api/chat.postMessage", "/slack-api/chat.update"),
                f.receiver.requests().stream().map(HttpReceiver.Request::path).toList());
        JsonNode update = Json.parse(f.receiver.requests().get(1).body());
        assertEquals("1700.0001", update.get("ts").asText());
        assertTrue(update.get("text").asText().startsWith("[RESOLVED]"));
        assertEquals("sent", f.service.list("acme", null, 10, null).get(0).status());
    }

    @Test
    void actionLinksConfirmOnGetActOnPostAndAreRefusedWhenChangedOrExpired() {
        Channel hook = f.webhook("acme", "/hook");
        f.route("acme", """
                {"name":"all","default":true,"groupWait":"0s","channels":["%s"]}""".formatted(hook.id()));
        AlertTransition a = f.firing("acme", "m-1", "web-1", List.of());
        alerts.record(a);
        f.service.accept(List.of(a));
        String ack = Json.parse(f.receiver.requests().get(0).body()).get("links").get("ack").asText();
        String path = ack.substring("https://api.example".length());
        APIGatewayV2HTTPResponse page = post(path, "", null, Map.of());
        assertEquals(200, page.getStatusCode());
        assertTrue(page.getBody().contains("<form method=\"post\">"));
        assertTrue(alerts.audit().isEmpty(), "a GET (a link scanner) never acts");
        APIGatewayV2HTTPResponse done = post(path, "", "by=carol%40example.com", Map.of("content-type",
                "application/x-www-form-urlencoded"));
        assertEquals(200, done.getStatusCode());
        assertEquals("link:carol@example.com", alerts.audit().get(0).by());

        String token = path.substring("/v1/chat/actions/".length());
        String tampered = token.substring(0, token.length() - 2) + (token.endsWith("AA") ? "BB" : "AA");
        assertEquals(403, post("/v1/chat/actions/" + tampered, "", null, Map.of()).getStatusCode());
        f.advance(Duration.ofHours(24));
        assertEquals(403, post(path, "", null, Map.of()).getStatusCode(), "expired after 24 h");
    }
}

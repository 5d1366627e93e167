package dev.longwatch.core.notify;

import com.fasterxml.jackson.databind.JsonNode;
import dev.longwatch.core.notify.channel.Channel;
import dev.longwatch.core.notify.channel.ChannelType;
import dev.longwatch.core.notify.channel.HttpTransport;
import dev.longwatch.core.notify.channel.Notifier;
import dev.longwatch.core.notify.channel.Notifiers;
import dev.longwatch.core.notify.channel.sns.SnsNotifier;
import dev.longwatch.model.alerting.AlertState;
import dev.longwatch.model.alerting.AlertTransition;
import dev.longwatch.model.alerting.Severity;
import dev.longwatch.testing.MutableClock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each integration renders a fixed notice exactly as its golden file under {@code src/test/resources/notify/golden}
 * says (regenerate with {@code -Dnotify.golden.write=true} after a deliberate change, and review the diff), and
 * stays within its destination's limits however big the group.
 */
class GoldenPayloadsTest {
    static final Path GOLDEN = Path.of("src", "test", "resources", "notify", "golden");
    final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));
    final Notifiers notifiers = new Notifiers(new HttpTransport(clock), (a, b, c, d) -> {
    }, "http://127.0.0.1:9/api", clock);

    static Channel channel(ChannelType type) {
        Map<String, String> secrets = switch (type) {
            case PAGERDUTY -> Map.of("routingKey", "R0UTINGKEY");
            case SNS -> Map.of();
            default -> Map.of("url", "https://hooks.example/secret", "signingSecret", "s3cret-signing-key-123");
        };
        Map<String, String> config = type == ChannelType.SNS
                ? Map.of("topicArn", "arn:aws:sns:eu-west-1:123456789012:alerts") : Map.of();
        return new Channel("ch_1", "acme", "c", type, config, secrets, 0, 0);
    }

    static Notice notice(int alerts, int textLength) {
        long at = Instant.parse("2026-11-22T10:00:00Z").toEpochMilli();
        List<Notice.Item> items = new ArrayList<>();
        for (int i = 0; i < alerts; i++) {
            Map<String, String> group = Map.of("host", "web-" + i);
            AlertState to = i == alerts - 1 && alerts > 1 ? AlertState.RESOLVED : AlertState.FIRING;
            AlertTransition t = new AlertTransition(AlertTransition.idOf("m-1:web-" + i, at, to), "acme", "m-1:web-" + i,
                    "m-1", "Checkout latency", group, AlertState.PENDING, to, Severity.CRITICAL, 2, at, at - 420_000,
                    912.5, 500.0, "p99(http.latency) > 500 for 5m", "metric=http.latency&filter=service:checkout&agg=p99",
                    "Checkout p99 is high" + "!".repeat(Math.max(0, textLength - 20)), "https://runbooks.example/checkout",
                    "team-payments", Map.of("monitor", "m-1", "host", "web-" + i, "severity", "critical"),
                    List.of(), null);
            items.add(new Notice.Item(t, false));
        }
        return new Notice(Notice.Kind.ALERT, "acme", "g_0123456789abcdef01234567", Map.of("monitor", "m-1"), items, at,
                List.of(new Notice.Change("Deploy checkout v42", "deploy", at - 600_000, "https://ci.example/42")),
                new Notice.Links("https://console.example/alerts?monitorId=m-1", "https://runbooks.example/checkout",
                        "https://charts.example/c.png", "https://api.example/v1/chat/actions/ACK",
                        "https://api.example/v1/chat/actions/SIL", "https://api.example/v1/chat/actions/RES"), List.of());
    }

    @ParameterizedTest
    @EnumSource(ChannelType.class)
    void eachChannelRendersItsGoldenPayload(ChannelType type) throws IOException {
        Notifier n = notifiers.of(type);
        String rendered = Json.MAPPER.writerWithDefaultPrettyPrinter()
                .writeValueAsString(Json.parse(n.render(channel(type), notice(3, 20), "n-1"))) + "\n";
        Path file = GOLDEN.resolve(type.wire() + ".json");
        if (Boolean.getBoolean("notify.golden.write")) {
            Files.createDirectories(GOLDEN);
            Files.writeString(file, rendered, StandardCharsets.UTF_8);
        }
        assertEquals(Files.readString(file, StandardCharsets.UTF_8), rendered, "golden payload of " + type.wire());
    }

    @Test
    void aHugeGroupStaysWithinEveryDestinationsLimits() {
        Notice big = notice(500, 5000);
        JsonNode slack = Json.parse(notifiers.of(ChannelType.SLACK).render(channel(ChannelType.SLACK), big, "n"));
        assertTrue(slack.get("blocks").size() <= 50);
        slack.get("blocks").forEach(b -> {
            if (b.has("text")) {
                assertTrue(b.get("text").get("text").asText().length() <= 3000);
            }
            if (b.has("fields")) {
                assertTrue(b.get("fields").size() <= 10);
            }
        });
        assertTrue(slack.get("blocks").get(0).get("text").get("text").asText().length() <= 150);

        String teams = notifiers.of(ChannelType.TEAMS).render(channel(ChannelType.TEAMS), big, "n");
        assertTrue(teams.getBytes(StandardCharsets.UTF_8).length <= 28 * 1024, "Teams: " + teams.length());

        JsonNode discord = Json.parse(notifiers.of(ChannelType.DISCORD).render(channel(ChannelType.DISCORD), big, "n"));
        JsonNode embed = discord.get("embeds").get(0);
        int total = embed.get("title").asText().length() + embed.get("description").asText().length()
                + embed.get("footer").get("text").asText().length();
        for (JsonNode fl : embed.get("fields")) {
            total += fl.get("name").asText().length() + fl.get("value").asText().length();
            assertTrue(fl.get("value").asText().length() <= 1024);
        }
        assertTrue(embed.get("description").asText().length() <= 4096);
        assertTrue(embed.get("fields").size() <= 25);
        assertTrue(total <= 6000, "Discord total " + total);

        String chat = notifiers.of(ChannelType.GOOGLE_CHAT).render(channel(ChannelType.GOOGLE_CHAT), big, "n");
        assertTrue(chat.getBytes(StandardCharsets.UTF_8).length <= 32_000, "Google Chat: " + chat.length());

        JsonNode pd = Json.parse(notifiers.of(ChannelType.PAGERDUTY).render(channel(ChannelType.PAGERDUTY), big, "n"));
        assertTrue(pd.get("payload").get("summary").asText().length() <= 1024);

        assertTrue(SnsNotifier.subject(big).length() <= 100);
        String sns = notifiers.of(ChannelType.SNS).render(channel(ChannelType.SNS), big, "n");
        assertTrue(sns.length() <= SnsNotifier.MAX_BYTES, "SNS: " + sns.length());
    }

    @Test
    void pagerDutyKeepsOneDedupKeyPerGroupFromTriggerToResolve() {
        Notice firing = notice(1, 20);
        AlertTransition f = firing.first();
        AlertTransition r = new AlertTransition(f.id() + "r", f.tenant(), f.alertId(), f.monitorId(), f.monitorName(),
                f.group(), AlertState.FIRING, AlertState.RESOLVED, f.severity(), 2, f.at() + 60_000, f.since(), 1.0,
                500.0, null, null, null, null, null, f.labels(), List.of(), null);
        Notice resolved = new Notice(Notice.Kind.ALERT, "acme", firing.groupKey(), firing.groupLabels(),
                List.of(new Notice.Item(r, false)), r.at(), List.of(), Notice.Links.NONE, List.of());
        Notifier pd = notifiers.of(ChannelType.PAGERDUTY);
        JsonNode a = Json.parse(pd.render(channel(ChannelType.PAGERDUTY), firing, "n1"));
        JsonNode b = Json.parse(pd.render(channel(ChannelType.PAGERDUTY), resolved, "n2"));
        assertEquals("trigger", a.get("event_action").asText());
        assertEquals("resolve", b.get("event_action").asText());
        assertEquals(a.get("dedup_key"), b.get("dedup_key"));
    }
}

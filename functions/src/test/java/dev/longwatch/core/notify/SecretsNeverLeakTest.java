package dev.longwatch.core.notify;

import dev.longwatch.core.notify.channel.Channel;
import dev.longwatch.core.notify.secret.KeyFileSealer;
import dev.longwatch.core.notify.secret.SecretBox;
import dev.longwatch.core.telemetry.Log;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Channel secrets (webhook URLs with their tokens, bot tokens, routing keys, signing secrets) never reach a log line,
 * a delivery record or an error, whatever the delivery comes to; sealed values are bound to their channel.
 */
class SecretsNeverLeakTest {
    static final String[] SECRETS = {"TOPSECRETPATH", "xoxb-BOT-TOKEN-123", "ROUTING-KEY-XYZ", "sign-me-0123456789"};
    final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    final PrintStream previous = Log.redirect(new PrintStream(captured, true, StandardCharsets.UTF_8));
    final NotifyFixture f = new NotifyFixture();

    @AfterEach
    void restore() {
        Log.redirect(previous);
        f.close();
    }

    @Test
    void noLogLineDeliveryRecordOrErrorCarriesASecretWhateverTheOutcome() {
        Channel hook = f.channels.create("acme", """
                {"name":"h","type":"webhook","config":{"url":"%s","signingSecret":"sign-me-0123456789"}}"""
                .formatted(f.receiver.url("/TOPSECRETPATH")));
        Channel dead = f.channels.create("acme", """
                {"name":"d","type":"slack","config":{"url":"http://127.0.0.1:1/TOPSECRETPATH"}}""");
        Channel bot = f.channels.create("acme", """
                {"name":"b","type":"slack","config":{"botToken":"xoxb-BOT-TOKEN-123","channel":"C1"}}""");
        Channel pd = f.channels.create("acme", """
                {"name":"p","type":"pagerduty","config":{"routingKey":"ROUTING-KEY-XYZ","endpoint":"%s"}}"""
                .formatted(f.receiver.url("/pd")));
        f.route("acme", """
                {"name":"all","default":true,"groupWait":"0s","channels":["%s","%s","%s","%s"]}"""
                .formatted(hook.id(), dead.id(), bot.id(), pd.id()));
        f.receiver.then(500, Map.of(), "TOPSECRETPATH echoed by a broken server");
        f.receiver.then(200, Map.of(), "{\"ok\":false,\"error\":\"invalid_auth\"}");
        f.receiver.then(400, Map.of(), "{\"status\":\"invalid event\"}");
        f.service.accept(List.of(f.firing("acme", "m-1", "web-1", List.of())));
        f.advance(Duration.ofMinutes(1));
        f.service.tick(f.clock.millis());
        String logs = captured.toString(StandardCharsets.UTF_8);
        assertTrue(logs.contains("notification"), "the deliveries were logged");
        String records = f.service.list("acme", null, 100, null).toString();
        for (String s : SECRETS) {
            assertFalse(logs.contains(s), "a log line carries " + s + ":\n" + logs);
            assertFalse(records.contains(s), "a delivery record carries " + s);
            f.channels.list("acme").forEach(c -> assertFalse(ChannelService.toJson(c).toString().contains(s)));
            assertFalse(f.channels.list("acme").toString().contains(s), "Channel.toString withholds secrets");
        }
    }

    @Test
    void aSealedSecretOpensOnlyForItsOwnChannelAndKey() throws Exception {
        String sealed = f.box.seal("https://hooks.example/TOPSECRETPATH", "acme/ch_1/url");
        assertFalse(sealed.contains("TOPSECRETPATH"));
        assertEquals("https://hooks.example/TOPSECRETPATH", f.box.open(sealed, "acme/ch_1/url"));
        IllegalStateException moved = assertThrows(IllegalStateException.class, () -> f.box.open(sealed, "evil/ch_1/url"));
        assertFalse(moved.getMessage().contains("TOPSECRETPATH"));
        SecretBox otherKey = new SecretBox(new KeyFileSealer(Files.createTempDirectory("k").resolve("other.key")));
        assertThrows(IllegalStateException.class, () -> otherKey.open(sealed, "acme/ch_1/url"));
    }
}

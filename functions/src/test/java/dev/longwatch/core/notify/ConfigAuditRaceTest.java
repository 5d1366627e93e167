package dev.longwatch.core.notify;

import dev.longwatch.core.alerting.AuditLog;
import dev.longwatch.testing.ForwardingNotifyStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Two changes of the same document at once, on DynamoDB Local: the one whose conditional write loses reads again, so
 * each entry in the audit log says what its change really replaced, and a second expiry adds nothing.
 */
class ConfigAuditRaceTest {
    final NotifyFixture f = new NotifyFixture();
    final AtomicInteger ids = new AtomicInteger();
    /** Before this config's first conditional write, {@link #meanwhile} runs: another request that got there first. */
    Runnable meanwhile = () -> {
    };
    final NotificationConfig racing = new NotificationConfig(new ForwardingNotifyStore(f.store) {
        @Override
        public boolean replaceDoc(String tenant, Kind kind, String id, String expected, String json, Long expiresAt) {
            Runnable other = meanwhile;
            meanwhile = () -> {
            };
            other.run();
            return super.replaceDoc(tenant, kind, id, expected, json, expiresAt);
        }
    }, f.channels, f.audit, f.clock, () -> "r" + ids.incrementAndGet());

    @AfterEach
    void close() {
        f.close();
    }

    List<AuditLog.Entry> entries() {
        return f.audit.list("acme", 0, f.clock.millis() + 1, 100);
    }

    @Test
    void ofTwoRacingRouteUpdatesEachIsAuditedAgainstWhatItReallyReplaced() {
        String ch = f.webhook("acme", "/h").id();
        String route = "{\"name\":\"r\",\"matchers\":[\"team=%s\"],\"channels\":[\"" + ch + "\"]}";
        String id = f.config.createRoute("acme", "key:first000", route.formatted("a")).id();
        f.advance(Duration.ofSeconds(1));
        meanwhile = () -> {
            f.config.updateRoute("acme", "key:other000", id, route.formatted("b"));
            f.advance(Duration.ofSeconds(1));
        };
        racing.updateRoute("acme", "key:late0000", id, route.formatted("c"));

        List<AuditLog.Entry> e = entries();
        assertEquals(List.of("route.update", "route.update", "route.create"), e.stream().map(AuditLog.Entry::action)
                .toList());
        assertEquals(List.of("key:late0000", "key:other000"), List.of(e.get(0).who(), e.get(1).who()));
        assertEquals("matchers: [team=b] → [team=c]", e.get(0).summary(), "the late one replaced b, not a");
        assertEquals("matchers: [team=a] → [team=b]", e.get(1).summary());
        assertEquals(List.of("team=c"), f.config.route("acme", id).orElseThrow().matchers());
    }

    @Test
    void ofTwoRacingExpiriesOfASilenceOnlyTheOneThatEndedItIsAudited() {
        String id = f.config.createSilence("acme", "key:first000", """
                {"matchers":["service=db"],"duration":"1h","createdBy":"ana"}""").id();
        f.advance(Duration.ofMinutes(1));
        meanwhile = () -> f.config.expireSilence("acme", "slack:U1 (ana)", id);
        racing.expireSilence("acme", "key:late0000", id);

        List<AuditLog.Entry> e = entries();
        assertEquals(List.of("silence.expire", "silence.create"), e.stream().map(AuditLog.Entry::action).toList());
        assertEquals("slack:U1 (ana)", e.get(0).who());
    }
}

package dev.longwatch.core.notify.channel.webhook;

import dev.longwatch.core.notify.Notice;
import dev.longwatch.core.notify.channel.Channel;
import dev.longwatch.core.notify.channel.ChannelType;
import dev.longwatch.core.notify.channel.HttpTransport;
import dev.longwatch.core.notify.channel.Notifier;
import dev.longwatch.core.notify.channel.Outcome;
import dev.longwatch.core.notify.channel.Signatures;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The generic webhook (and, with {@code type = action}, the remediation webhook): the documented JSON, signed.
 * Headers: {@code X-Longwatch-Timestamp} (Unix seconds), {@code X-Longwatch-Signature: v1=<hex>} where hex is
 * HMAC-SHA256 of {@code "<timestamp>.<body>"} under the channel's signing secret, and {@code X-Longwatch-Id} (the
 * notification id, the same on every retry: receivers can deduplicate on it).
 */
public final class WebhookNotifier implements Notifier {
    public static final int MAX_BYTES = 256 * 1024;
    private final ChannelType type;
    private final HttpTransport http;
    private final Clock clock;

    public WebhookNotifier(ChannelType type, HttpTransport http, Clock clock) {
        this.type = type;
        this.http = http;
        this.clock = clock;
    }

    @Override
    public ChannelType type() {
        return type;
    }

    @Override
    public String render(Channel channel, Notice notice, String notificationId) {
        return WebhookPayload.render(notice, notificationId, type == ChannelType.ACTION ? "remediation" : "notification")
                .toString();
    }

    @Override
    public Outcome notify(Channel channel, Notice notice, String notificationId) {
        String body = render(channel, notice, notificationId);
        if (body.length() > MAX_BYTES) {
            return Outcome.permanent(0, "the payload exceeds " + MAX_BYTES + " bytes");
        }
        Map<String, String> h = new LinkedHashMap<>();
        long ts = clock.millis() / 1000;
        h.put("X-Longwatch-Timestamp", Long.toString(ts));
        h.put("X-Longwatch-Id", notificationId);
        String secret = channel.secret("signingSecret");
        if (secret != null) {
            h.put("X-Longwatch-Signature", Signatures.webhook(secret, ts, body));
        }
        return http.outcome(http.post(channel.secret("url"), h, body), type.wire() + " webhook");
    }
}

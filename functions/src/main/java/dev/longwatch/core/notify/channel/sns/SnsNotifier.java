package dev.longwatch.core.notify.channel.sns;

import dev.longwatch.core.notify.Notice;
import dev.longwatch.core.notify.channel.Channel;
import dev.longwatch.core.notify.channel.ChannelType;
import dev.longwatch.core.notify.channel.Notifier;
import dev.longwatch.core.notify.channel.Outcome;
import dev.longwatch.core.notify.channel.webhook.WebhookPayload;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * SNS topic: the generic webhook's JSON as the message (at most 256 KB), a subject of at most 100 printable ASCII
 * characters, and message attributes {@code severity}, {@code status}, {@code tenant}, {@code monitor} and
 * {@code kind} for subscription filter policies.
 */
public final class SnsNotifier implements Notifier {
    public static final int MAX_BYTES = 256 * 1024;
    private final TopicPublisher publisher;

    public SnsNotifier(TopicPublisher publisher) {
        this.publisher = publisher;
    }

    @Override
    public ChannelType type() {
        return ChannelType.SNS;
    }

    @Override
    public String render(Channel channel, Notice notice, String notificationId) {
        return WebhookPayload.render(notice, notificationId, "notification").toString();
    }

    public static String subject(Notice n) {
        String s = n.title().replaceAll("[^\\x20-\\x7E]", "?");
        return s.length() > 100 ? s.substring(0, 99) + "~" : s;
    }

    public static Map<String, String> attributes(Notice n) {
        Map<String, String> a = new LinkedHashMap<>();
        a.put("tenant", n.tenant());
        a.put("kind", n.kind().name().toLowerCase());
        a.put("status", n.status());
        a.put("severity", n.severity().wire());
        if (!n.alerts().isEmpty()) {
            a.put("monitor", n.first().monitorId());
        }
        return a;
    }

    @Override
    public Outcome notify(Channel channel, Notice notice, String notificationId) {
        String body = render(channel, notice, notificationId);
        if (body.length() > MAX_BYTES) {
            return Outcome.permanent(0, "the message exceeds SNS's 256 KB");
        }
        try {
            publisher.publish(channel.setting("topicArn"), subject(notice), body, attributes(notice));
            return Outcome.sent(200, null);
        } catch (TopicPublisher.PublishException e) {
            return e.retryable() ? Outcome.retryable(0, 0, e.getMessage()) : Outcome.permanent(0, e.getMessage());
        }
    }
}

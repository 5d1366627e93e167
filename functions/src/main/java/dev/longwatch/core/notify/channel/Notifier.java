package dev.longwatch.core.notify.channel;

import dev.longwatch.core.notify.Notice;

/** One integration: renders a notice for its destination and delivers it once (retries are the caller's). */
public interface Notifier {
    ChannelType type();

    /** The request body this notifier sends for the notice (golden tests compare it). */
    String render(Channel channel, Notice notice, String notificationId);

    Outcome notify(Channel channel, Notice notice, String notificationId);
}

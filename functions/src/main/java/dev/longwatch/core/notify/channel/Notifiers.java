package dev.longwatch.core.notify.channel;

import dev.longwatch.core.notify.channel.discord.DiscordNotifier;
import dev.longwatch.core.notify.channel.googlechat.GoogleChatNotifier;
import dev.longwatch.core.notify.channel.pagerduty.PagerDutyNotifier;
import dev.longwatch.core.notify.channel.slack.SlackNotifier;
import dev.longwatch.core.notify.channel.sns.SnsNotifier;
import dev.longwatch.core.notify.channel.sns.TopicPublisher;
import dev.longwatch.core.notify.channel.teams.TeamsNotifier;
import dev.longwatch.core.notify.channel.webhook.WebhookNotifier;

import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;

/** Every integration, registered in one place. */
public final class Notifiers {
    private final Map<ChannelType, Notifier> byType = new EnumMap<>(ChannelType.class);
    private final SlackNotifier slack;
    private final PagerDutyNotifier pagerDuty;

    public Notifiers(HttpTransport http, TopicPublisher topics, String slackApiBase, Clock clock) {
        this.slack = new SlackNotifier(http, slackApiBase);
        this.pagerDuty = new PagerDutyNotifier(http);
        register(slack);
        register(new TeamsNotifier(http));
        register(new DiscordNotifier(http));
        register(new GoogleChatNotifier(http));
        register(new WebhookNotifier(ChannelType.WEBHOOK, http, clock));
        register(new WebhookNotifier(ChannelType.ACTION, http, clock));
        register(pagerDuty);
        register(new SnsNotifier(topics));
    }

    private void register(Notifier n) {
        byType.put(n.type(), n);
    }

    public Notifier of(ChannelType type) {
        return byType.get(type);
    }

    public SlackNotifier slack() {
        return slack;
    }

    public PagerDutyNotifier pagerDuty() {
        return pagerDuty;
    }
}

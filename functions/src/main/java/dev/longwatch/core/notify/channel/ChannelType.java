package dev.longwatch.core.notify.channel;

import java.util.List;
import java.util.Set;

/**
 * The kinds of channel, their wire names, which config fields they require and which of those are secrets
 * (stored sealed, never returned by the API or logged). Limits are each destination's documented ones.
 *
 * @param perMinute  the most messages per minute this destination accepts from one webhook/key
 * @param minSpacingMillis the least time between two messages to one destination
 */
public enum ChannelType {
    SLACK("slack", List.of(), Set.of("url", "botToken", "signingSecret"), List.of("channel"), 60, 1000),
    TEAMS("teams", List.of("url"), Set.of("url"), List.of(), 240, 250),
    DISCORD("discord", List.of("url"), Set.of("url"), List.of(), 30, 500),
    GOOGLE_CHAT("google_chat", List.of("url"), Set.of("url"), List.of(), 60, 1000),
    WEBHOOK("webhook", List.of("url"), Set.of("url", "signingSecret"), List.of(), 600, 0),
    ACTION("action", List.of("url"), Set.of("url", "signingSecret"), List.of(), 600, 0),
    PAGERDUTY("pagerduty", List.of("routingKey"), Set.of("routingKey"), List.of("endpoint"), 120, 0),
    SNS("sns", List.of("topicArn"), Set.of(), List.of("topicArn"), 600, 0);

    private final String wire;
    private final List<String> required;
    private final Set<String> secretFields;
    private final List<String> plainFields;
    private final int perMinute;
    private final long minSpacingMillis;

    ChannelType(String wire, List<String> required, Set<String> secretFields, List<String> plainFields, int perMinute,
                long minSpacingMillis) {
        this.wire = wire;
        this.required = required;
        this.secretFields = secretFields;
        this.plainFields = plainFields;
        this.perMinute = perMinute;
        this.minSpacingMillis = minSpacingMillis;
    }

    public String wire() {
        return wire;
    }

    public List<String> required() {
        return required;
    }

    public Set<String> secretFields() {
        return secretFields;
    }

    public List<String> plainFields() {
        return plainFields;
    }

    public int perMinute() {
        return perMinute;
    }

    public long minSpacingMillis() {
        return minSpacingMillis;
    }

    public static ChannelType fromWire(String s) {
        for (ChannelType t : values()) {
            if (t.wire.equals(s)) {
                return t;
            }
        }
        return null;
    }

    public static String names() {
        StringBuilder b = new StringBuilder();
        for (ChannelType t : values()) {
            b.append(b.isEmpty() ? "" : ", ").append(t.wire);
        }
        return b.toString();
    }
}

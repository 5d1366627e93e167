package dev.longwatch.core.notify.channel;

import java.util.Map;
import java.util.TreeMap;

/**
 * A destination of notifications. {@code config} holds the plain settings (a Slack channel id, an SNS topic ARN);
 * {@code secrets} the secret ones in clear (webhook URLs, tokens, signing secrets): only the sealed form is stored,
 * and {@link #toString()} never prints them.
 */
public record Channel(String id, String tenant, String name, ChannelType type, Map<String, String> config,
                      Map<String, String> secrets, long createdAt, long updatedAt) {
    public Channel {
        config = Map.copyOf(config);
        secrets = Map.copyOf(secrets);
    }

    public String secret(String field) {
        return secrets.get(field);
    }

    public String setting(String field) {
        return config.get(field);
    }

    @Override
    public String toString() {
        return "Channel[id=" + id + ", tenant=" + tenant + ", type=" + type.wire() + ", config=" + new TreeMap<>(config)
                + ", secrets=" + new java.util.TreeSet<>(secrets.keySet()) + " (values withheld)]";
    }
}

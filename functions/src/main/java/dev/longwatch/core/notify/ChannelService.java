package dev.longwatch.core.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.longwatch.core.notify.channel.Channel;
import dev.longwatch.core.notify.channel.ChannelType;
import dev.longwatch.core.notify.secret.SecretBox;
import dev.longwatch.model.PayloadException;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Channels: validated, their secret fields sealed with {@link SecretBox} before they are stored, opened only to
 * deliver. The API shows which secrets are set, never their values. Updating a channel without a secret field
 * keeps the stored one.
 */
public final class ChannelService {
    public static final int MAX_CHANNELS = 200;
    private final NotifyStore store;
    private final SecretBox box;
    private final Clock clock;
    private final Supplier<String> ids;
    private final boolean allowPlainHttp;

    /** {@code allowPlainHttp}: local-dev and tests deliver to http://127.0.0.1 receivers; AWS requires https. */
    public ChannelService(NotifyStore store, SecretBox box, Clock clock, Supplier<String> ids, boolean allowPlainHttp) {
        this.store = store;
        this.box = box;
        this.clock = clock;
        this.ids = ids;
        this.allowPlainHttp = allowPlainHttp;
    }

    public Channel create(String tenant, String body) {
        if (store.listDocs(tenant, NotifyStore.Kind.CHANNEL).size() >= MAX_CHANNELS) {
            throw new PayloadException("", "a tenant has at most " + MAX_CHANNELS + " channels");
        }
        String id = "ch_" + ids.get();
        Channel c = parse(tenant, id, Json.parse(body), Map.of(), clock.millis());
        store.putDoc(tenant, NotifyStore.Kind.CHANNEL, id, stored(c), null);
        return c;
    }

    public Optional<Channel> update(String tenant, String id, String body) {
        return change(tenant, id, body).map(Update::after);
    }

    /**
     * A channel update: the channel before and after, whether anything changed, and the names of the secrets whose
     * value was replaced (never the values).
     */
    public record Update(Channel before, Channel after, boolean changed, List<String> secretsReplaced) {
    }

    /**
     * Replaces a channel with {@code body} (secrets left out are kept while the type stays); empty when there is none.
     * The write is conditional on the stored channel read, so what it replaced is known exactly; a body that changes
     * nothing writes nothing.
     */
    public Optional<Update> change(String tenant, String id, String body) {
        JsonNode o = Json.parse(body);
        for (int attempt = 1; ; attempt++) {
            Optional<String> raw = store.getDoc(tenant, NotifyStore.Kind.CHANNEL, id);
            if (raw.isEmpty()) {
                return Optional.empty();
            }
            Channel old = open(tenant, raw.get());
            Channel parsed = parse(tenant, id, o, old.type().wire().equals(o.path("type").asText())
                    ? old.secrets() : Map.of(), old.createdAt());
            List<String> replaced = new ArrayList<>();
            for (String f : new TreeSet<>(old.secrets().keySet())) {
                if (parsed.secrets().containsKey(f) && !parsed.secrets().get(f).equals(old.secrets().get(f))) {
                    replaced.add(f);
                }
            }
            boolean changed = !old.name().equals(parsed.name()) || old.type() != parsed.type()
                    || !old.config().equals(parsed.config()) || !old.secrets().keySet().equals(parsed.secrets().keySet())
                    || !replaced.isEmpty();
            if (!changed) {
                return Optional.of(new Update(old, old, false, List.of()));
            }
            if (store.replaceDoc(tenant, NotifyStore.Kind.CHANNEL, id, raw.get(), stored(parsed), null)) {
                return Optional.of(new Update(old, parsed, true, replaced));
            }
            if (attempt >= NotificationConfig.MAX_ATTEMPTS) {
                throw new IllegalStateException("channel " + id + " kept changing while it was updated");
            }
        }
    }

    public Optional<Channel> get(String tenant, String id) {
        return store.getDoc(tenant, NotifyStore.Kind.CHANNEL, id).map(j -> open(tenant, j));
    }

    public List<Channel> list(String tenant) {
        List<Channel> out = new ArrayList<>();
        for (String j : store.listDocs(tenant, NotifyStore.Kind.CHANNEL)) {
            out.add(open(tenant, j));
        }
        return out;
    }

    public boolean delete(String tenant, String id) {
        return store.deleteDoc(tenant, NotifyStore.Kind.CHANNEL, id);
    }

    /** Deletes a channel and returns its API view (secrets by name, not opened); empty when there was none. */
    public Optional<ObjectNode> remove(String tenant, String id) {
        return store.removeDoc(tenant, NotifyStore.Kind.CHANNEL, id).map(ChannelService::viewOfStored);
    }

    /** The API view of a stored channel without opening its secrets: only their names are needed. */
    static ObjectNode viewOfStored(String json) {
        JsonNode o = Json.parse(json);
        Map<String, String> names = new TreeMap<>();
        o.path("sealed").fieldNames().forEachRemaining(f -> names.put(f, ""));
        return toJson(new Channel(o.get("id").asText(), "", o.get("name").asText(),
                ChannelType.fromWire(o.get("type").asText()), Json.stringMap(o, "config"), names,
                o.path("createdAt").asLong(), o.path("updatedAt").asLong()));
    }

    private Channel parse(String tenant, String id, JsonNode o, Map<String, String> keptSecrets, long createdAt) {
        String name = Json.text(o, "name", true, 200);
        String typeText = Json.text(o, "type", true, 40);
        ChannelType type = ChannelType.fromWire(typeText);
        if (type == null) {
            throw new PayloadException("type", "\"" + typeText + "\" is not a channel type; use one of "
                    + ChannelType.names());
        }
        Map<String, String> given = Json.stringMap(o, "config");
        Map<String, String> config = new TreeMap<>();
        Map<String, String> secrets = new TreeMap<>(keptSecrets);
        for (Map.Entry<String, String> e : given.entrySet()) {
            String f = e.getKey();
            if (e.getValue().isEmpty() || e.getValue().length() > 2000
                    || e.getValue().chars().anyMatch(ch -> ch < 0x20 || ch == 0x7F)) {
                // The value is never echoed: it may be a secret.
                throw new PayloadException("config." + f, "must be 1-2000 characters without control characters");
            }
            if (type.secretFields().contains(f)) {
                secrets.put(f, e.getValue());
            } else if (type.plainFields().contains(f)) {
                config.put(f, e.getValue());
            } else {
                throw new PayloadException("config." + f, "is not a setting of " + type.wire() + " channels; they take "
                        + new TreeSet<>(concat(type.secretFields(), type.plainFields())));
            }
        }
        for (String r : type.required()) {
            if (!config.containsKey(r) && !secrets.containsKey(r)) {
                throw new PayloadException("config." + r, "is required for " + type.wire() + " channels");
            }
        }
        if (type == ChannelType.SLACK && !secrets.containsKey("url")
                && !(secrets.containsKey("botToken") && config.containsKey("channel"))) {
            throw new PayloadException("config.url", "a Slack channel needs an incoming webhook url, or a botToken and "
                    + "a channel id");
        }
        for (String f : List.of("url", "endpoint")) {
            String v = secrets.containsKey(f) ? secrets.get(f) : config.get(f);
            if (v != null) {
                checkUrl("config." + f, v);
            }
        }
        if ((type == ChannelType.WEBHOOK || type == ChannelType.ACTION)) {
            String s = secrets.get("signingSecret");
            if (s == null || s.length() < 16) {
                throw new PayloadException("config.signingSecret", "is required: at least 16 characters the receiver "
                        + "uses to verify the X-Longwatch-Signature header");
            }
        }
        if (type == ChannelType.SNS && !config.get("topicArn").matches("arn:aws[a-z-]*:sns:[a-z0-9-]+:\\d{12}:[A-Za-z0-9_.-]{1,256}")) {
            throw new PayloadException("config.topicArn", "must be an SNS topic ARN like "
                    + "arn:aws:sns:eu-west-1:123456789012:alerts");
        }
        return new Channel(id, tenant, name, type, config, secrets, createdAt, clock.millis());
    }

    private static List<String> concat(java.util.Collection<String> a, java.util.Collection<String> b) {
        List<String> l = new ArrayList<>(a);
        l.addAll(b);
        return l;
    }

    private void checkUrl(String field, String v) {
        URI u;
        try {
            u = URI.create(v);
        } catch (IllegalArgumentException e) {
            throw new PayloadException(field, "is not a valid URL");
        }
        boolean https = "https".equalsIgnoreCase(u.getScheme());
        boolean http = "http".equalsIgnoreCase(u.getScheme());
        if (u.getHost() == null || !(https || (http && allowPlainHttp))) {
            throw new PayloadException(field, "must be an https:// URL");
        }
    }

    private String context(String tenant, String id, String field) {
        return tenant + "/" + id + "/" + field;
    }

    private String stored(Channel c) {
        ObjectNode o = Json.object();
        o.put("id", c.id());
        o.put("name", c.name());
        o.put("type", c.type().wire());
        Json.putMap(o, "config", c.config());
        ObjectNode sealed = o.putObject("sealed");
        new TreeMap<>(c.secrets()).forEach((f, v) -> sealed.put(f, box.seal(v, context(c.tenant(), c.id(), f))));
        o.put("createdAt", c.createdAt());
        o.put("updatedAt", c.updatedAt());
        return o.toString();
    }

    private Channel open(String tenant, String json) {
        JsonNode o = Json.parse(json);
        String id = o.get("id").asText();
        Map<String, String> secrets = new LinkedHashMap<>();
        o.path("sealed").properties().forEach(e -> secrets.put(e.getKey(),
                box.open(e.getValue().asText(), context(tenant, id, e.getKey()))));
        return new Channel(id, tenant, o.get("name").asText(), ChannelType.fromWire(o.get("type").asText()),
                Json.stringMap(o, "config"), secrets, o.path("createdAt").asLong(), o.path("updatedAt").asLong());
    }

    /** The API's view of a channel: plain settings and the names of the secrets that are set. */
    public static ObjectNode toJson(Channel c) {
        ObjectNode o = Json.object();
        o.put("id", c.id());
        o.put("name", c.name());
        o.put("type", c.type().wire());
        Json.putMap(o, "config", new TreeMap<>(c.config()));
        Json.putStrings(o, "secrets", new ArrayList<>(new TreeSet<>(c.secrets().keySet())));
        o.put("createdAt", Instant.ofEpochMilli(c.createdAt()).toString());
        o.put("updatedAt", Instant.ofEpochMilli(c.updatedAt()).toString());
        return o;
    }
}

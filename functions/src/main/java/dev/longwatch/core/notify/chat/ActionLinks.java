package dev.longwatch.core.notify.chat;

import dev.longwatch.core.notify.NotifyStore;
import dev.longwatch.core.notify.channel.Signatures;
import dev.longwatch.core.notify.secret.SecretBox;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Signed one-click action links for channels without interactive buttons (Teams, Discord, Google Chat, email):
 * {@code <publicApiUrl>/v1/chat/actions/<token>}, token = {@code base64url(v1|tenant|groupId|action|expiresAt)}
 * {@code .} {@code base64url(HMAC-SHA256)} under a per-tenant key (random, stored sealed in the notifications table).
 * A link works until it expires (24 h by default); a changed or expired token is refused.
 */
public final class ActionLinks {
    public static final long TTL_MILLIS = 24 * 3_600_000L;
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder D64 = Base64.getUrlDecoder();

    public record Action(String tenant, String groupId, String action, long expiresAt) {
    }

    private final NotifyStore store;
    private final SecretBox box;
    private final java.util.function.Supplier<String> publicApiUrl;
    private final Map<String, byte[]> keys = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();

    public ActionLinks(NotifyStore store, SecretBox box, String publicApiUrl) {
        this(store, box, () -> publicApiUrl);
    }

    /** With the public URL known only later (local-dev learns its port when its server starts). */
    public ActionLinks(NotifyStore store, SecretBox box, java.util.function.Supplier<String> publicApiUrl) {
        this.store = store;
        this.box = box;
        this.publicApiUrl = publicApiUrl;
    }

    public String url(String tenant, String groupId, String action, long now) {
        String base = publicApiUrl.get();
        if (base == null) {
            return null;
        }
        return base.replaceAll("/+$", "") + "/v1/chat/actions/" + token(tenant, groupId, action, now + TTL_MILLIS);
    }

    public String token(String tenant, String groupId, String action, long expiresAt) {
        String payload = "v1|" + tenant + "|" + groupId + "|" + action + "|" + expiresAt;
        byte[] mac = Signatures.hmac(key(tenant), payload);
        return B64.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + B64.encodeToString(mac);
    }

    /** The action of a valid, unexpired token; empty for anything else (without saying which check failed). */
    public Optional<Action> verify(String token, long now) {
        try {
            int dot = token.indexOf('.');
            if (dot < 0 || token.length() > 1024) {
                return Optional.empty();
            }
            String payload = new String(D64.decode(token.substring(0, dot)), StandardCharsets.UTF_8);
            String[] p = payload.split("\\|");
            if (p.length != 5 || !p[0].equals("v1") || !dev.longwatch.model.TenantIds.isValid(p[1])) {
                return Optional.empty();
            }
            byte[] expected = Signatures.hmac(key(p[1]), payload);
            if (!java.security.MessageDigest.isEqual(expected, D64.decode(token.substring(dot + 1)))) {
                return Optional.empty();
            }
            long exp = Long.parseLong(p[4]);
            if (now >= exp) {
                return Optional.empty();
            }
            return Optional.of(new Action(p[1], p[2], p[3], exp));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private byte[] key(String tenant) {
        return keys.computeIfAbsent(tenant, t -> {
            String context = t + "/settings/actionKey";
            Optional<String> sealed = store.getDoc(t, NotifyStore.Kind.SETTING, "actionKey");
            if (sealed.isEmpty()) {
                byte[] k = new byte[32];
                random.nextBytes(k);
                store.createDoc(t, NotifyStore.Kind.SETTING, "actionKey", box.seal(B64.encodeToString(k), context));
                sealed = store.getDoc(t, NotifyStore.Kind.SETTING, "actionKey"); // the winner of a race
            }
            return D64.decode(box.open(sealed.orElseThrow(), context));
        });
    }
}

package dev.longwatch.core.auth;

import dev.longwatch.model.TenantIds;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Issues API keys and maps a presented key to its tenant.
 *
 * <p>Keys are 256 random bits ({@code lw_<keyId>_<secret>}); only their SHA-256 is stored (a fast hash is
 * right for random keys: there is nothing to guess). Lookups are cached per process for
 * {@link #CACHE_MILLIS}, so a revoked key stops working within that time.
 */
public final class ApiKeys {
    public static final long CACHE_MILLIS = 60_000;
    private static final int CACHE_MAX = 10_000;

    private final ApiKeyStore store;
    private final Clock clock;
    private final SecureRandom random;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    private record Cached(String tenant, String keyId, long expires) {
    }

    /** A newly issued key; {@code key} is shown once and never stored. */
    public record Issued(String tenant, String keyId, String key) {
    }

    public ApiKeys(ApiKeyStore store, Clock clock, SecureRandom random) {
        this.store = store;
        this.clock = clock;
        this.random = random;
    }

    public Issued create(String tenant, String name) {
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        byte[] id = new byte[6];
        random.nextBytes(id);
        String keyId = HexFormat.of().formatHex(id);
        String key = "lw_" + keyId + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        return register(tenant, name, keyId, key);
    }

    /** Registers a key chosen by the operator (local-dev's LONGWATCH_DEV_API_KEY). */
    public Issued register(String tenant, String name, String keyId, String key) {
        if (!TenantIds.isValid(tenant)) {
            throw new IllegalArgumentException("tenant id must be 1-63 characters of a-z, 0-9 and -");
        }
        if (key.length() < 16) {
            throw new IllegalArgumentException("an API key must be at least 16 characters");
        }
        store.put(new ApiKeyStore.ApiKeyRecord(hash(key), tenant, keyId, name, clock.millis()));
        cache.remove(hash(key));
        return new Issued(tenant, keyId, key);
    }

    /** The tenant of the key in an {@code Authorization: Bearer <key>} header, or empty. */
    public Optional<String> authenticate(String authorizationHeader) {
        return authenticatePrincipal(authorizationHeader).map(Principal::tenant);
    }

    /** The tenant and subject ({@code key:<key id prefix>}) of the key in the header, or empty. */
    public Optional<Principal> authenticatePrincipal(String authorizationHeader) {
        if (authorizationHeader == null) {
            return Optional.empty();
        }
        String h = authorizationHeader.trim();
        if (!h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        String key = h.substring(7).trim();
        if (key.isEmpty() || key.length() > 200) {
            return Optional.empty();
        }
        String hash = hash(key);
        long now = clock.millis();
        Cached c = cache.get(hash);
        if (c != null && c.expires > now) {
            return c.tenant == null ? Optional.empty() : Optional.of(Principal.ofKey(c.tenant, c.keyId));
        }
        Optional<ApiKeyStore.ApiKeyRecord> found = store.find(hash);
        if (cache.size() >= CACHE_MAX) {
            cache.clear();
        }
        cache.put(hash, new Cached(found.map(ApiKeyStore.ApiKeyRecord::tenant).orElse(null),
                found.map(ApiKeyStore.ApiKeyRecord::keyId).orElse(null), now + CACHE_MILLIS));
        return found.map(r -> Principal.ofKey(r.tenant(), r.keyId()));
    }

    public static String hash(String key) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JVM", e);
        }
    }
}

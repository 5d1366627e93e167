package dev.longwatch.core.auth;

import java.util.Optional;

/** Port: API keys by the SHA-256 of the key. The key itself is never stored. */
public interface ApiKeyStore {

    record ApiKeyRecord(String keyHash, String tenant, String keyId, String name, long createdAt) {
    }

    Optional<ApiKeyRecord> find(String keyHash);

    void put(ApiKeyRecord record);
}

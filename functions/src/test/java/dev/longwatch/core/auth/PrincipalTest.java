package dev.longwatch.core.auth;

import dev.longwatch.aws.dynamodb.DynamoDbApiKeyStore;
import dev.longwatch.testing.LocalDynamo;
import dev.longwatch.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Who a key is, for the audit log: the tenant and the key id's first eight characters, never the secret. */
class PrincipalTest {
    final ApiKeys keys = new ApiKeys(new DynamoDbApiKeyStore(LocalDynamo.client(), LocalDynamo.freshTables().apiKeys()),
            new MutableClock(Instant.parse("2026-11-20T00:00:00Z")), new SecureRandom());

    @Test
    void aKeyAuthenticatesAsItsTenantAndKeyIdPrefix() {
        ApiKeys.Issued issued = keys.create("acme", "ci");
        Principal p = keys.authenticatePrincipal("Bearer " + issued.key()).orElseThrow();
        assertEquals(new Principal("acme", "key:" + issued.keyId().substring(0, 8)), p);
        assertFalse(p.subject().contains(issued.key().substring(issued.key().lastIndexOf('_') + 1)));
        // Cached and uncached answers agree, and the tenant-only call keeps its behaviour.
        assertEquals(p, keys.authenticatePrincipal("Bearer " + issued.key()).orElseThrow());
        assertEquals(Optional.of("acme"), keys.authenticate("Bearer " + issued.key()));
    }

    @Test
    void anUnknownKeyIsNobody() {
        assertEquals(Optional.empty(), keys.authenticatePrincipal("Bearer lw_000000000000_nothing-here-at-all"));
        assertEquals(Optional.empty(), keys.authenticatePrincipal("Bearer lw_000000000000_nothing-here-at-all"));
        assertEquals(Optional.empty(), keys.authenticatePrincipal(null));
    }
}

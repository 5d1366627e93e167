package dev.longwatch.core.auth;

import dev.longwatch.aws.dynamodb.DynamoDbApiKeyStore;
import dev.longwatch.aws.dynamodb.TableNames;
import dev.longwatch.testing.LocalDynamo;
import dev.longwatch.testing.MutableClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** API keys on DynamoDB Local: only hashes are stored, keys map to tenants, lookups are cached for a minute. */
class ApiKeysTest {
    final MutableClock clock = new MutableClock(Instant.parse("2026-11-20T12:00:00Z"));
    TableNames tables;
    CountingStore store;
    ApiKeys keys;

    /** The real adapter, counting how often it is asked (to see what the cache saves). */
    static final class CountingStore implements ApiKeyStore {
        final ApiKeyStore inner;
        final AtomicInteger finds = new AtomicInteger();

        CountingStore(ApiKeyStore inner) {
            this.inner = inner;
        }

        @Override
        public Optional<ApiKeyRecord> find(String keyHash) {
            finds.incrementAndGet();
            return inner.find(keyHash);
        }

        @Override
        public void put(ApiKeyRecord record) {
            inner.put(record);
        }
    }

    @BeforeEach
    void setUp() {
        tables = LocalDynamo.freshTables();
        store = new CountingStore(new DynamoDbApiKeyStore(LocalDynamo.client(), tables.apiKeys()));
        keys = new ApiKeys(store, clock, new SecureRandom());
    }

    List<Map<String, AttributeValue>> scan() {
        return LocalDynamo.client().scan(b -> b.tableName(tables.apiKeys())).items();
    }

    void deleteStoredKey(String key) {
        LocalDynamo.client().deleteItem(b -> b.tableName(tables.apiKeys())
                .key(Map.of("pk", AttributeValue.fromS(ApiKeys.hash(key)))));
    }

    @Test
    void theStoredItemHoldsTheSha256OfTheKeyAndNeverTheKey() {
        ApiKeys.Issued issued = keys.create("acme", "ci pipeline");
        String secret = issued.key().substring(issued.key().lastIndexOf('_') + 1);

        List<Map<String, AttributeValue>> items = scan();
        assertEquals(1, items.size());
        Map<String, AttributeValue> item = items.get(0);
        assertEquals(ApiKeys.hash(issued.key()), item.get("pk").s());
        assertTrue(item.get("pk").s().matches("[0-9a-f]{64}"), "a hex SHA-256");
        assertEquals("acme", item.get("tenant").s());
        assertEquals(issued.keyId(), item.get("keyId").s());
        assertEquals("ci pipeline", item.get("name").s());
        assertEquals(Long.toString(clock.millis()), item.get("createdAt").n());
        String everything = items.toString();
        assertFalse(everything.contains(issued.key()), "the key is nowhere in the table");
        assertFalse(everything.contains(secret), "nor its secret part");
    }

    @Test
    void anIssuedKeyHasItsIdAnd256RandomBits() {
        ApiKeys.Issued a = keys.create("acme", "a");
        ApiKeys.Issued b = keys.create("acme", "b");
        assertTrue(a.key().matches("lw_[0-9a-f]{12}_[A-Za-z0-9_-]{43}"), a.key());
        assertTrue(a.key().startsWith("lw_" + a.keyId() + "_"));
        assertNotEquals(a.key(), b.key());
        assertNotEquals(a.keyId(), b.keyId());
    }

    @Test
    void aBearerKeyAuthenticatesAsItsTenant() {
        ApiKeys.Issued acme = keys.create("acme", "a");
        ApiKeys.Issued globex = keys.create("globex", "g");
        assertEquals(Optional.of("acme"), keys.authenticate("Bearer " + acme.key()));
        assertEquals(Optional.of("globex"), keys.authenticate("Bearer " + globex.key()));
        assertEquals(Optional.of("acme"), keys.authenticate("bearer " + acme.key()), "the scheme is case-insensitive");
        assertEquals(Optional.of("acme"), keys.authenticate("  Bearer   " + acme.key() + "  "));
    }

    @Test
    void anOperatorChosenKeyAuthenticatesToo() {
        keys.register("dev", "local", "dev", "local-dev-key-0123456789");
        assertEquals(Optional.of("dev"), keys.authenticate("Bearer local-dev-key-0123456789"));
    }

    @Test
    void unknownMalformedOrMissingCredentialsGiveNoTenant() {
        ApiKeys.Issued issued = keys.create("acme", "a");
        for (String header : new String[]{null, "", "Bearer", "Bearer ", "Bearer lw_unknown_key_0123456789",
                issued.key(), "Basic " + issued.key(), "Token " + issued.key(), "Bearer " + issued.key() + "x",
                "Bearer " + "k".repeat(201), "Bearer" + issued.key()}) {
            assertEquals(Optional.empty(), keys.authenticate(header), "header: " + header);
        }
    }

    @Test
    void invalidTenantsAndShortKeysAreNotRegistered() {
        assertThrows(IllegalArgumentException.class, () -> keys.create("Acme", "x"));
        assertThrows(IllegalArgumentException.class, () -> keys.register("acme", "x", "id", "short"));
        assertEquals(List.of(), scan());
    }

    @Test
    void aLookupIsCachedForAMinuteSoARevokedKeyStopsWorkingWithinThatTime() {
        ApiKeys.Issued issued = keys.create("acme", "a");
        assertEquals(Optional.of("acme"), keys.authenticate("Bearer " + issued.key()));
        deleteStoredKey(issued.key());

        clock.advance(Duration.ofMillis(ApiKeys.CACHE_MILLIS - 1));
        assertEquals(Optional.of("acme"), keys.authenticate("Bearer " + issued.key()), "still cached");
        assertEquals(1, store.finds.get(), "served from the cache");

        clock.advance(Duration.ofMillis(1));
        assertEquals(Optional.empty(), keys.authenticate("Bearer " + issued.key()), "the cache entry expired");
        assertEquals(2, store.finds.get());
    }

    @Test
    void anUnknownKeyIsCachedAsUnknownUntilExpiryOrUntilThisProcessRegistersIt() {
        String key = "lw_000000000000_later-registered-key";
        ApiKeys otherProcess = new ApiKeys(new DynamoDbApiKeyStore(LocalDynamo.client(), tables.apiKeys()), clock,
                new SecureRandom());
        assertEquals(Optional.empty(), keys.authenticate("Bearer " + key));
        otherProcess.register("acme", "x", "000000000000", key);

        assertEquals(Optional.empty(), keys.authenticate("Bearer " + key), "the negative answer is cached");
        clock.advance(Duration.ofMillis(ApiKeys.CACHE_MILLIS));
        assertEquals(Optional.of("acme"), keys.authenticate("Bearer " + key));

        String mine = "lw_111111111111_registered-here-key";
        assertEquals(Optional.empty(), keys.authenticate("Bearer " + mine));
        keys.register("acme", "y", "111111111111", mine);
        assertEquals(Optional.of("acme"), keys.authenticate("Bearer " + mine), "registering clears the cache entry");
    }
}

package dev.longwatch.aws.s3;

import dev.longwatch.core.archive.ArchiveStore;
import dev.longwatch.testing.LocalS3;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The S3 adapter of the archive against s3proxy: plain and conditional operations, listings, failures. */
class S3ArchiveStoreTest {
    S3ArchiveStore store;

    @BeforeEach
    void setUp() {
        store = new S3ArchiveStore(LocalS3.client(), LocalS3.freshBucket());
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void anAbsentObjectIsEmptyAndAStoredOneComesBackWithItsEtag() {
        assertTrue(store.get("v1/day/acme/2026-11-20.lwb").isEmpty());
        String etag = store.put("v1/day/acme/2026-11-20.lwb", bytes("one"));

        ArchiveStore.Stored s = store.get("v1/day/acme/2026-11-20.lwb").orElseThrow();
        assertArrayEquals(bytes("one"), s.bytes());
        assertEquals(etag, s.etag());
    }

    @Test
    void aConditionalPutRetriedAfterItsFirstAttemptWroteCountsAsWritten() {
        // The SDK retries a PUT whose answer was lost; the retry's If-None-Match then fails on our own object.
        String key = "v1/hour/2026-11-20/acme/11.lwb";
        assertTrue(store.putIfUnchanged(key, bytes("block"), null));
        assertTrue(store.putIfUnchanged(key, bytes("block"), null), "exactly our bytes are there: it was written");
        assertFalse(store.putIfUnchanged(key, bytes("other block"), null), "different bytes: someone else's");
        String etag = store.get(key).orElseThrow().etag();
        assertTrue(store.putIfUnchanged(key, bytes("next"), etag));
        assertTrue(store.putIfUnchanged(key, bytes("next"), etag), "the retry of an If-Match put that went through");
        assertArrayEquals(bytes("next"), store.get(key).orElseThrow().bytes());
    }

    @Test
    void aConditionalPutWritesOnlyOverTheVersionItRead() {
        String key = "v1/hour/2026-11-20/acme/10.lwb";
        assertTrue(store.putIfUnchanged(key, bytes("first"), null), "absent as expected");
        assertFalse(store.putIfUnchanged(key, bytes("second"), null), "someone created it meanwhile");
        String etag = store.get(key).orElseThrow().etag();

        assertTrue(store.putIfUnchanged(key, bytes("third"), etag));
        assertFalse(store.putIfUnchanged(key, bytes("fourth"), etag), "it changed since it was read");
        assertArrayEquals(bytes("third"), store.get(key).orElseThrow().bytes());

        store.delete(key);
        assertFalse(store.putIfUnchanged(key, bytes("fifth"), etag), "it is gone");
        assertTrue(store.get(key).isEmpty());
    }

    @Test
    void aConditionalDeleteRemovesOnlyTheVersionItRead() {
        String key = "v1/hour/2026-11-20/acme/11.lwb";
        String old = store.put(key, bytes("v1"));
        String current = store.put(key, bytes("v2"));

        assertFalse(store.deleteIfUnchanged(key, old));
        assertTrue(store.get(key).isPresent());
        assertTrue(store.deleteIfUnchanged(key, current));
        assertTrue(store.get(key).isEmpty());
        store.delete(key); // deleting what is not there is fine
    }

    @Test
    void listingsReturnEveryObjectAcrossPagesAndTheNextPathLevel() {
        S3ArchiveStore paged = new S3ArchiveStore(LocalS3.client(), store.bucket(), 4);
        List<String> keys = IntStream.range(0, 11)
                .mapToObj(i -> String.format("v1/raw/2026-11-20T10/acme/shardId-000000000000-%04d-%04d.lwb", i, i))
                .toList();
        keys.forEach(k -> store.put(k, bytes("x")));
        for (int h = 11; h < 17; h++) {
            store.put("v1/raw/2026-11-20T" + h + "/acme/shardId-000000000000-1-2.lwb", bytes("y"));
        }
        store.put("v1/raw/2026-11-20T11/acme-2/shardId-000000000000-1-2.lwb", bytes("z"));

        assertEquals(keys, paged.list("v1/raw/2026-11-20T10/").stream().map(ArchiveStore.Listed::key).toList(),
                "three pages of four, in key order");
        assertEquals(1, paged.list("v1/raw/2026-11-20T11/acme/").size(), "a tenant's prefix ends in '/'");
        assertEquals(IntStream.range(10, 17).mapToObj(h -> "v1/raw/2026-11-20T" + h + "/").toList(),
                paged.listPrefixes("v1/raw/"), "prefixes across pages too");
        assertEquals(List.of(), paged.listPrefixes("v1/day/"));
    }

    @Test
    void aMissingBucketIsAnErrorNotAnEmptyArchive() {
        S3ArchiveStore nowhere = new S3ArchiveStore(LocalS3.client(), "no-such-bucket-for-longwatch");

        assertThrows(S3Exception.class, () -> nowhere.get("v1/day/acme/2026-11-20.lwb"));
        assertThrows(S3Exception.class, () -> nowhere.list("v1/raw/"));
        assertThrows(S3Exception.class, () -> nowhere.put("k", bytes("x")));
        assertThrows(S3Exception.class, () -> nowhere.putIfUnchanged("k", bytes("x"), null));
    }
}

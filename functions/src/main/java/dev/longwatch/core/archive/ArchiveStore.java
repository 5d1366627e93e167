package dev.longwatch.core.archive;

import java.util.List;
import java.util.Optional;

/**
 * Port: the object store of the archive (S3). Keys are {@link ArchiveKeys}. Conditional writes and deletes
 * (on the ETag read) let compactors run at the same time without losing a merge: the loser sees {@code false}
 * and starts its unit again. Failures to reach the store are thrown, never turned into "absent" or "empty".
 */
public interface ArchiveStore {

    /** An object's bytes and the ETag they were read with. */
    record Stored(byte[] bytes, String etag) {
    }

    /** One listed object. */
    record Listed(String key, long size, String etag) {
    }

    /** The object, or empty if there is none under {@code key}. */
    Optional<Stored> get(String key);

    /** Stores the object, replacing any; returns its ETag. */
    String put(String key, byte[] bytes);

    /**
     * Stores the object only if the stored one still has ETag {@code expectedEtag}, or, with {@code null}, only if
     * there is none. Returns false, writing nothing, when that no longer holds.
     */
    boolean putIfUnchanged(String key, byte[] bytes, String expectedEtag);

    /** Every object whose key starts with {@code prefix}, in key order. */
    List<Listed> list(String prefix);

    /** The distinct next path levels under {@code prefix} ending in '/' (S3 common prefixes), in key order. */
    List<String> listPrefixes(String prefix);

    /** Deletes the object; deleting what is not there is not an error. */
    void delete(String key);

    /**
     * Deletes the object only if it still has ETag {@code etag}; false if it changed. One that is already gone
     * may answer either way (S3 and its emulators differ); callers only rely on a changed object surviving.
     */
    boolean deleteIfUnchanged(String key, String etag);
}

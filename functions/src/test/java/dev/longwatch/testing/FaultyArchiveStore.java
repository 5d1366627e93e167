package dev.longwatch.testing;

import dev.longwatch.core.archive.ArchiveStore;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Wraps a real archive store (S3 on s3proxy) and makes chosen writes or deletes fail, the way an S3 outage or a
 * Lambda timeout between two calls would. s3proxy cannot be told to fail one object, hence this decorator;
 * everything it does not fail goes to the real store.
 */
public final class FaultyArchiveStore implements ArchiveStore {
    private final ArchiveStore real;
    private volatile Predicate<String> failPuts = k -> false;
    private volatile Predicate<String> failDeletes = k -> false;
    private final AtomicInteger failures = new AtomicInteger();

    public FaultyArchiveStore(ArchiveStore real) {
        this.real = real;
    }

    public FaultyArchiveStore failPutsOf(Predicate<String> keys) {
        failPuts = keys;
        return this;
    }

    public FaultyArchiveStore failDeletesOf(Predicate<String> keys) {
        failDeletes = keys;
        return this;
    }

    public FaultyArchiveStore heal() {
        failPuts = k -> false;
        failDeletes = k -> false;
        return this;
    }

    public int failures() {
        return failures.get();
    }

    private void maybeFail(Predicate<String> which, String key, String what) {
        if (which.test(key)) {
            failures.incrementAndGet();
            throw new IllegalStateException("injected failure: " + what + " " + key);
        }
    }

    @Override
    public Optional<Stored> get(String key) {
        return real.get(key);
    }

    @Override
    public String put(String key, byte[] bytes) {
        maybeFail(failPuts, key, "put");
        return real.put(key, bytes);
    }

    @Override
    public boolean putIfUnchanged(String key, byte[] bytes, String expectedEtag) {
        maybeFail(failPuts, key, "put");
        return real.putIfUnchanged(key, bytes, expectedEtag);
    }

    @Override
    public List<Listed> list(String prefix) {
        return real.list(prefix);
    }

    @Override
    public List<String> listPrefixes(String prefix) {
        return real.listPrefixes(prefix);
    }

    @Override
    public void delete(String key) {
        maybeFail(failDeletes, key, "delete");
        real.delete(key);
    }

    @Override
    public boolean deleteIfUnchanged(String key, String etag) {
        maybeFail(failDeletes, key, "delete");
        return real.deleteIfUnchanged(key, etag);
    }
}

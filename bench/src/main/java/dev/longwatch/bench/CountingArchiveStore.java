package dev.longwatch.bench;

import dev.longwatch.core.archive.ArchiveStore;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The archive's object store in memory for the cost harness, counting what S3 bills: PUT and LIST requests
 * (one per call, and per page of 1,000 keys), GET requests, the bytes sent and the bytes stored. DELETE is free on
 * S3 but counted too. Conditional writes and deletes behave as on S3 (ETag compare), so the real
 * {@code ArchiveService} and {@code ArchiveCompactor} run unchanged; the correctness of that behaviour against
 * s3proxy is what the functions' own tests check, not this class.
 */
final class CountingArchiveStore implements ArchiveStore {
    private record Obj(byte[] bytes, String etag) {
    }

    private final TreeMap<String, Obj> objects = new TreeMap<>();
    private long version;
    long puts;
    long putBytes;
    long gets;
    long getBytes;
    long lists;
    long deletes;

    @Override
    public synchronized Optional<Stored> get(String key) {
        gets++;
        Optional<Stored> out = lookUp(key);
        out.ifPresent(o -> getBytes += o.bytes().length);
        return out;
    }

    private synchronized Optional<Stored> lookUp(String key) {
        Obj o = objects.get(key);
        return o == null ? Optional.empty() : Optional.of(new Stored(o.bytes(), o.etag()));
    }

    @Override
    public synchronized String put(String key, byte[] bytes) {
        puts++;
        putBytes += bytes.length;
        String etag = "\"" + (++version) + "\"";
        objects.put(key, new Obj(bytes.clone(), etag));
        return etag;
    }

    @Override
    public synchronized boolean putIfUnchanged(String key, byte[] bytes, String expectedEtag) {
        Obj o = objects.get(key);
        boolean ok = expectedEtag == null ? o == null : o != null && o.etag().equals(expectedEtag);
        if (!ok) {
            puts++; // S3 bills the refused PUT (412) like any other
            return false;
        }
        put(key, bytes);
        return true;
    }

    @Override
    public synchronized List<Listed> list(String prefix) {
        List<Listed> out = listed(prefix);
        lists += pages(out.size());
        return out;
    }

    private synchronized List<Listed> listed(String prefix) {
        List<Listed> out = new ArrayList<>();
        for (Map.Entry<String, Obj> e : objects.tailMap(prefix, true).entrySet()) {
            if (!e.getKey().startsWith(prefix)) {
                break;
            }
            out.add(new Listed(e.getKey(), e.getValue().bytes().length, e.getValue().etag()));
        }
        return out;
    }

    /** LIST requests S3 bills for a listing of {@code keys} keys: pages of 1,000, at least one. */
    private static long pages(int keys) {
        return Math.max(1, (keys + 999) / 1000);
    }

    @Override
    public synchronized List<String> listPrefixes(String prefix) {
        List<String> out = prefixes(prefix);
        lists += pages(out.size());
        return out;
    }

    private synchronized List<String> prefixes(String prefix) {
        TreeSet<String> out = new TreeSet<>();
        for (String key : objects.tailMap(prefix, true).keySet()) {
            if (!key.startsWith(prefix)) {
                break;
            }
            int slash = key.indexOf('/', prefix.length());
            if (slash >= 0) {
                out.add(key.substring(0, slash + 1));
            }
        }
        return new ArrayList<>(out);
    }

    @Override
    public synchronized void delete(String key) {
        deletes++;
        objects.remove(key);
    }

    @Override
    public synchronized boolean deleteIfUnchanged(String key, String etag) {
        deletes++;
        Obj o = objects.get(key);
        if (o != null && !o.etag().equals(etag)) {
            return false;
        }
        objects.remove(key);
        return true;
    }

    /** Requests made through {@link #readerView()}: counted apart from the platform's own. */
    long readerGets;
    long readerLists;

    /**
     * The same objects for a reader (the query or evaluator function's fresh tail), whose GETs and LISTs are counted
     * in {@link #readerGets} and {@link #readerLists} instead of the consumers' and compactor's counters.
     */
    ArchiveStore readerView() {
        CountingArchiveStore self = this;
        return new ArchiveStore() {
            @Override
            public Optional<Stored> get(String key) {
                synchronized (self) {
                    self.readerGets++;
                    return self.lookUp(key);
                }
            }

            @Override
            public List<Listed> list(String prefix) {
                synchronized (self) {
                    List<Listed> out = self.listed(prefix);
                    self.readerLists += pages(out.size());
                    return out;
                }
            }

            @Override
            public List<String> listPrefixes(String prefix) {
                synchronized (self) {
                    List<String> out = self.prefixes(prefix);
                    self.readerLists += pages(out.size());
                    return out;
                }
            }

            @Override
            public String put(String key, byte[] bytes) {
                throw new UnsupportedOperationException("a reader does not write");
            }

            @Override
            public boolean putIfUnchanged(String key, byte[] bytes, String expectedEtag) {
                throw new UnsupportedOperationException("a reader does not write");
            }

            @Override
            public void delete(String key) {
                throw new UnsupportedOperationException("a reader does not delete");
            }

            @Override
            public boolean deleteIfUnchanged(String key, String etag) {
                throw new UnsupportedOperationException("a reader does not delete");
            }
        };
    }

    /** Objects stored now, and their bytes, per top-level kind ({@code raw}, {@code hour}, {@code day}). */
    synchronized Map<String, long[]> storedByKind() {
        Map<String, long[]> out = new TreeMap<>();
        for (Map.Entry<String, Obj> e : objects.entrySet()) {
            String[] parts = e.getKey().split("/", 3);
            String kind = parts.length > 1 ? parts[1] : e.getKey();
            long[] v = out.computeIfAbsent(kind, k -> new long[2]);
            v[0]++;
            v[1] += e.getValue().bytes().length;
        }
        return out;
    }
}

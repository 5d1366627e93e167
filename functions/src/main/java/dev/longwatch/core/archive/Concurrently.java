package dev.longwatch.core.archive;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.function.Function;

/** Object-store calls run on virtual threads, a bounded number at a time; results keep the input order. */
final class Concurrently {
    private Concurrently() {
    }

    static <T, R> List<R> map(List<T> items, int concurrency, Function<T, R> fn) {
        if (items.size() <= 1) {
            return items.stream().map(fn).toList();
        }
        Semaphore permits = new Semaphore(concurrency);
        List<Future<R>> futures = new ArrayList<>(items.size());
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (T item : items) {
                futures.add(pool.submit(() -> {
                    permits.acquire();
                    try {
                        return fn.apply(item);
                    } finally {
                        permits.release();
                    }
                }));
            }
            List<R> out = new ArrayList<>(items.size());
            for (Future<R> f : futures) {
                try {
                    out.add(f.get());
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException re) {
                        throw re;
                    }
                    throw new IllegalStateException(e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while reading the archive", e);
                }
            }
            return out;
        }
    }
}

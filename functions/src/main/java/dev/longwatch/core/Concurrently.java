package dev.longwatch.core;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.function.Function;

/**
 * Store calls fanned out on virtual threads, a bounded number at a time (DynamoDB and S3 latency, not CPU,
 * is what they wait on); results keep the input order.
 */
public final class Concurrently {
    private Concurrently() {
    }

    /** The result of one item: its value, or the failure it raised (never both). */
    public record Outcome<R>(R value, RuntimeException failure) {
        public boolean failed() {
            return failure != null;
        }
    }

    /** Applies {@code fn} to every item; the first failure (in input order) is rethrown after all finish. */
    public static <T, R> List<R> map(List<T> items, int concurrency, Function<T, R> fn) {
        List<R> out = new ArrayList<>(items.size());
        for (Outcome<R> o : attempt(items, concurrency, fn)) {
            if (o.failed()) {
                throw o.failure();
            }
            out.add(o.value());
        }
        return out;
    }

    /** Applies {@code fn} to every item and reports each item's outcome, so callers can fail items one by one. */
    public static <T, R> List<Outcome<R>> attempt(List<T> items, int concurrency, Function<T, R> fn) {
        if (items.size() <= 1) {
            return items.stream().map(item -> call(fn, item)).toList();
        }
        Semaphore permits = new Semaphore(concurrency);
        List<Future<Outcome<R>>> futures = new ArrayList<>(items.size());
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (T item : items) {
                futures.add(pool.submit(() -> {
                    permits.acquire();
                    try {
                        return call(fn, item);
                    } finally {
                        permits.release();
                    }
                }));
            }
            List<Outcome<R>> out = new ArrayList<>(items.size());
            for (Future<Outcome<R>> f : futures) {
                try {
                    out.add(f.get());
                } catch (ExecutionException e) {
                    // call() catches RuntimeException; only an Error can get here.
                    throw new IllegalStateException(e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for store calls", e);
                }
            }
            return out;
        }
    }

    private static <T, R> Outcome<R> call(Function<T, R> fn, T item) {
        try {
            return new Outcome<>(fn.apply(item), null);
        } catch (RuntimeException e) {
            return new Outcome<>(null, e);
        }
    }
}

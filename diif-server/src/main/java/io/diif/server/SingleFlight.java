package io.diif.server;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/** Runs one computation per key at a time; callers asking for a key in flight wait for its result. */
final class SingleFlight<K, V> {
    private final ConcurrentHashMap<K, CompletableFuture<V>> inflight = new ConcurrentHashMap<>();

    V get(K key, Callable<V> compute) throws Exception {
        CompletableFuture<V> mine = new CompletableFuture<>();
        CompletableFuture<V> running = inflight.putIfAbsent(key, mine);
        if (running != null) {
            try {
                return running.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof Exception ex ? ex : e;
            }
        }
        try {
            V v = compute.call();
            mine.complete(v);
            return v;
        } catch (Exception | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            inflight.remove(key, mine);
        }
    }

    /** Whether {@code key} is being computed now. */
    boolean running(K key) {
        return inflight.containsKey(key);
    }
}

package io.diif.server;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * A map bounded by the bytes its values hold, evicting the least recently used first. A value larger than
 * the whole budget is not kept. Thread-safe.
 */
final class ByteLruCache<K, V> {
    private final long maxBytes;
    private final ToLongFunction<V> weigher;
    private final LinkedHashMap<K, V> map = new LinkedHashMap<>(16, 0.75f, true);
    private long bytes;
    private long evictions;

    ByteLruCache(long maxBytes, ToLongFunction<V> weigher) {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("cache budget must be >= 0 bytes, was " + maxBytes);
        }
        this.maxBytes = maxBytes;
        this.weigher = weigher;
    }

    synchronized V get(K key) {
        return map.get(key);
    }

    /** Whether a value of {@code bytes} would be kept at all. */
    boolean fits(long valueBytes) {
        return valueBytes <= maxBytes;
    }

    synchronized void put(K key, V value) {
        long w = weigher.applyAsLong(value);
        V old = map.remove(key);
        if (old != null) {
            bytes -= weigher.applyAsLong(old);
        }
        if (w > maxBytes) {
            return;
        }
        map.put(key, value);
        bytes += w;
        Iterator<Map.Entry<K, V>> it = map.entrySet().iterator();
        while (bytes > maxBytes && it.hasNext()) {
            Map.Entry<K, V> eldest = it.next();
            bytes -= weigher.applyAsLong(eldest.getValue());
            it.remove();
            evictions++;
        }
    }

    synchronized void removeIf(java.util.function.Predicate<K> condition) {
        Iterator<Map.Entry<K, V>> it = map.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<K, V> e = it.next();
            if (condition.test(e.getKey())) {
                bytes -= weigher.applyAsLong(e.getValue());
                it.remove();
            }
        }
    }

    synchronized long bytes() {
        return bytes;
    }

    synchronized int size() {
        return map.size();
    }

    synchronized long evictions() {
        return evictions;
    }

    long maxBytes() {
        return maxBytes;
    }
}

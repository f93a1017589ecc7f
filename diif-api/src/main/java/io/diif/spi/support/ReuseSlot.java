package io.diif.spi.support;

import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * One engine buffer an executable keeps between runs, for engines whose allocator gives large blocks
 * back to the system, where a fresh buffer page-faults on its first write. It holds the newest buffer
 * given back (the next tile is most likely its size) and frees the one it replaces; after
 * {@link #close()} every buffer given back is freed at once. Thread-safe.
 *
 * @param <T> the buffer
 */
public final class ReuseSlot<T> {
    private final Consumer<? super T> free;
    private T kept;
    private boolean closed;

    /**
     * Creates an empty slot.
     *
     * @param free releases a buffer this slot does not keep
     * @throws NullPointerException if {@code free} is null
     */
    public ReuseSlot(Consumer<? super T> free) {
        this.free = Objects.requireNonNull(free, "free must not be null");
    }

    /**
     * Takes the kept buffer if it fits.
     *
     * @param fits accepts a buffer large enough for the caller
     * @return the kept buffer if {@code fits} accepts it (it is then the caller's and leaves the slot), else
     *     null
     */
    public synchronized T take(Predicate<? super T> fits) {
        T t = kept;
        if (t != null && fits.test(t)) {
            kept = null;
            return t;
        }
        return null;
    }

    /**
     * Keeps a buffer for a later {@link #take}, freeing the one kept before; once closed, frees it at once.
     *
     * @param buffer a buffer the caller no longer uses
     * @throws NullPointerException if {@code buffer} is null
     */
    public synchronized void give(T buffer) {
        Objects.requireNonNull(buffer, "buffer must not be null");
        if (closed) {
            free.accept(buffer);
            return;
        }
        T replaced = kept;
        kept = buffer;
        if (replaced != null) {
            free.accept(replaced);
        }
    }

    /** Frees the kept buffer; buffers given back later are freed at once. Idempotent. */
    public synchronized void close() {
        closed = true;
        T t = kept;
        kept = null;
        if (t != null) {
            free.accept(t);
        }
    }
}

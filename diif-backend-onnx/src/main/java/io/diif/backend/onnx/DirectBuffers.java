package io.diif.backend.onnx;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Direct buffers for tensors that ONNX Runtime reads and writes in place, kept for reuse by one
 * executable.
 *
 * <p>A direct buffer is zeroed when allocated and, left to itself, freed only when the garbage collector
 * finds it; a decoder asks for a few tile-sized buffers per tile, so without reuse resident memory would
 * follow the collector rather than the work. At most {@link #KEPT} buffers are kept (the largest run's
 * input and output); others are freed as soon as they are given back.
 */
final class DirectBuffers {
    static final int KEPT = 2;
    // Freeing at once, not when the garbage collector gets round to it: on JDK 22+ each buffer is a
    // segment of its own shared FFM arena, closed when the buffer is freed (java.lang.foreign is final
    // there and this module targets Java 17, hence reflection); on JDK 17-21 sun.misc.Unsafe's
    // invokeCleaner, which newer JDKs warn about. Anything else is left to the garbage collector.
    private static final Method ARENA_OF_SHARED;
    private static final Method ARENA_ALLOCATE;
    private static final Method SEGMENT_AS_BYTE_BUFFER;
    private static final Method INVOKE_CLEANER;
    private static final Object UNSAFE;

    static {
        Method ofShared = null;
        Method allocate = null;
        Method asByteBuffer = null;
        Method cleaner = null;
        Object unsafe = null;
        try {
            if (Runtime.version().feature() >= 22) {
                Class<?> arena = Class.forName("java.lang.foreign.Arena");
                ofShared = arena.getMethod("ofShared");
                allocate = arena.getMethod("allocate", long.class, long.class);
                asByteBuffer = Class.forName("java.lang.foreign.MemorySegment").getMethod("asByteBuffer");
            } else {
                Class<?> u = Class.forName("sun.misc.Unsafe");
                Field f = u.getDeclaredField("theUnsafe");
                f.setAccessible(true);
                unsafe = f.get(null);
                cleaner = u.getMethod("invokeCleaner", ByteBuffer.class);
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            ofShared = null; // neither: the garbage collector frees buffers
            cleaner = null;
        }
        ARENA_OF_SHARED = ofShared;
        ARENA_ALLOCATE = allocate;
        SEGMENT_AS_BYTE_BUFFER = asByteBuffer;
        INVOKE_CLEANER = cleaner;
        UNSAFE = unsafe;
    }

    /** The arena of each buffer allocated from one (JDK 22+). */
    private final Map<ByteBuffer, AutoCloseable> arenas = new IdentityHashMap<>();
    private final ArrayDeque<ByteBuffer> kept = new ArrayDeque<>();
    private boolean closed;

    /** A native-order buffer of exactly {@code floats} values with arbitrary contents. */
    synchronized ByteBuffer take(int floats) {
        long bytes = 4L * floats;
        if (bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(floats + " floats do not fit in one direct buffer");
        }
        for (Iterator<ByteBuffer> it = kept.iterator(); it.hasNext();) {
            ByteBuffer b = it.next();
            if (b.capacity() >= bytes) {
                it.remove();
                return b.clear().limit((int) bytes).order(ByteOrder.nativeOrder());
            }
        }
        return allocate((int) bytes).order(ByteOrder.nativeOrder());
    }

    private ByteBuffer allocate(int bytes) {
        if (ARENA_OF_SHARED != null) {
            try {
                Object arena = ARENA_OF_SHARED.invoke(null);
                try {
                    Object segment = ARENA_ALLOCATE.invoke(arena, (long) bytes, 64L);
                    ByteBuffer b = (ByteBuffer) SEGMENT_AS_BYTE_BUFFER.invoke(segment);
                    arenas.put(b, (AutoCloseable) arena);
                    return b;
                } catch (ReflectiveOperationException | RuntimeException e) {
                    ((AutoCloseable) arena).close();
                    throw e;
                }
            } catch (Exception e) {
                // Fall through to a plain direct buffer.
            }
        }
        return ByteBuffer.allocateDirect(bytes);
    }

    /** Gives a buffer from {@link #take} back: kept for the next run, or freed. */
    synchronized void give(ByteBuffer buffer) {
        if (closed) {
            free(buffer);
            return;
        }
        kept.addFirst(buffer);
        while (kept.size() > KEPT) {
            // Keep the largest: a smaller request fits in them. Removed by identity: ByteBuffer.equals
            // compares contents, so Deque.remove(Object) could drop a different buffer than the one freed.
            ByteBuffer smallest = null;
            for (ByteBuffer b : kept) {
                if (smallest == null || b.capacity() < smallest.capacity()) {
                    smallest = b;
                }
            }
            for (Iterator<ByteBuffer> it = kept.iterator(); it.hasNext();) {
                if (it.next() == smallest) {
                    it.remove();
                    break;
                }
            }
            free(smallest);
        }
    }

    /** The buffers kept now, for tests. */
    synchronized java.util.List<ByteBuffer> kept() {
        return java.util.List.copyOf(kept);
    }

    synchronized void close() {
        closed = true;
        kept.forEach(this::free);
        kept.clear();
    }

    private void free(ByteBuffer buffer) {
        AutoCloseable arena = arenas.remove(buffer);
        try {
            if (arena != null) {
                arena.close();
            } else if (INVOKE_CLEANER != null) {
                INVOKE_CLEANER.invoke(UNSAFE, buffer);
            }
        } catch (Exception e) {
            // Left to the garbage collector.
        }
    }
}

package io.diif.backend.onnx;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * Direct buffers for tensors that ONNX Runtime reads and writes in place, kept for reuse by one
 * executable.
 *
 * <p>A direct buffer is zeroed when allocated and freed only when the garbage collector finds it; a
 * decoder asks for a few tile-sized buffers per tile, so without reuse resident memory would follow the
 * collector rather than the work. At most {@link #KEPT} buffers are kept (the largest run's input and
 * output); others are freed as soon as they are given back.
 */
final class DirectBuffers {
    static final int KEPT = 2;
    private static final Method INVOKE_CLEANER;
    private static final Object UNSAFE;

    static {
        Method m = null;
        Object u = null;
        try {
            Class<?> unsafe = Class.forName("sun.misc.Unsafe");
            Field f = unsafe.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            u = f.get(null);
            m = unsafe.getMethod("invokeCleaner", ByteBuffer.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            // Not available: buffers that are not kept are left to the garbage collector.
        }
        INVOKE_CLEANER = m;
        UNSAFE = u;
    }

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
        return ByteBuffer.allocateDirect((int) bytes).order(ByteOrder.nativeOrder());
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
        kept.forEach(DirectBuffers::free);
        kept.clear();
    }

    static FloatBuffer floats(ByteBuffer buffer) {
        return buffer.asFloatBuffer();
    }

    private static void free(ByteBuffer buffer) {
        if (INVOKE_CLEANER != null) {
            try {
                INVOKE_CLEANER.invoke(UNSAFE, buffer);
            } catch (ReflectiveOperationException | RuntimeException e) {
                // Left to the garbage collector.
            }
        }
    }
}

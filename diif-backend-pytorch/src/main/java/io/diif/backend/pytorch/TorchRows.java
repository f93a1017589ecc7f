package io.diif.backend.pytorch;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.diif.spi.support.FloatBufferRows;
import io.diif.spi.support.ReuseSlot;
import java.nio.ByteOrder;

/**
 * Rows in a libtorch tensor, read and written through a view of its memory. Each has its own NDManager,
 * so it outlives the run that made it (and the executable) until it is closed.
 */
final class TorchRows extends FloatBufferRows {
    private final NDManager owner;
    private final NDArray array;
    /** Where an input tensor goes back for reuse; null for outputs. */
    private final ReuseSlot<Owned> kept;

    private TorchRows(NDManager owner, NDArray array, int rows, int columns, ReuseSlot<Owned> kept) {
        // For a contiguous CPU tensor this is a view of the tensor's own memory.
        super(array.toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer(), rows, columns);
        this.owner = owner;
        this.array = array;
        this.kept = kept;
    }

    /** A tensor and the manager that owns it: what an executable keeps for reuse. */
    record Owned(NDManager owner, NDArray array) {
        void close() {
            owner.close();
        }
    }

    /**
     * An input {@code [rows, columns]} tensor with arbitrary contents, from {@code kept} if it holds one of
     * that shape, and given back to it on close: libtorch's CPU allocator returns large blocks to the
     * system, so a fresh tensor costs a page fault per 4 kB on first write, which made filling it slower
     * than the copy it replaced.
     */
    static TorchRows input(ReuseSlot<Owned> kept, NDManager any, int rows, int columns) {
        Shape shape = new Shape(rows, columns);
        Owned o = kept.take(k -> k.array().getShape().equals(shape));
        if (o != null) {
            return new TorchRows(o.owner(), o.array(), rows, columns, kept);
        }
        NDManager m = any.getEngine().newBaseManager(Device.cpu());
        try {
            return new TorchRows(m, m.create(shape, DataType.FLOAT32), rows, columns, kept);
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /** Takes {@code array} ({@code [rows, columns]}, float32) over from the manager that made it. */
    static TorchRows adopt(NDArray array, int rows, int columns) {
        NDManager owner = array.getManager().getEngine().newBaseManager(Device.cpu());
        array.attach(owner);
        try {
            return new TorchRows(owner, array, rows, columns, null);
        } catch (RuntimeException e) {
            owner.close();
            throw e;
        }
    }

    /** The tensor, while open; the caller must not close it. */
    NDArray array() {
        checkOpen();
        return array;
    }

    @Override
    protected void release() {
        if (kept != null) {
            kept.give(new Owned(owner, array));
        } else {
            owner.close();
        }
    }
}

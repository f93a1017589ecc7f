package io.diif.backend.tensorflow;

import io.diif.spi.support.AbstractRows;
import io.diif.spi.support.ReuseSlot;
import org.tensorflow.Result;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.FloatDataBuffer;
import org.tensorflow.types.TFloat32;

/**
 * Rows in a TensorFlow tensor's native memory: an input the core fills before a run, or a run's output
 * (then closing also releases the run's {@link Result}).
 */
final class TensorRows extends AbstractRows {
    private final TFloat32 tensor;
    private final Result owner;
    /** Where an input tensor goes back for reuse; null for outputs. */
    private final ReuseSlot<TFloat32> kept;
    private final FloatDataBuffer data;

    private TensorRows(TFloat32 tensor, Result owner, ReuseSlot<TFloat32> kept, int rows, int columns) {
        super(rows, columns);
        this.tensor = tensor;
        this.owner = owner;
        this.kept = kept;
        this.data = tensor.asRawTensor().data().asFloats();
    }

    /**
     * An input {@code [rows, columns]} tensor with arbitrary contents, from {@code kept} if it holds one of
     * that shape, and given back to it on close. TensorFlow allocates tensors with the C allocator, which
     * maps blocks over 32 MiB anew each time, so a fresh one page-faults on every page on first write.
     */
    static TensorRows input(ReuseSlot<TFloat32> kept, int rows, int columns) {
        Shape shape = Shape.of(rows, columns);
        TFloat32 t = kept.take(k -> k.shape().equals(shape));
        if (t == null) {
            t = TFloat32.tensorOf(shape);
        }
        try {
            return new TensorRows(t, null, kept, rows, columns);
        } catch (RuntimeException e) {
            t.close();
            throw e;
        }
    }

    /** The first output of {@code result}, of shape {@code [rows, columns]}; closing closes the result. */
    static TensorRows output(Result result, int rows, int columns) {
        return new TensorRows((TFloat32) result.get(0), result, null, rows, columns);
    }

    TFloat32 tensor() {
        checkOpen();
        return tensor;
    }

    @Override
    public void write(int firstRow, int count, float[] source) {
        checkRows(firstRow, count);
        data.slice((long) firstRow * columns(), (long) count * columns()).write(source, 0, count * columns());
    }

    @Override
    public void read(int row, float[] target) {
        checkRows(row, 1);
        data.slice((long) row * columns(), columns()).read(target, 0, columns());
    }

    @Override
    public float[] toArray() {
        checkOpen();
        float[] all = new float[Math.multiplyExact(rows(), columns())];
        data.read(all);
        return all;
    }

    @Override
    protected void release() {
        if (owner != null) {
            owner.close();
        } else if (kept != null) {
            kept.give(tensor);
        } else {
            tensor.close();
        }
    }
}

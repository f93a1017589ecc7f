package io.diif.backend.tensorflow;

import io.diif.spi.AbstractRows;
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
    private final FloatDataBuffer data;

    private TensorRows(TFloat32 tensor, Result owner, int rows, int columns) {
        super(rows, columns);
        this.tensor = tensor;
        this.owner = owner;
        this.data = tensor.asRawTensor().data().asFloats();
    }

    /** A new uninitialised {@code [rows, columns]} tensor. */
    static TensorRows allocate(int rows, int columns) {
        return new TensorRows(TFloat32.tensorOf(Shape.of(rows, columns)), null, rows, columns);
    }

    /** The first output of {@code result}, of shape {@code [rows, columns]}; closing closes the result. */
    static TensorRows output(Result result, int rows, int columns) {
        return new TensorRows((TFloat32) result.get(0), result, rows, columns);
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
        } else {
            tensor.close();
        }
    }
}

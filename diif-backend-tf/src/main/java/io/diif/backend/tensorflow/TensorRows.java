package io.diif.backend.tensorflow;

import io.diif.spi.Rows;
import org.tensorflow.Result;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.FloatDataBuffer;
import org.tensorflow.types.TFloat32;

/**
 * {@link Rows} in a TensorFlow tensor's native memory: an input the core fills before a run, or a run's
 * output (then closing also releases the run's {@link Result}).
 */
final class TensorRows implements Rows {
    private final TFloat32 tensor;
    private final Result owner;
    private final FloatDataBuffer data;
    private final int rows;
    private final int columns;
    private volatile boolean closed;

    private TensorRows(TFloat32 tensor, Result owner, int rows, int columns) {
        this.tensor = tensor;
        this.owner = owner;
        this.data = tensor.asRawTensor().data().asFloats();
        this.rows = rows;
        this.columns = columns;
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
    public int rows() {
        return rows;
    }

    @Override
    public int columns() {
        return columns;
    }

    @Override
    public void write(int row, float[] source) {
        region(row).write(source, 0, columns);
    }

    @Override
    public void write(int firstRow, int count, float[] source) {
        checkOpen();
        if (count < 0 || firstRow < 0 || firstRow > rows - count) {
            throw new IndexOutOfBoundsException("rows " + firstRow + " to " + (firstRow + count - 1)
                    + " of a tensor with " + rows + " rows");
        }
        data.slice((long) firstRow * columns, (long) count * columns).write(source, 0, count * columns);
    }

    @Override
    public void read(int row, float[] target) {
        region(row).read(target, 0, columns);
    }

    @Override
    public float[] toArray() {
        checkOpen();
        float[] all = new float[Math.multiplyExact(rows, columns)];
        data.read(all);
        return all;
    }

    private FloatDataBuffer region(int row) {
        checkOpen();
        if (row < 0 || row >= rows) {
            throw new IndexOutOfBoundsException("row " + row + " of a tensor with " + rows + " rows");
        }
        return data.slice((long) row * columns, columns);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("tensor rows are closed");
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (owner != null) {
            owner.close();
        } else {
            tensor.close();
        }
    }

    @Override
    public String toString() {
        return "TensorRows[" + rows + "x" + columns + (closed ? ", closed" : "") + "]";
    }
}

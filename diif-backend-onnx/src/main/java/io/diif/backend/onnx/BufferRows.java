package io.diif.backend.onnx;

import io.diif.spi.Rows;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;

/** {@link Rows} in a direct buffer that ONNX Runtime reads (an input) or writes (a pinned output) in place. */
final class BufferRows implements Rows {
    private final DirectBuffers owner;
    private final ByteBuffer bytes;
    private final FloatBuffer floats;
    private final int rows;
    private final int columns;
    private volatile boolean closed;

    BufferRows(DirectBuffers owner, int rows, int columns) {
        this.owner = owner;
        this.bytes = owner.take(Math.multiplyExact(rows, columns));
        this.floats = DirectBuffers.floats(bytes);
        this.rows = rows;
        this.columns = columns;
    }

    /** The values, for a tensor over them; only while open. */
    FloatBuffer buffer() {
        checkOpen();
        return floats.duplicate();
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
        write(row, 1, source);
    }

    @Override
    public void write(int firstRow, int count, float[] source) {
        checkRows(firstRow, count);
        floats.put(firstRow * columns, source, 0, count * columns);
    }

    @Override
    public void read(int row, float[] target) {
        checkRows(row, 1);
        floats.get(row * columns, target, 0, columns);
    }

    @Override
    public float[] toArray() {
        checkOpen();
        float[] all = new float[rows * columns];
        floats.get(0, all, 0, all.length);
        return all;
    }

    private void checkRows(int firstRow, int count) {
        checkOpen();
        if (count < 0 || firstRow < 0 || firstRow > rows - count) {
            throw new IndexOutOfBoundsException("rows " + firstRow + " to " + (firstRow + count - 1)
                    + " of a matrix with " + rows + " rows");
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("rows are closed");
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        owner.give(bytes);
    }

    @Override
    public String toString() {
        return "BufferRows[" + rows + "x" + columns + (closed ? ", closed" : "") + "]";
    }
}

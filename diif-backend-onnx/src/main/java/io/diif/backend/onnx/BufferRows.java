package io.diif.backend.onnx;

import io.diif.spi.AbstractRows;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;

/** Rows in a direct buffer that ONNX Runtime reads (an input) or writes (a pinned output) in place. */
final class BufferRows extends AbstractRows {
    private final DirectBuffers owner;
    private final ByteBuffer bytes;
    private final FloatBuffer floats;

    BufferRows(DirectBuffers owner, int rows, int columns) {
        super(rows, columns);
        this.owner = owner;
        this.bytes = owner.take(Math.multiplyExact(rows, columns));
        this.floats = DirectBuffers.floats(bytes);
    }

    /** The values, for a tensor over them; only while open. */
    FloatBuffer buffer() {
        checkOpen();
        return floats.duplicate();
    }

    @Override
    public void write(int firstRow, int count, float[] source) {
        checkRows(firstRow, count);
        floats.put(firstRow * columns(), source, 0, count * columns());
    }

    @Override
    public void read(int row, float[] target) {
        checkRows(row, 1);
        floats.get(row * columns(), target, 0, columns());
    }

    @Override
    public float[] toArray() {
        checkOpen();
        float[] all = new float[rows() * columns()];
        floats.get(0, all, 0, all.length);
        return all;
    }

    @Override
    protected void release() {
        owner.give(bytes);
    }
}

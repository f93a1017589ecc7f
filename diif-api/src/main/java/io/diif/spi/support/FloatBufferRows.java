package io.diif.spi.support;

import io.diif.spi.Rows;
import java.nio.FloatBuffer;

/**
 * {@link Rows} over a {@link FloatBuffer} of exactly rows × columns values, typically a direct buffer
 * whose memory an engine reads or writes in place. Absolute bulk copies only, so different rows may be
 * used from different threads at once. Implementations free the buffer's memory in {@link #release()}.
 */
public abstract class FloatBufferRows extends AbstractRows {
    private final FloatBuffer floats;

    /**
     * Wraps a buffer (not copied; its position and limit are ignored).
     *
     * @param floats a buffer whose capacity is exactly {@code rows × columns}
     * @param rows the number of rows
     * @param columns the number of values per row
     * @throws IllegalArgumentException if the capacity is not {@code rows × columns}, or a dimension is
     *     negative
     */
    protected FloatBufferRows(FloatBuffer floats, int rows, int columns) {
        super(rows, columns);
        if (floats.capacity() != (long) rows * columns) {
            throw new IllegalArgumentException("a " + rows + "x" + columns + " matrix needs " + (long) rows * columns
                    + " values, the buffer has " + floats.capacity());
        }
        this.floats = floats;
    }

    /**
     * The values, for the engine to build a tensor over.
     *
     * @return an independent view of the whole buffer
     * @throws IllegalStateException if closed
     */
    public final FloatBuffer buffer() {
        checkOpen();
        return floats.duplicate();
    }

    @Override
    public final void write(int firstRow, int count, float[] source) {
        checkRows(firstRow, count);
        floats.put(firstRow * columns(), source, 0, count * columns());
    }

    @Override
    public final void read(int row, float[] target) {
        checkRows(row, 1);
        floats.get(row * columns(), target, 0, columns());
    }

    @Override
    public final float[] toArray() {
        checkOpen();
        float[] all = new float[rows() * columns()];
        floats.get(0, all, 0, all.length);
        return all;
    }
}

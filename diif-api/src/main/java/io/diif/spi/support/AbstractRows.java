package io.diif.spi.support;

import io.diif.spi.Rows;

/**
 * The bookkeeping every {@link Rows} needs: its shape, bounds checks that name the bad row, and a close
 * that releases once, however many threads call it. Implementations provide the block copies
 * ({@link #write(int, int, float[])}, {@link #read}) and {@link #release()}.
 */
public abstract class AbstractRows implements Rows {
    private final int rows;
    private final int columns;
    private volatile boolean closed;

    protected AbstractRows(int rows, int columns) {
        if (rows < 0 || columns < 0) {
            throw new IllegalArgumentException("a matrix needs rows and columns >= 0, was " + rows + "x" + columns);
        }
        this.rows = rows;
        this.columns = columns;
    }

    @Override
    public final int rows() {
        return rows;
    }

    @Override
    public final int columns() {
        return columns;
    }

    /** One row is a block of one. */
    @Override
    public final void write(int row, float[] source) {
        write(row, 1, source);
    }

    @Override
    public abstract void write(int firstRow, int count, float[] source);

    /** Throws unless open and rows [firstRow, firstRow + count) exist. */
    protected final void checkRows(int firstRow, int count) {
        checkOpen();
        if (count < 0 || firstRow < 0 || firstRow > rows - count) {
            throw new IndexOutOfBoundsException("rows " + firstRow + " to " + (firstRow + count - 1)
                    + " of a matrix with " + rows + " rows");
        }
    }

    protected final void checkOpen() {
        if (closed) {
            throw new IllegalStateException(this + " is closed");
        }
    }

    /** Frees what holds the values; called once, by the first {@link #close()}. */
    protected abstract void release();

    @Override
    public final void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        release();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + rows + "x" + columns + (closed ? ", closed" : "") + "]";
    }
}

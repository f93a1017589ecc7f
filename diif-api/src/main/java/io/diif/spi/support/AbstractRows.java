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

    /**
     * Records the shape.
     *
     * @param rows the number of rows, at least 0
     * @param columns the number of values per row, at least 0
     * @throws IllegalArgumentException if {@code rows} or {@code columns} is negative
     */
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

    /**
     * Writes one row as a block of one: {@code write(row, 1, source)}.
     *
     * @throws IllegalStateException if closed
     */
    @Override
    public final void write(int row, float[] source) {
        write(row, 1, source);
    }

    /**
     * {@inheritDoc} Implementations call {@link #checkRows} first.
     *
     * @throws IllegalStateException if closed
     */
    @Override
    public abstract void write(int firstRow, int count, float[] source);

    /**
     * Checks that this matrix is open and that rows {@code [firstRow, firstRow + count)} exist.
     *
     * @param firstRow the first row of the block
     * @param count the number of rows in the block
     * @throws IllegalStateException if closed
     * @throws IndexOutOfBoundsException if the block is not within the rows, naming it and the row count
     */
    protected final void checkRows(int firstRow, int count) {
        checkOpen();
        if (count < 0 || firstRow < 0 || firstRow > rows - count) {
            throw new IndexOutOfBoundsException("rows " + firstRow + " to " + (firstRow + count - 1)
                    + " of a matrix with " + rows + " rows");
        }
    }

    /**
     * Checks that this matrix is open.
     *
     * @throws IllegalStateException if closed
     */
    protected final void checkOpen() {
        if (closed) {
            throw new IllegalStateException(this + " is closed");
        }
    }

    /** Frees what holds the values; called once, by the first {@link #close()}. */
    protected abstract void release();

    /** Releases the values on the first call, from whichever thread; later calls do nothing. */
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

package io.diif.spi.support;

import io.diif.spi.Rows;
import java.util.Objects;

/** {@link Rows} backed by a Java array; closing only ends this view's use of it. */
public final class HeapRows extends AbstractRows {
    private final float[] values;

    /**
     * Wraps {@code values} (not copied): row r is {@code values[r·columns, (r+1)·columns)}.
     *
     * @param values exactly {@code rows × columns} values, row-major
     * @param rows the number of rows
     * @param columns the number of values per row
     * @throws NullPointerException if {@code values} is null
     * @throws IllegalArgumentException if the array does not hold exactly rows × columns values
     */
    public HeapRows(float[] values, int rows, int columns) {
        super(rows, columns);
        Objects.requireNonNull(values, "values");
        if ((long) rows * columns != values.length) {
            throw new IllegalArgumentException("a " + rows + "x" + columns + " matrix needs " + (long) rows * columns
                    + " values, the array has " + values.length);
        }
        this.values = values;
    }

    /**
     * The backing array itself, not a copy.
     *
     * @return the array passed to the constructor
     * @throws IllegalStateException if closed
     */
    public float[] values() {
        checkOpen();
        return values;
    }

    @Override
    public void write(int firstRow, int count, float[] source) {
        checkRows(firstRow, count);
        System.arraycopy(source, 0, values, firstRow * columns(), count * columns());
    }

    @Override
    public void read(int row, float[] target) {
        checkRows(row, 1);
        System.arraycopy(values, row * columns(), target, 0, columns());
    }

    @Override
    public float[] toArray() {
        checkOpen();
        return values.clone();
    }

    @Override
    protected void release() {
    }
}

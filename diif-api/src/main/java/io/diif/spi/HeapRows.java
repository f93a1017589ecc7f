package io.diif.spi;

import java.util.Objects;

/** {@link Rows} backed by a Java array; closing does nothing. */
public final class HeapRows implements Rows {
    private final float[] values;
    private final int rows;
    private final int columns;

    /**
     * Wraps {@code values} (not copied): row r is {@code values[r·columns, (r+1)·columns)}.
     *
     * @throws IllegalArgumentException if the array does not hold exactly rows × columns values
     */
    public HeapRows(float[] values, int rows, int columns) {
        Objects.requireNonNull(values, "values");
        if (rows < 0 || columns < 0 || (long) rows * columns != values.length) {
            throw new IllegalArgumentException("a " + rows + "x" + columns + " matrix needs " + (long) rows * columns
                    + " values, the array has " + values.length);
        }
        this.values = values;
        this.rows = rows;
        this.columns = columns;
    }

    /** The backing array itself. */
    public float[] values() {
        return values;
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
        System.arraycopy(source, 0, values, checkRow(row) * columns, columns);
    }

    @Override
    public void write(int firstRow, int count, float[] source) {
        checkRows(firstRow, count);
        System.arraycopy(source, 0, values, firstRow * columns, count * columns);
    }

    @Override
    public void read(int row, float[] target) {
        System.arraycopy(values, checkRow(row) * columns, target, 0, columns);
    }

    @Override
    public float[] toArray() {
        return values.clone();
    }

    private void checkRows(int firstRow, int count) {
        if (count < 0 || firstRow < 0 || firstRow > rows - count) {
            throw new IndexOutOfBoundsException("rows " + firstRow + " to " + (firstRow + count - 1)
                    + " of a matrix with " + rows + " rows");
        }
    }

    private int checkRow(int row) {
        if (row < 0 || row >= rows) {
            throw new IndexOutOfBoundsException("row " + row + " of a matrix with " + rows + " rows");
        }
        return row;
    }

    @Override
    public void close() {
    }

    @Override
    public String toString() {
        return "HeapRows[" + rows + "x" + columns + "]";
    }
}

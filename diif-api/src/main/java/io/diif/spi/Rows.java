package io.diif.spi;

import io.diif.spi.support.HeapRows;

/**
 * A matrix {@code [rows, columns]} of float32 that the core fills and reads one row at a time, held where
 * the engine wants it: on the Java heap ({@link HeapRows}), or in the engine's own memory, so that the
 * decoder's largest tensors are written once, where the engine reads them, instead of being built in a
 * Java array and copied over (and read back the same way).
 *
 * <p>Different rows may be written or read from different threads at once. Closing frees engine memory;
 * a closed matrix must not be used again.
 */
public interface Rows extends AutoCloseable {

    /**
     * The number of rows.
     *
     * @return the row count, at least 0
     */
    int rows();

    /**
     * The number of values in a row.
     *
     * @return the column count
     */
    int columns();

    /**
     * Copies {@code columns()} values from {@code source} into row {@code row}.
     *
     * @param row the row to write, in {@code [0, rows())}
     * @param source at least {@code columns()} values
     * @throws IndexOutOfBoundsException if {@code row} is out of range or {@code source} is too short
     */
    void write(int row, float[] source);

    /**
     * Copies {@code count} consecutive rows from {@code source} (row-major) into rows {@code firstRow …}:
     * one call instead of {@code count}, for callers that produce several rows at a time.
     *
     * @param firstRow the first row to write
     * @param count how many rows to write
     * @param source at least {@code count * columns()} values, row-major
     * @throws IndexOutOfBoundsException if the rows are out of range or {@code source} is too short
     */
    default void write(int firstRow, int count, float[] source) {
        float[] row = new float[columns()];
        for (int r = 0; r < count; r++) {
            System.arraycopy(source, r * columns(), row, 0, columns());
            write(firstRow + r, row);
        }
    }

    /**
     * Copies row {@code row} into the first {@code columns()} values of {@code target}.
     *
     * @param row the row to read, in {@code [0, rows())}
     * @param target at least {@code columns()} values long
     * @throws IndexOutOfBoundsException if {@code row} is out of range or {@code target} is too short
     */
    void read(int row, float[] target);

    /**
     * Copies all values out.
     *
     * @return all values, row-major, in a new array
     */
    default float[] toArray() {
        int c = columns();
        float[] all = new float[Math.multiplyExact(rows(), c)];
        float[] row = new float[c];
        for (int r = 0; r < rows(); r++) {
            read(r, row);
            System.arraycopy(row, 0, all, r * c, c);
        }
        return all;
    }

    /** Frees engine memory, if any; idempotent. */
    @Override
    void close();
}

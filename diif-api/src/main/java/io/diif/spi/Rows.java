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

    int rows();

    int columns();

    /** Copies {@code columns()} values from {@code source} into row {@code row}. */
    void write(int row, float[] source);

    /**
     * Copies {@code count} consecutive rows from {@code source} (row-major) into rows {@code firstRow …}:
     * one call instead of {@code count}, for callers that produce several rows at a time.
     */
    default void write(int firstRow, int count, float[] source) {
        float[] row = new float[columns()];
        for (int r = 0; r < count; r++) {
            System.arraycopy(source, r * columns(), row, 0, columns());
            write(firstRow + r, row);
        }
    }

    /** Copies row {@code row} into the first {@code columns()} values of {@code target}. */
    void read(int row, float[] target);

    /** All values, row-major, in a new array. */
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

    @Override
    void close();
}

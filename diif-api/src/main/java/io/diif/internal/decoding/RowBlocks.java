package io.diif.internal.decoding;

import io.diif.spi.Rows;
import java.util.Arrays;

/**
 * Writes consecutive rows of a {@link Rows} in blocks: each engine write has a fixed cost (a TensorFlow
 * buffer view, bounds checks), which per 1 kB row was a fifth of DIIF's decode time on TensorFlow at ×12.
 * Not thread-safe: one per task, each task writing its own run of rows.
 */
final class RowBlocks {
    /** 64 rows: 64 kB at 256 columns, still in the core's cache when copied out. */
    private static final int BLOCK_ROWS = 64;

    private final Rows target;
    private final int columns;
    private final float[] block;
    private int first;
    private int count;

    /**
     * A scratch row for {@code target} whose first {@code values} columns the caller fills. The columns after
     * them, the stage's bias column where it takes one ({@link io.diif.spi.Backend#biasAsInputColumn}), are 1.
     */
    static float[] rowWithBiasColumn(Rows target, int values) {
        float[] row = new float[target.columns()];
        Arrays.fill(row, values, row.length, 1f);
        return row;
    }

    /** Rows added go to {@code target} from row {@code firstRow} on. */
    RowBlocks(Rows target, int firstRow) {
        this.target = target;
        this.columns = target.columns();
        this.block = new float[BLOCK_ROWS * columns];
        this.first = firstRow;
    }

    /** Appends the first {@code columns} values of {@code row} as the next row. */
    void add(float[] row) {
        System.arraycopy(row, 0, block, count * columns, columns);
        if (++count == BLOCK_ROWS) {
            flush();
        }
    }

    /** Writes what is pending; call once the task has added its last row. */
    void flush() {
        if (count > 0) {
            target.write(first, count, block);
            first += count;
            count = 0;
        }
    }
}

package io.diif.spi;

import io.diif.graph.Graph;
import io.diif.spi.support.HeapRows;

/**
 * A {@link io.diif.graph.Graph} compiled by a backend: weights bound, ready to run many times.
 *
 * <p>Implementations must be safe to call from many threads at once, and memory must stay bounded: what
 * outlives a call is the compiled weights and any {@link Rows} handed to the caller (freed when the
 * caller closes them), plus at most what the largest run used, kept for reuse; {@link #close()} frees
 * all of it.
 */
public interface Executable extends AutoCloseable {

    /**
     * The graph this executable runs.
     *
     * @return the graph it was compiled from
     */
    Graph graph();

    /**
     * Runs the graph on one input.
     *
     * @param input row-major values of shape {@code shape}
     * @param shape {@code [C, H, W]} for image graphs, {@code [N, C]} for row graphs
     * @return the output, row-major, of shape {@code graph.outputShape(shape)}
     * @throws IllegalArgumentException if {@code shape} is not an input shape of the graph or does not match
     *     {@code input.length}
     * @throws IllegalStateException if this executable is closed
     */
    float[] run(float[] input, int... shape);

    /**
     * Whether {@link #allocate} puts inputs in the engine's own memory, so that filling them there saves
     * a copy. When false the core fills {@link HeapRows} it reuses across calls instead.
     *
     * @return true if {@link #allocate} returns engine memory
     */
    default boolean allocatesEngineRows() {
        return false;
    }

    /**
     * An input for {@link #run(Rows)} of a {@link io.diif.graph.Graph.Layout#ROWS} graph, with arbitrary
     * initial contents: the caller writes every row. The default is a {@link HeapRows}.
     *
     * @param rows the number of rows
     * @param columns the number of columns, the graph's input width
     * @return the input, which the caller closes
     * @throws IllegalArgumentException if the graph does not take {@code [rows, columns]} (an image graph,
     *     or a different column count)
     */
    default Rows allocate(int rows, int columns) {
        graph().checkInputShape(rows, columns);
        return new HeapRows(new float[Math.multiplyExact(rows, columns)], rows, columns);
    }

    /**
     * Runs a {@link io.diif.graph.Graph.Layout#ROWS} graph on {@code input} (from {@link #allocate}, any other
     * {@link Rows} or a result of another executable) and returns the output rows, which the caller
     * closes. The default goes through {@link #run(float[], int...)}.
     *
     * @param input the input rows, left open
     * @return the output rows, one per input row
     * @throws IllegalArgumentException if the graph does not take rows of {@code input.columns()} values
     * @throws IllegalStateException if this executable is closed
     */
    default Rows run(Rows input) {
        int rows = input.rows();
        float[] values = input instanceof HeapRows heap ? heap.values() : input.toArray();
        float[] out = run(values, rows, input.columns());
        int columns = rows == 0 ? graph().outputShape(0, input.columns())[1] : out.length / rows;
        return new HeapRows(out, rows, columns);
    }

    /** Frees the compiled weights. Idempotent; later {@code run} calls throw {@link IllegalStateException}. */
    @Override
    void close();
}

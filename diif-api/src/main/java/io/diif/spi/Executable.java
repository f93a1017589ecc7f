package io.diif.spi;

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
     * Runs the graph on one input.
     *
     * @param input row-major values of shape {@code shape}
     * @param shape {@code [C, H, W]} for image graphs, {@code [N, C]} for row graphs
     * @return the output, row-major, of shape {@code graph.outputShape(shape)}
     */
    float[] run(float[] input, int... shape);

    /**
     * Whether {@link #allocate} puts inputs in the engine's own memory, so that filling them there saves
     * a copy. When false the core fills {@link HeapRows} it reuses across calls instead.
     */
    default boolean allocatesEngineRows() {
        return false;
    }

    /**
     * An input for {@link #run(Rows)} of a {@link io.diif.graph.Graph.Layout#ROWS} graph, with arbitrary
     * initial contents: the caller writes every row. The default is a {@link HeapRows}.
     */
    default Rows allocate(int rows, int columns) {
        return new HeapRows(new float[Math.multiplyExact(rows, columns)], rows, columns);
    }

    /**
     * Runs a {@link io.diif.graph.Graph.Layout#ROWS} graph on {@code input} (from {@link #allocate}, any other
     * {@link Rows} or a result of another executable) and returns the output rows, which the caller
     * closes (with no input rows, the default reports 0 columns). The default goes through
     * {@link #run(float[], int...)}.
     */
    default Rows run(Rows input) {
        float[] values = input instanceof HeapRows heap ? heap.values() : input.toArray();
        float[] out = run(values, input.rows(), input.columns());
        return new HeapRows(out, input.rows(), input.rows() == 0 ? 0 : out.length / input.rows());
    }

    /** Frees the compiled weights. Idempotent; later {@link #run} calls throw IllegalStateException. */
    @Override
    void close();
}

package io.diif.spi;

/**
 * A {@link io.diif.graph.Graph} compiled by a backend: weights bound, ready to run many times.
 *
 * <p>Implementations must be safe to call from many threads at once, and each call must free the
 * native memory it used before returning: the only memory that outlives a call is the compiled
 * weights, freed by {@link #close()}.
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

    /** Frees the compiled weights. Idempotent; later {@link #run} calls throw IllegalStateException. */
    @Override
    void close();
}

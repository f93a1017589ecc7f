package io.diif.spi;

import io.diif.Precision;
import io.diif.graph.Graph;
import io.diif.spi.support.ReducedLayers;
import java.util.EnumSet;
import java.util.Set;

/**
 * A compute engine: turns engine-neutral graphs into runnable {@link Executable}s.
 *
 * <p>A backend does only the neural-network arithmetic; grouping, slicing, slice descriptors,
 * ensemble weights and assembly live in the shared core. Created lazily by its
 * {@link BackendProvider}, because creating it loads native libraries.
 */
public interface Backend extends AutoCloseable {

    /**
     * The name users select it by.
     *
     * @return the name, e.g. {@code pytorch}; equal to its provider's {@link BackendProvider#name()}
     */
    String name();

    /**
     * Describes the engine for logs and {@code --verbose} output.
     *
     * @return one line for humans: engine, version, device
     */
    String description();

    /**
     * Rows of activations per decoder tile that suit this engine, used where the model's builder sets
     * none. Bigger tiles mean fewer and larger runs; but an engine that allocates each run's outputs
     * afresh needs them small enough for the C allocator to reuse (glibc maps blocks over 32 MiB anew on
     * every allocation, and each page then faults in). The default, 16384 rows, keeps a 256-wide output
     * at 16 MiB; an engine that pools its memory may return more.
     *
     * @return rows per decoder tile, at least 64
     */
    default int preferredTileRows() {
        return 1 << 14;
    }

    /**
     * Whether the core should give the first layer of each MLP stage whose input it writes its bias as one
     * more input column, always 1, instead of as a bias: the weight gains a last column, and the bias costs
     * one multiply-accumulate per output. Worth it for an engine that adds a bias in a pass of its own over
     * the layer's output (docs/performance.md has the measurements); an engine whose GEMM slows down on the
     * odd inner dimension (257) keeps the default, false. Only a stage's first layer can take it: the
     * others' inputs are the engine's own outputs.
     *
     * @return true to receive first-layer biases as a constant input column
     */
    default boolean biasAsInputColumn() {
        return false;
    }

    /**
     * Compiles a graph in float32, binding its parameters as constants.
     *
     * @param graph the graph to compile
     * @return the runnable graph, which the caller must close
     * @throws IllegalStateException if this backend is closed
     */
    Executable compile(Graph graph);

    /**
     * The precisions {@link #compile(Graph, Precision)} accepts. The default is float32 only.
     *
     * @return the accepted precisions; always holds {@link Precision#FP32}
     */
    default Set<Precision> precisions() {
        return EnumSet.of(Precision.FP32);
    }

    /**
     * Compiles a graph to run in {@code precision}: the layers {@link ReducedLayers#reducible} in it, the
     * others in float32. The default compiles float32 and refuses every other precision.
     *
     * @param graph the graph to compile
     * @param precision the arithmetic of its reducible layers
     * @return the runnable graph, which the caller must close
     * @throws UnsupportedOperationException if {@code precision} is not in {@link #precisions()}, naming it
     *     and this backend
     */
    default Executable compile(Graph graph, Precision precision) {
        if (precision != Precision.FP32) {
            throw new UnsupportedOperationException(ReducedLayers.refusal(this, precision));
        }
        return compile(graph);
    }

    /** Frees engine-wide resources. Executables compiled earlier must be closed before. */
    @Override
    void close();
}

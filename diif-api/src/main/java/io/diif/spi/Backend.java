package io.diif.spi;

import io.diif.graph.Graph;

/**
 * A compute engine: turns engine-neutral graphs into runnable {@link Executable}s.
 *
 * <p>A backend does only the neural-network arithmetic; grouping, slicing, slice descriptors,
 * ensemble weights and assembly live in the shared core. Created lazily by its
 * {@link BackendProvider}, because creating it loads native libraries.
 */
public interface Backend extends AutoCloseable {

    /** The name users select it by, e.g. {@code pytorch}; equal to its provider's name. */
    String name();

    /** One line for humans: engine, version, device. */
    String description();

    /**
     * Rows of activations per decoder tile that suit this engine, used where the model's builder sets
     * none. Bigger tiles mean fewer and larger runs; but an engine that allocates each run's outputs
     * afresh needs them small enough for the C allocator to reuse (glibc maps blocks over 32 MiB anew on
     * every allocation, and each page then faults in). The default, 16384 rows, keeps a 256-wide output
     * at 16 MiB; an engine that pools its memory may return more. Must be at least 64.
     */
    default int preferredTileRows() {
        return 1 << 14;
    }

    /** Compiles a graph (binding its parameters as constants). The result must be closed. */
    Executable compile(Graph graph);

    /** Frees engine-wide resources. Executables compiled earlier must be closed before. */
    @Override
    void close();
}

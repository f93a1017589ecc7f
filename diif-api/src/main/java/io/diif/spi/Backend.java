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

    /** Compiles a graph (binding its parameters as constants). The result must be closed. */
    Executable compile(Graph graph);

    /** Frees engine-wide resources. Executables compiled earlier must be closed before. */
    @Override
    void close();
}

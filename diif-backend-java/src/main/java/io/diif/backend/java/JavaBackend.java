package io.diif.backend.java;

import io.diif.graph.Graph;
import io.diif.spi.Backend;
import io.diif.spi.Executable;

/**
 * Runs graphs with plain Java loops on the common fork-join pool. Slow next to the native engines,
 * but it needs nothing and its arithmetic is easy to audit: the reference the other backends are
 * compared with when a golden vector is missing.
 */
public final class JavaBackend implements Backend {

    @Override
    public String name() {
        return JavaBackendProvider.NAME;
    }

    @Override
    public String description() {
        return "java (pure Java, " + Runtime.getRuntime().availableProcessors() + " threads, "
                + System.getProperty("java.vm.name") + " " + System.getProperty("java.version") + ")";
    }

    @Override
    public Executable compile(Graph graph) {
        return new GraphInterpreter(graph);
    }

    @Override
    public void close() {
        // Nothing native to free.
    }
}

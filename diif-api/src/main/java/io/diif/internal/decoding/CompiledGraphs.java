package io.diif.internal.decoding;

import io.diif.graph.Graph;
import io.diif.spi.Backend;
import io.diif.spi.Executable;
import java.util.ArrayList;
import java.util.List;

/** The executables one decoder compiled; closing closes them all, and a failed compile closes those before it. */
final class CompiledGraphs implements AutoCloseable {
    private final Backend backend;
    private final List<Executable> executables = new ArrayList<>();

    CompiledGraphs(Backend backend) {
        this.backend = backend;
    }

    Executable compile(Graph graph) {
        try {
            Executable e = backend.compile(graph);
            executables.add(e);
            return e;
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    @Override
    public void close() {
        for (Executable e : executables) {
            e.close();
        }
    }
}

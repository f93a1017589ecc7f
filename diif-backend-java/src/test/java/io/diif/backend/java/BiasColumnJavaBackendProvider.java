package io.diif.backend.java;

import io.diif.graph.Graph;
import io.diif.spi.Backend;
import io.diif.spi.BackendProvider;
import io.diif.spi.Executable;

/**
 * Test-only backend {@value #NAME}: the pure-Java engine, but asking the core for each MLP stage's first
 * bias as an input column of ones ({@link Backend#biasAsInputColumn}), so that the kit checks that path on
 * an engine whose arithmetic is plain Java. Priority 0: never chosen unless named.
 */
public final class BiasColumnJavaBackendProvider implements BackendProvider {
    static final String NAME = "java-bias-column";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return 0;
    }

    @Override
    public Backend create() {
        JavaBackend engine = new JavaBackend();
        return new Backend() {
            @Override
            public String name() {
                return NAME;
            }

            @Override
            public String description() {
                return engine.description() + ", first biases as input columns";
            }

            @Override
            public boolean biasAsInputColumn() {
                return true;
            }

            @Override
            public Executable compile(Graph graph) {
                return engine.compile(graph);
            }

            @Override
            public void close() {
                engine.close();
            }
        };
    }
}

package io.diif.backend.pytorch;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.diif.graph.Graph;
import io.diif.spi.Backend;
import io.diif.spi.Executable;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs graphs with libtorch (CPU, float32) through Deep Java Library's PyTorch engine.
 *
 * <p>Creating it loads libtorch (offline, see {@link PyTorchRuntime}). Each {@link #compile compiled}
 * graph owns its weights in its own NDManager; each run works in a short-lived sub-manager.
 */
public final class PyTorchBackend implements Backend {
    private static final Logger LOG = LoggerFactory.getLogger(PyTorchBackend.class);

    private final Engine engine;
    private final Set<PyTorchExecutable> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /** Loads the engine; throws IllegalStateException if libtorch cannot be loaded. */
    public PyTorchBackend() {
        this.engine = PyTorchRuntime.engine();
    }

    @Override
    public String name() {
        return PyTorchBackendProvider.NAME;
    }

    @Override
    public String description() {
        return "pytorch (PyTorch " + engine.getVersion() + " CPU via DJL " + Engine.getDjlVersion() + ", "
                + PyTorchRuntime.intraOpThreads() + " intra-op threads, libtorch in "
                + PyTorchRuntime.libtorchPath() + ")";
    }

    /**
     * False, measured: libtorch adds a bias inside its GEMM call (addmm), and its GEMM lost more to the odd
     * inner dimension than the bias cost (docs/performance.md, design measurements).
     */
    @Override
    public boolean biasAsInputColumn() {
        return false;
    }

    @Override
    public Executable compile(Graph graph) {
        Objects.requireNonNull(graph, "graph");
        if (closed) {
            throw new IllegalStateException("pytorch backend is closed; cannot compile graph " + graph.name());
        }
        PyTorchExecutable executable = new PyTorchExecutable(graph, engine.newBaseManager(Device.cpu()), open::remove);
        open.add(executable);
        return executable;
    }

    /** Marks the backend closed and closes executables that were left open (with a warning). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (!open.isEmpty()) {
            LOG.warn("pytorch backend closed with {} executable(s) still open; closing them", open.size());
            for (PyTorchExecutable e : open.toArray(new PyTorchExecutable[0])) {
                e.close();
            }
        }
    }

    @Override
    public String toString() {
        return "PyTorchBackend[" + (closed ? "closed" : "open") + "]";
    }
}

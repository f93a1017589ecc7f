package io.diif.backend.tensorflow;

import io.diif.graph.Graph;
import io.diif.spi.Backend;
import io.diif.spi.Executable;
import java.util.Objects;
import org.tensorflow.TensorFlow;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GraphOptions;
import org.tensorflow.proto.RewriterConfig;

/**
 * Runs graphs with TensorFlow (TensorFlow Java 1.x, CPU). Each compiled graph is its own TensorFlow
 * graph and session; weights are graph constants.
 *
 * <p>Threads: intra-op parallelism defaults to the available processors, inter-op to at most two
 * (the graphs are chains, there is little to run side by side). Override with the system properties
 * {@value #INTRA_OP_PROPERTY} and {@value #INTER_OP_PROPERTY}.
 */
public final class TensorFlowBackend implements Backend {
    /** System property: intra-op threads of each session (default: available processors). */
    public static final String INTRA_OP_PROPERTY = "diif.tensorflow.intraOpThreads";
    /** System property: inter-op threads of each session (default: min(2, available processors)). */
    public static final String INTER_OP_PROPERTY = "diif.tensorflow.interOpThreads";

    private final String tensorFlowVersion;
    private final ConfigProto config;
    private final ConfigProto rowConfig;

    TensorFlowBackend() {
        try {
            // Loads the natives (JavaCPP unpacks them from the class path on first use).
            this.tensorFlowVersion = TensorFlow.version();
        } catch (LinkageError | RuntimeException e) {
            throw new IllegalStateException("TensorFlow natives failed to load: " + e, e);
        }
        int cores = Runtime.getRuntime().availableProcessors();
        int intra = threads(INTRA_OP_PROPERTY, cores);
        int inter = threads(INTER_OP_PROPERTY, Math.min(2, cores));
        this.config = ConfigProto.newBuilder()
                .setIntraOpParallelismThreads(intra)
                .setInterOpParallelismThreads(inter)
                .setAllowSoftPlacement(true)
                .build();
        // Row graphs (the decoders' MLPs) without Grappler's remapper. With TensorFlow's oneDNN kernels,
        // which it turns on by itself on CPUs with AVX512_VNNI, AVX512_BF16 or AMX, the remapper's
        // MatMul + BiasAdd (+ Relu) fusion ran the decoder's layers far slower than plain MatMul
        // (docs/performance.md, design measurements). Unfused, MatMul takes oneDNN's fast GEMM and BiasAdd and
        // Relu are element-wise passes; without oneDNN both forms ran alike. Image graphs keep the
        // remapper: its Conv2D fusions are the encoder's fast path.
        this.rowConfig = config.toBuilder()
                .setGraphOptions(GraphOptions.newBuilder().setRewriteOptions(
                        RewriterConfig.newBuilder().setRemapping(RewriterConfig.Toggle.OFF)))
                .build();
    }

    @Override
    public String name() {
        return TensorFlowBackendProvider.NAME;
    }

    @Override
    public String description() {
        return "tensorflow (TensorFlow " + tensorFlowVersion + " via TensorFlow Java, CPU "
                + TensorFlowBackendProvider.PLATFORM + ", " + config.getIntraOpParallelismThreads()
                + " intra-op / " + config.getInterOpParallelismThreads() + " inter-op threads)";
    }

    /**
     * The version of the TensorFlow runtime.
     *
     * @return the version, e.g. {@code 2.16.2}
     */
    public String tensorFlowVersion() {
        return tensorFlowVersion;
    }

    /**
     * 32000 rows: a tile's 256-wide run outputs (31.25 MiB) stay just under glibc's 32 MiB mmap threshold,
     * so they come from the heap, and a render makes half the session runs of the SPI's 16384, each of
     * which has a fixed cost besides its arithmetic (docs/performance.md, design measurements).
     */
    @Override
    public int preferredTileRows() {
        return 32_000;
    }

    /**
     * True: row graphs run without Grappler's remapper (see the constructor), so a bias is a BiasAdd, one
     * more pass over the layer's output (docs/performance.md, design measurements).
     */
    @Override
    public boolean biasAsInputColumn() {
        return true;
    }

    @Override
    public Executable compile(Graph graph) {
        Objects.requireNonNull(graph, "graph");
        return new TensorFlowExecutable(graph, sessionConfig(graph.layout()));
    }

    /** The session options of graphs of this layout: the same threads, row graphs without the remapper. */
    ConfigProto sessionConfig(Graph.Layout layout) {
        return layout == Graph.Layout.ROWS ? rowConfig : config;
    }

    @Override
    public void close() {
        // Nothing engine-wide to free: sessions and graphs belong to their executables, and the native
        // runtime cannot be unloaded. Staying usable matters because Backends shares one instance per process.
    }

    private static int threads(String property, int fallback) {
        String v = System.getProperty(property);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new IllegalArgumentException("-D" + property + " must be a positive integer, was '" + v + "'");
    }
}

package io.diif.backend.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import ai.onnxruntime.OrtSession.SessionOptions;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.providers.OrtCUDAProviderOptions;
import io.diif.Precision;
import io.diif.graph.Graph;
import io.diif.spi.Backend;
import io.diif.spi.Executable;
import io.diif.spi.support.ReducedLayers;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs graphs with ONNX Runtime: each graph becomes an in-memory ONNX model ({@link OnnxModelBuilder})
 * and one {@link OrtSession}, created at compile time and reused by every run.
 *
 * <p>Sessions run on the CPU with {@link OnnxSettings#threads()} intra-op threads that sleep instead of
 * spinning when idle, with all graph optimisations, and with the CPU memory arena only for row graphs
 * (the decoder's, whose runs are bounded by the tile size; the encoder's memory is returned after each
 * run). The CUDA provider is tried only when
 * {@code -Ddiif.onnx.cuda=true}; if it cannot be used the backend warns and stays on the CPU.
 */
public final class OnnxBackend implements Backend {
    private static final Logger LOG = LoggerFactory.getLogger(OnnxBackend.class);

    private final OrtEnvironment environment;
    private final OnnxSettings settings;
    /** Whether sessions get the CUDA provider; cleared for good after the first failure. */
    private volatile boolean cuda;
    private volatile boolean closed;

    OnnxBackend(OnnxSettings settings) {
        this.settings = settings;
        this.environment = environmentOnLargeStack(); // process-wide, shared with any other ORT user
        if (settings.cuda() && !OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) {
            LOG.warn("-D{}=true, but this ONNX Runtime build has no CUDA provider ({}); running on the CPU."
                    + " Use com.microsoft.onnxruntime:onnxruntime_gpu instead of onnxruntime.",
                    OnnxSettings.CUDA, OrtEnvironment.getAvailableProviders());
        } else {
            this.cuda = settings.cuda();
        }
    }

    @Override
    public String name() {
        return OnnxBackendProvider.NAME;
    }

    @Override
    public String description() {
        String device = cuda ? "CUDA device " + settings.cudaDevice() + " (CPU fallback)"
                : "CPU, " + settings.threads() + " threads";
        return "onnx (ONNX Runtime " + environment.getVersion() + ", " + device + ", optimisation "
                + settings.optimization() + ")";
    }

    /**
     * 65536 where the arena serves the row graphs (the default): it keeps run outputs for reuse, so
     * bigger tiles cost no page faults and save per-run overhead (docs/performance.md, design
     * measurements). Without it, the SPI's default.
     */
    @Override
    public int preferredTileRows() {
        return settings.arena() == OnnxSettings.Arena.NONE ? Backend.super.preferredTileRows() : 1 << 16;
    }

    /**
     * True: ONNX Runtime's Gemm broadcasts its bias into the output before it multiplies, one more pass
     * over the output, which a bias as one more input column avoids (docs/performance.md, design
     * measurements).
     */
    @Override
    public boolean biasAsInputColumn() {
        return true;
    }

    /**
     * fp32 and int8 (dense layers as {@code DynamicQuantizeMatMul}, whose u8×s8 kernels use VNNI where the
     * CPU has it). Not bf16: ONNX Runtime's CPU provider has no bfloat16 GEMM on x86 (its MLAS bf16
     * kernels are for ARM), so a bf16 graph would run as casts around float32 kernels.
     */
    @Override
    public Set<Precision> precisions() {
        return EnumSet.of(Precision.FP32, Precision.INT8);
    }

    @Override
    public Executable compile(Graph graph) {
        return compile(graph, Precision.FP32);
    }

    @Override
    public Executable compile(Graph graph, Precision precision) {
        if (closed) {
            throw new IllegalStateException("the onnx backend is closed");
        }
        if (!precisions().contains(precision)) {
            throw new UnsupportedOperationException(ReducedLayers.refusal(this, precision));
        }
        byte[] model = OnnxModelBuilder.build(graph, precision);
        try {
            boolean arena = settings.arena() == OnnxSettings.Arena.ALL
                    || settings.arena() == OnnxSettings.Arena.ROWS && graph.layout() == Graph.Layout.ROWS;
            return new OnnxExecutable(graph, environment, createSession(model, arena));
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime cannot load graph " + graph.name() + ": " + e.getMessage(), e);
        }
    }

    private OrtSession createSession(byte[] model, boolean arena) throws OrtException {
        if (cuda) {
            try (SessionOptions options = sessionOptions(true, arena)) {
                return environment.createSession(model, options);
            } catch (OrtException | LinkageError e) {
                cuda = false;
                LOG.warn("ONNX Runtime could not use CUDA device {} ({}); running on the CPU",
                        settings.cudaDevice(), e.toString());
            }
        }
        try (SessionOptions options = sessionOptions(false, arena)) {
            return environment.createSession(model, options);
        }
    }

    private SessionOptions sessionOptions(boolean withCuda, boolean arena) throws OrtException {
        SessionOptions options = new SessionOptions();
        try {
            options.setExecutionMode(SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setIntraOpNumThreads(settings.threads());
            options.setInterOpNumThreads(1);
            // Idle pool threads sleep: spinning would burn the cores the Java side needs between runs.
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            options.addConfigEntry("session.inter_op.allow_spinning", "0");
            options.setOptimizationLevel(optLevel(settings.optimization()));
            // Without the arena, a run's intermediate tensors go back to the system when it returns; with
            // it, the largest run seen stays resident. The decoder's row graphs run on tiles of bounded
            // size, so by default they keep it: fresh pages on every run are a measurable part of decode time.
            options.setCPUArenaAllocator(arena);
            // ONNX Runtime caches a memory plan per input shape; every output size gives the decoders new
            // shapes, so the cache grew without bound over renders of varying sizes (NativeMemoryBench in
            // diif-examples measures it). Without it RSS stays flat.
            options.setMemoryPatternOptimization(false);
            if (withCuda) {
                try (OrtCUDAProviderOptions cudaOptions = new OrtCUDAProviderOptions(settings.cudaDevice())) {
                    // Full float32 by default: TF32 tensor cores would round inputs to 10 mantissa bits.
                    Map<String, String> cudaSettings = new LinkedHashMap<>(Map.of("use_tf32", "0"));
                    cudaSettings.putAll(settings.cudaOptions());
                    for (Map.Entry<String, String> e : cudaSettings.entrySet()) {
                        cudaOptions.add(e.getKey(), e.getValue());
                    }
                    options.addCUDA(cudaOptions); // copied by ONNX Runtime; CPU stays the fallback
                }
            }
            return options;
        } catch (OrtException | RuntimeException | LinkageError e) {
            options.close();
            throw e;
        }
    }

    private static OptLevel optLevel(String name) {
        return switch (name) {
            case "none" -> OptLevel.NO_OPT;
            case "basic" -> OptLevel.BASIC_OPT;
            case "extended" -> OptLevel.EXTENDED_OPT;
            default -> OptLevel.ALL_OPT;
        };
    }

    /** Marks the backend closed. The shared ONNX Runtime environment stays: it lives as long as the process. */
    @Override
    public void close() {
        closed = true;
    }

    /**
     * The process-wide environment, created on a thread of its own with a 64 MiB stack (reserved, not
     * committed): ONNX Runtime 1.29 crashed the whole JVM (SIGSEGV, no hs_err file) creating it on a 1 MiB
     * thread stack, the JVM's default for threads such as Spark's task threads, once java.class.path was a
     * few kilobytes long.
     */
    private static OrtEnvironment environmentOnLargeStack() {
        OrtEnvironment[] created = new OrtEnvironment[1];
        Throwable[] failed = new Throwable[1];
        Thread creator = new Thread(null, () -> {
            try {
                created[0] = OrtEnvironment.getEnvironment();
            } catch (RuntimeException | Error e) {
                failed[0] = e;
            }
        }, "diif-onnx-environment", 64L << 20);
        creator.setContextClassLoader(Thread.currentThread().getContextClassLoader());
        creator.start();
        try {
            creator.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating the ONNX Runtime environment", e);
        }
        if (failed[0] instanceof RuntimeException e) {
            throw e;
        }
        if (failed[0] instanceof Error e) {
            throw e;
        }
        return created[0];
    }
}

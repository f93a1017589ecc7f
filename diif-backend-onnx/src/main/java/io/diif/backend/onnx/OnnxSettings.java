package io.diif.backend.onnx;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * How the backend configures ONNX Runtime sessions, read from system properties:
 *
 * <ul>
 *   <li>{@code diif.onnx.threads}: intra-op threads per session (default: available processors);
 *   <li>{@code diif.onnx.optimization}: graph optimisation level, {@code all} (default), {@code extended},
 *       {@code basic} or {@code none};
 *   <li>{@code diif.onnx.arena}: {@code true} to keep ONNX Runtime's CPU memory arena, which holds on to
 *       the memory of the largest run seen (default false: memory is freed after each run);
 *   <li>{@code diif.onnx.cuda}: {@code true} to try the CUDA execution provider (needs the
 *       {@code onnxruntime_gpu} artifact instead of {@code onnxruntime}); off by default;
 *   <li>{@code diif.onnx.cuda.device}: the CUDA device id (default 0);
 *   <li>{@code diif.onnx.cuda.options}: extra CUDA provider options, {@code key=value;key=value}.
 * </ul>
 */
record OnnxSettings(int threads, String optimization, boolean arena, boolean cuda, int cudaDevice, Map<String, String> cudaOptions) {

    static final String THREADS = "diif.onnx.threads";
    static final String OPTIMIZATION = "diif.onnx.optimization";
    static final String ARENA = "diif.onnx.arena";
    static final String CUDA = "diif.onnx.cuda";
    static final String CUDA_DEVICE = "diif.onnx.cuda.device";
    static final String CUDA_OPTIONS = "diif.onnx.cuda.options";

    OnnxSettings {
        if (threads <= 0) {
            throw new IllegalArgumentException(THREADS + " must be > 0, was " + threads);
        }
        optimization = optimization.toLowerCase(Locale.ROOT);
        if (!optimization.matches("all|extended|basic|none")) {
            throw new IllegalArgumentException(OPTIMIZATION + " must be all, extended, basic or none, was "
                    + optimization);
        }
        cudaOptions = Map.copyOf(cudaOptions);
    }

    static OnnxSettings fromSystemProperties() {
        Map<String, String> options = new LinkedHashMap<>();
        for (String entry : System.getProperty(CUDA_OPTIONS, "").split(";")) {
            if (entry.isBlank()) {
                continue;
            }
            int eq = entry.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(CUDA_OPTIONS + " must be key=value;key=value, got " + entry);
            }
            options.put(entry.substring(0, eq).trim(), entry.substring(eq + 1).trim());
        }
        return new OnnxSettings(
                Integer.getInteger(THREADS, Runtime.getRuntime().availableProcessors()),
                System.getProperty(OPTIMIZATION, "all"),
                Boolean.getBoolean(ARENA),
                Boolean.getBoolean(CUDA),
                Integer.getInteger(CUDA_DEVICE, 0),
                options);
    }
}

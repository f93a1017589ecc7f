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
 *   <li>{@code diif.onnx.arena}: where ONNX Runtime's CPU memory arena is used, which holds on to the
 *       memory of the largest run seen and saves allocating and faulting in fresh pages on every run:
 *       {@code rows} (default) for the decoder's row graphs, whose runs are bounded by the tile size;
 *       {@code true} for every graph, the encoder too (whose bands can be large); {@code false} for none;
 *   <li>{@code diif.onnx.cuda}: {@code true} to try the CUDA execution provider (needs the
 *       {@code onnxruntime_gpu} artifact instead of {@code onnxruntime}); off by default;
 *   <li>{@code diif.onnx.cuda.device}: the CUDA device id (default 0);
 *   <li>{@code diif.onnx.cuda.options}: extra CUDA provider options, {@code key=value;key=value}.
 * </ul>
 */
record OnnxSettings(int threads, String optimization, Arena arena, boolean cuda, int cudaDevice,
        Map<String, String> cudaOptions) {

    /** Which sessions keep ONNX Runtime's CPU memory arena. */
    enum Arena {
        NONE, ROWS, ALL;

        static Arena parse(String value) {
            return switch (value.trim().toLowerCase(Locale.ROOT)) {
                case "false", "none" -> NONE;
                case "rows" -> ROWS;
                case "true", "all" -> ALL;
                default -> throw new IllegalArgumentException(ARENA + " must be rows, true or false, was " + value);
            };
        }
    }

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
        java.util.Objects.requireNonNull(arena, "arena");
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
                Arena.parse(System.getProperty(ARENA, "rows")),
                Boolean.getBoolean(CUDA),
                Integer.getInteger(CUDA_DEVICE, 0),
                options);
    }
}

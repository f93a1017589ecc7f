package io.diif.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The state-dict names and shapes each architecture needs (PyTorch names of the reference code), and
 * the parameter counts that follow from them.
 */
public final class TensorLayout {
    /** EDSR's frozen mean shifts: a 1×1 convolution 3 → 3 with bias, twice (sub_mean, add_mean). */
    private static final String[] MEAN_SHIFTS = {"encoder.sub_mean", "encoder.add_mean"};

    private TensorLayout() {
    }

    /** Tensors the reference state dict carries but the computation never reads (EDSR's mean shifts). */
    static boolean isIgnored(String name) {
        for (String shift : MEAN_SHIFTS) {
            if (name.startsWith(shift + ".")) {
                return true;
            }
        }
        return false;
    }

    /**
     * The tensors the architecture reads, name → shape, in state-dict order: the encoder's, then the decoder's.
     *
     * @param config the architecture
     * @return an unmodifiable map
     */
    public static Map<String, int[]> expected(ModelConfig config) {
        Map<String, int[]> t = new LinkedHashMap<>(config.encoder().tensorShapes());
        t.putAll(config.decoder().tensorShapes(config.encoder().features()));
        return Collections.unmodifiableMap(t);
    }

    /**
     * Learnable parameters of the architecture: the scalars of {@link #expected} (what
     * {@link ModelFile#parameterCount()} counts for a file). EDSR's frozen mean shifts are not included.
     *
     * @param config the architecture
     * @return the count
     */
    public static long parameterCount(ModelConfig config) {
        return count(expected(config));
    }

    /**
     * Learnable parameters of the decoder alone (every tensor outside {@code encoder.}): what the DIIF
     * paper's Tables 3 and 4 count, there in units of 1,000/1.024 (baselines §6). 0 for a fixed-scale
     * model, whose upsampler belongs to its encoder.
     *
     * @param config the architecture
     * @return the count
     */
    public static long decoderParameterCount(ModelConfig config) {
        Map<String, int[]> decoder = new LinkedHashMap<>(expected(config));
        decoder.keySet().removeIf(name -> name.startsWith("encoder."));
        return count(decoder);
    }

    /**
     * All parameters of the reference PyTorch module, {@code sum(p.numel() for p in model.parameters())}:
     * the learnable ones plus EDSR's two frozen mean-shift convolutions (24 scalars), which PyTorch
     * registers as parameters with {@code requires_grad = False}. LTE's and DLTE's published counts are
     * of this kind (zoo §6); DIIF's are of the learnable kind (algorithm §5).
     *
     * @param config the architecture
     * @return the count
     */
    public static long moduleParameterCount(ModelConfig config) {
        long n = parameterCount(config);
        if (config.encoder() instanceof ModelConfig.EdsrBaseline) {
            TensorShapes shifts = new TensorShapes();
            for (String name : MEAN_SHIFTS) {
                shifts.conv(name, 3, 3, 1);
            }
            n += count(shifts.shapes());
        }
        return n;
    }

    private static long count(Map<String, int[]> tensors) {
        long n = 0;
        for (int[] shape : tensors.values()) {
            long size = 1;
            for (int d : shape) {
                size *= d;
            }
            n += size;
        }
        return n;
    }
}

package io.diif.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
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

    /** The tensors the architecture reads, name → shape, in state-dict order. */
    public static Map<String, int[]> expected(ModelConfig config) {
        Map<String, int[]> t = new LinkedHashMap<>();
        int f = config.encoder().features();
        if (config.encoder() instanceof ModelConfig.EdsrBaseline e) {
            conv(t, "encoder.head.0", f, 3, 3);
            for (int b = 0; b < e.nResblocks(); b++) {
                conv(t, "encoder.body." + b + ".body.0", f, f, 3);
                conv(t, "encoder.body." + b + ".body.2", f, f, 3);
            }
            conv(t, "encoder.body." + e.nResblocks(), f, f, 3);
            if (e.upsamples()) {
                // Each ×2 stage (two for ×4) or the one ×3 stage: conv to r²F, then PixelShuffle(r) (index 2k+1).
                int r = e.upsampleScale() == 3 ? 3 : 2;
                for (int stage = 0; stage < (e.upsampleScale() == 4 ? 2 : 1); stage++) {
                    conv(t, "encoder.tail.0." + 2 * stage, r * r * f, f, 3);
                }
                conv(t, "encoder.tail.1", 3, f, 3);
            }
        } else if (config.encoder() instanceof ModelConfig.Rdn r) {
            conv(t, "encoder.SFENet1", f, 3, r.kernel());
            conv(t, "encoder.SFENet2", f, f, r.kernel());
            for (int d = 0; d < r.blocks(); d++) {
                for (int c = 0; c < r.layers(); c++) {
                    conv(t, "encoder.RDBs." + d + ".convs." + c + ".conv.0", r.growth(), f + c * r.growth(), 3);
                }
                conv(t, "encoder.RDBs." + d + ".LFF", f, f + r.layers() * r.growth(), 1);
            }
            conv(t, "encoder.GFF.0", f, r.blocks() * f, 1);
            conv(t, "encoder.GFF.1", f, f, r.kernel());
        }
        if (config.decoder() instanceof ModelConfig.Diif d) {
            int b = d.ensembleBlock();
            int in = mlp(t, "imnet.layers", b * b * f + 6, d.coarseHidden(), false);
            mlp(t, "imnet.tail", in + 2, d.fineHidden(), true);
        } else if (config.decoder() instanceof ModelConfig.Dlte d) {
            int hid = d.hiddenDim();
            conv(t, "coef", hid / 4, f, 3);
            conv(t, "freq", hid / 4, f, 3);
            t.put("imnet.phase.weight", new int[] {hid / 2, 2});
            int in = mlp(t, "imnet.layers", hid, d.coarseHidden(), false);
            mlp(t, "imnet.tail", in + 2, d.fineHidden(), true);
        } else if (config.decoder() instanceof ModelConfig.Lte l) {
            int hid = l.hiddenDim();
            conv(t, "coef", hid, f, 3);
            conv(t, "freq", hid, f, 3);
            t.put("phase.weight", new int[] {hid / 2, 2});
            mlp(t, "imnet.layers", hid, l.hidden(), true);
        } else if (config.decoder() instanceof ModelConfig.Liif l) {
            mlp(t, "imnet.layers", 9 * f + 4, l.hidden(), true);
        } else if (config.decoder() instanceof ModelConfig.MetaSr m) {
            int in = mlp(t, "imnet.layers", 3, m.hidden(), false);
            linear(t, "imnet.layers." + 2 * m.hidden().size(), 27 * f, in);
        } else if (config.decoder() instanceof ModelConfig.LmLiif l) {
            int in = mlp(t, "hypernet.layers", 9 * f + 2, l.hypernetHidden(), false);
            linear(t, "hypernet.layers." + 2 * l.hypernetHidden().size(), l.modulations(), in);
            mlp(t, "imnet.layers", l.hiddenDim() + 4, Collections.nCopies(l.hiddenDepth(), l.hiddenDim()),
                    true);
        }
        return Collections.unmodifiableMap(t);
    }

    /**
     * Learnable parameters of the architecture: the scalars of {@link #expected} (what
     * {@link ModelFile#parameterCount()} counts for a file). EDSR's frozen mean shifts are not included.
     */
    public static long parameterCount(ModelConfig config) {
        return count(expected(config));
    }

    /**
     * Learnable parameters of the decoder alone (every tensor outside {@code encoder.}): what the DIIF
     * paper's Tables 3 and 4 count, there in units of 1,000/1.024 (baselines §6). 0 for a fixed-scale
     * model, whose upsampler belongs to its encoder.
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
     * of this kind (zoo §6); DIIF's 1,683,011 is of the learnable kind (algorithm §5).
     */
    public static long moduleParameterCount(ModelConfig config) {
        long n = parameterCount(config);
        if (config.encoder() instanceof ModelConfig.EdsrBaseline) {
            Map<String, int[]> shifts = new LinkedHashMap<>();
            for (String name : MEAN_SHIFTS) {
                conv(shifts, name, 3, 3, 1);
            }
            n += count(shifts);
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

    private static void conv(Map<String, int[]> t, String prefix, int out, int in, int k) {
        t.put(prefix + ".weight", new int[] {out, in, k, k});
        t.put(prefix + ".bias", new int[] {out});
    }

    /** Linear layers at indices 0, 2, 4, … (ReLUs between, as nn.Sequential numbers them). */
    private static int mlp(Map<String, int[]> t, String prefix, int in, List<Integer> hidden, boolean rgbOutput) {
        int index = 0;
        for (int width : hidden) {
            linear(t, prefix + "." + index, width, in);
            in = width;
            index += 2;
        }
        if (rgbOutput) {
            linear(t, prefix + "." + index, 3, in);
            in = 3;
        }
        return in;
    }

    private static void linear(Map<String, int[]> t, String prefix, int out, int in) {
        t.put(prefix + ".weight", new int[] {out, in});
        t.put(prefix + ".bias", new int[] {out});
    }
}

package io.diif.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The state-dict names and shapes each architecture needs (PyTorch names of the reference code). */
final class TensorLayout {
    private TensorLayout() {
    }

    /** Tensors the reference state dict carries but the computation never reads (EDSR's mean shifts). */
    static boolean isIgnored(String name) {
        return name.startsWith("encoder.sub_mean.") || name.startsWith("encoder.add_mean.");
    }

    static Map<String, int[]> expected(ModelConfig config) {
        Map<String, int[]> t = new LinkedHashMap<>();
        int f = config.encoder().features();
        if (config.encoder() instanceof ModelConfig.EdsrBaseline e) {
            conv(t, "encoder.head.0", f, 3, 3);
            for (int b = 0; b < e.nResblocks(); b++) {
                conv(t, "encoder.body." + b + ".body.0", f, f, 3);
                conv(t, "encoder.body." + b + ".body.2", f, f, 3);
            }
            conv(t, "encoder.body." + e.nResblocks(), f, f, 3);
        }
        if (config.decoder() instanceof ModelConfig.Diif d) {
            int b = d.ensembleBlock();
            int in = b * b * f + 6;
            in = mlp(t, "imnet.layers", in, d.coarseHidden(), false);
            in = mlp(t, "imnet.tail", in + 2, d.fineHidden(), true);
        } else if (config.decoder() instanceof ModelConfig.Liif l) {
            mlp(t, "imnet.layers", 9 * f + 4, l.hidden(), true);
        }
        return t;
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

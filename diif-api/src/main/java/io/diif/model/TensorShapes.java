package io.diif.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Collects state-dict names and shapes in PyTorch's order, with the layer kinds the architectures use. */
final class TensorShapes {
    private final Map<String, int[]> shapes = new LinkedHashMap<>();

    Map<String, int[]> shapes() {
        return shapes;
    }

    void put(String name, int... shape) {
        shapes.put(name, shape);
    }

    /** A k×k convolution {@code in → out} with bias. */
    void conv(String prefix, int out, int in, int k) {
        shapes.put(prefix + ".weight", new int[] {out, in, k, k});
        shapes.put(prefix + ".bias", new int[] {out});
    }

    void linear(String prefix, int out, int in) {
        shapes.put(prefix + ".weight", new int[] {out, in});
        shapes.put(prefix + ".bias", new int[] {out});
    }

    /**
     * Linear layers at indices 0, 2, 4, … (ReLUs between, as nn.Sequential numbers them), then a layer to
     * RGB when {@code rgbOutput}.
     *
     * @return the width of the last layer
     */
    int mlp(String prefix, int in, List<Integer> hidden, boolean rgbOutput) {
        int index = 0;
        for (int width : hidden) {
            linear(prefix + "." + index, width, in);
            in = width;
            index += 2;
        }
        if (rgbOutput) {
            linear(prefix + "." + index, 3, in);
            in = 3;
        }
        return in;
    }
}

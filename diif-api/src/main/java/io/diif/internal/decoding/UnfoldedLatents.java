package io.diif.internal.decoding;

import io.diif.internal.encoding.FeatureMap;
import io.diif.spi.Executable;
import io.diif.spi.Rows;
import java.util.stream.IntStream;

/**
 * Runs a row graph on the 3×3-unfolded latents of a rectangle of the feature map (MetaSR's projection,
 * LM-LIIF's latent MLP): one input row per latent, its 3×3 neighbourhood channels-last ({@code (dy·3 + dx)·F
 * + f}, zero outside the map, the graph's weight columns permuted to match), then constant extra columns.
 */
final class UnfoldedLatents {
    /** Latents per parallel task when unfolding. */
    private static final int CHUNK = 256;

    private UnfoldedLatents() {
    }

    /**
     * The graph's output rows for latents [i0, i1] × [j0, j1], row-major over the rectangle, as one array of
     * {@code latents × outputs} values.
     *
     * @param tail values appended to every input row (the graph's last input columns)
     */
    static float[] run(Executable graph, FeatureMap feat, int i0, int i1, int j0, int j1, float[] tail) {
        int features = feat.channels();
        int rows = i1 - i0 + 1;
        int columns = j1 - j0 + 1;
        int windowWidth = columns + 2;
        float[] window = feat.windowChannelsLast(i0 - 1, i1 + 2, j0 - 1, j1 + 2);
        int run = 3 * features;
        int inputs = 9 * features + tail.length;
        int latents = rows * columns;
        try (Rows input = graph.allocate(latents, inputs)) {
            IntStream.range(0, (latents + CHUNK - 1) / CHUNK).parallel().forEach(chunk -> {
                float[] unfolded = new float[inputs];
                System.arraycopy(tail, 0, unfolded, 9 * features, tail.length);
                RowBlocks out = new RowBlocks(input, chunk * CHUNK);
                for (int k = chunk * CHUNK, end = Math.min(latents, k + CHUNK); k < end; k++) {
                    int r = k / columns;
                    int c = k % columns;
                    for (int dy = 0; dy < 3; dy++) {
                        System.arraycopy(window, ((r + dy) * windowWidth + c) * features, unfolded, dy * run, run);
                    }
                    out.add(unfolded);
                }
                out.flush();
            });
            try (Rows output = graph.run(input)) {
                return output.toArray();
            }
        }
    }
}

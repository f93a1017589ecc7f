package io.diif.decoder;

import io.diif.geometry.Window;
import io.diif.network.FeatureMap;

/**
 * Turns a feature map into colours on an output grid. Implementations hold compiled backend
 * executables and are thread-safe; {@link #close()} frees them.
 */
public interface Decoder extends AutoCloseable {

    /** Called as pixels are finished, so long renders can report progress. */
    @FunctionalInterface
    interface Progress {
        Progress NONE = pixels -> { };

        void advance(long pixels);
    }

    /**
     * Renders {@code window} of the {@code outHeight × outWidth} grid into {@code out}: three planes of
     * {@code window.height() × window.width()}, raw model output (normalised space, not clamped).
     */
    void render(FeatureMap feat, int outHeight, int outWidth, Window window, float[] out, Progress progress);

    /**
     * Raw RGB at continuous points of the {@code outHeight × outWidth} grid, in output-pixel units (pixel
     * (c, r) covers [c, c+1) × [r, r+1), centre (c + ½, r + ½)); returns 3 values per point, interleaved.
     */
    float[] sample(FeatureMap feat, int outHeight, int outWidth, double[] ys, double[] xs);

    /** Multiply-accumulates per output pixel for this grid, counted from the graphs that run. */
    double macsPerPixel(FeatureMap feat, int outHeight, int outWidth);

    @Override
    void close();
}

package io.diif.internal.decoding;

import io.diif.Window;
import io.diif.internal.encoding.FeatureMap;

/**
 * Turns an encoded image into colours on an output grid. Implementations hold compiled backend
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
     * Derives, once per encoded image, everything renders read: by default the feature map alone.
     *
     * @param feat the encoder's output
     * @param input the normalised input image [3, H, W] the features were encoded from
     */
    default Latents prepare(FeatureMap feat, FeatureMap input) {
        return new Latents(feat, null, null);
    }

    /** Float channels per input pixel that {@link #prepare} keeps: the features, and any maps and input it adds. */
    default int latentChannels(int features) {
        return features;
    }

    /**
     * Renders {@code window} of the {@code outHeight × outWidth} grid into {@code out}: three planes of
     * {@code window.height() × window.width()}, raw model output (normalised space, not clamped).
     */
    void render(Latents latents, int outHeight, int outWidth, Window window, float[] out, Progress progress);

    /**
     * Raw RGB at continuous points of the {@code outHeight × outWidth} grid, in output-pixel units (pixel
     * (c, r) covers [c, c+1) × [r, r+1), centre (c + ½, r + ½)); returns 3 values per point, interleaved.
     */
    float[] sample(Latents latents, int outHeight, int outWidth, double[] ys, double[] xs);

    /** Multiply-accumulates per output pixel for this grid, counted from the graphs that run. */
    double macsPerPixel(Latents latents, int outHeight, int outWidth);

    @Override
    void close();
}

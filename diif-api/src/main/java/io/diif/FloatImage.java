package io.diif;

import io.diif.internal.imaging.ImageCodec;
import java.awt.image.BufferedImage;

/**
 * A rendered image as the model produced it: three planes {@code [3, height, width]} in the model's
 * normalised space (rgb01 = value·std + mean, not clamped). Immutable: accessors copy.
 */
public final class FloatImage {
    private final float[] planes;
    private final float[] alpha;
    private final int width;
    private final int height;
    private final float mean;
    private final float std;

    FloatImage(float[] planes, float[] alpha, int width, int height, float mean, float std) {
        this.planes = planes;
        this.alpha = alpha;
        this.width = width;
        this.height = height;
        this.mean = mean;
        this.std = std;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** Raw value of channel {@code c} (0 = R, 1 = G, 2 = B) at column {@code x}, row {@code y}. */
    public float raw(int c, int x, int y) {
        if (c < 0 || c > 2 || x < 0 || x >= width || y < 0 || y >= height) {
            throw new IndexOutOfBoundsException("(" + c + ", " + x + ", " + y + ") outside 3x" + width + "x" + height);
        }
        return planes[(c * height + y) * width + x];
    }

    /** A copy of the raw planes, {@code [3, height, width]}. */
    public float[] toRawArray() {
        return planes.clone();
    }

    /** The planes as displayable colour: clamp(value·std + mean, 0, 1), {@code [3, height, width]}. */
    public float[] toRgb01Array() {
        float[] out = new float[planes.length];
        for (int i = 0; i < out.length; i++) {
            float v = planes[i] * std + mean;
            out[i] = v < 0f ? 0f : (v > 1f ? 1f : v);
        }
        return out;
    }

    /** True when the source image had alpha; it was resampled bicubically, not by the model. */
    public boolean hasAlpha() {
        return alpha != null;
    }

    /**
     * 8-bit interleaved pixels, row-major: R G B per pixel, or R G B A when {@link #hasAlpha()}; the
     * same rounding as {@link #toBufferedImage()}.
     */
    public byte[] toInterleaved8() {
        int channels = alpha != null ? 4 : 3;
        int n = width * height;
        byte[] out = new byte[n * channels];
        for (int i = 0; i < n; i++) {
            int o = i * channels;
            for (int c = 0; c < 3; c++) {
                out[o + c] = (byte) ImageCodec.to8(planes[c * n + i] * std + mean);
            }
            if (alpha != null) {
                out[o + 3] = (byte) ImageCodec.to8(alpha[i]);
            }
        }
        return out;
    }

    /** An 8-bit image (ARGB when the source had alpha, else RGB). */
    public BufferedImage toBufferedImage() {
        return ImageCodec.toImage(planes, alpha, width, height, mean, std);
    }
}

package io.diif;

import io.diif.internal.imaging.ImageCodec;
import java.awt.image.BufferedImage;

/**
 * A rendered image as the model produced it: three planes {@code [3, height, width]} in the model's
 * normalised space (rgb01 = value·std + mean, not clamped). Kept unrounded so that renders can be compared
 * exactly (against reference outputs, between backends) and converted to colour only where needed.
 * Immutable: accessors copy.
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

    /**
     * Columns of the image.
     *
     * @return the width in pixels
     */
    public int width() {
        return width;
    }

    /**
     * Rows of the image.
     *
     * @return the height in pixels
     */
    public int height() {
        return height;
    }

    /**
     * One raw value, for reading a few pixels without copying the planes.
     *
     * @param c channel: 0 = R, 1 = G, 2 = B
     * @param x column
     * @param y row
     * @return the model's output there, in its normalised space
     * @throws IndexOutOfBoundsException if {@code c}, {@code x} or {@code y} is outside the image, naming all three
     *     and the size
     */
    public float raw(int c, int x, int y) {
        if (c < 0 || c > 2 || x < 0 || x >= width || y < 0 || y >= height) {
            throw new IndexOutOfBoundsException("(" + c + ", " + x + ", " + y + ") outside 3x" + width + "x" + height);
        }
        return planes[(c * height + y) * width + x];
    }

    /**
     * The raw planes, for exact comparison or further processing in the model's space.
     *
     * @return a copy of the planes, {@code [3, height, width]}
     */
    public float[] toRawArray() {
        return planes.clone();
    }

    /**
     * The planes as displayable colour without 8-bit rounding, for pipelines that keep floats.
     *
     * @return clamp(value·std + mean, 0, 1) per value, {@code [3, height, width]}
     */
    public float[] toRgb01Array() {
        float[] out = new float[planes.length];
        for (int i = 0; i < out.length; i++) {
            float v = planes[i] * std + mean;
            out[i] = v < 0f ? 0f : (v > 1f ? 1f : v);
        }
        return out;
    }

    /**
     * Whether an alpha channel comes with the colour; the model renders colour only, so alpha is the
     * source's, resampled bicubically.
     *
     * @return true when the source image had alpha
     */
    public boolean hasAlpha() {
        return alpha != null;
    }

    /**
     * 8-bit pixels in the layout image writers and network protocols take, with the same rounding as
     * {@link #toBufferedImage()}.
     *
     * @return row-major bytes: R G B per pixel, or R G B A when {@link #hasAlpha()}
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

    /**
     * An 8-bit image for Java's imaging APIs.
     *
     * @return an ARGB image when the source had alpha, else RGB
     */
    public BufferedImage toBufferedImage() {
        return ImageCodec.toImage(planes, alpha, width, height, mean, std);
    }
}

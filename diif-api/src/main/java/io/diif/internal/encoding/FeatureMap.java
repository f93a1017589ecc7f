package io.diif.internal.encoding;

import io.diif.Window;
import java.util.Objects;

/**
 * A {@code channels × height × width} map, channel-major: an encoded image's latent codes, maps a
 * decoder derives from them, or the normalised input. Held on the Java heap so that decoders and every
 * backend share one layout; read-only after construction.
 *
 * <p>Only the {@code stored} part of the map is held ({@code data} is {@code [channels, stored.height,
 * stored.width]}): the whole map for an encoded image, or the region a window render needs
 * ({@code DiifModel.render(image)} with a window), so that memory follows the window. Decoders address it
 * in whole-map coordinates.
 */
public record FeatureMap(float[] data, int channels, int height, int width, Window stored) {
    public FeatureMap {
        Objects.requireNonNull(stored, "stored");
        stored.checkInside(width, height);
        if ((long) channels * stored.pixels() != data.length) {
            throw new IllegalArgumentException("feature map " + channels + "x" + stored.height() + "x" + stored.width()
                    + " needs " + (long) channels * stored.pixels() + " values, got " + data.length);
        }
    }

    /** A whole map. */
    public FeatureMap(float[] data, int channels, int height, int width) {
        this(data, channels, height, width, Window.of(width, height));
    }

    /** The same region of another map with {@code channels} channels, e.g. maps computed from this one. */
    public FeatureMap withData(float[] values, int channels) {
        return new FeatureMap(values, channels, height, width, stored);
    }

    /**
     * Value of channel c at latent (y, x); zero outside the map, as the reference's zero padding, and
     * outside the stored region (which decoders do not read).
     */
    public float at(int c, int y, int x) {
        int sy = y - stored.y();
        int sx = x - stored.x();
        if (sy < 0 || sy >= stored.height() || sx < 0 || sx >= stored.width()) {
            return 0f;
        }
        return data[(c * stored.height() + sy) * stored.width() + sx];
    }

    /**
     * Index in {@code data} of channel 0 at latent (y, x); channel c is {@code c · stored.pixels()} further.
     *
     * @throws IllegalStateException if (y, x) is not stored: a decoder read beyond what was encoded
     */
    public int offsetOf(int y, int x) {
        int sy = y - stored.y();
        int sx = x - stored.x();
        if (sy < 0 || sy >= stored.height() || sx < 0 || sx >= stored.width()) {
            throw new IllegalStateException("latent (" + y + ", " + x + ") is outside the encoded region " + stored);
        }
        return sy * stored.width() + sx;
    }

    /** {@link #window(int, int, int, int)} of a {@link Window}. */
    public float[] window(Window w) {
        return window(w.y(), w.y() + w.height(), w.x(), w.x() + w.width());
    }

    /**
     * Copies rows [y0, y1) × columns [x0, x1) into a new {@code [C, y1−y0, x1−x0]} array; positions outside
     * the map are zero, so a convolution without padding over the window equals one with zero padding.
     */
    public float[] window(int y0, int y1, int x0, int x1) {
        int h = y1 - y0;
        int w = x1 - x0;
        float[] out = new float[channels * h * w];
        int xa = Math.max(x0, stored.x());
        int xb = Math.min(x1, stored.x() + stored.width());
        if (xa >= xb) {
            return out;
        }
        for (int c = 0; c < channels; c++) {
            for (int y = Math.max(y0, stored.y()); y < Math.min(y1, stored.y() + stored.height()); y++) {
                System.arraycopy(data, (c * stored.height() + y - stored.y()) * stored.width() + xa - stored.x(), out,
                        (c * h + (y - y0)) * w + (xa - x0), xb - xa);
            }
        }
        return out;
    }

    /**
     * Rows [y0, y1) × columns [x0, x1) as a new channels-last {@code [y1−y0, x1−x0, C]} array, zero outside the
     * map like {@link #window(int, int, int, int)}: the channels of one position are contiguous, so a block
     * of positions in one row is one contiguous run.
     */
    public float[] windowChannelsLast(int y0, int y1, int x0, int x1) {
        int h = y1 - y0;
        int w = x1 - x0;
        float[] out = new float[channels * h * w];
        int xa = Math.max(x0, stored.x());
        int xb = Math.min(x1, stored.x() + stored.width());
        int plane = stored.height() * stored.width();
        for (int y = Math.max(y0, stored.y()); y < Math.min(y1, stored.y() + stored.height()); y++) {
            int source = (y - stored.y()) * stored.width() - stored.x();
            for (int x = xa; x < xb; x++) {
                int at = ((y - y0) * w + (x - x0)) * channels;
                for (int c = 0; c < channels; c++) {
                    out[at + c] = data[c * plane + source + x];
                }
            }
        }
        return out;
    }
}

package io.diif.network;

/**
 * A {@code channels × height × width} map, channel-major: an encoded image's latent codes, maps a
 * decoder derives from them, or the normalised input. Held on the Java heap so that decoders and every
 * backend share one layout; read-only after construction.
 */
public record FeatureMap(float[] data, int channels, int height, int width) {
    public FeatureMap {
        if ((long) channels * height * width != data.length) {
            throw new IllegalArgumentException("feature map " + channels + "x" + height + "x" + width + " needs "
                    + (long) channels * height * width + " values, got " + data.length);
        }
    }

    /** Value of channel c at latent (y, x); zero outside the map, as the reference's zero padding. */
    public float at(int c, int y, int x) {
        if (y < 0 || y >= height || x < 0 || x >= width) {
            return 0f;
        }
        return data[(c * height + y) * width + x];
    }

    /**
     * Copies rows [y0, y1) × columns [x0, x1) into a new {@code [C, y1−y0, x1−x0]} array; positions outside
     * the map are zero, so a convolution without padding over the window equals one with zero padding.
     */
    public float[] window(int y0, int y1, int x0, int x1) {
        int h = y1 - y0;
        int w = x1 - x0;
        float[] out = new float[channels * h * w];
        int xa = Math.max(x0, 0);
        int xb = Math.min(x1, width);
        if (xa >= xb) {
            return out;
        }
        for (int c = 0; c < channels; c++) {
            for (int y = Math.max(y0, 0); y < Math.min(y1, height); y++) {
                System.arraycopy(data, (c * height + y) * width + xa, out, (c * h + (y - y0)) * w + (xa - x0), xb - xa);
            }
        }
        return out;
    }
}

package io.diif.internal.imaging;

import io.diif.internal.encoding.FeatureMap;

/**
 * PyTorch's {@code grid_sample(mode="bilinear", padding_mode="border", align_corners=False)} of single
 * points, in float32 as its CPU kernel computes it (LTE's residual, zoo §3.4 and §8).
 */
public final class GridSample {
    private GridSample() {
    }

    /** Adds the bilinear sample of {@code image} at global coordinates (qy, qx) ∈ [−1, 1] to rgb[at], rgb[at + 1], …. */
    public static void addBilinearBorder(FeatureMap image, float qy, float qx, float[] rgb, int at) {
        float y = source(qy, image.height());
        float x = source(qx, image.width());
        int y0 = (int) Math.floor(y);
        int x0 = (int) Math.floor(x);
        float n = y - y0;
        float s = 1f - n;
        float w = x - x0;
        float e = 1f - w;
        for (int c = 0; c < image.channels(); c++) {
            // Neighbours past the last row or column carry weight 0; FeatureMap.at reads them as 0.
            float v = image.at(c, y0, x0) * (s * e) + image.at(c, y0, x0 + 1) * (s * w)
                    + image.at(c, y0 + 1, x0) * (n * e) + image.at(c, y0 + 1, x0 + 1) * (n * w);
            rgb[at + c] += v;
        }
    }

    /**
     * Source index of a coordinate: (q + 1)·(size/2) − 0.5 with one rounding (the kernel's fused
     * multiply-add), clamped to [0, size − 1] (border padding).
     */
    static float source(float q, int size) {
        float index = Math.fma(q + 1f, size / 2f, -0.5f);
        return Math.min(Math.max(index, 0f), size - 1f);
    }
}

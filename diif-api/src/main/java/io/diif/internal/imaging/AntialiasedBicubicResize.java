package io.diif.internal.imaging;

/**
 * PIL's {@code Image.resize(size, BICUBIC)}, which PyTorch's {@code interpolate(mode="bicubic",
 * antialias=True, align_corners=False)} reproduces: Keys cubic with a = −0.5, separable, width first,
 * half-pixel centres. Shrinking widens the kernel by the factor; taps that fall outside the image are
 * dropped and the rest renormalised (no edge replication, unlike {@link Resampler}). This is the
 * degradation super-resolution benchmarks use to make their low-resolution inputs.
 *
 * <p>Weights are double, sums float32 as in the reference kernels; results match both within about 1e-6.
 * Values are not clamped: a cubic overshoots at edges, and callers clamp or quantise as their protocol says.
 */
public final class AntialiasedBicubicResize {
    private AntialiasedBicubicResize() {
    }

    /**
     * Resizes {@code channels} planes of {@code width × height} ({@code [channels, height, width]}) to
     * {@code [channels, outHeight, outWidth]}.
     */
    public static float[] resize(float[] planes, int channels, int width, int height, int outWidth, int outHeight) {
        if (channels < 1 || width < 1 || height < 1 || outWidth < 1 || outHeight < 1) {
            throw new IllegalArgumentException("resize needs channels and sizes >= 1, was " + channels + " channels, "
                    + width + "x" + height + " -> " + outWidth + "x" + outHeight);
        }
        if ((long) channels * outWidth * outHeight > Integer.MAX_VALUE - 8
                || (long) channels * height * outWidth > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("resize to " + outWidth + "x" + outHeight + " of " + channels
                    + " channels does not fit in a Java array");
        }
        if (planes.length != (long) channels * width * height) {
            throw new IllegalArgumentException("planes hold " + planes.length + " values, " + channels + " channels of "
                    + width + "x" + height + " need " + (long) channels * width * height);
        }
        AntialiasedResize.Taps[] cols = axisTaps(width, outWidth);
        AntialiasedResize.Taps[] rows = axisTaps(height, outHeight);
        float[] widthPass = new float[height * outWidth];
        float[] out = new float[channels * outHeight * outWidth];
        for (int ch = 0; ch < channels; ch++) {
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < outWidth; x++) {
                    widthPass[y * outWidth + x] = cols[x].apply(planes, (ch * height + y) * width, 1);
                }
            }
            for (int y = 0; y < outHeight; y++) {
                for (int x = 0; x < outWidth; x++) {
                    out[(ch * outHeight + y) * outWidth + x] = rows[y].apply(widthPass, x, outWidth);
                }
            }
        }
        return out;
    }

    /** The taps of every output pixel of an axis resized from n to m pixels. */
    static AntialiasedResize.Taps[] axisTaps(int n, int m) {
        double scale = (double) n / m;
        double support = 2 * Math.max(scale, 1);
        double invScale = 1 / Math.max(scale, 1);
        AntialiasedResize.Taps[] taps = new AntialiasedResize.Taps[m];
        for (int i = 0; i < m; i++) {
            double centre = scale * (i + 0.5);
            // Truncation, not floor, as the reference: with the clamp at 0 the two agree.
            int lo = Math.max((int) (centre - support + 0.5), 0);
            int hi = Math.min((int) (centre + support + 0.5), n);
            double[] w = new double[hi - lo];
            double total = 0;
            for (int k = 0; k < w.length; k++) {
                w[k] = Resampler.cubic((lo + k - centre + 0.5) * invScale);
                total += w[k];
            }
            float[] weights = new float[w.length];
            for (int k = 0; k < w.length; k++) {
                weights[k] = (float) (total != 0 ? w[k] / total : w[k]);
            }
            taps[i] = new AntialiasedResize.Taps(lo, weights);
        }
        return taps;
    }
}

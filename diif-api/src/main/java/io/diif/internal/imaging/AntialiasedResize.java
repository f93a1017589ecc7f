package io.diif.internal.imaging;

import io.diif.Window;
import io.diif.internal.encoding.FeatureMap;

/**
 * PyTorch's antialiased bilinear resize ({@code interpolate(mode="bilinear", antialias=True,
 * align_corners=False)}; DLTE's residual, zoo §4.5): separable, width first. Shrinking uses a tent
 * stretched to the output spacing; enlarging is half-pixel bilinear with edge clamping. Scale, centres,
 * weights and sums are float32 in the kernel's order, which matches it to about 1e-7.
 */
public final class AntialiasedResize {
    private AntialiasedResize() {
    }

    /** The taps of one output position on one axis: weights of input pixels lo, lo + 1, …, normalised. */
    record Taps(int lo, float[] weights) {
        /** Σ weights[k]·values[offset + (lo + k)·stride], accumulated in order in float32. */
        float apply(float[] values, int offset, int stride) {
            float sum = values[offset + lo * stride] * weights[0];
            for (int k = 1; k < weights.length; k++) {
                sum += values[offset + (lo + k) * stride] * weights[k];
            }
            return sum;
        }
    }

    /**
     * Taps at output position p (in output pixels; pixel d's centre is d + 0.5) of an axis resized from n
     * to m pixels. When n = m they are the identity at pixel centres, as the reference, which skips such
     * an axis.
     */
    static Taps taps(int n, int m, double p) {
        float scale = (float) n / (float) m;
        float support = scale >= 1f ? scale : 1f;
        float invScale = scale >= 1f ? (float) (1.0 / scale) : 1f;
        float centre = (float) (scale * p);
        int lo = Math.max((int) ((double) (centre - support) + 0.5), 0);
        int hi = Math.min((int) ((double) (centre + support) + 0.5), n);
        // The kernel caps the taps at its buffer size, 2·ceil(support) + 1 (rounding can add one).
        int count = Math.min(Math.max(hi - lo, 0), (int) Math.ceil(support) * 2 + 1);
        float[] weights = new float[count];
        float total = 0f;
        for (int k = 0; k < count; k++) {
            weights[k] = tent((float) (((double) ((float) (lo + k) - centre) + 0.5) * invScale));
            total += weights[k];
        }
        if (total != 0f) {
            for (int k = 0; k < count; k++) {
                weights[k] /= total;
            }
        }
        return new Taps(lo, weights);
    }

    private static float tent(float x) {
        float a = Math.abs(x);
        return a < 1f ? 1f - a : 0f;
    }

    /** Adds the {@code outHeight × outWidth} resize of {@code image} to {@code window} of {@code out} (planes). */
    public static void addTo(FeatureMap image, int outHeight, int outWidth, Window window, float[] out) {
        int h = image.height();
        int w = image.width();
        int ww = window.width();
        Taps[] cols = new Taps[ww];
        for (int c = 0; c < ww; c++) {
            cols[c] = taps(w, outWidth, window.x() + c + 0.5);
        }
        Taps[] rows = new Taps[window.height()];
        int yEnd = 0;
        for (int r = 0; r < rows.length; r++) {
            rows[r] = taps(h, outHeight, window.y() + r + 0.5);
            yEnd = Math.max(yEnd, rows[r].lo() + rows[r].weights().length);
        }
        // The width pass only on the input rows the window's row taps read.
        int yStart = rows[0].lo();
        int plane = ww * window.height();
        float[] widthPass = new float[(yEnd - yStart) * ww];
        for (int ch = 0; ch < image.channels(); ch++) {
            int in = ch * h * w;
            for (int y = yStart; y < yEnd; y++) {
                for (int c = 0; c < ww; c++) {
                    widthPass[(y - yStart) * ww + c] = cols[c].apply(image.data(), in + y * w, 1);
                }
            }
            for (int r = 0; r < rows.length; r++) {
                for (int c = 0; c < ww; c++) {
                    out[ch * plane + r * ww + c] += rows[r].apply(widthPass, c - yStart * ww, ww);
                }
            }
        }
    }

    /** Adds the resize at points (ys[p], xs[p]) of the output grid, in output pixels, to rgb (3 per point). */
    public static void addAt(FeatureMap image, int outHeight, int outWidth, double[] ys, double[] xs, float[] rgb) {
        int h = image.height();
        int w = image.width();
        float[] column = new float[h];
        for (int p = 0; p < ys.length; p++) {
            Taps row = taps(h, outHeight, ys[p]);
            Taps col = taps(w, outWidth, xs[p]);
            for (int ch = 0; ch < image.channels(); ch++) {
                for (int k = 0; k < row.weights().length; k++) {
                    int y = row.lo() + k;
                    column[y] = col.apply(image.data(), (ch * h + y) * w, 1);
                }
                rgb[3 * p + ch] += row.apply(column, 0, 1);
            }
        }
    }
}

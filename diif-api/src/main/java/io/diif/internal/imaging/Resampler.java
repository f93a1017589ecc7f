package io.diif.internal.imaging;

/**
 * Separable bicubic resampling (Keys, a = −0.5), pixel-centre aligned; when shrinking, the kernel is
 * widened by the factor (antialiasing, as MATLAB {@code imresize} and PIL do). Borders replicate the edge.
 */
public final class Resampler {
    private static final double A = -0.5;

    private Resampler() {
    }

    /** Resamples one {@code h × w} plane to {@code oh × ow}. */
    public static float[] bicubic(float[] plane, int w, int h, int ow, int oh) {
        return bicubicRows(plane, w, h, ow, oh, 0, oh);
    }

    /** Rows [firstRow, firstRow + rows) of the {@code oh × ow} resampling, {@code rows × ow} values. */
    public static float[] bicubicRows(float[] plane, int w, int h, int ow, int oh, int firstRow, int rows) {
        float[] tmp = new float[h * ow];
        for (int y = 0; y < h; y++) {
            resample1d(plane, y * w, 1, w, tmp, y * ow, 1, ow, 0, ow);
        }
        float[] out = new float[rows * ow];
        for (int x = 0; x < ow; x++) {
            resample1d(tmp, x, ow, h, out, x - firstRow * ow, ow, oh, firstRow, firstRow + rows);
        }
        return out;
    }

    private static void resample1d(float[] in, int inOff, int inStride, int n, float[] out, int outOff, int outStride,
            int m, int from, int to) {
        double scale = (double) m / n;
        double support = scale < 1 ? 2.0 / scale : 2.0;
        double kernelScale = scale < 1 ? scale : 1.0;
        for (int j = from; j < to; j++) {
            double centre = (j + 0.5) / scale - 0.5;
            int first = (int) Math.floor(centre - support) + 1;
            int last = (int) Math.floor(centre + support);
            double sum = 0;
            double weights = 0;
            for (int k = first; k <= last; k++) {
                double wgt = cubic((centre - k) * kernelScale);
                if (wgt == 0) {
                    continue;
                }
                int kk = Math.min(n - 1, Math.max(0, k));
                sum += wgt * in[inOff + kk * inStride];
                weights += wgt;
            }
            out[outOff + j * outStride] = (float) (sum / weights);
        }
    }

    /** The Keys cubic kernel (a = -0.5) at distance {@code x}, in input pixels. */
    public static double cubic(double x) {
        double ax = Math.abs(x);
        if (ax <= 1) {
            return ((A + 2) * ax - (A + 3)) * ax * ax + 1;
        }
        if (ax < 2) {
            return ((A * ax - 5 * A) * ax + 8 * A) * ax - 4 * A;
        }
        return 0;
    }
}

package io.diif.examples.eval;

/**
 * The super-resolution benchmark metrics (EDSR/LIIF convention) on 8-bit images, with a border of
 * {@code shave} pixels left out on every side because methods differ most where they lack neighbours:
 * PSNR on RGB, PSNR on BT.601 luma and SSIM (Wang et al. 2004) on luma. PSNR of identical images is
 * +infinity.
 */
final class QualityMetrics {
    /** SSIM's Gaussian window: 11 × 11, σ = 1.5; regions smaller than this have no SSIM. */
    static final int SSIM_WINDOW = 11;
    private static final double SSIM_SIGMA = 1.5;
    private static final double PEAK = 255;
    private static final double C1 = Math.pow(0.01 * PEAK, 2);
    private static final double C2 = Math.pow(0.03 * PEAK, 2);

    private QualityMetrics() {
    }

    /** PSNR over the three channels, peak 255. */
    static double psnrRgb(Rgb8 a, Rgb8 b, int shave) {
        int w = shavedSide(a, b, shave, a.width());
        int h = shavedSide(a, b, shave, a.height());
        double sum = 0;
        for (int c = 0; c < 3; c++) {
            for (int y = shave; y < shave + h; y++) {
                for (int x = shave; x < shave + w; x++) {
                    double d = a.value(c, x, y) - b.value(c, x, y);
                    sum += d * d;
                }
            }
        }
        return psnr(sum / (3.0 * w * h));
    }

    /** PSNR of the luma {@link #luma}, peak 255. */
    static double psnrY(Rgb8 a, Rgb8 b, int shave) {
        double[] ya = luma(a, shave);
        double[] yb = luma(b, shave);
        double sum = 0;
        for (int i = 0; i < ya.length; i++) {
            double d = ya[i] - yb[i];
            sum += d * d;
        }
        return psnr(sum / ya.length);
    }

    /** Mean SSIM on luma over the window positions that fit inside the shaved region ('valid'). */
    static double ssimY(Rgb8 a, Rgb8 b, int shave) {
        int w = shavedSide(a, b, shave, a.width());
        int h = shavedSide(a, b, shave, a.height());
        if (w < SSIM_WINDOW || h < SSIM_WINDOW) {
            throw new IllegalArgumentException("SSIM needs at least " + SSIM_WINDOW + "x" + SSIM_WINDOW + " pixels after"
                    + " shaving " + shave + ", " + a.width() + "x" + a.height() + " leaves " + w + "x" + h);
        }
        double[] x = luma(a, shave);
        double[] y = luma(b, shave);
        double[] xx = new double[x.length];
        double[] yy = new double[x.length];
        double[] xy = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            xx[i] = x[i] * x[i];
            yy[i] = y[i] * y[i];
            xy[i] = x[i] * y[i];
        }
        double[] window = gaussianWindow();
        double[] muX = filterValid(x, w, h, window);
        double[] muY = filterValid(y, w, h, window);
        double[] exx = filterValid(xx, w, h, window);
        double[] eyy = filterValid(yy, w, h, window);
        double[] exy = filterValid(xy, w, h, window);
        double sum = 0;
        for (int i = 0; i < muX.length; i++) {
            double mx = muX[i];
            double my = muY[i];
            double varX = exx[i] - mx * mx;
            double varY = eyy[i] - my * my;
            double cov = exy[i] - mx * my;
            sum += (2 * mx * my + C1) * (2 * cov + C2) / ((mx * mx + my * my + C1) * (varX + varY + C2));
        }
        return sum / muX.length;
    }

    /**
     * BT.601 luma on the 0–255 scale, {@code 16 + 65.481 r + 128.553 g + 24.966 b} for r, g, b in [0, 1],
     * not rounded, of the region inside the shaved border, row by row.
     */
    static double[] luma(Rgb8 image, int shave) {
        int w = shavedSide(image, image, shave, image.width());
        int h = shavedSide(image, image, shave, image.height());
        double[] y = new double[w * h];
        for (int r = 0; r < h; r++) {
            for (int c = 0; c < w; c++) {
                y[r * w + c] = 16 + (65.481 * image.value(0, c + shave, r + shave)
                        + 128.553 * image.value(1, c + shave, r + shave)
                        + 24.966 * image.value(2, c + shave, r + shave)) / 255;
            }
        }
        return y;
    }

    private static double psnr(double mse) {
        return mse == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(PEAK * PEAK / mse);
    }

    /** The side's length inside the border, checking that a and b have the same size and something is left. */
    private static int shavedSide(Rgb8 a, Rgb8 b, int shave, int side) {
        if (a.width() != b.width() || a.height() != b.height()) {
            throw new IllegalArgumentException("images differ in size: " + a.width() + "x" + a.height() + " and "
                    + b.width() + "x" + b.height());
        }
        if (shave < 0 || side - 2L * shave < 1) {
            throw new IllegalArgumentException("shave " + shave + " must be >= 0 and leave pixels of " + a.width() + "x"
                    + a.height());
        }
        return side - 2 * shave;
    }

    /** The normalised 1-D Gaussian; its outer product is the normalised 2-D window. */
    private static double[] gaussianWindow() {
        double[] g = new double[SSIM_WINDOW];
        double total = 0;
        for (int i = 0; i < g.length; i++) {
            double d = i - SSIM_WINDOW / 2;
            g[i] = Math.exp(-d * d / (2 * SSIM_SIGMA * SSIM_SIGMA));
            total += g[i];
        }
        for (int i = 0; i < g.length; i++) {
            g[i] /= total;
        }
        return g;
    }

    /** Separable correlation with the window at every position where it fits: (w − 10) × (h − 10) values. */
    private static double[] filterValid(double[] v, int w, int h, double[] g) {
        int k = g.length;
        int ow = w - k + 1;
        int oh = h - k + 1;
        double[] rows = new double[h * ow];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < ow; x++) {
                double s = 0;
                for (int i = 0; i < k; i++) {
                    s += g[i] * v[y * w + x + i];
                }
                rows[y * ow + x] = s;
            }
        }
        double[] out = new double[oh * ow];
        for (int y = 0; y < oh; y++) {
            for (int x = 0; x < ow; x++) {
                double s = 0;
                for (int i = 0; i < k; i++) {
                    s += g[i] * rows[(y + i) * ow + x];
                }
                out[y * ow + x] = s;
            }
        }
        return out;
    }
}

package io.diif.examples.eval;

/** One method's quality on one image at one scale: RGB PSNR, luma PSNR (dB) and luma SSIM. */
record Scores(double psnrRgb, double psnrY, double ssimY) {
    /** Extra border of the DIV2K protocol (EDSR, LIIF, DIIF papers) for RGB PSNR, on top of the scale. */
    static final int DIV2K_EXTRA_SHAVE = 6;

    /**
     * The benchmark protocol: RGB PSNR with a border of scale + 6 pixels left out (DIV2K), luma PSNR and
     * SSIM with a border of scale pixels (the benchmark sets).
     */
    static Scores of(Rgb8 truth, Rgb8 output, int scale) {
        return new Scores(QualityMetrics.psnrRgb(truth, output, scale + DIV2K_EXTRA_SHAVE),
                QualityMetrics.psnrY(truth, output, scale), QualityMetrics.ssimY(truth, output, scale));
    }

    /**
     * Why a truth of {@code width × height} cannot be scored at {@code scale}, or null when it can. A side
     * that survives the RGB border (2·scale + 13 pixels) also leaves SSIM its 11 × 11 window.
     */
    static String whyTooSmall(int width, int height, int scale, int minInputSide) {
        if (width / scale < minInputSide || height / scale < minInputSide) {
            return "input " + width / scale + "x" + height / scale + " under " + minInputSide + " px a side";
        }
        int shave = scale + DIV2K_EXTRA_SHAVE;
        if (Math.min(width, height) <= 2 * shave) {
            return width + "x" + height + " leaves nothing after a border of " + shave + " px";
        }
        return null;
    }
}

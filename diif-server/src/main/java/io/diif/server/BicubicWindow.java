package io.diif.server;

/**
 * A window of an image's bicubic upscale (Keys, a = -0.5, pixel centres aligned, edges replicated), for
 * the viewer's comparison side: only the source rows and columns the window needs are read.
 */
final class BicubicWindow {
    private BicubicWindow() {
    }

    static Rgb render(Rgb source, int gridWidth, int gridHeight, Box window) {
        int w = source.width();
        int h = source.height();
        Taps cols = taps(w, gridWidth, window.x(), window.width());
        Taps rows = taps(h, gridHeight, window.y(), window.height());
        int r0 = rows.first;
        int nr = rows.last - r0 + 1;
        float[] across = new float[nr * window.width()];
        float[] out = new float[(int) (3 * window.pixels())];
        float[] src = source.planes();
        for (int c = 0; c < 3; c++) {
            int plane = c * w * h;
            for (int r = 0; r < nr; r++) {
                int rowBase = plane + (r0 + r) * w;
                for (int x = 0; x < window.width(); x++) {
                    double s = 0;
                    for (int k = 0; k < 4; k++) {
                        s += cols.weight[4 * x + k] * src[rowBase + cols.index[4 * x + k]];
                    }
                    across[r * window.width() + x] = (float) s;
                }
            }
            int outPlane = c * window.width() * window.height();
            for (int y = 0; y < window.height(); y++) {
                for (int x = 0; x < window.width(); x++) {
                    double s = 0;
                    for (int k = 0; k < 4; k++) {
                        s += rows.weight[4 * y + k] * across[(rows.index[4 * y + k] - r0) * window.width() + x];
                    }
                    out[outPlane + y * window.width() + x] = (float) Math.max(0, Math.min(1, s));
                }
            }
        }
        return new Rgb(out, window.width(), window.height());
    }

    /** Four source indices and weights per output position, and the range of sources they span. */
    private record Taps(int[] index, double[] weight, int first, int last) {
    }

    private static Taps taps(int size, int gridSize, int start, int count) {
        int[] index = new int[4 * count];
        double[] weight = new double[4 * count];
        int first = Integer.MAX_VALUE;
        int last = -1;
        double step = (double) size / gridSize;
        for (int i = 0; i < count; i++) {
            double u = (start + i + 0.5) * step - 0.5;
            int base = (int) Math.floor(u);
            double t = u - base;
            for (int k = 0; k < 4; k++) {
                int src = Math.max(0, Math.min(size - 1, base - 1 + k));
                index[4 * i + k] = src;
                weight[4 * i + k] = DiifAdapter.cubic(t + 1 - k);
                first = Math.min(first, src);
                last = Math.max(last, src);
            }
        }
        return new Taps(index, weight, first, last);
    }
}

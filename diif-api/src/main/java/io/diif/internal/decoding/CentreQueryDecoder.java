package io.diif.internal.decoding;

import io.diif.Window;

/**
 * A decoder that answers any batch of queries at global coordinates in [−1, 1] (LIIF, LTE, LM-LIIF): rendering
 * and sampling turn grid pixels into LIIF's make_coord centres and query them tile by tile.
 */
abstract class CentreQueryDecoder implements Decoder {
    /** Rows of activations per tile: a quarter as many queries, each of which runs four vertices. */
    final int tileRows;

    CentreQueryDecoder(int tileRows) {
        this.tileRows = tileRows;
    }

    /** Raw colours at global coordinates (ys[q], xs[q]) of the grid: 3 values per query, interleaved. */
    abstract float[] query(Latents latents, int outHeight, int outWidth, float[] ys, float[] xs);

    /** LIIF's make_coord: centre k of n cells, fl(−1 + 1/n) + fl(2/n)·k in float32. */
    static float centre(int n, double k) {
        float base = (float) (-1.0 + 1.0 / n);
        float step = (float) (2.0 / n);
        return base + step * (float) k;
    }

    @Override
    public void render(Latents latents, int outHeight, int outWidth, Window window, float[] out, Progress progress) {
        int plane = window.width() * window.height();
        int rowsPerTile = Math.max(1, (tileRows / 4) / window.width());
        for (int r0 = 0; r0 < window.height(); r0 += rowsPerTile) {
            int r1 = Math.min(window.height(), r0 + rowsPerTile);
            int n = (r1 - r0) * window.width();
            float[] ys = new float[n];
            float[] xs = new float[n];
            for (int r = r0; r < r1; r++) {
                float y = centre(outHeight, window.y() + r);
                for (int c = 0; c < window.width(); c++) {
                    ys[(r - r0) * window.width() + c] = y;
                    xs[(r - r0) * window.width() + c] = centre(outWidth, window.x() + c);
                }
            }
            float[] rgb = query(latents, outHeight, outWidth, ys, xs);
            int offset = r0 * window.width();
            for (int q = 0; q < n; q++) {
                out[offset + q] = rgb[3 * q];
                out[plane + offset + q] = rgb[3 * q + 1];
                out[2 * plane + offset + q] = rgb[3 * q + 2];
            }
            progress.advance(n);
        }
    }

    @Override
    public float[] sample(Latents latents, int outHeight, int outWidth, double[] ys, double[] xs) {
        int n = ys.length;
        float[] out = new float[3 * n];
        int chunk = Math.max(1, tileRows / 4);
        for (int at = 0; at < n; at += chunk) {
            int m = Math.min(chunk, n - at);
            float[] gy = new float[m];
            float[] gx = new float[m];
            for (int p = 0; p < m; p++) {
                // Pixel centres (k + ½) land exactly on make_coord's values, so sampling equals rendering.
                gy[p] = centre(outHeight, ys[at + p] - 0.5);
                gx[p] = centre(outWidth, xs[at + p] - 0.5);
            }
            System.arraycopy(query(latents, outHeight, outWidth, gy, gx), 0, out, 3 * at, 3 * m);
        }
        return out;
    }
}

package io.diif.decoder;

import io.diif.geometry.Window;
import io.diif.graph.Graph;
import io.diif.model.ModelFile;
import io.diif.network.FeatureMap;
import io.diif.network.Networks;
import io.diif.spi.Backend;
import io.diif.spi.Executable;
import java.util.stream.IntStream;

/**
 * LIIF's decoder as its official code computes it (algorithm §11): for each query, four nearest latents
 * (local ensemble), their 3×3-unfolded features, relative coordinate and cell, one MLP run each, and an
 * area-weighted blend. Coordinates follow LIIF's float32 arithmetic step by step, because at the image
 * border the clamp makes results sensitive to the last bit.
 */
public final class LiifDecoder implements Decoder {
    private static final int[] VX = {-1, -1, 1, 1};
    private static final int[] VY = {-1, 1, -1, 1};
    /** LIIF's shift that keeps a query off latent boundaries, and its clamp margin. */
    private static final double SHIFT_EPSILON = 1e-6;
    private static final float AREA_EPSILON = 1e-9f;

    private final int features;
    private final int inputWidth;
    private final int tileRows;
    private final Graph mlpGraph;
    private final Executable mlp;

    public LiifDecoder(ModelFile model, Backend backend, int tileRows) {
        this.features = model.config().encoder().features();
        this.mlpGraph = Networks.liifMlp(model);
        this.inputWidth = mlpGraph.input().channels();
        this.tileRows = tileRows;
        this.mlp = backend.compile(mlpGraph);
    }

    /** LIIF's make_coord: centre k of n cells, fl(−1 + 1/n) + fl(2/n)·k in float32. */
    static float centre(int n, double k) {
        float base = (float) (-1.0 + 1.0 / n);
        float step = (float) (2.0 / n);
        return base + step * (float) k;
    }

    @Override
    public void render(FeatureMap feat, int outHeight, int outWidth, Window window, float[] out, Progress progress) {
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
            float[] rgb = query(feat, outHeight, outWidth, ys, xs);
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
    public float[] sample(FeatureMap feat, int outHeight, int outWidth, double[] ys, double[] xs) {
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
            System.arraycopy(query(feat, outHeight, outWidth, gy, gx), 0, out, 3 * at, 3 * m);
        }
        return out;
    }

    /** LIIF's query_rgb for global coordinates in [−1, 1]. */
    private float[] query(FeatureMap feat, int outHeight, int outWidth, float[] ys, float[] xs) {
        int n = ys.length;
        int h = feat.height();
        int w = feat.width();
        float cellH = (float) (2.0 / outHeight) * h;
        float cellW = (float) (2.0 / outWidth) * w;
        float low = (float) (-1 + SHIFT_EPSILON);
        float high = (float) (1 - SHIFT_EPSILON);
        float[] input = new float[4 * n * inputWidth];
        float[] area = new float[4 * n];
        IntStream.range(0, n).parallel().forEach(q -> {
            for (int v = 0; v < 4; v++) {
                float shiftY = (float) (VX[v] * (1.0 / h) + SHIFT_EPSILON);
                float shiftX = (float) (VY[v] * (1.0 / w) + SHIFT_EPSILON);
                float sy = Math.min(Math.max(ys[q] + shiftY, low), high);
                float sx = Math.min(Math.max(xs[q] + shiftX, low), high);
                int li = nearest(sy, h);
                int lj = nearest(sx, w);
                float relH = (ys[q] - centre(h, li)) * h;
                float relW = (xs[q] - centre(w, lj)) * w;
                int row = (4 * q + v) * inputWidth;
                for (int c = 0; c < features; c++) {
                    for (int dy = 0; dy < 3; dy++) {
                        for (int dx = 0; dx < 3; dx++) {
                            input[row + c * 9 + dy * 3 + dx] = feat.at(c, li + dy - 1, lj + dx - 1);
                        }
                    }
                }
                int tail = row + 9 * features;
                input[tail] = relH;
                input[tail + 1] = relW;
                input[tail + 2] = cellH;
                input[tail + 3] = cellW;
                area[4 * q + v] = Math.abs(relH * relW) + AREA_EPSILON;
            }
        });
        float[] pred = mlp.run(input, 4 * n, inputWidth);
        float[] rgb = new float[3 * n];
        for (int q = 0; q < n; q++) {
            float total = area[4 * q] + area[4 * q + 1] + area[4 * q + 2] + area[4 * q + 3];
            for (int v = 0; v < 4; v++) {
                // Each prediction is weighted by the area of the diagonally opposite vertex.
                float weight = area[4 * q + 3 - v] / total;
                for (int ch = 0; ch < 3; ch++) {
                    rgb[3 * q + ch] += pred[(4 * q + v) * 3 + ch] * weight;
                }
            }
        }
        return rgb;
    }

    /** grid_sample(mode=nearest, align_corners=False) index of a coordinate, in float32 as PyTorch. */
    private static int nearest(float coord, int size) {
        float index = ((coord + 1f) * size - 1f) / 2f;
        int k = (int) Math.rint(index);
        return Math.max(0, Math.min(size - 1, k));
    }

    @Override
    public double macsPerPixel(FeatureMap feat, int outHeight, int outWidth) {
        return 4.0 * mlpGraph.macs(1, inputWidth);
    }

    @Override
    public void close() {
        mlp.close();
    }
}

package io.diif.decoder;

import io.diif.geometry.Window;
import io.diif.graph.Graph;
import io.diif.model.ModelFile;
import io.diif.network.Networks;
import io.diif.spi.Backend;
import io.diif.spi.Executable;
import io.diif.spi.Rows;
import java.util.stream.IntStream;

/**
 * LIIF's local ensemble (algorithm §11), shared by LIIF and LTE: for each query, the four nearest latents
 * (the query shifted towards each vertex), one MLP run each on what the subclass makes of that latent
 * ({@link #mlpInput}), and an area-weighted blend. Coordinates follow LIIF's float32 arithmetic step by
 * step, because at the image border the clamp makes results sensitive to the last bit.
 */
abstract class LocalEnsembleDecoder implements Decoder {
    /** Vertex offsets, row then column, in the reference's order: (−1,−1), (−1,+1), (+1,−1), (+1,+1). */
    private static final int[] VY = {-1, -1, 1, 1};
    private static final int[] VX = {-1, 1, -1, 1};
    /** LIIF's eps_shift, which keeps a shifted query off latent boundaries, and its clamp margin. */
    private static final double SHIFT_EPSILON = 1e-6;
    /** Added to each area so that a weight is never 0/0 (reference: 1e-9). */
    private static final float AREA_EPSILON = 1e-9f;
    /** Queries per parallel task when filling the MLP input. */
    private static final int QUERY_CHUNK = 256;

    final CompiledGraphs compiled;
    private final int tileRows;
    private final Graph mlpGraph;
    private final Executable mlp;
    private final int inputWidth;
    /** The values {@link #mlpInput} writes per row: the MLP's input without its bias column, if any. */
    private final int mlpValues;

    LocalEnsembleDecoder(ModelFile model, Backend backend, int tileRows) {
        this.tileRows = tileRows;
        this.mlpGraph = Networks.mlp(model, backend.biasAsInputColumn());
        this.mlpValues = model.parameter("imnet.layers.0.weight").dim(1);
        this.inputWidth = mlpGraph.input().channels();
        this.compiled = new CompiledGraphs(backend);
        this.mlp = compiled.compile(mlpGraph);
    }

    /** rel_cell: the output pixel pitch (cell_h·H, cell_w·W) in latent half-pixels, as the MLP sees it. */
    abstract float[] relCell(int height, int width, int outHeight, int outWidth);

    /**
     * Writes the MLP input of one query and vertex into {@code input}: latent (i, j) was picked,
     * rel = (query − its centre) in latent half-pixels.
     */
    abstract void mlpInput(Latents latents, int i, int j, float relY, float relX, float[] relCell, float[] input);

    /** Adds what the decoder adds to the blend at the queries' global coordinates; by default nothing. */
    void addResidual(Latents latents, float[] ys, float[] xs, float[] rgb) {
    }

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

    /** LIIF's query_rgb for global coordinates in [−1, 1]. */
    private float[] query(Latents latents, int outHeight, int outWidth, float[] ys, float[] xs) {
        int n = ys.length;
        float[] relCell = relCell(latents.height(), latents.width(), outHeight, outWidth);
        float[] area = new float[4 * n];
        float[] pred;
        // The MLP input is written straight into the engine's memory where it has its own (see Rows).
        try (Rows input = mlp.allocate(4 * n, inputWidth)) {
            fillInput(latents, ys, xs, relCell, input, area);
            try (Rows out = mlp.run(input)) {
                pred = out.toArray();
            }
        }
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
        addResidual(latents, ys, xs, rgb);
        return rgb;
    }

    /** The MLP input rows of every query and vertex, and the areas that weight them. */
    private void fillInput(Latents latents, float[] ys, float[] xs, float[] relCell, Rows input, float[] area) {
        int h = latents.height();
        int w = latents.width();
        float low = (float) (-1 + SHIFT_EPSILON);
        float high = (float) (1 - SHIFT_EPSILON);
        int chunks = (ys.length + QUERY_CHUNK - 1) / QUERY_CHUNK;
        // The vertex shifts are the same for every query.
        float[] shiftY = new float[4];
        float[] shiftX = new float[4];
        for (int v = 0; v < 4; v++) {
            shiftY[v] = (float) (VY[v] * (1.0 / h) + SHIFT_EPSILON);
            shiftX[v] = (float) (VX[v] * (1.0 / w) + SHIFT_EPSILON);
        }
        IntStream.range(0, chunks).parallel().forEach(chunk -> {
            float[] row = RowBlocks.rowWithBiasColumn(input, mlpValues);
            RowBlocks out = new RowBlocks(input, 4 * chunk * QUERY_CHUNK);
            for (int q = chunk * QUERY_CHUNK, end = Math.min(ys.length, q + QUERY_CHUNK); q < end; q++) {
                for (int v = 0; v < 4; v++) {
                    int i = nearest(Math.min(Math.max(ys[q] + shiftY[v], low), high), h);
                    int j = nearest(Math.min(Math.max(xs[q] + shiftX[v], low), high), w);
                    float relY = (ys[q] - centre(h, i)) * h;
                    float relX = (xs[q] - centre(w, j)) * w;
                    mlpInput(latents, i, j, relY, relX, relCell, row);
                    out.add(row);
                    area[4 * q + v] = Math.abs(relY * relX) + AREA_EPSILON;
                }
            }
            out.flush();
        });
    }

    /** grid_sample(mode=nearest, align_corners=False) index of a coordinate, in float32 as PyTorch. */
    private static int nearest(float coord, int size) {
        float index = ((coord + 1f) * size - 1f) / 2f;
        int k = (int) Math.rint(index);
        return Math.max(0, Math.min(size - 1, k));
    }

    /** Multiply-accumulates per output pixel of the four MLP runs; subclasses add their own work. */
    @Override
    public double macsPerPixel(Latents latents, int outHeight, int outWidth) {
        return 4.0 * mlpGraph.macs(1, inputWidth);
    }

    @Override
    public void close() {
        compiled.close();
    }
}

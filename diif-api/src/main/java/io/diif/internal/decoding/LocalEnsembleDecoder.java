package io.diif.internal.decoding;

import io.diif.graph.Graph;
import io.diif.internal.networks.Networks;
import io.diif.model.ModelFile;
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
abstract class LocalEnsembleDecoder extends CentreQueryDecoder {
    /** Vertex offsets, row then column, in the reference's order: (−1,−1), (−1,+1), (+1,−1), (+1,+1). */
    static final int[] VY = {-1, -1, 1, 1};
    static final int[] VX = {-1, 1, -1, 1};
    /** LIIF's eps_shift, which keeps a shifted query off latent boundaries, and its clamp margin. */
    private static final double SHIFT_EPSILON = 1e-6;
    /** Added to each area so that a weight is never 0/0 (reference: 1e-9). */
    static final float AREA_EPSILON = 1e-9f;
    /** Queries per parallel task when blending. */
    private static final int BLEND_CHUNK = 4096;
    /** Queries per parallel task when filling the MLP input. */
    private static final int QUERY_CHUNK = 256;

    final CompiledGraphs compiled;
    private final Graph mlpGraph;
    private final Executable mlp;
    private final int inputWidth;
    /** The values {@link #mlpInput} writes per row: the MLP's input without its bias column, if any. */
    private final int mlpValues;

    LocalEnsembleDecoder(ModelFile model, Backend backend, int tileRows) {
        super(tileRows);
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

    /** LIIF's query_rgb for global coordinates in [−1, 1]. */
    @Override
    float[] query(Latents latents, int outHeight, int outWidth, float[] ys, float[] xs) {
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
        float[] rgb = blend(pred, area, n);
        addResidual(latents, ys, xs, rgb);
        return rgb;
    }

    /**
     * LIIF's area-weighted blend of the four vertex predictions of n queries ({@code pred}: 3 values per query
     * and vertex, query-major): each is weighted by the area of the diagonally opposite vertex.
     */
    static float[] blend(float[] pred, float[] area, int n) {
        float[] rgb = new float[3 * n];
        IntStream.range(0, (n + BLEND_CHUNK - 1) / BLEND_CHUNK).parallel().forEach(chunk -> {
            for (int q = chunk * BLEND_CHUNK, end = Math.min(n, q + BLEND_CHUNK); q < end; q++) {
                float total = area[4 * q] + area[4 * q + 1] + area[4 * q + 2] + area[4 * q + 3];
                for (int v = 0; v < 4; v++) {
                    float weight = area[4 * q + 3 - v] / total;
                    for (int ch = 0; ch < 3; ch++) {
                        rgb[3 * q + ch] += pred[(4 * q + v) * 3 + ch] * weight;
                    }
                }
            }
        });
        return rgb;
    }

    /** The shift towards vertex offset {@code d} (±1) on an axis of n latents: one float32 constant, fl(d/n + eps). */
    static float vertexShift(int d, int n) {
        return (float) (d * (1.0 / n) + SHIFT_EPSILON);
    }

    /** The latent a query at {@code q} (global coordinate) picks when shifted by {@code shift}, clamp included. */
    static int neighbour(float q, float shift, int n) {
        float low = (float) (-1 + SHIFT_EPSILON);
        float high = (float) (1 - SHIFT_EPSILON);
        return nearest(Math.min(Math.max(q + shift, low), high), n);
    }

    /**
     * cell = 2/out in float32, clipped for scales beyond max_scale (the official tests' "cell clip": times
     * max(out/(in·max_scale), 1)), then times the latent grid size {@code in}.
     */
    static float clippedRelCell(int in, int out, double maxScale) {
        float cell = (float) (2.0 / out);
        if (!Double.isNaN(maxScale)) {
            cell *= (float) Math.max(out / (in * maxScale), 1.0);
        }
        return cell * in;
    }

    /** The MLP input rows of every query and vertex, and the areas that weight them. */
    private void fillInput(Latents latents, float[] ys, float[] xs, float[] relCell, Rows input, float[] area) {
        int h = latents.height();
        int w = latents.width();
        int chunks = (ys.length + QUERY_CHUNK - 1) / QUERY_CHUNK;
        // The vertex shifts are the same for every query.
        float[] shiftY = new float[4];
        float[] shiftX = new float[4];
        for (int v = 0; v < 4; v++) {
            shiftY[v] = vertexShift(VY[v], h);
            shiftX[v] = vertexShift(VX[v], w);
        }
        IntStream.range(0, chunks).parallel().forEach(chunk -> {
            float[] row = RowBlocks.rowWithBiasColumn(input, mlpValues);
            RowBlocks out = new RowBlocks(input, 4 * chunk * QUERY_CHUNK);
            for (int q = chunk * QUERY_CHUNK, end = Math.min(ys.length, q + QUERY_CHUNK); q < end; q++) {
                for (int v = 0; v < 4; v++) {
                    int i = neighbour(ys[q], shiftY[v], h);
                    int j = neighbour(xs[q], shiftX[v], w);
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

package io.diif.internal.decoding;

import io.diif.graph.Graph;
import io.diif.internal.networks.Networks;
import io.diif.model.ModelConfig;
import io.diif.model.ModelFile;
import io.diif.spi.Backend;
import io.diif.spi.Executable;
import java.util.stream.IntStream;

/**
 * LM-LIIF as LMF's code computes it (baselines §5): the latent MLP runs once per latent on the backend
 * ({@link Networks#lmLiifLatentMlp}) and yields, per latent, a compressed code z and a scale and shift for
 * every layer of a narrow render MLP; each query then runs that render MLP four times (LIIF's local ensemble),
 * modulated by the neighbour latent it reads.
 *
 * <p>The render MLP is hd wide (16 published), and its modulation makes its weights effectively per latent,
 * so it is no GEMM an engine runs well; it runs here, latent by latent, over all the (query, vertex) pairs
 * that read that latent, with the pairs in the inner loop so that the JIT vectorises it.
 *
 * <p>Downscaling (fewer output pixels than latents) follows the documented extension of the reference,
 * which crashes there: every latent gets the request's cell (§5.5).
 */
public final class LmLiifDecoder extends CentreQueryDecoder {
    /** Latents per parallel task of the render MLP. */
    private static final int LATENT_CHUNK = 16;
    /** Queries per parallel task when choosing neighbours. */
    private static final int QUERY_CHUNK = 1024;

    private final double maxScale;
    private final int hd;
    private final int depth;
    private final int modulations;
    private final CompiledGraphs compiled;
    private final Graph latentGraph;
    private final Executable latentMlp;
    /** imnet.layers.{2l}: weights [l][o][m] (layer 0 only its hd code columns) and biases [l][o]. */
    private final float[][][] weights;
    private final float[][] biases;
    /** Layer 0's columns of rel_y, rel_x, rc_h, rc_w. */
    private final float[][] coordinateColumns;
    /** The output layer: [3][hd] and [3]. */
    private final float[][] outWeight;
    private final float[] outBias;

    public LmLiifDecoder(ModelFile model, Backend backend, int tileRows) {
        super(tileRows);
        ModelConfig.LmLiif config = (ModelConfig.LmLiif) model.config().decoder();
        this.maxScale = config.maxScale();
        this.hd = config.hiddenDim();
        this.depth = config.hiddenDepth();
        this.modulations = config.modulations();
        this.weights = new float[depth][hd][hd];
        this.biases = new float[depth][];
        this.coordinateColumns = new float[4][hd];
        for (int l = 0; l < depth; l++) {
            float[] w = model.parameter("imnet.layers." + 2 * l + ".weight").values();
            int in = l == 0 ? hd + 4 : hd;
            for (int o = 0; o < hd; o++) {
                System.arraycopy(w, o * in, weights[l][o], 0, hd);
                if (l == 0) {
                    for (int c = 0; c < 4; c++) {
                        coordinateColumns[c][o] = w[o * in + hd + c];
                    }
                }
            }
            biases[l] = model.parameter("imnet.layers." + 2 * l + ".bias").values();
        }
        float[] w = model.parameter("imnet.layers." + 2 * depth + ".weight").values();
        this.outWeight = new float[3][hd];
        for (int ch = 0; ch < 3; ch++) {
            System.arraycopy(w, ch * hd, outWeight[ch], 0, hd);
        }
        this.outBias = model.parameter("imnet.layers." + 2 * depth + ".bias").values();
        this.compiled = new CompiledGraphs(backend);
        this.latentGraph = Networks.lmLiifLatentMlp(model);
        this.latentMlp = compiled.compile(latentGraph);
    }

    /** LMF's query_rgb_fast for global coordinates in [−1, 1]. */
    @Override
    float[] query(Latents latents, int outHeight, int outWidth, float[] ys, float[] xs) {
        int n = ys.length;
        int h = latents.height();
        int w = latents.width();
        float[] relCell = {LocalEnsembleDecoder.clippedRelCell(h, outHeight, maxScale),
            LocalEnsembleDecoder.clippedRelCell(w, outWidth, maxScale)};
        // The (query, vertex) pairs, query-major as the blend reads them: latent, rel, area.
        int pairs = 4 * n;
        int[] pairI = new int[pairs];
        int[] pairJ = new int[pairs];
        float[] relY = new float[pairs];
        float[] relX = new float[pairs];
        float[] area = new float[pairs];
        float[] shiftY = new float[4];
        float[] shiftX = new float[4];
        for (int v = 0; v < 4; v++) {
            shiftY[v] = LocalEnsembleDecoder.vertexShift(LocalEnsembleDecoder.VY[v], h);
            shiftX[v] = LocalEnsembleDecoder.vertexShift(LocalEnsembleDecoder.VX[v], w);
        }
        IntStream.range(0, (n + QUERY_CHUNK - 1) / QUERY_CHUNK).parallel().forEach(chunk -> {
            for (int q = chunk * QUERY_CHUNK, last = Math.min(n, q + QUERY_CHUNK); q < last; q++) {
                for (int v = 0; v < 4; v++) {
                    int k = 4 * q + v;
                    int i = LocalEnsembleDecoder.neighbour(ys[q], shiftY[v], h);
                    int j = LocalEnsembleDecoder.neighbour(xs[q], shiftX[v], w);
                    // rel is measured from the unshifted query, in latent half-pixels.
                    relY[k] = (ys[q] - centre(h, i)) * h;
                    relX[k] = (xs[q] - centre(w, j)) * w;
                    area[k] = Math.abs(relY[k] * relX[k]) + LocalEnsembleDecoder.AREA_EPSILON;
                    pairI[k] = i;
                    pairJ[k] = j;
                }
            }
        });
        if (n == 0) {
            return new float[0];
        }
        int i0 = IntStream.of(pairI).min().getAsInt();
        int i1 = IntStream.of(pairI).max().getAsInt();
        int j0 = IntStream.of(pairJ).min().getAsInt();
        int j1 = IntStream.of(pairJ).max().getAsInt();
        float[] mod = UnfoldedLatents.run(latentMlp, latents.feat(), i0, i1, j0, j1, relCell);
        // Pairs grouped by latent (a counting sort), so that each latent's render MLP runs on all its pairs.
        int columns = j1 - j0 + 1;
        int count = (i1 - i0 + 1) * columns;
        int[] start = new int[count + 1];
        int[] latentOf = new int[pairs];
        for (int k = 0; k < pairs; k++) {
            latentOf[k] = (pairI[k] - i0) * columns + pairJ[k] - j0;
            start[latentOf[k] + 1]++;
        }
        for (int l = 0; l < count; l++) {
            start[l + 1] += start[l];
        }
        int[] order = new int[pairs];
        int[] fill = start.clone();
        for (int k = 0; k < pairs; k++) {
            order[fill[latentOf[k]]++] = k;
        }
        float[] pred = new float[3 * pairs];
        IntStream.range(0, (count + LATENT_CHUNK - 1) / LATENT_CHUNK).parallel().forEach(chunk -> {
            RenderMlp mlp = new RenderMlp();
            for (int l = chunk * LATENT_CHUNK, end = Math.min(count, l + LATENT_CHUNK); l < end; l++) {
                if (start[l + 1] > start[l]) {
                    mlp.run(mod, l * modulations, relCell, order, start[l], start[l + 1], relY, relX, pred);
                }
            }
        });
        return LocalEnsembleDecoder.blend(pred, area, n);
    }

    /** The modulated render MLP of one latent over its pairs, pairs in the inner loops; scratch grows as needed. */
    private final class RenderMlp {
        private float[][] a = new float[hd][0];
        private float[][] b = new float[hd][0];
        private float[] ry = new float[0];
        private float[] rx = new float[0];
        private final float[] base = new float[hd];

        /**
         * Runs pairs {@code order[from … to)}: layer l is h = ReLU((W_l h + b_l)·(scale_l + 1) + shift_l) with the
         * latent's modulations at {@code mod[at …]}; the outputs go to {@code pred} (3 per pair).
         */
        void run(float[] mod, int at, float[] relCell, int[] order, int from, int to, float[] relY, float[] relX,
                float[] pred) {
            int k = to - from;
            if (ry.length < k) {
                int capacity = Math.max(k, 2 * ry.length);
                ry = new float[capacity];
                rx = new float[capacity];
                a = new float[hd][capacity];
                b = new float[hd][capacity];
            }
            for (int p = 0; p < k; p++) {
                ry[p] = relY[order[from + p]];
                rx[p] = relX[order[from + p]];
            }
            int code = at + 2 * hd * depth;
            // Layer 0: the latent's code and the cell are the same for all its pairs; rel varies per pair.
            for (int o = 0; o < hd; o++) {
                float s = 0;
                for (int m = 0; m < hd; m++) {
                    s += weights[0][o][m] * mod[code + m];
                }
                base[o] = s + coordinateColumns[2][o] * relCell[0] + coordinateColumns[3][o] * relCell[1]
                        + biases[0][o];
            }
            for (int o = 0; o < hd; o++) {
                float[] out = a[o];
                float cy = coordinateColumns[0][o];
                float cx = coordinateColumns[1][o];
                float bo = base[o];
                float scale = mod[at + o] + 1f;
                float shift = mod[at + hd * depth + o];
                for (int p = 0; p < k; p++) {
                    out[p] = Math.max((bo + cy * ry[p] + cx * rx[p]) * scale + shift, 0f);
                }
            }
            float[][] in = a;
            float[][] next = b;
            for (int l = 1; l < depth; l++) {
                for (int o = 0; o < hd; o++) {
                    float[] out = next[o];
                    float[] wo = weights[l][o];
                    java.util.Arrays.fill(out, 0, k, 0f);
                    for (int m = 0; m < hd; m++) {
                        float wm = wo[m];
                        float[] x = in[m];
                        for (int p = 0; p < k; p++) {
                            out[p] += wm * x[p];
                        }
                    }
                    float bias = biases[l][o];
                    float scale = mod[at + l * hd + o] + 1f;
                    float shift = mod[at + hd * depth + l * hd + o];
                    for (int p = 0; p < k; p++) {
                        out[p] = Math.max((out[p] + bias) * scale + shift, 0f);
                    }
                }
                float[][] t = in;
                in = next;
                next = t;
            }
            float[] out = next[0];
            for (int ch = 0; ch < 3; ch++) {
                java.util.Arrays.fill(out, 0, k, 0f);
                for (int m = 0; m < hd; m++) {
                    float wm = outWeight[ch][m];
                    float[] x = in[m];
                    for (int p = 0; p < k; p++) {
                        out[p] += wm * x[p];
                    }
                }
                for (int p = 0; p < k; p++) {
                    pred[3 * order[from + p] + ch] = out[p] + outBias[ch];
                }
            }
        }
    }

    /**
     * What runs per output pixel: the latent MLP over the latents a render reads, spread over its pixels, and
     * four render-MLP runs with their modulations.
     */
    @Override
    public double macsPerPixel(Latents latents, int outHeight, int outWidth) {
        double pixels = (double) outHeight * outWidth;
        double latentsRead = (double) latents.height() * latents.width();
        long perPair = 2L * hd + (long) (depth - 1) * hd * hd + 3L * hd + (long) depth * hd;
        return latentsRead * latentGraph.macs(1, latentGraph.input().channels()) / pixels + 4.0 * perPair;
    }

    @Override
    public void close() {
        compiled.close();
    }
}

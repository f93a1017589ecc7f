package io.diif.internal.decoding;

import io.diif.Window;
import io.diif.graph.Graph;
import io.diif.internal.networks.Networks;
import io.diif.model.ModelConfig;
import io.diif.model.ModelFile;
import io.diif.spi.Backend;
import io.diif.spi.Executable;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * MetaSR's meta-upscale as LIIF's code computes it (baselines §1): output pixel (r, c) reads latent
 * (⌊r·H/oh⌋, ⌊c·W/ow⌋), and the MLP of [u, v, ρ] (its top-left corner's offset in that latent, in LR pixels,
 * and the height ratio) predicts the 9F × 3 filter applied to the latent's 3×3 unfold.
 *
 * <p>Predicting 27F weights per pixel and applying them is 442k multiply-accumulates per pixel at the paper's
 * size, and no GEMM. Two exact rearrangements remove nearly all of it: the weights depend on the pixel only
 * through (u, v), which take far fewer distinct values than there are pixels, so the hidden layers run
 * once per distinct pair ({@link Networks#metaSrWeightHidden}); and the last Linear is re-associated with the
 * product, so its 27F-wide weight meets the unfold once per latent ({@link Networks#metaSrFeatureProjection}),
 * leaving three dot products of length h per pixel.
 */
public final class MetaSrDecoder implements Decoder {
    /** Output rows per parallel task in the per-pixel products. */
    private static final int ROW_CHUNK = 4;

    private final int tileRows;
    private final int hidden;
    private final int projected;
    private final CompiledGraphs compiled;
    private final Graph hiddenGraph;
    private final Executable weightHidden;
    private final Graph projectionGraph;
    private final Executable projection;

    public MetaSrDecoder(ModelFile model, Backend backend, int tileRows) {
        this.tileRows = tileRows;
        this.hidden = ((ModelConfig.MetaSr) model.config().decoder()).lastHidden();
        this.projected = 3 * hidden + 3;
        this.compiled = new CompiledGraphs(backend);
        this.hiddenGraph = Networks.metaSrWeightHidden(model);
        this.weightHidden = compiled.compile(hiddenGraph);
        this.projectionGraph = Networks.metaSrFeatureProjection(model);
        this.projection = compiled.compile(projectionGraph);
    }

    /**
     * One axis of the output grid at positions {@code t} (output-pixel units of the top-left corner: row r is
     * t = r): the latent each reads and the offset inside it, in the reference's float32 steps.
     */
    private record Axis(int[] latent, float[] offset) {
        static Axis of(int in, int out, double[] t) {
            int[] latent = new int[t.length];
            float[] offset = new float[t.length];
            float halfCell = (float) (2.0 / out) / 2;
            float lowCorner = (float) (1.0 / in);
            float half = in / 2f;
            for (int k = 0; k < t.length; k++) {
                // The corner of the pixel is its centre less half a cell (the code's coord − cell/2).
                float p = CentreQueryDecoder.centre(out, t[k]) - halfCell;
                // The code samples p + 1e-6 with the nearest-latent rule; the integer form is exact (spec §1).
                int i = (int) Math.max(0, Math.min(in - 1, Math.floor(t[k] * in / out)));
                float corner = CentreQueryDecoder.centre(in, i) - lowCorner;
                latent[k] = i;
                offset[k] = (p - corner) * half;
            }
            return new Axis(latent, offset);
        }

        static Axis ofRange(int in, int out, int first, int count) {
            double[] t = new double[count];
            for (int k = 0; k < count; k++) {
                t[k] = first + k;
            }
            return of(in, out, t);
        }
    }

    /** The distinct values of {@code values} (by bits), and the index of each value among them. */
    private record Distinct(float[] values, int[] index) {
        static Distinct of(float[] values) {
            Map<Integer, Integer> seen = new HashMap<>();
            int[] index = new int[values.length];
            float[] distinct = new float[values.length];
            for (int k = 0; k < values.length; k++) {
                int bits = Float.floatToRawIntBits(values[k]);
                Integer at = seen.get(bits);
                if (at == null) {
                    at = seen.size();
                    seen.put(bits, at);
                    distinct[at] = values[k];
                }
                index[k] = at;
            }
            return new Distinct(java.util.Arrays.copyOf(distinct, seen.size()), index);
        }
    }

    /** ρ: the height ratio fl(fl(2/oh)·(H/2)); the code reads the cell's first (height) entry only. */
    private static float scaleInput(int height, int outHeight) {
        return (float) (2.0 / outHeight) * (height / 2f);
    }

    @Override
    public void render(Latents latents, int outHeight, int outWidth, Window window, float[] out, Progress progress) {
        int h = latents.height();
        int w = latents.width();
        float rho = scaleInput(h, outHeight);
        Axis cols = Axis.ofRange(w, outWidth, window.x(), window.width());
        Distinct v = Distinct.of(cols.offset());
        int j0 = cols.latent()[0];
        int latentColumns = cols.latent()[window.width() - 1] - j0 + 1;
        Axis rows = Axis.ofRange(h, outHeight, window.y(), window.height());
        int plane = window.width() * window.height();
        // A band is whole latent rows: a latent row split between bands would be projected twice. Its weight
        // classes (at most its pixels) and projections stay within about one tile, with one latent row at least.
        long projectionBudget = (long) tileRows * 256;
        int r0 = 0;
        while (r0 < window.height()) {
            int r1 = r0 + 1;
            while (r1 < window.height() && (rows.latent()[r1] == rows.latent()[r1 - 1]
                    || (long) (r1 + 1 - r0) * window.width() <= tileRows
                            && (long) (rows.latent()[r1] - rows.latent()[r0] + 1) * latentColumns * projected
                                    <= projectionBudget)) {
                r1++;
            }
            int i0 = rows.latent()[r0];
            int i1 = rows.latent()[r1 - 1];
            float[] p = UnfoldedLatents.run(projection, latents.feat(), i0, i1, j0, j0 + latentColumns - 1,
                    new float[0]);
            float[] bandOffsets = java.util.Arrays.copyOfRange(rows.offset(), r0, r1);
            Distinct u = Distinct.of(bandOffsets);
            float[] classes = weightClasses(u.values(), v.values(), rho);
            int band = r0;
            int last = r1;
            IntStream.range(0, (r1 - r0 + ROW_CHUNK - 1) / ROW_CHUNK).parallel().forEach(chunk -> {
                for (int r = band + chunk * ROW_CHUNK, end = Math.min(last, r + ROW_CHUNK); r < end; r++) {
                    int latentRow = (rows.latent()[r] - i0) * latentColumns;
                    int classRow = u.index()[r - band] * v.values().length;
                    for (int c = 0; c < window.width(); c++) {
                        int at = r * window.width() + c;
                        pixel(classes, (classRow + v.index()[c]) * hidden, p,
                                (latentRow + cols.latent()[c] - j0) * projected, out, at, plane);
                    }
                }
            });
            progress.advance((long) (r1 - r0) * window.width());
            r0 = r1;
        }
    }

    /** The last hidden activation of the weight MLP for every pair (u, v), u-major. */
    private float[] weightClasses(float[] u, float[] v, float rho) {
        float[] input = new float[3 * u.length * v.length];
        for (int a = 0; a < u.length; a++) {
            for (int b = 0; b < v.length; b++) {
                int k = 3 * (a * v.length + b);
                input[k] = u[a];
                input[k + 1] = v[b];
                input[k + 2] = rho;
            }
        }
        return weightHidden.run(input, u.length * v.length, 3);
    }

    /** rgb_o = Σ_m a_m·P[o·h + m] + P[3h + o] for one pixel, written to the three planes at {@code at}. */
    private void pixel(float[] a, int aAt, float[] p, int pAt, float[] out, int at, int plane) {
        for (int o = 0; o < 3; o++) {
            int row = pAt + o * hidden;
            float s0 = 0;
            float s1 = 0;
            float s2 = 0;
            float s3 = 0;
            int m = 0;
            // Four partial sums: a single running sum would serialise on the add latency.
            for (; m + 3 < hidden; m += 4) {
                s0 += a[aAt + m] * p[row + m];
                s1 += a[aAt + m + 1] * p[row + m + 1];
                s2 += a[aAt + m + 2] * p[row + m + 2];
                s3 += a[aAt + m + 3] * p[row + m + 3];
            }
            for (; m < hidden; m++) {
                s0 += a[aAt + m] * p[row + m];
            }
            out[o * plane + at] = (s0 + s1) + (s2 + s3) + p[pAt + 3 * hidden + o];
        }
    }

    @Override
    public float[] sample(Latents latents, int outHeight, int outWidth, double[] ys, double[] xs) {
        int n = ys.length;
        float[] out = new float[3 * n];
        int chunk = Math.max(1, tileRows / 4);
        float rho = scaleInput(latents.height(), outHeight);
        for (int at = 0; at < n; at += chunk) {
            int m = Math.min(chunk, n - at);
            double[] ty = new double[m];
            double[] tx = new double[m];
            for (int k = 0; k < m; k++) {
                // Point (x, y) of the grid is a pixel centre at (c + ½, r + ½): its corner is half a pixel back.
                ty[k] = ys[at + k] - 0.5;
                tx[k] = xs[at + k] - 0.5;
            }
            Axis rows = Axis.of(latents.height(), outHeight, ty);
            Axis cols = Axis.of(latents.width(), outWidth, tx);
            int i0 = IntStream.of(rows.latent()).min().getAsInt();
            int i1 = IntStream.of(rows.latent()).max().getAsInt();
            int j0 = IntStream.of(cols.latent()).min().getAsInt();
            int j1 = IntStream.of(cols.latent()).max().getAsInt();
            float[] p = UnfoldedLatents.run(projection, latents.feat(), i0, i1, j0, j1, new float[0]);
            // Classes per point: sampled points share no grid structure.
            float[] input = new float[3 * m];
            for (int k = 0; k < m; k++) {
                input[3 * k] = rows.offset()[k];
                input[3 * k + 1] = cols.offset()[k];
                input[3 * k + 2] = rho;
            }
            float[] a = weightHidden.run(input, m, 3);
            float[] rgb = new float[3 * m];
            for (int k = 0; k < m; k++) {
                int latent = (rows.latent()[k] - i0) * (j1 - j0 + 1) + cols.latent()[k] - j0;
                pixel(a, k * hidden, p, latent * projected, rgb, 3 * k, 1);
            }
            System.arraycopy(rgb, 0, out, 3 * at, 3 * m);
        }
        return out;
    }

    /**
     * What runs here per output pixel: the three dot products, the latent projections spread over the
     * pixels, and the weight MLP once per distinct (u, v) pair of the grid.
     */
    @Override
    public double macsPerPixel(Latents latents, int outHeight, int outWidth) {
        double pixels = (double) outHeight * outWidth;
        int h = latents.height();
        int w = latents.width();
        long rowsClasses = Distinct.of(Axis.ofRange(h, outHeight, 0, outHeight).offset()).values().length;
        long colsClasses = Distinct.of(Axis.ofRange(w, outWidth, 0, outWidth).offset()).values().length;
        double latentsUsed = Math.min(h, outHeight) * (double) Math.min(w, outWidth);
        return 3.0 * hidden + latentsUsed * projectionGraph.macs(1, projectionGraph.input().channels()) / pixels
                + rowsClasses * colsClasses * (double) hiddenGraph.macs(1, 3) / pixels;
    }

    @Override
    public void close() {
        compiled.close();
    }
}

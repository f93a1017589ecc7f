package io.diif.decoder;

import io.diif.geometry.AxisGrouping;
import io.diif.geometry.Window;
import io.diif.graph.Graph;
import io.diif.graph.Parameter;
import io.diif.model.ModelConfig;
import io.diif.model.ModelFile;
import io.diif.network.FeatureMap;
import io.diif.network.Networks;
import io.diif.spi.Backend;
import io.diif.spi.Executable;
import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * The DIIF coarse-to-fine decoder with slice ensemble (algorithm §2–§8), computed tile by tile.
 *
 * <p>Per tile of latents: (1) the feature part of the first coarse layer for every ensemble corner, as
 * one convolution; (2) per slice and vertex, the descriptor part and ReLU, in Java; (3) the remaining
 * coarse layers on the backend, optionally followed by the hidden part of the first fine layer, so that
 * (4) the slice ensemble mixes 256-wide vectors once per pixel; (5) the fine MLP on the backend; (6)
 * assembly. Padded group positions are never computed; their descriptors still use the padded size.
 */
public final class DiifDecoder implements Decoder {
    /** Ensemble vertices in the reference's order: (vh, vw) = (−1,−1), (−1,+1), (+1,−1), (+1,+1). */
    private static final int[] VH = {-1, -1, 1, 1};
    private static final int[] VW = {-1, 1, -1, 1};
    /** Added to each ensemble area so that a weight is never 0/0 (reference: 1e-9). */
    private static final float AREA_EPSILON = 1e-9f;
    /** Projecting to the fine layer per slice pays off when a slice holds more pixels than vertices. */
    private static final int MIX_AFTER_PROJECTION_MIN_PIXELS = 5;

    private final ModelConfig.Diif config;
    private final int features;
    private final int block;
    private final int coarseWidth;
    private final int fineWidth;
    private final float[] firstBias;
    /** W1 columns of the six descriptor inputs, [Hc0][6]. */
    private final float[] descriptorWeights;
    /** W3 columns of the two coordinate inputs, [Hf0][2], and W3's bias. */
    private final float[] fineCoordWeights;
    private final float[] fineBias;
    private final int tileRows;

    private final Graph cornerGraph;
    private final Graph coarseGraph;
    private final Graph coarseToFineGraph;
    private final Graph fineGraph;
    private final Graph fineAfterMixGraph;
    private final Executable corner;
    private final Executable coarse;
    private final Executable coarseToFine;
    private final Executable fine;
    private final Executable fineAfterMix;

    /**
     * @param tileRows the working-set bound: slice-vertex rows plus pixel rows held at once
     */
    public DiifDecoder(ModelFile model, Backend backend, int tileRows) {
        this.config = (ModelConfig.Diif) model.config().decoder();
        this.features = model.config().encoder().features();
        this.block = config.ensembleBlock();
        this.tileRows = tileRows;
        Parameter w1 = model.parameter("imnet.layers.0.weight");
        this.coarseWidth = config.coarseWidth();
        int hc0 = w1.dim(0);
        int in1 = w1.dim(1);
        int featureInputs = block * block * features;
        this.firstBias = model.parameter("imnet.layers.0.bias").values();
        this.descriptorWeights = new float[hc0 * 6];
        for (int o = 0; o < hc0; o++) {
            System.arraycopy(w1.values(), o * in1 + featureInputs, descriptorWeights, o * 6, 6);
        }
        Parameter w3 = model.parameter("imnet.tail.0.weight");
        this.fineWidth = w3.dim(0);
        int in3 = w3.dim(1);
        this.fineCoordWeights = new float[fineWidth * 2];
        for (int o = 0; o < fineWidth; o++) {
            fineCoordWeights[2 * o] = w3.values()[o * in3 + in3 - 2];
            fineCoordWeights[2 * o + 1] = w3.values()[o * in3 + in3 - 1];
        }
        this.fineBias = model.parameter("imnet.tail.0.bias").values();

        this.cornerGraph = Networks.diifCornerProjection(model);
        this.coarseGraph = Networks.diifCoarseTail(model, false);
        this.coarseToFineGraph = Networks.diifCoarseTail(model, true);
        this.fineGraph = Networks.diifFine(model, true);
        this.fineAfterMixGraph = Networks.diifFine(model, false);
        Executable[] compiled = new Executable[5];
        try {
            compiled[0] = backend.compile(cornerGraph);
            compiled[1] = backend.compile(coarseGraph);
            compiled[2] = backend.compile(coarseToFineGraph);
            compiled[3] = backend.compile(fineGraph);
            compiled[4] = backend.compile(fineAfterMixGraph);
        } catch (RuntimeException e) {
            for (Executable x : compiled) {
                if (x != null) {
                    x.close();
                }
            }
            throw e;
        }
        this.corner = compiled[0];
        this.coarse = compiled[1];
        this.coarseToFine = compiled[2];
        this.fine = compiled[3];
        this.fineAfterMix = compiled[4];
    }

    /** Slices of one tile and the pixels they decode; all arrays are parallel by index. */
    private static final class Work {
        int slices;
        int[] sliceI;
        int[] sliceJ;
        float[] top;
        float[] left;
        float[] bottom;
        float[] right;
        int queries;
        int[] queryslice;
        float[] qh;
        float[] qw;
        int[] target;

        Work(int maxSlices, int maxQueries) {
            sliceI = new int[maxSlices];
            sliceJ = new int[maxSlices];
            top = new float[maxSlices];
            left = new float[maxSlices];
            bottom = new float[maxSlices];
            right = new float[maxSlices];
            queryslice = new int[maxQueries];
            qh = new float[maxQueries];
            qw = new float[maxQueries];
            target = new int[maxQueries];
        }

        int addSlice(int i, int j, double t, double l, double b, double r) {
            sliceI[slices] = i;
            sliceJ[slices] = j;
            top[slices] = (float) t;
            left[slices] = (float) l;
            bottom[slices] = (float) b;
            right[slices] = (float) r;
            return slices++;
        }

        void addQuery(int slice, double h, double w, int targetIndex) {
            queryslice[queries] = slice;
            qh[queries] = (float) h;
            qw[queries] = (float) w;
            target[queries] = targetIndex;
            queries++;
        }
    }

    private boolean projectBeforeMix(AxisGrouping gh, AxisGrouping gw) {
        long pixelsPerSlice = config.slicing() == ModelConfig.Slicing.ROW
                ? gw.maxCount() : (long) gh.maxCount() * gw.maxCount();
        return pixelsPerSlice >= MIX_AFTER_PROJECTION_MIN_PIXELS;
    }

    @Override
    public void render(FeatureMap feat, int outHeight, int outWidth, Window window, float[] out, Progress progress) {
        AxisGrouping gh = new AxisGrouping(feat.height(), outHeight);
        AxisGrouping gw = new AxisGrouping(feat.width(), outWidth);
        boolean project = projectBeforeMix(gh, gw);
        int iFirst = gh.latentOf(window.y());
        int iLast = gh.latentOf(window.y() + window.height() - 1);
        int jFirst = gw.latentOf(window.x());
        int jLast = gw.latentOf(window.x() + window.width() - 1);
        boolean rowSlicing = config.slicing() == ModelConfig.Slicing.ROW;
        long slicesPerLatent = rowSlicing ? gh.maxCount() : 1;
        long rowsPerLatent = Math.max(1, 4 * slicesPerLatent + (long) gh.maxCount() * gw.maxCount());
        long latentsPerTile = Math.max(1, tileRows / rowsPerLatent);
        int tileCols = (int) Math.min(jLast - jFirst + 1, latentsPerTile);
        int tileRowsOfLatents = (int) Math.max(1, Math.min(iLast - iFirst + 1, latentsPerTile / tileCols));
        int plane = window.width() * window.height();
        for (int i0 = iFirst; i0 <= iLast; i0 += tileRowsOfLatents) {
            int i1 = Math.min(iLast + 1, i0 + tileRowsOfLatents);
            for (int j0 = jFirst; j0 <= jLast; j0 += tileCols) {
                int j1 = Math.min(jLast + 1, j0 + tileCols);
                Work work = tileWork(gh, gw, i0, i1, j0, j1, window, rowSlicing);
                float[] rgb = decode(feat, gh, gw, i0, i1, j0, j1, work, project);
                for (int q = 0; q < work.queries; q++) {
                    int t = work.target[q];
                    out[t] = rgb[3 * q];
                    out[plane + t] = rgb[3 * q + 1];
                    out[2 * plane + t] = rgb[3 * q + 2];
                }
                progress.advance(work.queries);
            }
        }
    }

    private static Work tileWork(AxisGrouping gh, AxisGrouping gw, int i0, int i1, int j0, int j1, Window window,
            boolean rowSlicing) {
        int rStart = Math.max(window.y(), gh.start(i0));
        int rEnd = Math.min(window.y() + window.height(), gh.start(i1));
        int cStart = Math.max(window.x(), gw.start(j0));
        int cEnd = Math.min(window.x() + window.width(), gw.start(j1));
        int pixels = Math.max(0, rEnd - rStart) * Math.max(0, cEnd - cStart);
        int maxSlices = rowSlicing ? (i1 - i0) * (j1 - j0) * Math.max(1, gh.maxCount()) : (i1 - i0) * (j1 - j0);
        Work w = new Work(Math.min(maxSlices, Math.max(pixels, 1)), pixels);
        int nh = gh.maxCount();
        int nw = gw.maxCount();
        for (int i = i0; i < i1; i++) {
            int r0 = Math.max(gh.start(i), rStart);
            int r1 = Math.min(gh.start(i) + gh.count(i), rEnd);
            if (r0 >= r1) {
                continue;
            }
            for (int j = j0; j < j1; j++) {
                int c0 = Math.max(gw.start(j), cStart);
                int c1 = Math.min(gw.start(j) + gw.count(j), cEnd);
                if (c0 >= c1) {
                    continue;
                }
                double leftEdge = gw.first(j);
                double rightEdge = gw.relative(j, gw.start(j) + nw - 1 + 0.5);
                int groupSlice = -1;
                if (!rowSlicing) {
                    groupSlice = w.addSlice(i, j, gh.first(i), leftEdge, gh.relative(i, gh.start(i) + nh - 1 + 0.5),
                            rightEdge);
                }
                for (int r = r0; r < r1; r++) {
                    double rowPos = gh.relative(i, r + 0.5);
                    int slice = rowSlicing ? w.addSlice(i, j, rowPos, leftEdge, rowPos, rightEdge) : groupSlice;
                    for (int c = c0; c < c1; c++) {
                        w.addQuery(slice, rowPos, gw.relative(j, c + 0.5),
                                (r - window.y()) * window.width() + (c - window.x()));
                    }
                }
            }
        }
        return w;
    }

    @Override
    public float[] sample(FeatureMap feat, int outHeight, int outWidth, double[] ys, double[] xs) {
        AxisGrouping gh = new AxisGrouping(feat.height(), outHeight);
        AxisGrouping gw = new AxisGrouping(feat.width(), outWidth);
        boolean project = projectBeforeMix(gh, gw);
        boolean rowSlicing = config.slicing() == ModelConfig.Slicing.ROW;
        int n = ys.length;
        float[] result = new float[3 * n];
        // Visit points by latent row so each chunk needs only a few rows of corner projections.
        Integer[] order = new Integer[n];
        int[] li = new int[n];
        int[] lj = new int[n];
        int[] pr = new int[n];
        int[] pc = new int[n];
        for (int p = 0; p < n; p++) {
            order[p] = p;
            pr[p] = Math.min(outHeight - 1, (int) Math.floor(ys[p]));
            pc[p] = Math.min(outWidth - 1, (int) Math.floor(xs[p]));
            li[p] = gh.latentOf(pr[p]);
            lj[p] = gw.latentOf(pc[p]);
        }
        Arrays.sort(order, (a, b) -> li[a] != li[b] ? Integer.compare(li[a], li[b]) : Integer.compare(lj[a], lj[b]));
        int nh = gh.maxCount();
        int nw = gw.maxCount();
        int chunkMax = Math.max(1, tileRows / 5);
        int at = 0;
        while (at < n) {
            int end = at;
            int i0 = li[order[at]];
            int jMin = Integer.MAX_VALUE;
            int jMax = Integer.MIN_VALUE;
            while (end < n && end - at < chunkMax && li[order[end]] - i0 < 8) {
                jMin = Math.min(jMin, lj[order[end]]);
                jMax = Math.max(jMax, lj[order[end]]);
                end++;
            }
            int i1 = li[order[end - 1]] + 1;
            Work w = new Work(end - at, end - at);
            for (int k = at; k < end; k++) {
                int p = order[k];
                int i = li[p];
                int j = lj[p];
                double leftEdge = gw.first(j);
                double rightEdge = gw.relative(j, gw.start(j) + nw - 1 + 0.5);
                int slice;
                if (rowSlicing) {
                    double rowPos = gh.relative(i, pr[p] + 0.5);
                    slice = w.addSlice(i, j, rowPos, leftEdge, rowPos, rightEdge);
                } else {
                    slice = w.addSlice(i, j, gh.first(i), leftEdge, gh.relative(i, gh.start(i) + nh - 1 + 0.5),
                            rightEdge);
                }
                w.addQuery(slice, gh.relative(i, ys[p]), gw.relative(j, xs[p]), p);
            }
            float[] rgb = decode(feat, gh, gw, i0, i1, jMin, jMax + 1, w, project);
            for (int q = 0; q < w.queries; q++) {
                System.arraycopy(rgb, 3 * q, result, 3 * w.target[q], 3);
            }
            at = end;
        }
        return result;
    }

    /** Runs the coarse and fine stages for the slices and queries of one tile of latents. */
    private float[] decode(FeatureMap feat, AxisGrouping gh, AxisGrouping gw, int i0, int i1, int j0, int j1, Work w,
            boolean project) {
        if (w.queries == 0) {
            return new float[0];
        }
        // (1) Corner projections for corners i0..i1 × j0..j1: conv over a zero-padded feature window.
        int half = block / 2;
        int cornerRows = i1 - i0 + 1;
        int cornerCols = j1 - j0 + 1;
        float[] window = feat.window(i0 - half, i1 + half, j0 - half, j1 + half);
        int hc0 = firstBias.length;
        float[] cornersChw = corner.run(window, features, i1 - i0 + block, j1 - j0 + block);
        int cornerPlane = cornerRows * cornerCols;

        // (2) First coarse layer per slice and vertex: corner part + descriptor part + bias, ReLU.
        float ccH = (float) gh.coarseCell(config.maxScale());
        float ccW = (float) gw.coarseCell(config.maxScale());
        int slices = w.slices;
        float[] hidden = new float[4 * slices * hc0];
        IntStream.range(0, slices).parallel().forEach(s -> {
            for (int v = 0; v < 4; v++) {
                int ci = w.sliceI[s] - i0 + (VH[v] > 0 ? 1 : 0);
                int cj = w.sliceJ[s] - j0 + (VW[v] > 0 ? 1 : 0);
                int cornerIndex = ci * cornerCols + cj;
                float d2 = w.top[s] - VH[v];
                float d3 = w.left[s] - VW[v];
                float d4 = w.bottom[s] - VH[v];
                float d5 = w.right[s] - VW[v];
                int row = (4 * s + v) * hc0;
                for (int o = 0; o < hc0; o++) {
                    int k = 6 * o;
                    float x = cornersChw[o * cornerPlane + cornerIndex] + firstBias[o]
                            + descriptorWeights[k] * ccH + descriptorWeights[k + 1] * ccW
                            + descriptorWeights[k + 2] * d2 + descriptorWeights[k + 3] * d3
                            + descriptorWeights[k + 4] * d4 + descriptorWeights[k + 5] * d5;
                    hidden[row + o] = Math.max(x, 0f);
                }
            }
        });

        // (3) Remaining coarse layers, and with `project` the hidden part of the first fine layer.
        Executable tail = project ? coarseToFine : coarse;
        Graph tailGraph = project ? coarseToFineGraph : coarseGraph;
        float[] vertexVectors = tailGraph.nodes().size() == 1 ? hidden : tail.run(hidden, 4 * slices, hc0);
        int width = project ? fineWidth : coarseWidth;

        // (4) Slice ensemble: mix the four vertex vectors with the bilinear weights of each pixel.
        int queries = w.queries;
        int fineIn = project ? fineWidth : coarseWidth + 2;
        float[] fineInput = new float[queries * fineIn];
        IntStream.range(0, queries).parallel().forEach(q -> {
            float qh = w.qh[q];
            float qw = w.qw[q];
            float[] area = new float[4];
            for (int v = 0; v < 4; v++) {
                area[v] = Math.abs((qh - VH[v]) * (qw - VW[v])) + AREA_EPSILON;
            }
            float total = area[0] + area[1] + area[2] + area[3];
            int base = 4 * w.queryslice[q] * width;
            int row = q * fineIn;
            // Vertex v is weighted by the area of the diagonally opposite one (bilinear weights).
            for (int v = 0; v < 4; v++) {
                float weight = area[3 - v] / total;
                int src = base + v * width;
                for (int o = 0; o < width; o++) {
                    fineInput[row + o] += weight * vertexVectors[src + o];
                }
            }
            if (project) {
                for (int o = 0; o < fineWidth; o++) {
                    fineInput[row + o] += fineBias[o] + fineCoordWeights[2 * o] * qh + fineCoordWeights[2 * o + 1] * qw;
                }
            } else {
                fineInput[row + coarseWidth] = qh;
                fineInput[row + coarseWidth + 1] = qw;
            }
        });

        // (5) Fine MLP → RGB.
        return (project ? fineAfterMix : fine).run(fineInput, queries, fineIn);
    }

    @Override
    public double macsPerPixel(FeatureMap feat, int outHeight, int outWidth) {
        AxisGrouping gh = new AxisGrouping(feat.height(), outHeight);
        AxisGrouping gw = new AxisGrouping(feat.width(), outWidth);
        boolean project = projectBeforeMix(gh, gw);
        double pixels = (double) outHeight * outWidth;
        double slices = config.slicing() == ModelConfig.Slicing.ROW ? (double) outHeight * feat.width()
                : (double) feat.height() * feat.width();
        int hc0 = firstBias.length;
        double corners = (double) (feat.height() + 1) * (feat.width() + 1);
        double cornerMacs = corners * cornerGraph.macs(features, block, block);
        double descriptor = 4 * slices * hc0 * 6;
        Graph tail = project ? coarseToFineGraph : coarseGraph;
        double tailMacs = 4 * slices * (tail.nodes().size() == 1 ? 0 : tail.macs(1, hc0));
        int width = project ? fineWidth : coarseWidth;
        double mix = pixels * (4.0 * width + (project ? 2.0 * fineWidth : 0));
        double fineMacs = pixels * (project ? fineAfterMixGraph.macs(1, fineWidth) : fineGraph.macs(1, coarseWidth + 2));
        return (cornerMacs + descriptor + tailMacs + mix + fineMacs) / pixels;
    }

    @Override
    public void close() {
        for (Executable e : new Executable[] {corner, coarse, coarseToFine, fine, fineAfterMix}) {
            e.close();
        }
    }
}

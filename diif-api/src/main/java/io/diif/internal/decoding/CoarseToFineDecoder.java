package io.diif.internal.decoding;

import io.diif.Window;
import io.diif.graph.Graph;
import io.diif.graph.Parameter;
import io.diif.internal.decoding.AxisGrouping;
import io.diif.internal.networks.Networks;
import io.diif.model.ModelConfig;
import io.diif.model.ModelFile;
import io.diif.spi.Backend;
import io.diif.spi.Executable;
import io.diif.spi.Rows;
import io.diif.spi.support.HeapRows;
import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * DIIF's coarse-to-fine MLP with slice ensemble (algorithm §2–§8), computed tile by tile. DIIF and DLTE
 * share all of it and differ only in what enters the coarse layers ({@link #coarseInput}). Without slice
 * ensemble (DIIF "w/o se", baselines §2) a slice has one "vertex", its own latent, with weight 1.
 *
 * <p>Per tile of latents: (1) the coarse input of every slice and vertex, in the subclass; (2) the
 * coarse layers on the backend, optionally followed by the hidden part of the first fine layer, so that
 * (3) the slice ensemble mixes vectors once per pixel; (4) the fine MLP on the backend; (5) assembly.
 * Padded group positions are never computed; their descriptors still use the padded size.
 */
abstract class CoarseToFineDecoder implements Decoder {
    /** Ensemble vertices in the reference's order: (vh, vw) = (−1,−1), (−1,+1), (+1,−1), (+1,+1). */
    static final int[] VH = {-1, -1, 1, 1};
    static final int[] VW = {-1, 1, -1, 1};
    /** Added to each ensemble area so that a weight is never 0/0 (reference: 1e-9). */
    private static final float AREA_EPSILON = 1e-9f;
    /** Queries per parallel task of the mix: enough to amortise the task, small enough to balance cores. */
    private static final int MIX_CHUNK = 1024;
    /** Slices per parallel task when writing the coarse input. */
    static final int SLICE_CHUNK = 256;

    final ModelConfig.CoarseToFine config;
    /** The vertex offsets of each slice: {@link #VH}, {@link #VW} with slice ensemble, else the latent itself. */
    final int[] vertexH;
    final int[] vertexW;
    /** Coarse rows per slice: 4 with slice ensemble, 1 without. */
    final int vertices;
    final CompiledGraphs compiled;
    final int tileRows;
    private final int coarseWidth;
    private final int fineWidth;
    /**
     * Pixels per slice from which the first fine layer's hidden part is applied per slice and vertex, then
     * mixed, instead of per pixel. With more pixels than vertices it costs fewer multiply-accumulates. At
     * 4, as many as vertices, both cost the same, and where the backend takes biases as input columns the
     * projected path is faster: its fine stage has no bias left to add in a pass of its own
     * (docs/performance.md, design measurements).
     */
    private final int projectFromPixels;
    /** W3's columns of the two coordinate inputs (q_h, q_w), each [Hf0], and W3's bias. */
    private final float[] fineCoordH;
    private final float[] fineCoordW;
    private final float[] fineBias;

    private final Graph coarseGraph;
    private final Graph coarseToFineGraph;
    private final Graph fineGraph;
    private final Graph fineAfterMixGraph;
    private final Executable coarse;
    private final Executable coarseToFine;
    private final Executable fine;
    private final Executable fineAfterMix;

    /**
     * @param tileRows the working-set bound: slice-vertex rows plus pixel rows held at once
     */
    CoarseToFineDecoder(ModelFile model, Backend backend, int tileRows) {
        this.config = (ModelConfig.CoarseToFine) model.config().decoder();
        this.vertexH = config.sliceEnsemble() ? VH : new int[] {0};
        this.vertexW = config.sliceEnsemble() ? VW : new int[] {0};
        this.vertices = vertexH.length;
        this.tileRows = tileRows;
        this.coarseWidth = config.coarseWidth();
        Parameter w3 = model.parameter("imnet.tail.0.weight");
        this.fineWidth = w3.dim(0);
        int in3 = w3.dim(1);
        this.fineCoordH = new float[fineWidth];
        this.fineCoordW = new float[fineWidth];
        for (int o = 0; o < fineWidth; o++) {
            fineCoordH[o] = w3.values()[o * in3 + in3 - 2];
            fineCoordW[o] = w3.values()[o * in3 + in3 - 1];
        }
        this.fineBias = model.parameter("imnet.tail.0.bias").values();

        boolean biasColumn = backend.biasAsInputColumn();
        this.projectFromPixels = biasColumn ? vertices : vertices + 1;
        this.coarseGraph = Networks.coarseStage(model, false, biasColumn);
        this.coarseToFineGraph = Networks.coarseStage(model, true, biasColumn);
        this.fineGraph = Networks.fineStage(model, true, biasColumn);
        this.fineAfterMixGraph = Networks.fineStage(model, false, biasColumn);
        this.compiled = new CompiledGraphs(backend);
        this.coarse = compiled.compile(coarseGraph);
        this.coarseToFine = compiled.compile(coarseToFineGraph);
        this.fine = compiled.compile(fineGraph);
        this.fineAfterMix = compiled.compile(fineAfterMixGraph);
    }

    /**
     * A tile of latents [i0, i1) × [j0, j1) and the coarse cell inputs (cc_h, cc_w) of its grid
     * (algorithm §4).
     */
    record Tile(int i0, int i1, int j0, int j1, float ccH, float ccW) {
        Tile(ModelConfig.CoarseToFine config, AxisGrouping gh, AxisGrouping gw, int i0, int i1, int j0, int j1) {
            this(i0, i1, j0, j1, (float) gh.coarseCell(config.maxScale()), (float) gw.coarseCell(config.maxScale()));
        }
    }

    /**
     * Writes the input of the coarse layers the backend runs ({@link Networks#coarseStage}) for the tiles of
     * one render, or of one chunk of sampled points.
     */
    interface CoarseInput {
        /**
         * Writes the rows of every slice and vertex of a tile into {@code target}: row {@link #vertices}·s + v
         * for slice s of {@code w} and vertex v (order of {@link #vertexH}, {@link #vertexW}). Every row must be
         * written.
         */
        void write(Tile tile, SliceWork w, Rows target);
    }

    /**
     * The coarse input for tiles within latent rows ≤ {@code lastRow} and columns [{@code firstColumn},
     * {@code lastColumn}], which arrive in ascending rows; it may keep what consecutive tiles share.
     */
    abstract CoarseInput coarseInput(Latents latents, int lastRow, int firstColumn, int lastColumn);

    /** Multiply-accumulates {@link #coarseInput} spends on a whole render with {@code slices} slices. */
    abstract double coarseInputMacs(Latents latents, double slices);

    private boolean rowSlicing() {
        return config.slicing() == ModelConfig.Slicing.ROW;
    }

    private boolean projectBeforeMix(AxisGrouping gh, AxisGrouping gw) {
        long pixelsPerSlice = rowSlicing() ? gw.maxCount() : (long) gh.maxCount() * gw.maxCount();
        return pixelsPerSlice >= projectFromPixels;
    }

    @Override
    public void render(Latents latents, int outHeight, int outWidth, Window window, float[] out, Progress progress) {
        AxisGrouping gh = new AxisGrouping(latents.height(), outHeight);
        AxisGrouping gw = new AxisGrouping(latents.width(), outWidth);
        boolean project = projectBeforeMix(gh, gw);
        int iFirst = gh.latentOf(window.y());
        int iLast = gh.latentOf(window.y() + window.height() - 1);
        int jFirst = gw.latentOf(window.x());
        int jLast = gw.latentOf(window.x() + window.width() - 1);
        long slicesPerLatent = rowSlicing() ? gh.maxCount() : 1;
        long rowsPerLatent = Math.max(1, vertices * slicesPerLatent + (long) gh.maxCount() * gw.maxCount());
        long latentsPerTile = Math.max(1, tileRows / rowsPerLatent);
        int tileCols = (int) Math.min(jLast - jFirst + 1, latentsPerTile);
        int tileRowsOfLatents = (int) Math.max(1, Math.min(iLast - iFirst + 1, latentsPerTile / tileCols));
        int plane = window.width() * window.height();
        Scratch scratch = new Scratch();
        CoarseInput coarseInput = coarseInput(latents, iLast, jFirst, jLast);
        for (int i0 = iFirst; i0 <= iLast; i0 += tileRowsOfLatents) {
            int i1 = Math.min(iLast + 1, i0 + tileRowsOfLatents);
            for (int j0 = jFirst; j0 <= jLast; j0 += tileCols) {
                int j1 = Math.min(jLast + 1, j0 + tileCols);
                SliceWork work = SliceWork.forTile(gh, gw, rowSlicing(), i0, i1, j0, j1, window);
                float[] rgb = decode(coarseInput, new Tile(config, gh, gw, i0, i1, j0, j1), work, project, scratch);
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

    @Override
    public float[] sample(Latents latents, int outHeight, int outWidth, double[] ys, double[] xs) {
        AxisGrouping gh = new AxisGrouping(latents.height(), outHeight);
        AxisGrouping gw = new AxisGrouping(latents.width(), outWidth);
        boolean project = projectBeforeMix(gh, gw);
        int n = ys.length;
        float[] result = new float[3 * n];
        // Visit points by latent row so each chunk needs only a few rows of latents.
        Integer[] order = new Integer[n];
        int[] li = new int[n];
        int[] lj = new int[n];
        int[] pr = new int[n];
        for (int p = 0; p < n; p++) {
            order[p] = p;
            pr[p] = Math.min(outHeight - 1, (int) Math.floor(ys[p]));
            li[p] = gh.latentOf(pr[p]);
            lj[p] = gw.latentOf(Math.min(outWidth - 1, (int) Math.floor(xs[p])));
        }
        Arrays.sort(order, (a, b) -> li[a] != li[b] ? Integer.compare(li[a], li[b]) : Integer.compare(lj[a], lj[b]));
        int chunkMax = Math.max(1, tileRows / 5);
        Scratch scratch = new Scratch();
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
            SliceWork w = new SliceWork(end - at, end - at);
            for (int k = at; k < end; k++) {
                int p = order[k];
                int i = li[p];
                int j = lj[p];
                int slice = w.addSlice(gh, gw, rowSlicing(), i, j, pr[p]);
                w.addQuery(slice, gh.relative(i, ys[p]), gw.relative(j, xs[p]), p);
            }
            Tile tile = new Tile(config, gh, gw, i0, i1, jMin, jMax + 1);
            float[] rgb = decode(coarseInput(latents, i1 - 1, jMin, jMax), tile, w, project, scratch);
            for (int q = 0; q < w.queries; q++) {
                System.arraycopy(rgb, 3 * q, result, 3 * w.target[q], 3);
            }
            at = end;
        }
        return result;
    }

    /** Runs the coarse and fine stages for the slices and queries of one tile of latents. */
    private float[] decode(CoarseInput coarseInput, Tile tile, SliceWork w, boolean project, Scratch scratch) {
        if (w.queries == 0) {
            return new float[0];
        }
        // (1) The subclass's coarse input per slice and vertex; (2) the backend's coarse layers, with
        // `project` also the hidden part of the first fine layer. Inputs are written straight into the
        // engine's memory where it has its own (see Rows).
        Graph tailGraph = project ? coarseToFineGraph : coarseGraph;
        Executable tail = project ? coarseToFine : coarse;
        boolean identity = tailGraph.nodes().size() == 1;
        int width = project ? fineWidth : coarseWidth;
        int queries = w.queries;
        Executable fineStage = project ? fineAfterMix : fine;
        int fineIn = fineStage.graph().input().channels();
        Rows fineInput = rows(fineStage, scratch, Scratch.Slot.FINE_INPUT, queries, fineIn);
        try {
            try (Rows coarseIn = rows(tail, scratch, Scratch.Slot.COARSE_INPUT, vertices * w.slices,
                    tailGraph.input().channels())) {
                coarseInput.write(tile, w, coarseIn);
                try (Rows vertices = identity ? null : tail.run(coarseIn)) {
                    Rows vertexRows = identity ? coarseIn : vertices;
                    // (3) Slice ensemble: mix the four vertex vectors with the bilinear weights of each pixel
                    // (without it, take the slice's one vector).
                    int chunks = (queries + MIX_CHUNK - 1) / MIX_CHUNK;
                    IntStream.range(0, chunks).parallel().forEach(c -> mixChunk(w, vertexRows, width, project,
                            fineInput, c * MIX_CHUNK, Math.min(queries, (c + 1) * MIX_CHUNK)));
                }
            }
            // (4) Fine MLP → RGB.
            try (Rows rgb = fineStage.run(fineInput)) {
                return rgb.toArray();
            }
        } finally {
            fineInput.close();
        }
    }

    /** A matrix for {@code e}'s input: in the engine's memory where it has its own, else a reused array. */
    private static Rows rows(Executable e, Scratch scratch, Scratch.Slot slot, int rows, int columns) {
        return e.allocatesEngineRows() ? e.allocate(rows, columns)
                : new HeapRows(scratch.get(slot, rows * columns), rows, columns);
    }

    /**
     * Mixes queries [from, to) into rows of {@code fineInput}. Queries of one slice are consecutive, so
     * the slice's four vertex vectors are read into scratch rows once per slice (see {@link RowKernels}).
     */
    private void mixChunk(SliceWork w, Rows vertices, int width, boolean project, Rows fineInput, int from, int to) {
        float[] v0 = new float[width];
        float[] v1 = new float[width];
        float[] v2 = new float[width];
        float[] v3 = new float[width];
        float[] row = RowBlocks.rowWithBiasColumn(fineInput, project ? width : width + 2);
        RowBlocks out = new RowBlocks(fineInput, from);
        int loaded = -1;
        for (int q = from; q < to; q++) {
            int slice = w.querySlice[q];
            if (this.vertices == 1) {
                if (slice != loaded) {
                    vertices.read(slice, v0);
                    loaded = slice;
                }
                if (project) {
                    RowKernels.firstFineLayer(v0, fineBias, fineCoordH, fineCoordW, w.qh[q], w.qw[q], row, width);
                } else {
                    System.arraycopy(v0, 0, row, 0, width);
                    row[width] = w.qh[q];
                    row[width + 1] = w.qw[q];
                }
                out.add(row);
                continue;
            }
            if (slice != loaded) {
                vertices.read(4 * slice, v0);
                vertices.read(4 * slice + 1, v1);
                vertices.read(4 * slice + 2, v2);
                vertices.read(4 * slice + 3, v3);
                loaded = slice;
            }
            float qh = w.qh[q];
            float qw = w.qw[q];
            float a0 = Math.abs((qh - VH[0]) * (qw - VW[0])) + AREA_EPSILON;
            float a1 = Math.abs((qh - VH[1]) * (qw - VW[1])) + AREA_EPSILON;
            float a2 = Math.abs((qh - VH[2]) * (qw - VW[2])) + AREA_EPSILON;
            float a3 = Math.abs((qh - VH[3]) * (qw - VW[3])) + AREA_EPSILON;
            float total = a0 + a1 + a2 + a3;
            // Vertex v is weighted by the area of the diagonally opposite one (bilinear weights); the sums
            // keep the order v0..v3, then the coordinate part.
            float w0 = a3 / total;
            float w1 = a2 / total;
            float w2 = a1 / total;
            float w3 = a0 / total;
            if (project) {
                RowKernels.mixFirstFineLayer(v0, v1, v2, v3, w0, w1, w2, w3, fineBias, fineCoordH, fineCoordW, qh,
                        qw, row, width);
            } else {
                RowKernels.mix(v0, v1, v2, v3, w0, w1, w2, w3, row, width);
                row[width] = qh;
                row[width + 1] = qw;
            }
            out.add(row);
        }
        out.flush();
    }

    @Override
    public double macsPerPixel(Latents latents, int outHeight, int outWidth) {
        AxisGrouping gh = new AxisGrouping(latents.height(), outHeight);
        AxisGrouping gw = new AxisGrouping(latents.width(), outWidth);
        boolean project = projectBeforeMix(gh, gw);
        double pixels = (double) outHeight * outWidth;
        double slices = rowSlicing() ? (double) outHeight * latents.width() : (double) latents.height() * latents.width();
        Graph tail = project ? coarseToFineGraph : coarseGraph;
        int tailIn = tail.input().channels();
        double tailMacs = vertices * slices * (tail.nodes().size() == 1 ? 0 : tail.macs(1, tailIn));
        int width = project ? fineWidth : coarseWidth;
        double mix = pixels * ((double) vertices * width + (project ? 2.0 * fineWidth : 0));
        Graph fineStage = project ? fineAfterMixGraph : fineGraph;
        double fineMacs = pixels * fineStage.macs(1, fineStage.input().channels());
        return (coarseInputMacs(latents, slices) + tailMacs + mix + fineMacs) / pixels;
    }

    @Override
    public void close() {
        compiled.close();
    }
}

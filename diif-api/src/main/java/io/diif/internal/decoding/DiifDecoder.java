package io.diif.internal.decoding;

import io.diif.graph.Graph;
import io.diif.graph.Parameter;
import io.diif.internal.encoding.FeatureMap;
import io.diif.internal.networks.Networks;
import io.diif.model.ModelConfig;
import io.diif.model.ModelFile;
import io.diif.spi.Backend;
import io.diif.spi.Executable;
import io.diif.spi.Rows;
import java.util.stream.IntStream;

/**
 * The DIIF decoder (algorithm §1–§8): the coarse-to-fine MLP whose first coarse layer reads a B×B block
 * of raw latent codes and the six slice-descriptor values (§6).
 *
 * <p>That layer is linear before its ReLU, so it is split: the feature part is computed once per ensemble
 * corner ({@link Networks#diifCornerProjection}, on the corner's unfolded block); the descriptor part, the
 * bias and the ReLU are added here per slice and vertex. The backend runs the remaining coarse layers.
 *
 * <p>Without slice ensemble (baselines §2) the "corners" are the latents themselves, each projecting the
 * 3×3 unfold centred on it, and the descriptor is not shifted by any vertex.
 */
public final class DiifDecoder extends CoarseToFineDecoder {
    /**
     * Corners per parallel task when unfolding blocks: tasks by corner row made a 64-row block buffer
     * (256 KB at B²F = 1024) for as few corners as a narrow image has columns.
     */
    private static final int CORNER_CHUNK = 256;

    private final int features;
    private final int block;
    private final float[] firstBias;
    /** W1 columns of the six descriptor inputs [cc_h, cc_w, top, left, bottom, right], each [Hc0]. */
    private final float[][] descriptorColumns;
    private final Graph cornerGraph;
    private final Executable corner;
    /** Inputs of one corner projection: a B×B block of F-vectors. */
    private final int blockInputs;

    /**
     * @param tileRows the working-set bound: slice-vertex rows plus pixel rows held at once
     */
    public DiifDecoder(ModelFile model, Backend backend, int tileRows) {
        super(model, backend, tileRows);
        this.features = model.config().encoder().features();
        this.block = ((ModelConfig.Diif) config).ensembleBlock();
        Parameter w1 = model.parameter("imnet.layers.0.weight");
        int hc0 = w1.dim(0);
        int in1 = w1.dim(1);
        int featureInputs = block * block * features;
        this.firstBias = model.parameter("imnet.layers.0.bias").values();
        this.descriptorColumns = new float[6][hc0];
        for (int o = 0; o < hc0; o++) {
            for (int d = 0; d < 6; d++) {
                descriptorColumns[d][o] = w1.values()[o * in1 + featureInputs + d];
            }
        }
        this.blockInputs = featureInputs;
        this.cornerGraph = Networks.diifCornerProjection(model);
        this.corner = compiled.compile(cornerGraph);
    }

    /** 1 where a slice's vertices sit on the corners of its latent's cell, 0 where it reads its own latent. */
    private int cornerReach() {
        return config.sliceEnsemble() ? 1 : 0;
    }

    @Override
    CoarseInput coarseInput(Latents latents, int lastRow, int firstColumn, int lastColumn) {
        return new CornerRows(latents.feat(), lastRow + cornerReach(), firstColumn, lastColumn + cornerReach());
    }

    /**
     * First coarse layer per slice and vertex: corner projection + descriptor part + bias, ReLU.
     *
     * <p>The corner projections of corner rows [{@code first}, {@code first + rows}) are kept, corner-major so
     * that each slice reads one contiguous row. Consecutive tiles share their boundary corner row, and a
     * tile at a large scale spans few latent rows, so projecting per tile computed most corners twice in
     * small runs. A chunk holds as many corners as a tile holds rows (at least the rows one tile needs), so
     * it covers many tiles with a few large GEMMs and the tile size still bounds memory.
     */
    private final class CornerRows implements CoarseInput {
        private final FeatureMap feat;
        private final int lastCornerRow;
        private final int firstColumn;
        private final int columns;
        private final int hc0 = firstBias.length;
        private float[] corners = new float[0];
        private int first;
        private int rows;

        CornerRows(FeatureMap feat, int lastCornerRow, int firstColumn, int lastCornerColumn) {
            this.feat = feat;
            this.lastCornerRow = lastCornerRow;
            this.firstColumn = firstColumn;
            this.columns = lastCornerColumn - firstColumn + 1;
        }

        /** Makes corner rows [from, to] available, computing a new chunk from {@code from} when needed. */
        private void ensure(int from, int to) {
            if (from >= first && to < first + rows) {
                return;
            }
            int n = Math.min(lastCornerRow - from + 1, Math.max(to - from + 1, tileRows / columns));
            float[] c = corners.length >= n * columns * hc0 ? corners : new float[n * columns * hc0];
            // The projection's input is B²F wide: batches of corner rows whose input is no larger than a
            // tile's coarse input (tileRows × Hc values), but at least one corner row.
            int perBatch = Math.max(1, (int) Math.min(n, (long) tileRows * hc0 / ((long) blockInputs * columns)));
            for (int r0 = 0; r0 < n; r0 += perBatch) {
                project(from + r0, Math.min(perBatch, n - r0), c, r0 * columns * hc0);
            }
            corners = c;
            first = from;
            rows = n;
        }

        /**
         * Projects corner rows [{@code row}, {@code row + count}) into {@code target} from {@code offset},
         * corner-major. Corner (r, c) reads latents r − ⌊B/2⌋ … r − ⌊B/2⌋ + B − 1 (likewise c), zero outside
         * the map: the B×B block the reference unfolds for it (for B = 3, the block centred on latent r).
         */
        private void project(int row, int count, float[] target, int offset) {
            int half = block / 2;
            int windowWidth = columns - 1 + block;
            float[] window = feat.windowChannelsLast(row - half, row - half + count - 1 + block, firstColumn - half,
                    firstColumn - half + windowWidth);
            int run = block * features;
            int corners = count * columns;
            try (Rows blocks = corner.allocate(corners, blockInputs)) {
                IntStream.range(0, (corners + CORNER_CHUNK - 1) / CORNER_CHUNK).parallel().forEach(chunk -> {
                    float[] unfolded = new float[blockInputs];
                    RowBlocks out = new RowBlocks(blocks, chunk * CORNER_CHUNK);
                    for (int k = chunk * CORNER_CHUNK, end = Math.min(corners, k + CORNER_CHUNK); k < end; k++) {
                        int r = k / columns;
                        int j = k % columns;
                        for (int dy = 0; dy < block; dy++) {
                            System.arraycopy(window, ((r + dy) * windowWidth + j) * features, unfolded, dy * run, run);
                        }
                        out.add(unfolded);
                    }
                    out.flush();
                });
                try (Rows projected = corner.run(blocks)) {
                    float[] values = projected.toArray();
                    System.arraycopy(values, 0, target, offset, values.length);
                }
            }
        }

        @Override
        public void write(Tile tile, SliceWork w, Rows target) {
            ensure(tile.i0(), tile.i1() - 1 + cornerReach());
            // The cell part is the same for every slice of a render: fold it into the bias once.
            float ccH = tile.ccH();
            float ccW = tile.ccW();
            float[] constant = new float[hc0];
            for (int o = 0; o < hc0; o++) {
                constant[o] = firstBias[o] + descriptorColumns[0][o] * ccH + descriptorColumns[1][o] * ccW;
            }
            int chunks = (w.slices + SLICE_CHUNK - 1) / SLICE_CHUNK;
            IntStream.range(0, chunks).parallel().forEach(c -> {
                float[] cornerRow = new float[hc0];
                float[] row = RowBlocks.rowWithBiasColumn(target, hc0);
                RowBlocks out = new RowBlocks(target, vertices * c * SLICE_CHUNK);
                for (int s = c * SLICE_CHUNK, end = Math.min(w.slices, s + SLICE_CHUNK); s < end; s++) {
                    for (int v = 0; v < vertices; v++) {
                        int vh = vertexH[v];
                        int vw = vertexW[v];
                        int ci = w.sliceI[s] + (vh > 0 ? 1 : 0) - first;
                        int cj = w.sliceJ[s] + (vw > 0 ? 1 : 0) - firstColumn;
                        System.arraycopy(corners, (ci * columns + cj) * hc0, cornerRow, 0, hc0);
                        RowKernels.firstCoarseLayer(cornerRow, constant, descriptorColumns[2], w.top[s] - vh,
                                descriptorColumns[3], w.left[s] - vw, descriptorColumns[4], w.bottom[s] - vh,
                                descriptorColumns[5], w.right[s] - vw, row, hc0);
                        out.add(row);
                    }
                }
                out.flush();
            });
        }
    }

    @Override
    double coarseInputMacs(Latents latents, double slices) {
        double corners = (double) (latents.height() + cornerReach()) * (latents.width() + cornerReach());
        return corners * cornerGraph.macs(1, blockInputs) + vertices * slices * firstBias.length * 6;
    }
}

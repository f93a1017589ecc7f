package io.diif.decoder;

import io.diif.graph.Graph;
import io.diif.graph.Parameter;
import io.diif.model.ModelConfig;
import io.diif.model.ModelFile;
import io.diif.network.FeatureMap;
import io.diif.network.Networks;
import io.diif.spi.Backend;
import io.diif.spi.Executable;
import io.diif.spi.Rows;
import java.util.stream.IntStream;

/**
 * The DIIF decoder (algorithm §1–§8): the coarse-to-fine MLP whose first coarse layer reads a B×B block
 * of raw latent codes and the six slice-descriptor values (§6).
 *
 * <p>That layer is linear before its ReLU, so it is split: the feature part is one convolution per tile
 * over the ensemble corners ({@link Networks#diifCornerProjection}); the descriptor part, the bias and the
 * ReLU are added here per slice and vertex. The backend runs the remaining coarse layers.
 */
public final class DiifDecoder extends CoarseToFineDecoder {
    private final int features;
    private final int block;
    private final float[] firstBias;
    /** W1 columns of the six descriptor inputs [cc_h, cc_w, top, left, bottom, right], each [Hc0]. */
    private final float[][] descriptorColumns;
    private final Graph cornerGraph;
    private final Executable corner;

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
        this.cornerGraph = Networks.diifCornerProjection(model);
        this.corner = compiled.compile(cornerGraph);
    }

    /** First coarse layer per slice and vertex: corner projection + descriptor part + bias, ReLU. */
    @Override
    void coarseInput(Latents latents, Tile tile, SliceWork w, Rows target) {
        // Corner projections for corners i0..i1 × j0..j1: conv over a zero-padded feature window.
        FeatureMap feat = latents.feat();
        int half = block / 2;
        int cornerCols = tile.j1() - tile.j0() + 1;
        float[] window = feat.window(tile.i0() - half, tile.i1() + half, tile.j0() - half, tile.j1() + half);
        float[] cornersChw = corner.run(window, features, tile.i1() - tile.i0() + block, tile.j1() - tile.j0() + block);
        int cornerPlane = (tile.i1() - tile.i0() + 1) * cornerCols;
        int hc0 = firstBias.length;
        // Corner-major copy, so each slice reads one contiguous row.
        float[] corners = new float[cornerPlane * hc0];
        IntStream.range(0, cornerPlane).parallel().forEach(c -> {
            for (int o = 0; o < hc0; o++) {
                corners[c * hc0 + o] = cornersChw[o * cornerPlane + c];
            }
        });
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
            float[] row = new float[hc0];
            RowBlocks out = new RowBlocks(target, 4 * c * SLICE_CHUNK);
            for (int s = c * SLICE_CHUNK, end = Math.min(w.slices, s + SLICE_CHUNK); s < end; s++) {
                for (int v = 0; v < 4; v++) {
                    int ci = w.sliceI[s] - tile.i0() + (VH[v] > 0 ? 1 : 0);
                    int cj = w.sliceJ[s] - tile.j0() + (VW[v] > 0 ? 1 : 0);
                    System.arraycopy(corners, (ci * cornerCols + cj) * hc0, cornerRow, 0, hc0);
                    RowKernels.firstCoarseLayer(cornerRow, constant, descriptorColumns[2], w.top[s] - VH[v],
                            descriptorColumns[3], w.left[s] - VW[v], descriptorColumns[4], w.bottom[s] - VH[v],
                            descriptorColumns[5], w.right[s] - VW[v], row, hc0);
                    out.add(row);
                }
            }
            out.flush();
        });
    }

    @Override
    double coarseInputMacs(Latents latents, double slices) {
        double corners = (double) (latents.height() + 1) * (latents.width() + 1);
        return corners * cornerGraph.macs(features, block, block) + 4 * slices * firstBias.length * 6;
    }
}

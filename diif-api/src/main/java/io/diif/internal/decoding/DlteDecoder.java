package io.diif.internal.decoding;

import io.diif.Window;
import io.diif.graph.Graph;
import io.diif.internal.encoding.FeatureMap;
import io.diif.internal.imaging.AntialiasedResize;
import io.diif.internal.networks.Networks;
import io.diif.model.ModelConfig;
import io.diif.model.ModelFile;
import io.diif.spi.Backend;
import io.diif.spi.Executable;
import io.diif.spi.Rows;
import java.util.stream.IntStream;

/**
 * The DIIF authors' DLTE (zoo §4): DIIF's coarse-to-fine MLP with slice ensemble, whose coarse layers
 * read Fourier features of 2×2 blocks of two maps, coef and freq, instead of raw latent codes; then
 * the antialiased bilinear resize of the input is added.
 *
 * <p>coef and freq (two 3×3 convolutions of the features) are computed once per image, in
 * {@link #prepare}; the whole coarse MLP runs on the backend.
 */
public final class DlteDecoder extends CoarseToFineDecoder {
    /** π in float32: the reference multiplies a float32 tensor by np.pi. */
    private static final float PI = (float) Math.PI;

    private final int hid;
    /** P = imnet.phase.weight [hid/2][2]: a linear map of the slice's end coordinates (bottom, right), no bias. */
    private final float[] phase;
    private final Graph mapsGraph;
    private final Executable maps;

    public DlteDecoder(ModelFile model, Backend backend, int tileRows) {
        super(model, backend, tileRows);
        this.hid = ((ModelConfig.Dlte) config).hiddenDim();
        this.phase = model.parameter("imnet.phase.weight").values();
        this.mapsGraph = Networks.fourierMaps(model);
        this.maps = compiled.compile(mapsGraph);
    }

    /** Computes [coef; freq] (hid/4 channels each) once per image and keeps the input for the residual. */
    @Override
    public int latentChannels(int features) {
        return features + hid / 2 + 3;
    }

    @Override
    public Latents prepare(FeatureMap feat, FeatureMap input) {
        // Over the stored region only: a window render's region carries margin enough for the conv.
        float[] m = maps.run(feat.data(), feat.channels(), feat.stored().height(), feat.stored().width());
        return new Latents(feat, feat.withData(m, hid / 2), input);
    }

    /**
     * z per slice and vertex (zoo §4.3): Cb, Fb = the 2×2 blocks of coef and freq around the vertex,
     * channel-major (c·4 + dy·2 + dx); with the descriptor shifted to the vertex (t, l, b, r),
     * f_k = Fb[2k]·(cc_h + t) + Fb[2k+1]·(cc_w + l) + (P[k,0]·b + P[k,1]·r), so Fb[2k] and Fb[2k+1] are one
     * freq channel at the left and right latents of a block row; z = Cb ⊙ [cos πf, sin πf].
     */
    @Override
    CoarseInput coarseInput(Latents latents, int lastRow, int firstColumn, int lastColumn) {
        return (tile, w, target) -> write(latents.maps(), tile, w, target);
    }

    private void write(FeatureMap m, Tile tile, SliceWork w, Rows target) {
        int chunks = (w.slices + SLICE_CHUNK - 1) / SLICE_CHUNK;
        IntStream.range(0, chunks).parallel().forEach(c -> {
            float[] cb = new float[hid];
            float[] fb = new float[hid];
            float[] z = RowBlocks.rowWithBiasColumn(target, hid);
            RowBlocks out = new RowBlocks(target, 4 * c * SLICE_CHUNK);
            for (int s = c * SLICE_CHUNK, end = Math.min(w.slices, s + SLICE_CHUNK); s < end; s++) {
                for (int v = 0; v < 4; v++) {
                    z(m, tile, w, s, v, cb, fb, z);
                    out.add(z);
                }
            }
            out.flush();
        });
    }

    /** z of slice s and vertex v into {@code z}; {@code cb} and {@code fb} are scratch. */
    private void z(FeatureMap m, Tile tile, SliceWork w, int s, int v, float[] cb, float[] fb, float[] z) {
        int quarter = hid / 4;
        int half = hid / 2;
        int top = w.sliceI[s] + (VH[v] > 0 ? 0 : -1);
        int left = w.sliceJ[s] + (VW[v] > 0 ? 0 : -1);
        block(m, 0, quarter, top, left, cb);
        block(m, quarter, quarter, top, left, fb);
        float startH = tile.ccH() + (w.top[s] - VH[v]);
        float startW = tile.ccW() + (w.left[s] - VW[v]);
        float endH = w.bottom[s] - VH[v];
        float endW = w.right[s] - VW[v];
        for (int k = 0; k < half; k++) {
            float f = fb[2 * k] * startH + fb[2 * k + 1] * startW;
            f += phase[2 * k] * endH + phase[2 * k + 1] * endW;
            float angle = PI * f;
            z[k] = cb[k] * (float) Math.cos(angle);
            z[half + k] = cb[half + k] * (float) Math.sin(angle);
        }
    }

    /** The 2×2 block at rows top, top + 1 and columns left, left + 1 of channels [first, first + count); 0 outside. */
    private static void block(FeatureMap m, int first, int count, int top, int left, float[] out) {
        for (int c = 0; c < count; c++) {
            for (int dy = 0; dy < 2; dy++) {
                for (int dx = 0; dx < 2; dx++) {
                    out[c * 4 + dy * 2 + dx] = m.at(first + c, top + dy, left + dx);
                }
            }
        }
    }

    @Override
    double coarseInputMacs(Latents latents, double slices) {
        double mapsMacs = mapsGraph.macs(latents.feat().channels(), latents.height(), latents.width());
        return mapsMacs + 4 * slices * 3.0 * hid;
    }

    @Override
    public void render(Latents latents, int outHeight, int outWidth, Window window, float[] out, Progress progress) {
        super.render(latents, outHeight, outWidth, window, out, progress);
        AntialiasedResize.addTo(latents.input(), outHeight, outWidth, window, out);
    }

    @Override
    public float[] sample(Latents latents, int outHeight, int outWidth, double[] ys, double[] xs) {
        float[] rgb = super.sample(latents, outHeight, outWidth, ys, xs);
        AntialiasedResize.addAt(latents.input(), outHeight, outWidth, ys, xs, rgb);
        return rgb;
    }
}

package io.diif.internal.decoding;

import io.diif.graph.Graph;
import io.diif.internal.encoding.FeatureMap;
import io.diif.internal.imaging.GridSample;
import io.diif.internal.networks.Networks;
import io.diif.model.ModelConfig;
import io.diif.model.ModelFile;
import io.diif.spi.Backend;
import io.diif.spi.Executable;

/**
 * The LTE decoder (zoo §3): LIIF's local ensemble, where each of the four nearest latents feeds the MLP
 * its Fourier features z = coef ⊙ [cos πf, sin πf], with f_k = freq[2k]·rel_y + freq[2k+1]·rel_x +
 * P_k·rel_cell; then the bilinear sample of the input is added.
 *
 * <p>coef and freq (two 3×3 convolutions of the features) are computed once per image, in
 * {@link #prepare}.
 */
public final class LteDecoder extends LocalEnsembleDecoder {
    /** π in float32: the reference multiplies a float32 tensor by np.pi. */
    private static final float PI = (float) Math.PI;

    private final int hid;
    private final double maxScale;
    /** P = phase.weight [hid/2][2]: a linear map of rel_cell, no bias. */
    private final float[] phase;
    private final Graph mapsGraph;
    private final Executable maps;

    public LteDecoder(ModelFile model, Backend backend, int tileRows) {
        super(model, backend, tileRows);
        ModelConfig.Lte config = (ModelConfig.Lte) model.config().decoder();
        this.hid = config.hiddenDim();
        this.maxScale = config.maxScale();
        this.phase = model.parameter("phase.weight").values();
        this.mapsGraph = Networks.fourierMaps(model);
        this.maps = compiled.compile(mapsGraph);
    }

    /** Computes [coef; freq] once per image and keeps the input for the residual. */
    @Override
    public int latentChannels(int features) {
        return features + 2 * hid + 3;
    }

    @Override
    public Latents prepare(FeatureMap feat, FeatureMap input) {
        // Over the stored region only: a window render's region carries margin enough for the conv.
        float[] m = maps.run(feat.data(), feat.channels(), feat.stored().height(), feat.stored().width());
        return new Latents(feat, feat.withData(m, 2 * hid), input);
    }

    /** cell = (2/oh, 2/ow), clipped per axis for scales beyond max_scale, then times the latent grid size. */
    @Override
    float[] relCell(int height, int width, int outHeight, int outWidth) {
        return new float[] {clippedRelCell(height, outHeight, maxScale), clippedRelCell(width, outWidth, maxScale)};
    }

    /** z (hid values): coef[m]·cos(π f_m) for m < hid/2, coef[m]·sin(π f_{m − hid/2}) after. */
    @Override
    void mlpInput(Latents latents, int i, int j, float relY, float relX, float[] relCell, float[] input) {
        FeatureMap m = latents.maps();
        float[] data = m.data();
        int plane = (int) m.stored().pixels();
        int at = m.offsetOf(i, j);
        int freq = hid * plane;
        int half = hid / 2;
        for (int k = 0; k < half; k++) {
            float f = data[freq + 2 * k * plane + at] * relY + data[freq + (2 * k + 1) * plane + at] * relX;
            f += phase[2 * k] * relCell[0] + phase[2 * k + 1] * relCell[1];
            float angle = PI * f;
            input[k] = data[k * plane + at] * (float) Math.cos(angle);
            input[half + k] = data[(half + k) * plane + at] * (float) Math.sin(angle);
        }
    }

    /** The plain bilinear sample of the input at the query (border clamp, not antialiased). */
    @Override
    void addResidual(Latents latents, float[] ys, float[] xs, float[] rgb) {
        for (int q = 0; q < ys.length; q++) {
            GridSample.addBilinearBorder(latents.input(), ys[q], xs[q], rgb, 3 * q);
        }
    }

    @Override
    public double macsPerPixel(Latents latents, int outHeight, int outWidth) {
        double mapsPerPixel = (double) mapsGraph.macs(latents.feat().channels(), latents.height(), latents.width())
                / ((double) outHeight * outWidth);
        return super.macsPerPixel(latents, outHeight, outWidth) + mapsPerPixel + 4.0 * 3 * hid;
    }
}

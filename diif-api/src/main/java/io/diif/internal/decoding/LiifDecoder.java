package io.diif.internal.decoding;

import io.diif.internal.encoding.FeatureMap;
import io.diif.model.ModelFile;
import io.diif.spi.Backend;

/**
 * LIIF's decoder as its official code computes it (algorithm §11): the local ensemble over the four
 * nearest latents, each feeding its 3×3-unfolded features, relative coordinate and cell to the MLP.
 */
public final class LiifDecoder extends LocalEnsembleDecoder {
    private final int features;

    public LiifDecoder(ModelFile model, Backend backend, int tileRows) {
        super(model, backend, tileRows);
        this.features = model.config().encoder().features();
    }

    /** cell = (2/oh, 2/ow) in float32, times the latent grid size. */
    @Override
    float[] relCell(int height, int width, int outHeight, int outWidth) {
        return new float[] {(float) (2.0 / outHeight) * height, (float) (2.0 / outWidth) * width};
    }

    /** [feat9 at latent (i, j), channel-major c·9 + dy·3 + dx; rel_y, rel_x; rel_cell] (9F + 4 values). */
    @Override
    void mlpInput(Latents latents, int i, int j, float relY, float relX, float[] relCell, float[] input) {
        FeatureMap feat = latents.feat();
        for (int c = 0; c < features; c++) {
            for (int dy = 0; dy < 3; dy++) {
                for (int dx = 0; dx < 3; dx++) {
                    input[c * 9 + dy * 3 + dx] = feat.at(c, i + dy - 1, j + dx - 1);
                }
            }
        }
        int tail = 9 * features;
        input[tail] = relY;
        input[tail + 1] = relX;
        input[tail + 2] = relCell[0];
        input[tail + 3] = relCell[1];
    }
}

package io.diif.internal.decoding;

import io.diif.internal.encoding.FeatureMap;
import java.util.Objects;

/**
 * An encoded image as a decoder reads it, made once per image by {@link Decoder#prepare}.
 *
 * @param feat the encoder's feature map
 * @param maps per-latent maps the decoder derived from {@code feat} once (LTE, DLTE: coef and freq
 *     stacked along channels), or null
 * @param input the normalised input image [3, H, W], kept by decoders that add a resampled input
 *     (LTE, DLTE), or null
 */
public record Latents(FeatureMap feat, FeatureMap maps, FeatureMap input) {
    public Latents {
        Objects.requireNonNull(feat, "feat");
    }

    public int height() {
        return feat.height();
    }

    public int width() {
        return feat.width();
    }
}

package io.diif.model;

import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The architecture a model file declares in {@code __metadata__["diif"]} (see docs of the model format).
 *
 * @param format the config format version (1)
 * @param name a free-form model name
 * @param encoder the encoder architecture
 * @param decoder the decoder architecture
 * @param mean input normalisation: x = (rgb01 − mean) / std
 * @param std input normalisation
 */
public record ModelConfig(int format, String name, EncoderConfig encoder, DecoderConfig decoder, float mean, float std) {

    /** The config key inside the safetensors {@code __metadata__}. */
    public static final String METADATA_KEY = "diif";
    /** Sizes above this are refused as corrupt rather than attempted. */
    static final int MAX_WIDTH = 8192;
    static final int MAX_DEPTH = 1024;
    /** Default max_scale when the field is absent: DIIF clamps past ×4 (algorithm §4). */
    private static final double DIIF_MAX_SCALE = 4.0;
    /** LM-LIIF's test/demo cell clip at ×4 (baselines §5.1). */
    private static final double LMLIIF_MAX_SCALE = 4.0;
    /** LTE's official test/demo cell clip at ×4 (zoo §3.2). */
    private static final double LTE_MAX_SCALE = 4.0;
    /** DLTE's code default fixed_area = False: never clamp (zoo §4.2). */
    private static final double DLTE_MAX_SCALE = Double.NaN;

    /**
     * A config; {@link #parse} validates the sizes and combinations, this only refuses nulls.
     *
     * @param format the config format version
     * @param name a free-form model name
     * @param encoder the encoder architecture
     * @param decoder the decoder architecture
     * @param mean input normalisation mean
     * @param std input normalisation standard deviation
     * @throws NullPointerException if name, encoder or decoder is null
     */
    public ModelConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(encoder, "encoder");
        Objects.requireNonNull(decoder, "decoder");
    }

    /** Encoder architectures. */
    public sealed interface EncoderConfig permits EdsrBaseline, Rdn {
        /** {@return the channels of the feature map it produces} */
        int features();

        /** {@return the name the model file gives the architecture ({@code "edsr-baseline"}, {@code "rdn"})} */
        String type();

        /** {@return the architecture and its sizes in one line, for people} */
        String summary();

        /** {@return the state-dict tensors the encoder reads, name → shape, in state-dict order} */
        Map<String, int[]> tensorShapes();
    }

    /** Decoder architectures. */
    public sealed interface DecoderConfig permits CoarseToFine, Liif, Lte, NoDecoder, MetaSr, LmLiif {
        /** {@return the name the model file gives the architecture ({@code "diif"}, {@code "liif"}, …)} */
        String type();

        /** {@return the architecture and its sizes in one line, for people} */
        String summary();

        /**
         * The state-dict tensors the decoder reads.
         *
         * @param features the channels of the encoder's feature map
         * @return name → shape, in state-dict order
         */
        Map<String, int[]> tensorShapes(int features);
    }

    /**
     * Decoders built on DIIF's coarse-to-fine MLP with slice ensemble (DIIF and DLTE): they share the
     * grouping, slicing, slice descriptors, ensemble mixing and fine stage.
     */
    public sealed interface CoarseToFine extends DecoderConfig permits Diif, Dlte {
        /** {@return the widths of the coarse layers (each followed by ReLU)} */
        List<Integer> coarseHidden();

        /** {@return the widths of the fine hidden layers (an output layer to RGB follows)} */
        List<Integer> fineHidden();

        /** {@return how the coordinates of a latent are cut into slices} */
        Slicing slicing();

        /** {@return the scale past which the coarse cell is clamped to 2/maxScale; NaN = never} */
        double maxScale();

        /** {@return whether each slice mixes the coarse vectors of its cell's four vertices (algorithm §6)} */
        default boolean sliceEnsemble() {
            return true;
        }

        /** {@return the width of the last coarse layer, the coarse vector a slice hands to the fine stage} */
        default int coarseWidth() {
            return coarseHidden().get(coarseHidden().size() - 1);
        }
    }

    /**
     * EDSR-baseline: head conv, residual blocks, body conv, global skip; optionally followed by its own
     * fixed-scale upsampler (baselines §3), in which case the model has no decoder ({@link NoDecoder}).
     *
     * @param upsampleScale the upsampler's scale (2, 3 or 4), or 0 for none (the feature extractor of every
     *     arbitrary-scale decoder)
     */
    public record EdsrBaseline(int nResblocks, int nFeats, float resScale, int upsampleScale) implements EncoderConfig {
        /**
         * Validates the upsampler scale.
         *
         * @param nResblocks residual blocks
         * @param nFeats feature channels
         * @param resScale the residual scaling
         * @param upsampleScale 2, 3 or 4, or 0 for no upsampler
         * @throws IllegalArgumentException if {@code upsampleScale} is not 0, 2, 3 or 4
         */
        public EdsrBaseline {
            if (upsampleScale != 0 && (upsampleScale < 2 || upsampleScale > 4)) {
                throw new IllegalArgumentException("upsampler scale " + upsampleScale + " is not 0, 2, 3 or 4");
            }
        }

        /** {@return whether the encoder ends in its own upsampler, so that its output is the image at a fixed scale} */
        public boolean upsamples() {
            return upsampleScale != 0;
        }

        @Override
        public int features() {
            return nFeats;
        }

        @Override
        public String type() {
            return "edsr-baseline";
        }

        @Override
        public String summary() {
            return "EDSR-baseline encoder (" + nResblocks + " resblocks, " + nFeats + " features"
                    + (upsamples() ? ", its own x" + upsampleScale + " upsampler" : "") + ")";
        }

        @Override
        public Map<String, int[]> tensorShapes() {
            TensorShapes t = new TensorShapes();
            int f = nFeats;
            t.conv("encoder.head.0", f, 3, 3);
            for (int b = 0; b < nResblocks; b++) {
                t.conv("encoder.body." + b + ".body.0", f, f, 3);
                t.conv("encoder.body." + b + ".body.2", f, f, 3);
            }
            t.conv("encoder.body." + nResblocks, f, f, 3);
            if (upsamples()) {
                // Each ×2 stage (two for ×4) or the one ×3 stage: conv to r²F, then PixelShuffle(r) (index 2k+1).
                int r = upsampleScale == 3 ? 3 : 2;
                for (int stage = 0; stage < (upsampleScale == 4 ? 2 : 1); stage++) {
                    t.conv("encoder.tail.0." + 2 * stage, r * r * f, f, 3);
                }
                t.conv("encoder.tail.1", 3, f, 3);
            }
            return t.shapes();
        }
    }

    /**
     * RDN without upsampling (LIIF's {@code models/rdn.py}): shallow features, D residual dense blocks
     * of C dense layers of growth G, global feature fusion.
     *
     * @param g0 feature channels (G0)
     * @param blocks D, the residual dense blocks
     * @param layers C, the dense layers per block
     * @param growth G, the channels each dense layer adds
     * @param kernel k, the size of the shallow and global-fusion convolutions (dense layers are always 3×3)
     */
    public record Rdn(int g0, int blocks, int layers, int growth, int kernel) implements EncoderConfig {
        @Override
        public int features() {
            return g0;
        }

        @Override
        public String type() {
            return "rdn";
        }

        @Override
        public String summary() {
            return "RDN encoder (G0 " + g0 + ", D " + blocks + ", C " + layers + ", G " + growth + ", kernel " + kernel
                    + ")";
        }

        @Override
        public Map<String, int[]> tensorShapes() {
            TensorShapes t = new TensorShapes();
            t.conv("encoder.SFENet1", g0, 3, kernel);
            t.conv("encoder.SFENet2", g0, g0, kernel);
            for (int d = 0; d < blocks; d++) {
                for (int c = 0; c < layers; c++) {
                    t.conv("encoder.RDBs." + d + ".convs." + c + ".conv.0", growth, g0 + c * growth, 3);
                }
                t.conv("encoder.RDBs." + d + ".LFF", g0, g0 + layers * growth, 1);
            }
            t.conv("encoder.GFF.0", g0, blocks * g0, 1);
            t.conv("encoder.GFF.1", g0, g0, kernel);
            return t.shapes();
        }
    }

    /** How DIIF groups the coordinates of one latent into slices. */
    public enum Slicing {
        /** One slice per padded output row of a group (the authors' default). */
        ROW,
        /** One slice per group. */
        GROUP
    }

    /**
     * The DIIF coarse-to-fine decoder.
     *
     * @param coarseHidden widths of the coarse layers (each followed by ReLU)
     * @param fineHidden widths of the fine hidden layers (an output layer to RGB follows)
     * @param slicing row or group
     * @param sliceEnsemble whether the four vertices of each slice are ensembled (the paper's DIIF); without
     *     it ("w/o se", baselines §2) each slice's coarse vector comes from its own latent alone
     * @param ensembleBlock B: the B×B block of latents each coarse input reads: with slice ensemble, the
     *     block around each vertex (2 or 4); without, the 3×3 unfold centred on the latent (always 3)
     * @param maxScale the coarse cell is clamped to 2/maxScale past this scale; NaN = never
     */
    public record Diif(List<Integer> coarseHidden, List<Integer> fineHidden, Slicing slicing, boolean sliceEnsemble,
            int ensembleBlock, double maxScale) implements CoarseToFine {
        /**
         * Copies the lists, so the config stays immutable, and checks the ensemble block.
         *
         * @param coarseHidden widths of the coarse layers
         * @param fineHidden widths of the fine hidden layers
         * @param slicing row or group
         * @param sliceEnsemble whether the four vertices of each slice are ensembled
         * @param ensembleBlock B, the block of latents each coarse input reads
         * @param maxScale the scale past which the coarse cell is clamped; NaN = never
         * @throws IllegalArgumentException if the block does not fit the ensemble setting
         */
        public Diif {
            coarseHidden = List.copyOf(coarseHidden);
            fineHidden = List.copyOf(fineHidden);
            if (sliceEnsemble ? ensembleBlock != 2 && ensembleBlock != 4 : ensembleBlock != 3) {
                throw new IllegalArgumentException("ensemble block " + ensembleBlock + " with slice ensemble "
                        + sliceEnsemble + " (2 or 4 with it, 3 without)");
            }
        }

        @Override
        public String type() {
            return "diif";
        }

        @Override
        public String summary() {
            return "DIIF decoder (coarse " + coarseHidden + ", fine " + fineHidden + ", "
                    + slicing.name().toLowerCase(Locale.ROOT) + " slicing, "
                    + (sliceEnsemble ? ensembleBlock + "x" + ensembleBlock + " ensemble blocks, "
                            : "no slice ensemble (3x3 unfold per latent), ")
                    + clamp(maxScale, "cell clamp") + ")";
        }

        @Override
        public Map<String, int[]> tensorShapes(int features) {
            TensorShapes t = new TensorShapes();
            int in = t.mlp("imnet.layers", ensembleBlock * ensembleBlock * features + 6, coarseHidden, false);
            t.mlp("imnet.tail", in + 2, fineHidden, true);
            return t.shapes();
        }
    }

    /**
     * The DIIF authors' DLTE: the coarse-to-fine MLP fed with LTE-style Fourier features of 2×2 blocks
     * of two extra maps (coef, freq), plus an antialiased bilinear resize of the input (zoo §4).
     *
     * @param hiddenDim hid: the coarse input width; coef and freq have hid/4 channels (divisible by 4)
     * @param coarseHidden widths of the coarse layers
     * @param fineHidden widths of the fine hidden layers
     * @param maxScale the coarse cell is clamped as in DIIF past this scale; NaN = never (the code default)
     */
    public record Dlte(int hiddenDim, List<Integer> coarseHidden, List<Integer> fineHidden, double maxScale)
            implements CoarseToFine {
        /**
         * Copies the lists, so the config stays immutable.
         *
         * @param hiddenDim the coarse input width
         * @param coarseHidden widths of the coarse layers
         * @param fineHidden widths of the fine hidden layers
         * @param maxScale the scale past which the coarse cell is clamped; NaN = never
         */
        public Dlte {
            coarseHidden = List.copyOf(coarseHidden);
            fineHidden = List.copyOf(fineHidden);
        }

        /** Row slicing only: the reference vectors cover no other. */
        @Override
        public Slicing slicing() {
            return Slicing.ROW;
        }

        @Override
        public String type() {
            return "dlte";
        }

        @Override
        public String summary() {
            return "DLTE decoder (hidden_dim " + hiddenDim + ", coarse " + coarseHidden + ", fine " + fineHidden
                    + ", row slicing, " + clamp(maxScale, "cell clamp") + ")";
        }

        @Override
        public Map<String, int[]> tensorShapes(int features) {
            TensorShapes t = new TensorShapes();
            t.conv("coef", hiddenDim / 4, features, 3);
            t.conv("freq", hiddenDim / 4, features, 3);
            t.put("imnet.phase.weight", hiddenDim / 2, 2);
            int in = t.mlp("imnet.layers", hiddenDim, coarseHidden, false);
            t.mlp("imnet.tail", in + 2, fineHidden, true);
            return t.shapes();
        }
    }

    /**
     * The LTE decoder (local texture estimator, zoo §3): per-latent coef and freq maps, Fourier features
     * of the relative coordinate with a phase from the cell, an MLP, LIIF's local ensemble, and a
     * bilinear sample of the input added.
     *
     * @param hiddenDim hid: channels of coef and freq, the MLP's input width (even)
     * @param hidden the MLP's hidden widths (an output layer to RGB follows)
     * @param maxScale the cell is clipped to 2/maxScale (in LR units) on an axis scaled beyond it; NaN = never
     */
    public record Lte(int hiddenDim, List<Integer> hidden, double maxScale) implements DecoderConfig {
        /**
         * Copies the lists, so the config stays immutable.
         *
         * @param hiddenDim channels of coef and freq
         * @param hidden the MLP's hidden widths
         * @param maxScale the scale past which the cell is clipped; NaN = never
         */
        public Lte {
            hidden = List.copyOf(hidden);
        }

        @Override
        public String type() {
            return "lte";
        }

        @Override
        public String summary() {
            return "LTE decoder (hidden_dim " + hiddenDim + ", MLP " + hidden + ", " + clamp(maxScale, "cell clip") + ")";
        }

        @Override
        public Map<String, int[]> tensorShapes(int features) {
            TensorShapes t = new TensorShapes();
            t.conv("coef", hiddenDim, features, 3);
            t.conv("freq", hiddenDim, features, 3);
            t.put("phase.weight", hiddenDim / 2, 2);
            t.mlp("imnet.layers", hiddenDim, hidden, true);
            return t.shapes();
        }
    }

    /**
     * No decoder: the encoder's own upsampler renders the image at its fixed scale (EDSR-baseline ×2/×3/×4,
     * baselines §3).
     */
    public record NoDecoder() implements DecoderConfig {
        @Override
        public String type() {
            return "none";
        }

        @Override
        public String summary() {
            return "no decoder (renders only its fixed scale)";
        }

        /** None: the upsampler's tensors belong to the encoder. */
        @Override
        public Map<String, int[]> tensorShapes(int features) {
            return new TensorShapes().shapes();
        }
    }

    /** The LIIF decoder with local ensemble, feature unfolding and cell decoding. */
    public record Liif(List<Integer> hidden) implements DecoderConfig {
        /**
         * Copies the lists, so the config stays immutable.
         *
         * @param hidden the MLP's hidden widths
         */
        public Liif {
            hidden = List.copyOf(hidden);
        }

        @Override
        public String type() {
            return "liif";
        }

        @Override
        public String summary() {
            return "LIIF decoder (hidden " + hidden + ")";
        }

        @Override
        public Map<String, int[]> tensorShapes(int features) {
            TensorShapes t = new TensorShapes();
            t.mlp("imnet.layers", 9 * features + 4, hidden, true);
            return t.shapes();
        }
    }

    /**
     * MetaSR's meta-upscale as LIIF ports it (baselines §1): an MLP of (offset in the LR pixel, height ratio)
     * predicts a 3×3 filter over the F feature channels per output pixel, applied to the latent whose cell
     * holds the pixel's top-left corner.
     *
     * @param hidden the weight-prediction MLP's hidden widths (ReLU after each; a Linear to 27F follows)
     */
    public record MetaSr(List<Integer> hidden) implements DecoderConfig {
        /**
         * Copies the lists, so the config stays immutable.
         *
         * @param hidden the weight MLP's hidden widths
         */
        public MetaSr {
            hidden = List.copyOf(hidden);
        }

        @Override
        public String type() {
            return "metasr";
        }

        @Override
        public String summary() {
            return "MetaSR decoder (weight MLP " + hidden + ")";
        }

        @Override
        public Map<String, int[]> tensorShapes(int features) {
            TensorShapes t = new TensorShapes();
            int in = t.mlp("imnet.layers", 3, hidden, false);
            t.linear("imnet.layers." + 2 * hidden.size(), 27 * features, in);
            return t.shapes();
        }

        /** {@return the width of the last hidden layer, the input of the weight-producing Linear} */
        public int lastHidden() {
            return hidden.get(hidden.size() - 1);
        }

        /**
         * Multiply-accumulates per output pixel of the reference computation (baselines §9): the MLP on
         * [u, v, ρ], its 27F-value output layer, and the 9F × 3 product with the unfolded latent.
         *
         * @param features F, the channels of the feature map
         * @return the count
         */
        public long referenceMacsPerPixel(int features) {
            return mlpMacs(3, hidden, 27 * features) + 27L * features;
        }
    }

    /**
     * LM-LIIF from LMF (baselines §5): a latent MLP (hypernet) turns each 3×3-unfolded latent and the
     * request's cell into a compressed code and per-layer scale and shift modulations; a narrow render MLP,
     * modulated per latent, decodes each query with LIIF's local ensemble.
     *
     * @param hypernetHidden the latent MLP's hidden widths (ReLU after each; a Linear to 2·hd·D + hd follows)
     * @param hiddenDim hd, the render MLP's width
     * @param hiddenDepth D, the render MLP's modulated hidden layers (a Linear to RGB follows)
     * @param maxScale the cell is clipped to 2/maxScale (in LR units) on an axis scaled beyond it; NaN = never
     */
    public record LmLiif(List<Integer> hypernetHidden, int hiddenDim, int hiddenDepth, double maxScale)
            implements DecoderConfig {
        /**
         * Copies the lists, so the config stays immutable.
         *
         * @param hypernetHidden the latent MLP's hidden widths
         * @param hiddenDim the render MLP's width
         * @param hiddenDepth the render MLP's modulated hidden layers
         * @param maxScale the scale past which the cell is clipped; NaN = never
         */
        public LmLiif {
            hypernetHidden = List.copyOf(hypernetHidden);
        }

        @Override
        public String type() {
            return "lmliif";
        }

        @Override
        public String summary() {
            return "LM-LIIF decoder (latent MLP " + hypernetHidden + ", render MLP " + hiddenDepth + " x " + hiddenDim
                    + " modulated, " + clamp(maxScale, "cell clip") + ")";
        }

        @Override
        public Map<String, int[]> tensorShapes(int features) {
            TensorShapes t = new TensorShapes();
            int in = t.mlp("hypernet.layers", 9 * features + 2, hypernetHidden, false);
            t.linear("hypernet.layers." + 2 * hypernetHidden.size(), modulations(), in);
            t.mlp("imnet.layers", hiddenDim + 4, Collections.nCopies(hiddenDepth, hiddenDim), true);
            return t.shapes();
        }

        /** {@return M = 2·hd·D + hd: the scale and shift of every render layer, then the compressed latent code} */
        public int modulations() {
            return 2 * hiddenDim * hiddenDepth + hiddenDim;
        }

        /**
         * Multiply-accumulates per output pixel of the reference computation at an output/input pixel ratio
         * of {@code scale²} (baselines §9): four render-MLP runs, their scale modulations, and the latent MLP
         * shared by the scale² pixels of a latent.
         *
         * @param features F, the channels of the feature map
         * @param scale the scale of the render
         * @return the count
         */
        public double referenceMacsPerPixel(int features, double scale) {
            int hd = hiddenDim;
            long render = (long) (hd + 4) * hd + (long) (hiddenDepth - 1) * hd * hd + 3L * hd;
            long latent = mlpMacs(9 * features + 2, hypernetHidden, modulations());
            return 4.0 * (render + (long) hiddenDepth * hd) + latent / (scale * scale);
        }
    }

    /** "no cell clamp" or "cell clamp past x4.0" (and the same for the clips of LTE and LM-LIIF). */
    private static String clamp(double maxScale, String what) {
        return Double.isNaN(maxScale) ? "no " + what : what + " past x" + maxScale;
    }

    /** Multiply-accumulates of one run of an MLP {@code in → hidden… → out}. */
    private static long mlpMacs(int in, List<Integer> hidden, int out) {
        long macs = 0;
        for (int width : hidden) {
            macs += (long) in * width;
            in = width;
        }
        return macs + (long) in * out;
    }

    /**
     * Parses and validates the config JSON.
     *
     * @param json the value of {@link #METADATA_KEY}
     * @param what names the file in errors
     * @return the config
     * @throws ModelFormatException naming the field and the rule when the JSON is malformed, a field is
     *     missing, unknown or out of range, or a combination is not supported
     */
    public static ModelConfig parse(String json, String what) {
        Object root = Json.parse(json, what + " config");
        Fields f = new Fields(asObject(root, what + " config"), what + " config");
        f.allow("format", "name", "encoder", "decoder", "normalization", "training");
        long format = f.integer("format", 1, 1);
        String name = f.has("name") ? f.string("name") : "unnamed";
        Fields enc = f.object("encoder");
        EncoderConfig encoder = parseEncoder(enc);
        Fields dec = f.object("decoder");
        DecoderConfig decoder = parseDecoder(dec);
        boolean upsamples = encoder instanceof EdsrBaseline e && e.upsamples();
        if (upsamples != decoder instanceof NoDecoder) {
            throw new ModelFormatException(what + " config: " + (upsamples
                    ? "an encoder with its own upsampler needs \"decoder\": {\"type\": \"none\"}, not \""
                            + decoder.type() + "\""
                    : "decoder type \"none\" needs an encoder with its own upsampler (edsr-baseline with"
                            + " \"upsampler\": {\"scale\": 2, 3 or 4})"));
        }
        float mean = 0.5f;
        float std = 0.5f;
        if (f.has("normalization")) {
            Fields n = f.object("normalization");
            n.allow("mean", "std");
            mean = (float) n.number("mean", -10, 10);
            std = (float) n.number("std", 1e-6, 10);
        }
        return new ModelConfig((int) format, name, encoder, decoder, mean, std);
    }

    private static EncoderConfig parseEncoder(Fields enc) {
        String type = enc.string("type");
        if (type.equals("edsr-baseline")) {
            enc.allow("type", "n_resblocks", "n_feats", "res_scale", "upsampler");
            int blocks = (int) enc.integer("n_resblocks", 0, MAX_DEPTH);
            int feats = (int) enc.integer("n_feats", 1, MAX_WIDTH);
            double resScale = enc.has("res_scale") ? enc.number("res_scale", -1e3, 1e3) : 1.0;
            int upsample = 0;
            if (enc.has("upsampler")) {
                Fields up = enc.object("upsampler");
                up.allow("scale");
                upsample = (int) up.integer("scale", 2, 4);
            }
            return new EdsrBaseline(blocks, feats, (float) resScale, upsample);
        }
        if (type.equals("rdn")) {
            enc.allow("type", "G0", "D", "C", "G", "kernel");
            int g0 = (int) enc.integer("G0", 1, MAX_WIDTH);
            int blocks = (int) enc.integer("D", 1, MAX_DEPTH);
            int layers = (int) enc.integer("C", 1, MAX_DEPTH);
            int growth = (int) enc.integer("G", 1, MAX_WIDTH);
            if ((long) blocks * layers > MAX_DEPTH) {
                throw new ModelFormatException(enc.where + ": D x C = " + blocks + " x " + layers
                        + " dense layers is more than " + MAX_DEPTH);
            }
            int kernel = enc.has("kernel") ? (int) enc.integer("kernel", 1, 15) : 3;
            if (kernel % 2 == 0) {
                throw new ModelFormatException(enc.where + ": kernel " + kernel
                        + " is not supported (odd sizes only: the reference pads by (kernel - 1)/2)");
            }
            return new Rdn(g0, blocks, layers, growth, kernel);
        }
        throw new ModelFormatException(enc.where + ": encoder type \"" + type
                + "\" is not supported (supported: edsr-baseline, rdn)");
    }

    private static DecoderConfig parseDecoder(Fields dec) {
        String type = dec.string("type");
        switch (type) {
            case "diif" -> {
                dec.allow("type", "coarse_hidden", "fine_hidden", "slicing", "slice_ensemble", "ensemble_block",
                        "coarse_cell", "fine_cell", "max_scale");
                String slicing = dec.has("slicing") ? dec.string("slicing") : "row";
                Slicing s = switch (slicing) {
                    case "row" -> Slicing.ROW;
                    case "group" -> Slicing.GROUP;
                    default -> throw new ModelFormatException(dec.where + ": slicing \"" + slicing
                            + "\" is not supported (row or group)");
                };
                boolean ensemble = !dec.has("slice_ensemble") || dec.flag("slice_ensemble");
                int block;
                if (ensemble) {
                    block = dec.has("ensemble_block") ? (int) dec.integer("ensemble_block", 2, 4) : 2;
                    if (block != 2 && block != 4) {
                        throw new ModelFormatException(dec.where + ": ensemble_block " + block
                                + " is not supported (2 or 4)");
                    }
                } else if (dec.has("ensemble_block")) {
                    throw new ModelFormatException(dec.where + ": ensemble_block is not allowed with slice_ensemble"
                            + " = false (each latent reads its own 3x3 unfold, baselines §2)");
                } else {
                    block = 3;
                }
                dec.requireFlag("coarse_cell", true);
                dec.requireFlag("fine_cell", false);
                return new Diif(dec.widths("coarse_hidden"), dec.widths("fine_hidden"), s, ensemble, block,
                        dec.maxScale(DIIF_MAX_SCALE));
            }
            case "dlte" -> {
                dec.allow("type", "hidden_dim", "coarse_hidden", "fine_hidden", "slicing", "slice_ensemble",
                        "ensemble_block", "coarse_cell", "fine_cell", "max_scale");
                int hid = (int) dec.integer("hidden_dim", 4, MAX_WIDTH);
                if (hid % 4 != 0) {
                    throw new ModelFormatException(dec.where + ": hidden_dim " + hid
                            + " is not supported (divisible by 4: coef and freq have hidden_dim/4 channels)");
                }
                if (dec.has("slicing") && !dec.string("slicing").equals("row")) {
                    throw new ModelFormatException(dec.where + ": slicing \"" + dec.string("slicing")
                            + "\" is not supported for dlte (only row)");
                }
                long block = dec.has("ensemble_block") ? dec.integer("ensemble_block", 1, MAX_WIDTH) : 2;
                if (block != 2) {
                    throw new ModelFormatException(dec.where + ": ensemble_block " + block
                            + " is not supported for dlte (only 2: the 2x2 blocks of coef and freq)");
                }
                requireSliceEnsembleFlags(dec);
                return new Dlte(hid, dec.widths("coarse_hidden"), dec.widths("fine_hidden"),
                        dec.maxScale(DLTE_MAX_SCALE));
            }
            case "lte" -> {
                dec.allow("type", "hidden_dim", "hidden", "max_scale");
                int hid = (int) dec.integer("hidden_dim", 2, MAX_WIDTH);
                if (hid % 2 != 0) {
                    throw new ModelFormatException(dec.where + ": hidden_dim " + hid
                            + " is not supported (even: half the channels take the cosine, half the sine)");
                }
                return new Lte(hid, dec.widths("hidden"), dec.maxScale(LTE_MAX_SCALE));
            }
            case "liif" -> {
                dec.allow("type", "hidden", "local_ensemble", "feat_unfold", "cell_decode");
                List<Integer> hidden = dec.widths("hidden");
                dec.requireFlag("local_ensemble", true);
                dec.requireFlag("feat_unfold", true);
                dec.requireFlag("cell_decode", true);
                return new Liif(hidden);
            }
            case "none" -> {
                dec.allow("type");
                return new NoDecoder();
            }
            case "metasr" -> {
                dec.allow("type", "hidden");
                return new MetaSr(dec.widths("hidden"));
            }
            case "lmliif" -> {
                dec.allow("type", "hypernet_hidden", "hidden_dim", "hidden_depth", "mod_scale", "mod_shift",
                        "mod_input", "max_scale");
                List<Integer> hypernet = dec.widths("hypernet_hidden");
                int hd = (int) dec.integer("hidden_dim", 1, MAX_WIDTH);
                int depth = (int) dec.integer("hidden_depth", 1, 64);
                // The only published setting. Required, not defaulted: LMF's constructor defaults differ
                // between its versions, so a file that leaves them out says nothing reliable.
                for (String flag : List.of("mod_scale", "mod_shift", "mod_input")) {
                    dec.require(flag);
                    dec.requireFlag(flag, true);
                }
                return new LmLiif(hypernet, hd, depth, dec.maxScale(LMLIIF_MAX_SCALE));
            }
            default -> throw new ModelFormatException(dec.where + ": decoder type \"" + type
                    + "\" is not supported (supported: diif, dlte, liif, lte, metasr, lmliif, none)");
        }
    }

    /**
     * The only C2F-MLP setting with reference vectors: slice ensemble and coarse cell on, fine cell off
     * (DLTE's published code crashes otherwise: zoo §7, flags 1 and 2).
     */
    private static void requireSliceEnsembleFlags(Fields dec) {
        dec.requireFlag("slice_ensemble", true);
        dec.requireFlag("coarse_cell", true);
        dec.requireFlag("fine_cell", false);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asObject(Object o, String where) {
        if (!(o instanceof Map<?, ?>)) {
            throw new ModelFormatException(where + " must be a JSON object");
        }
        return (Map<String, Object>) o;
    }

    /** Typed access to one JSON object, with errors naming the field. */
    private static final class Fields {
        final Map<String, Object> map;
        final String where;

        Fields(Map<String, Object> map, String where) {
            this.map = map;
            this.where = where;
        }

        boolean has(String key) {
            return map.containsKey(key);
        }

        boolean isNull(String key) {
            return map.containsKey(key) && map.get(key) == null;
        }

        void allow(String... keys) {
            Set<String> allowed = Set.of(keys);
            for (String k : map.keySet()) {
                if (!allowed.contains(k)) {
                    throw new ModelFormatException(where + ": unknown field \"" + k + "\" (known: "
                            + String.join(", ", keys) + ")");
                }
            }
        }

        Object require(String key) {
            if (!map.containsKey(key)) {
                throw new ModelFormatException(where + ": field \"" + key + "\" is missing");
            }
            return map.get(key);
        }

        String string(String key) {
            if (!(require(key) instanceof String s)) {
                throw new ModelFormatException(where + ": field \"" + key + "\" must be a string");
            }
            return s;
        }

        long integer(String key, long min, long max) {
            Object v = require(key);
            if (!(v instanceof Long l)) {
                throw new ModelFormatException(where + ": field \"" + key + "\" must be an integer, was " + v);
            }
            if (l < min || l > max) {
                throw new ModelFormatException(where + ": field \"" + key + "\" = " + l + " is outside [" + min + ", "
                        + max + "]");
            }
            return l;
        }

        double number(String key, double min, double max) {
            Object v = require(key);
            if (!(v instanceof Number n)) {
                throw new ModelFormatException(where + ": field \"" + key + "\" must be a number, was " + v);
            }
            double d = n.doubleValue();
            if (!(d >= min && d <= max)) {
                throw new ModelFormatException(where + ": field \"" + key + "\" = " + d + " is outside [" + min + ", "
                        + max + "]");
            }
            return d;
        }

        Fields object(String key) {
            return new Fields(asObject(require(key), where + "." + key), where + "." + key);
        }

        List<Integer> widths(String key) {
            if (!(require(key) instanceof List<?> list) || list.isEmpty() || list.size() > 64) {
                throw new ModelFormatException(where + ": field \"" + key + "\" must be a list of 1 to 64 widths");
            }
            Integer[] out = new Integer[list.size()];
            for (int i = 0; i < out.length; i++) {
                if (!(list.get(i) instanceof Long l) || l < 1 || l > MAX_WIDTH) {
                    throw new ModelFormatException(where + ": field \"" + key + "\" = " + list
                            + " must hold integers in [1, " + MAX_WIDTH + "]");
                }
                out[i] = l.intValue();
            }
            return List.of(out);
        }

        /** max_scale: a number, or null for "never"; {@code absent} when the field is missing. */
        double maxScale(double absent) {
            if (!has("max_scale")) {
                return absent;
            }
            return isNull("max_scale") ? Double.NaN : number("max_scale", 1e-3, 1e6);
        }

        boolean flag(String key) {
            if (!(require(key) instanceof Boolean b)) {
                throw new ModelFormatException(where + ": field \"" + key + "\" must be true or false");
            }
            return b;
        }

        void requireFlag(String key, boolean supported) {
            if (!has(key)) {
                return;
            }
            boolean b = flag(key);
            if (b != supported) {
                throw new ModelFormatException(where + ": " + key + " = " + b + " is not supported (only "
                        + supported + ", as in the reference code)");
            }
        }
    }
}

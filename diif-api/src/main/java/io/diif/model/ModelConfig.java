package io.diif.model;

import java.util.List;
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

    public ModelConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(encoder, "encoder");
        Objects.requireNonNull(decoder, "decoder");
    }

    /** Encoder architectures. */
    public sealed interface EncoderConfig permits EdsrBaseline {
        /** Channels of the feature map it produces. */
        int features();

        String type();
    }

    /** Decoder architectures. */
    public sealed interface DecoderConfig permits Diif, Liif {
        String type();
    }

    /** EDSR without upsampling: head conv, residual blocks, body conv, global skip. */
    public record EdsrBaseline(int nResblocks, int nFeats, float resScale) implements EncoderConfig {
        @Override
        public int features() {
            return nFeats;
        }

        @Override
        public String type() {
            return "edsr-baseline";
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
     * @param ensembleBlock B: each ensemble vertex sees a B×B block of latents (2 or 4)
     * @param maxScale the coarse cell is clamped to 2/maxScale past this scale; NaN = never
     */
    public record Diif(List<Integer> coarseHidden, List<Integer> fineHidden, Slicing slicing, int ensembleBlock,
            double maxScale) implements DecoderConfig {
        public Diif {
            coarseHidden = List.copyOf(coarseHidden);
            fineHidden = List.copyOf(fineHidden);
        }

        @Override
        public String type() {
            return "diif";
        }

        public int coarseWidth() {
            return coarseHidden.get(coarseHidden.size() - 1);
        }
    }

    /** The LIIF decoder with local ensemble, feature unfolding and cell decoding. */
    public record Liif(List<Integer> hidden) implements DecoderConfig {
        public Liif {
            hidden = List.copyOf(hidden);
        }

        @Override
        public String type() {
            return "liif";
        }
    }

    /** Parses and validates the config JSON; {@code what} names the file in errors. */
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
            enc.allow("type", "n_resblocks", "n_feats", "res_scale");
            int blocks = (int) enc.integer("n_resblocks", 0, MAX_DEPTH);
            int feats = (int) enc.integer("n_feats", 1, MAX_WIDTH);
            double resScale = enc.has("res_scale") ? enc.number("res_scale", -1e3, 1e3) : 1.0;
            return new EdsrBaseline(blocks, feats, (float) resScale);
        }
        throw new ModelFormatException(enc.where + ": encoder type \"" + type
                + "\" is not supported (supported: edsr-baseline)");
    }

    private static DecoderConfig parseDecoder(Fields dec) {
        String type = dec.string("type");
        switch (type) {
            case "diif" -> {
                dec.allow("type", "coarse_hidden", "fine_hidden", "slicing", "slice_ensemble", "ensemble_block",
                        "coarse_cell", "fine_cell", "max_scale");
                List<Integer> coarse = dec.widths("coarse_hidden");
                List<Integer> fine = dec.widths("fine_hidden");
                String slicing = dec.has("slicing") ? dec.string("slicing") : "row";
                Slicing s = switch (slicing) {
                    case "row" -> Slicing.ROW;
                    case "group" -> Slicing.GROUP;
                    default -> throw new ModelFormatException(dec.where + ": slicing \"" + slicing
                            + "\" is not supported (row or group)");
                };
                int block = dec.has("ensemble_block") ? (int) dec.integer("ensemble_block", 2, 4) : 2;
                if (block != 2 && block != 4) {
                    throw new ModelFormatException(dec.where + ": ensemble_block " + block + " is not supported (2 or 4)");
                }
                dec.requireFlag("slice_ensemble", true);
                dec.requireFlag("coarse_cell", true);
                dec.requireFlag("fine_cell", false);
                double maxScale = 4.0;
                if (dec.has("max_scale")) {
                    maxScale = dec.isNull("max_scale") ? Double.NaN : dec.number("max_scale", 1e-3, 1e6);
                }
                return new Diif(coarse, fine, s, block, maxScale);
            }
            case "liif" -> {
                dec.allow("type", "hidden", "local_ensemble", "feat_unfold", "cell_decode");
                List<Integer> hidden = dec.widths("hidden");
                dec.requireFlag("local_ensemble", true);
                dec.requireFlag("feat_unfold", true);
                dec.requireFlag("cell_decode", true);
                return new Liif(hidden);
            }
            default -> throw new ModelFormatException(dec.where + ": decoder type \"" + type
                    + "\" is not supported (supported: diif, liif)");
        }
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

        void requireFlag(String key, boolean supported) {
            if (!has(key)) {
                return;
            }
            if (!(map.get(key) instanceof Boolean b)) {
                throw new ModelFormatException(where + ": field \"" + key + "\" must be true or false");
            }
            if (b != supported) {
                throw new ModelFormatException(where + ": " + key + " = " + b + " is not supported (only "
                        + supported + ", as in the reference code)");
            }
        }
    }
}

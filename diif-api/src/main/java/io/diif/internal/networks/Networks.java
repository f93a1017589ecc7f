package io.diif.internal.networks;

import io.diif.graph.Graph;
import io.diif.graph.Node;
import io.diif.graph.Parameter;
import io.diif.internal.encoding.FeatureMap;
import io.diif.model.ModelConfig;
import io.diif.model.ModelFile;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the engine-neutral graphs of each architecture from a model's weights. These are the only
 * neural computations a backend ever runs; everything between them is the shared Java core.
 */
public final class Networks {
    private Networks() {
    }

    /** The encoder the config names: image [3,H,W] → features [F,H,W]. */
    public static Graph encoder(ModelFile model) {
        ModelConfig.EncoderConfig encoder = model.config().encoder();
        if (encoder instanceof ModelConfig.EdsrBaseline e) {
            return edsrBaseline(model, e);
        }
        if (encoder instanceof ModelConfig.Rdn r) {
            return rdn(model, r);
        }
        throw new IllegalArgumentException("unsupported encoder " + encoder.type());
    }

    /** EDSR-baseline without upsampling (algorithm §0). */
    private static Graph edsrBaseline(ModelFile model, ModelConfig.EdsrBaseline e) {
        Graph.Builder g = Graph.builder("encoder", Graph.Layout.IMAGE, 3);
        Node head = conv(g, g.input(), model, "encoder.head.0");
        Node x = head;
        for (int b = 0; b < e.nResblocks(); b++) {
            String p = "encoder.body." + b + ".body.";
            Node r = conv(g, g.relu(conv(g, x, model, p + "0")), model, p + "2");
            if (e.resScale() != 1f) {
                r = g.scale(r, e.resScale());
            }
            x = g.add(r, x);
        }
        Node body = conv(g, x, model, "encoder.body." + e.nResblocks());
        return g.build(g.add(body, head));
    }

    /**
     * EDSR-baseline's own upsampler (baselines §3), run on the encoder's feature map: [F, H, W] → [3, sH, sW].
     * ×2 and ×3: conv3×3 (F → s²F), PixelShuffle(s); ×4: that twice with s = 2; then conv3×3 (F → 3). No
     * activations. The body is {@link #encoder}, so the feature map is encoded (and banded) like every other
     * model's, and windows and tiles run this graph on the latents they need.
     */
    public static Graph edsrUpsampler(ModelFile model) {
        if (!(model.config().encoder() instanceof ModelConfig.EdsrBaseline e) || !e.upsamples()) {
            throw new IllegalArgumentException("not an EDSR-baseline with its own upsampler");
        }
        Graph.Builder g = Graph.builder("edsr-upsampler-x" + e.upsampleScale(), Graph.Layout.IMAGE, e.nFeats());
        int r = e.upsampleScale() == 3 ? 3 : 2;
        Node x = g.input();
        for (int stage = 0; stage < (e.upsampleScale() == 4 ? 2 : 1); stage++) {
            x = g.pixelShuffle(conv(g, x, model, "encoder.tail.0." + 2 * stage), r);
        }
        return g.build(conv(g, x, model, "encoder.tail.1"));
    }

    /**
     * RDN without upsampling (zoo §1): shallow features f1 and h; D residual dense blocks, each a stack
     * of C dense layers (3×3 conv + ReLU over everything so far, appended), local fusion (1×1) and a
     * skip; global fusion of all block outputs (1×1, then k×k) plus f1.
     */
    private static Graph rdn(ModelFile model, ModelConfig.Rdn r) {
        Graph.Builder g = Graph.builder("encoder", Graph.Layout.IMAGE, 3);
        Node f1 = conv(g, g.input(), model, "encoder.SFENet1");
        Node h = conv(g, f1, model, "encoder.SFENet2");
        List<Node> blockOutputs = new ArrayList<>();
        for (int d = 0; d < r.blocks(); d++) {
            String p = "encoder.RDBs." + d + ".";
            List<Node> stack = new ArrayList<>(List.of(h));
            for (int c = 0; c < r.layers(); c++) {
                stack.add(g.relu(conv(g, concat(g, stack), model, p + "convs." + c + ".conv.0")));
            }
            h = g.add(conv(g, concat(g, stack), model, p + "LFF"), h);
            blockOutputs.add(h);
        }
        Node fused = conv(g, conv(g, concat(g, blockOutputs), model, "encoder.GFF.0"), model, "encoder.GFF.1");
        return g.build(g.add(fused, f1));
    }

    /** A convolution with bias, stride 1 and zero padding (size − 1)/2, as every encoder conv here. */
    private static Node conv(Graph.Builder g, Node x, ModelFile m, String prefix) {
        Parameter w = m.parameter(prefix + ".weight");
        return g.conv2d(x, w, m.parameter(prefix + ".bias"), w.dim(2) / 2, w.dim(3) / 2);
    }

    private static Node concat(Graph.Builder g, List<Node> nodes) {
        return nodes.size() == 1 ? nodes.get(0) : g.concat(nodes);
    }

    /**
     * LTE's and DLTE's per-latent maps, computed once per image: [coef; freq], the two 3×3
     * convolutions of the feature map stacked along channels (zoo §3.1, §4.1).
     */
    public static Graph fourierMaps(ModelFile model) {
        Graph.Builder g = Graph.builder(model.config().decoder().type() + "-coef-freq", Graph.Layout.IMAGE,
                model.config().encoder().features());
        return g.build(g.concat(List.of(conv(g, g.input(), model, "coef"), conv(g, g.input(), model, "freq"))));
    }

    /**
     * The feature part of DIIF's first coarse layer, evaluated once per ensemble corner instead of once
     * per slice and vertex: rows of unfolded B×B blocks of latents → {@code [Hc]}, no bias. Exact
     * re-association of the reference's unfold-then-linear, because the layer is linear before its ReLU and
     * the block of a vertex depends only on the corner it sits on.
     *
     * <p>A row holds the block centred on one corner channels-last, {@code (dy·B + dx)·F + f}, so that it is
     * B contiguous copies from a channels-last window ({@link FeatureMap#windowChannelsLast}); the weight's
     * columns are permuted to match (the reference unfolds channel-major, {@code f·B² + dy·B + dx}). A
     * GEMM, not a B×B convolution: the engines ran the convolution far below their GEMM speed and returned
     * it channel-major, which the core then transposed (docs/performance.md, design measurements).
     */
    public static Graph diifCornerProjection(ModelFile model) {
        if (!(model.config().decoder() instanceof ModelConfig.Diif d)) {
            throw new IllegalArgumentException("not a DIIF model");
        }
        int f = model.config().encoder().features();
        int b = d.ensembleBlock();
        Parameter w1 = model.parameter("imnet.layers.0.weight");
        int hc = w1.dim(0);
        int in = w1.dim(1);
        int block = b * b * f;
        float[] weight = new float[hc * block];
        unfoldedChannelsLast(w1.values(), in, f, b * b, weight, block);
        Parameter p = new Parameter("imnet.layers.0.weight[:, :B²F] (dy, dx, f)", new int[] {hc, block}, weight);
        Graph.Builder g = Graph.builder("diif-corner-projection", Graph.Layout.ROWS, block);
        return g.build(g.linear(g.input(), p, null));
    }

    /**
     * Copies the columns of a weight {@code [rows, in]} that read a K-position unfold channel-major
     * ({@code c·K + k}, as the reference's unfold) into {@code target} {@code [rows, width]} channels-last
     * ({@code k·F + c}), the order in which the core copies an unfold out of a channels-last window.
     */
    private static void unfoldedChannelsLast(float[] weight, int in, int f, int positions, float[] target,
            int width) {
        int rows = weight.length / in;
        for (int o = 0; o < rows; o++) {
            for (int c = 0; c < f; c++) {
                for (int k = 0; k < positions; k++) {
                    target[o * width + k * f + c] = weight[o * in + c * positions + k];
                }
            }
        }
    }

    /**
     * MetaSR's weight-prediction MLP up to its last hidden activation: [u, v, ρ] → h, Linear + ReLU per
     * hidden layer (baselines §1 step 5). The core runs it once per distinct offset pair of a render.
     */
    public static Graph metaSrWeightHidden(ModelFile model) {
        ModelConfig.MetaSr d = metaSr(model);
        Graph.Builder g = Graph.builder("metasr-weight-hidden", Graph.Layout.ROWS, 3);
        Node x = g.input();
        for (int i = 0; i < d.hidden().size(); i++) {
            x = g.relu(linear(g, x, model, "imnet.layers." + 2 * i));
        }
        return g.build(x);
    }

    /**
     * MetaSR's last Linear re-associated with the per-pixel product (baselines §1 step 6): rgb_o =
     * Σ_k feat9_k (Σ_m W[3k+o, m]·a_m + b[3k+o]) = Σ_m a_m P[o·h + m] + P[3h + o], where P = feat9 ·
     * [W reshaped | b reshaped] depends on the latent only. This graph maps an unfolded latent (channels-last,
     * 9F) to P (3h + 3 values, no bias), so the 27F-wide weight layer runs once per latent instead of once
     * per output pixel and what is left per pixel is 3 dot products of length h.
     */
    public static Graph metaSrFeatureProjection(ModelFile model) {
        ModelConfig.MetaSr d = metaSr(model);
        int f = model.config().encoder().features();
        int h = d.lastHidden();
        String last = "imnet.layers." + 2 * d.hidden().size();
        float[] w = model.parameter(last + ".weight").values();
        float[] b = model.parameter(last + ".bias").values();
        int unfolded = 9 * f;
        int out = 3 * h + 3;
        // Reference layout first: row n of [out, 9F] reads the unfold channel-major (k = c·9 + dy·3 + dx).
        float[] channelMajor = new float[out * unfolded];
        for (int k = 0; k < unfolded; k++) {
            for (int o = 0; o < 3; o++) {
                for (int m = 0; m < h; m++) {
                    channelMajor[(o * h + m) * unfolded + k] = w[(3 * k + o) * h + m];
                }
                channelMajor[(3 * h + o) * unfolded + k] = b[3 * k + o];
            }
        }
        float[] weight = new float[out * unfolded];
        unfoldedChannelsLast(channelMajor, unfolded, f, 9, weight, unfolded);
        Parameter p = new Parameter(last + " re-associated [3h+3, 9F] (dy, dx, f)", new int[] {out, unfolded},
                weight);
        Graph.Builder g = Graph.builder("metasr-feature-projection", Graph.Layout.ROWS, unfolded);
        return g.build(g.linear(g.input(), p, null));
    }

    /**
     * LM-LIIF's latent MLP (hypernet, baselines §5.2): [feat9 channels-last (9F), rc_h, rc_w] → the M
     * modulations of one latent, Linear + ReLU per hidden layer and a Linear after.
     */
    public static Graph lmLiifLatentMlp(ModelFile model) {
        if (!(model.config().decoder() instanceof ModelConfig.LmLiif d)) {
            throw new IllegalArgumentException("not an LM-LIIF model");
        }
        int f = model.config().encoder().features();
        Parameter w0 = model.parameter("hypernet.layers.0.weight");
        int in = w0.dim(1);
        float[] weight = w0.values().clone();
        unfoldedChannelsLast(w0.values(), in, f, 9, weight, in);
        Graph.Builder g = Graph.builder("lmliif-latent-mlp", Graph.Layout.ROWS, in);
        Node x = g.linear(g.input(), new Parameter(w0.name() + " (dy, dx, f)", w0.shape(), weight),
                model.parameter("hypernet.layers.0.bias"));
        for (int i = 1; i <= d.hypernetHidden().size(); i++) {
            x = linear(g, g.relu(x), model, "hypernet.layers." + 2 * i);
        }
        return g.build(x);
    }

    private static ModelConfig.MetaSr metaSr(ModelFile model) {
        if (!(model.config().decoder() instanceof ModelConfig.MetaSr d)) {
            throw new IllegalArgumentException("not a MetaSR model");
        }
        return d;
    }

    /**
     * The coarse layers of a C2F-MLP the backend runs, each Linear + ReLU: DLTE's all, DIIF's from the
     * second on (its first is split, see {@link #diifCornerProjection}). When {@code projectToFine} is set,
     * also the coordinate-free part of the first fine layer (no bias), which may then be mixed per pixel.
     * With no layer left it is the identity. {@code biasColumn}: see {@link #fineStage}.
     */
    public static Graph coarseStage(ModelFile model, boolean projectToFine, boolean biasColumn) {
        ModelConfig.CoarseToFine d = coarseToFine(model);
        int firstLayer = d instanceof ModelConfig.Diif ? 1 : 0;
        List<Integer> coarse = d.coarseHidden();
        int in = firstLayer == 0 ? model.parameter("imnet.layers.0.weight").dim(1) : coarse.get(firstLayer - 1);
        boolean fold = biasColumn && firstLayer < coarse.size();
        Graph.Builder g = Graph.builder(d.type() + (projectToFine ? "-coarse-to-fine" : "-coarse"),
                Graph.Layout.ROWS, fold ? in + 1 : in);
        Node x = g.input();
        for (int i = firstLayer; i < coarse.size(); i++) {
            x = g.relu(linear(g, x, model, "imnet.layers." + 2 * i, fold && i == firstLayer));
        }
        if (projectToFine) {
            Parameter w = model.parameter("imnet.tail.0.weight");
            int hf = w.dim(0);
            int fineIn = w.dim(1);
            int hc = fineIn - 2;
            float[] hidden = new float[hf * hc];
            for (int o = 0; o < hf; o++) {
                System.arraycopy(w.values(), o * fineIn, hidden, o * hc, hc);
            }
            x = g.linear(x, new Parameter("imnet.tail.0.weight[:, :Hc]", new int[] {hf, hc}, hidden), null);
        }
        return g.build(x);
    }

    /**
     * The fine MLP of a C2F-MLP. {@code fromFirstLayer}: input [mix, q_h, q_w], all layers. Otherwise the
     * input is the first fine layer's activation (after its ReLU, which the core applies while mixing, so
     * the backend does not make one more pass over the largest tensor of a render).
     *
     * <p>{@code biasColumn}: where the stage starts with a layer that has a bias, that bias becomes the
     * weight's last column and the input one column wider; the caller fills that column with 1 ({@link
     * io.diif.spi.Backend#biasAsInputColumn} says why). The same for {@link #coarseStage} and {@link #mlp}.
     */
    public static Graph fineStage(ModelFile model, boolean fromFirstLayer, boolean biasColumn) {
        ModelConfig.CoarseToFine d = coarseToFine(model);
        int layers = d.fineHidden().size() + 1;
        Parameter w0 = model.parameter("imnet.tail.0.weight");
        int first = fromFirstLayer ? 0 : 1;
        int in = fromFirstLayer ? w0.dim(1) : w0.dim(0);
        boolean fold = biasColumn && first < layers;
        Graph.Builder g = Graph.builder(d.type() + (fromFirstLayer ? "-fine" : "-fine-after-mix"), Graph.Layout.ROWS,
                fold ? in + 1 : in);
        Node x = g.input();
        for (int i = first; i < layers; i++) {
            x = linear(g, i > first ? g.relu(x) : x, model, "imnet.tail." + 2 * i, fold && i == first);
        }
        return g.build(x);
    }

    /**
     * The MLP of LIIF ([feat9, rel, rel_cell] → RGB) or LTE (Fourier features → RGB), ReLU between layers.
     * {@code biasColumn}: see {@link #fineStage}.
     */
    public static Graph mlp(ModelFile model, boolean biasColumn) {
        ModelConfig.DecoderConfig d = model.config().decoder();
        List<Integer> hidden;
        if (d instanceof ModelConfig.Liif l) {
            hidden = l.hidden();
        } else if (d instanceof ModelConfig.Lte l) {
            hidden = l.hidden();
        } else {
            throw new IllegalArgumentException("not a LIIF or LTE model");
        }
        int in = model.parameter("imnet.layers.0.weight").dim(1);
        Graph.Builder g = Graph.builder(d.type() + "-mlp", Graph.Layout.ROWS, biasColumn ? in + 1 : in);
        Node x = g.input();
        for (int i = 0; i <= hidden.size(); i++) {
            x = linear(g, i > 0 ? g.relu(x) : x, model, "imnet.layers." + 2 * i, biasColumn && i == 0);
        }
        return g.build(x);
    }

    private static Node linear(Graph.Builder g, Node x, ModelFile m, String prefix) {
        return g.linear(x, m.parameter(prefix + ".weight"), m.parameter(prefix + ".bias"));
    }

    /** A Linear; with {@code biasColumn}, its bias as the weight's last column, for an input of 1 there. */
    private static Node linear(Graph.Builder g, Node x, ModelFile m, String prefix, boolean biasColumn) {
        if (!biasColumn) {
            return linear(g, x, m, prefix);
        }
        Parameter w = m.parameter(prefix + ".weight");
        float[] bias = m.parameter(prefix + ".bias").values();
        int out = w.dim(0);
        int in = w.dim(1);
        float[] folded = new float[out * (in + 1)];
        for (int o = 0; o < out; o++) {
            System.arraycopy(w.values(), o * in, folded, o * (in + 1), in);
            folded[o * (in + 1) + in] = bias[o];
        }
        return g.linear(x, new Parameter(w.name() + " | bias", new int[] {out, in + 1}, folded), null);
    }

    private static ModelConfig.CoarseToFine coarseToFine(ModelFile model) {
        if (!(model.config().decoder() instanceof ModelConfig.CoarseToFine d)) {
            throw new IllegalArgumentException("not a coarse-to-fine (DIIF or DLTE) model");
        }
        return d;
    }
}

package io.diif.network;

import io.diif.graph.Graph;
import io.diif.graph.Node;
import io.diif.graph.Parameter;
import io.diif.model.ModelConfig;
import io.diif.model.ModelFile;
import java.util.List;

/**
 * Builds the engine-neutral graphs of each architecture from a model's weights. These are the only
 * neural computations a backend ever runs; everything between them is the shared Java core.
 */
public final class Networks {
    private Networks() {
    }

    /**
     * Every graph a model runs, by graph name, encoder first: what a backend compiles and what an
     * exporter writes out.
     */
    public static java.util.Map<String, Graph> all(ModelFile model) {
        java.util.Map<String, Graph> graphs = new java.util.LinkedHashMap<>();
        java.util.List<Graph> list = new java.util.ArrayList<>();
        list.add(encoder(model));
        if (model.config().decoder() instanceof ModelConfig.Diif) {
            list.add(diifCornerProjection(model));
            list.add(diifCoarseTail(model, false));
            list.add(diifCoarseTail(model, true));
            list.add(diifFine(model, true));
            list.add(diifFine(model, false));
        } else if (model.config().decoder() instanceof ModelConfig.Liif) {
            list.add(liifMlp(model));
        } else {
            throw new IllegalArgumentException("no graph list for decoder " + model.config().decoder().type());
        }
        for (Graph g : list) {
            graphs.put(g.name(), g);
        }
        return graphs;
    }

    /** EDSR-baseline without upsampling (algorithm §0): image [3,H,W] → features [F,H,W]. */
    public static Graph encoder(ModelFile model) {
        if (!(model.config().encoder() instanceof ModelConfig.EdsrBaseline e)) {
            throw new IllegalArgumentException("unsupported encoder " + model.config().encoder().type());
        }
        Graph.Builder g = Graph.builder("encoder", Graph.Layout.IMAGE, 3);
        Node head = conv3(g, g.input(), model, "encoder.head.0");
        Node x = head;
        for (int b = 0; b < e.nResblocks(); b++) {
            String p = "encoder.body." + b + ".body.";
            Node r = conv3(g, g.relu(conv3(g, x, model, p + "0")), model, p + "2");
            if (e.resScale() != 1f) {
                r = g.scale(r, e.resScale());
            }
            x = g.add(r, x);
        }
        Node body = conv3(g, x, model, "encoder.body." + e.nResblocks());
        return g.build(g.add(body, head));
    }

    private static Node conv3(Graph.Builder g, Node x, ModelFile m, String prefix) {
        return g.conv2d(x, m.parameter(prefix + ".weight"), m.parameter(prefix + ".bias"), 1, 1);
    }

    /**
     * The feature part of DIIF's first coarse layer, evaluated once per ensemble corner instead of once
     * per slice and vertex: a B×B convolution (no bias, no padding) over a zero-padded feature window.
     * Exact re-association of the reference's unfold-then-linear, because the layer is linear before its
     * ReLU and the block of a vertex depends only on the corner it sits on.
     */
    public static Graph diifCornerProjection(ModelFile model) {
        ModelConfig.Diif d = diif(model);
        int f = model.config().encoder().features();
        int b = d.ensembleBlock();
        Parameter w1 = model.parameter("imnet.layers.0.weight");
        int hc = w1.dim(0);
        int in = w1.dim(1);
        // Columns c·B² + dy·B + dx of W1 are exactly a [Hc, F, B, B] kernel in PyTorch layout.
        float[] kernel = new float[hc * f * b * b];
        for (int o = 0; o < hc; o++) {
            System.arraycopy(w1.values(), o * in, kernel, o * f * b * b, f * b * b);
        }
        Parameter k = new Parameter("imnet.layers.0.weight[:, :B²F]", new int[] {hc, f, b, b}, kernel);
        Graph.Builder g = Graph.builder("diif-corner-projection", Graph.Layout.IMAGE, f);
        return g.build(g.conv2d(g.input(), k, null, 0, 0));
    }

    /**
     * The coarse layers after the first (each Linear + ReLU); when {@code projectToFine} is set, also the
     * coordinate-free part of the first fine layer (no bias), which may then be mixed per pixel.
     */
    public static Graph diifCoarseTail(ModelFile model, boolean projectToFine) {
        ModelConfig.Diif d = diif(model);
        List<Integer> coarse = d.coarseHidden();
        Graph.Builder g = Graph.builder(projectToFine ? "diif-coarse-to-fine" : "diif-coarse", Graph.Layout.ROWS,
                coarse.get(0));
        Node x = g.input();
        for (int i = 1; i < coarse.size(); i++) {
            x = g.relu(g.linear(x, model.parameter("imnet.layers." + 2 * i + ".weight"),
                    model.parameter("imnet.layers." + 2 * i + ".bias")));
        }
        if (projectToFine) {
            Parameter w = model.parameter("imnet.tail.0.weight");
            int hf = w.dim(0);
            int in = w.dim(1);
            int hc = in - 2;
            float[] hidden = new float[hf * hc];
            for (int o = 0; o < hf; o++) {
                System.arraycopy(w.values(), o * in, hidden, o * hc, hc);
            }
            x = g.linear(x, new Parameter("imnet.tail.0.weight[:, :Hc]", new int[] {hf, hc}, hidden), null);
        }
        return g.build(x);
    }

    /**
     * The fine MLP. {@code fromFirstLayer}: input [mix, q_h, q_w], all layers. Otherwise the input is the
     * first fine layer's pre-activation, and the graph starts with its ReLU.
     */
    public static Graph diifFine(ModelFile model, boolean fromFirstLayer) {
        ModelConfig.Diif d = diif(model);
        int layers = d.fineHidden().size() + 1;
        Parameter w0 = model.parameter("imnet.tail.0.weight");
        Graph.Builder g = Graph.builder(fromFirstLayer ? "diif-fine" : "diif-fine-after-mix", Graph.Layout.ROWS,
                fromFirstLayer ? w0.dim(1) : w0.dim(0));
        Node x = g.input();
        int first = 0;
        if (fromFirstLayer) {
            x = g.linear(x, w0, model.parameter("imnet.tail.0.bias"));
        }
        first = 1;
        for (int i = first; i < layers; i++) {
            x = g.relu(x);
            x = g.linear(x, model.parameter("imnet.tail." + 2 * i + ".weight"),
                    model.parameter("imnet.tail." + 2 * i + ".bias"));
        }
        return g.build(x);
    }

    /** The LIIF MLP: [feat9, rel, rel_cell] → RGB, ReLU between layers. */
    public static Graph liifMlp(ModelFile model) {
        if (!(model.config().decoder() instanceof ModelConfig.Liif l)) {
            throw new IllegalArgumentException("not a LIIF model");
        }
        int layers = l.hidden().size() + 1;
        Graph.Builder g = Graph.builder("liif-mlp", Graph.Layout.ROWS,
                model.parameter("imnet.layers.0.weight").dim(1));
        Node x = g.input();
        for (int i = 0; i < layers; i++) {
            if (i > 0) {
                x = g.relu(x);
            }
            x = g.linear(x, model.parameter("imnet.layers." + 2 * i + ".weight"),
                    model.parameter("imnet.layers." + 2 * i + ".bias"));
        }
        return g.build(x);
    }

    private static ModelConfig.Diif diif(ModelFile model) {
        if (!(model.config().decoder() instanceof ModelConfig.Diif d)) {
            throw new IllegalArgumentException("not a DIIF model");
        }
        return d;
    }
}

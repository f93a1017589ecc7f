package io.diif.backend.onnx;

import io.diif.graph.Graph;
import io.diif.graph.Parameter;
import io.diif.internal.architecture.Architecture;
import io.diif.internal.output.Npy;
import io.diif.model.ModelConfig;
import io.diif.model.ModelFile;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Exports a whole model as standard ONNX files, for running it from Python or C++ ONNX Runtime: one
 * {@code <graph name>.onnx} per graph of {@link Architecture#graphs(ModelFile)} (encoder first), the few weights
 * the Java core applies between the graphs as {@code .npy} files (DIIF only), and a {@code README.md} that
 * documents every file and how to glue them into the model, with a runnable NumPy script.
 *
 * <pre>{@code
 * List<Path> written = OnnxModelExporter.export(ModelFile.read(Path.of("model.safetensors")), Path.of("out"));
 * }</pre>
 *
 * <p>Each ONNX file is what {@link OnnxExport} writes: one float32 input {@value OnnxExport#INPUT_NAME},
 * one output {@value OnnxExport#OUTPUT_NAME}, IR version 8, opset 17, weights embedded. Exporting needs
 * no native code.
 */
public final class OnnxModelExporter {
    /** Name of the documentation file written next to the models. */
    public static final String README = "README.md";
    /** {@code imnet.layers.0.weight[:, B²F:]}: the first coarse layer's weights on the six descriptor inputs. */
    public static final String DESCRIPTOR_WEIGHT = "diif-descriptor-weight";
    /** {@code imnet.layers.0.bias}. */
    public static final String COARSE_BIAS = "diif-coarse-bias";
    /** {@code imnet.tail.0.weight[:, Hc:]}: the first fine layer's weights on (q_h, q_w). */
    public static final String FINE_COORD_WEIGHT = "diif-fine-coord-weight";
    /** {@code imnet.tail.0.bias}. */
    public static final String FINE_BIAS = "diif-fine-bias";

    private OnnxModelExporter() {
    }

    /**
     * Writes the model's ONNX files, glue weights and README into {@code directory} (created if needed;
     * files of the same names are replaced).
     *
     * @param model the model to export
     * @param directory where the files go
     * @return the files written: the ONNX models in graph order, then the {@code .npy} files, then the README
     * @throws IllegalArgumentException if the model has an architecture without graphs, or a graph over 2 GiB
     * @throws IOException if the directory or a file cannot be written
     */
    public static List<Path> export(ModelFile model, Path directory) throws IOException {
        Map<String, Graph> graphs = Architecture.graphs(model);
        Files.createDirectories(directory);
        List<Path> written = new ArrayList<>();
        for (Graph g : graphs.values()) {
            Path file = directory.resolve(g.name() + ".onnx");
            OnnxExport.write(g, file);
            written.add(file);
        }
        for (Glue glue : glue(model)) {
            Path file = directory.resolve(glue.name + ".npy");
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
                Npy.writeFloat32(out, glue.values, glue.shape);
            }
            written.add(file);
        }
        Path readme = directory.resolve(README);
        Files.writeString(readme, readme(model, graphs), StandardCharsets.UTF_8);
        written.add(readme);
        return written;
    }

    /**
     * The README {@link #export} writes: every file, its inputs and outputs, and how to glue the graphs
     * into the model, with a NumPy script.
     *
     * @param model the model
     * @return the README's Markdown text
     * @throws IllegalArgumentException if the model has an architecture without graphs
     */
    public static String readme(ModelFile model) {
        return readme(model, Architecture.graphs(model));
    }

    /** A weight tensor the Java core applies between graphs, written as {@code <name>.npy}. */
    private record Glue(String name, String source, int[] shape, float[] values) {
    }

    /** DIIF's glue: the parts of the first coarse and first fine layers that the core computes itself. */
    private static List<Glue> glue(ModelFile model) {
        if (!(model.config().decoder() instanceof ModelConfig.Diif d) || !d.sliceEnsemble()) {
            return List.of(); // the README documents the slice-ensemble DIIF only
        }
        int featureInputs = d.ensembleBlock() * d.ensembleBlock() * model.config().encoder().features();
        Parameter w1 = model.parameter("imnet.layers.0.weight");
        Parameter w3 = model.parameter("imnet.tail.0.weight");
        return List.of(
                new Glue(DESCRIPTOR_WEIGHT, "imnet.layers.0.weight[:, " + featureInputs + ":]",
                        new int[] {w1.dim(0), 6}, columns(w1, featureInputs, 6)),
                new Glue(COARSE_BIAS, "imnet.layers.0.bias", new int[] {w1.dim(0)},
                        model.parameter("imnet.layers.0.bias").values().clone()),
                new Glue(FINE_COORD_WEIGHT, "imnet.tail.0.weight[:, " + (w3.dim(1) - 2) + ":]",
                        new int[] {w3.dim(0), 2}, columns(w3, w3.dim(1) - 2, 2)),
                new Glue(FINE_BIAS, "imnet.tail.0.bias", new int[] {w3.dim(0)},
                        model.parameter("imnet.tail.0.bias").values().clone()));
    }

    /** Columns {@code [from, from + count)} of a {@code [out, in]} matrix, as a {@code [out, count]} matrix. */
    private static float[] columns(Parameter w, int from, int count) {
        int rows = w.dim(0);
        int in = w.dim(1);
        float[] out = new float[rows * count];
        for (int o = 0; o < rows; o++) {
            System.arraycopy(w.values(), o * in + from, out, o * count, count);
        }
        return out;
    }

    // ---------------------------------------------------------------------------------------------------
    // README

    private static String readme(ModelFile model, Map<String, Graph> graphs) {
        ModelConfig c = model.config();
        int f = c.encoder().features();
        StringBuilder sb = new StringBuilder();
        sb.append("# ONNX export of ").append(c.name()).append("\n\n");
        sb.append("Exported by diif-java ").append(version()).append(" (`diif export-onnx`, or `OnnxModelExporter` in"
                + " `io.diif:diif-backend-onnx`) from `").append(fileName(model.source())).append("`: ")
                .append(architecture(c)).append(", ").append(String.format(Locale.ROOT, "%,d", model.parameterCount()))
                .append(" parameters.\n\n");
        sb.append("Every `.onnx` file is a standard ONNX model (IR version ").append(OnnxExport.IR_VERSION)
                .append(", opset ").append(OnnxExport.OPSET).append(", ops Conv, Gemm, Relu, Add, Mul, Concat,"
                + " Identity) with float32 weights embedded, one float32 input named `").append(OnnxExport.INPUT_NAME)
                .append("` and one float32 output named `").append(OnnxExport.OUTPUT_NAME).append("`. They load in any"
                + " ONNX Runtime (Python, C++, C#, Java, web) with default session options. Image tensors are NCHW"
                + " with batch 1; row tensors are `[N, C]`, N independent rows, any N >= 1. `H`, `W` and `N` are"
                + " symbolic dimensions.\n\n");
        sb.append("These networks are only the neural part of the model. Between them, the Java core does the"
                + " arithmetic described below (normalisation, grouping, slice descriptors, ensemble mixing,"
                + " assembly); §-numbers refer to the sections of the project's algorithm specification"
                + " (`algorithm.md`,"
                + " the numerical contract of diif-java, written from the authors' reference code).\n\n");

        sb.append("## Files\n\n");
        sb.append("| file | input | output | computes |\n|---|---|---|---|\n");
        for (Graph g : graphs.values()) {
            sb.append("| `").append(g.name()).append(".onnx` | `").append(shape(g, true)).append("` | `")
                    .append(shape(g, false)).append("` | ").append(summary(role(g, graphs), c)).append(" |\n");
        }
        sb.append('\n');
        List<Glue> glue = glue(model);
        if (!glue.isEmpty()) {
            sb.append("Weights the core applies between the graphs (float32 NumPy files, also in the model's"
                    + " `.safetensors`):\n\n| file | shape | tensor of the model file |\n|---|---|---|\n");
            for (Glue gl : glue) {
                sb.append("| `").append(gl.name).append(".npy` | `").append(java.util.Arrays.toString(gl.shape))
                        .append("` | `").append(gl.source).append("` |\n");
            }
            sb.append('\n');
        }

        for (Graph g : graphs.values()) {
            sb.append("### `").append(g.name()).append(".onnx`\n\n");
            sb.append("* input `").append(OnnxExport.INPUT_NAME).append("`: float32 `").append(shape(g, true))
                    .append('`').append(sentence(inputMeaning(g, role(g, graphs), c))).append('\n');
            sb.append("* output `").append(OnnxExport.OUTPUT_NAME).append("`: float32 `").append(shape(g, false))
                    .append('`').append(sentence(outputMeaning(g, role(g, graphs)))).append('\n');
            String note = note(g);
            if (!note.isEmpty()) {
                sb.append("* ").append(note).append('\n');
            }
            sb.append('\n');
        }

        boolean scripted = true;
        if (c.decoder() instanceof ModelConfig.Diif d && d.sliceEnsemble()) {
            diifGlue(sb, model, d, encoderFile(graphs));
        } else if (c.decoder() instanceof ModelConfig.Liif) {
            liifGlue(sb, c, encoderFile(graphs));
        } else {
            scripted = false;
            sb.append("## Glue\n\nThe arithmetic between these graphs for decoder type `").append(c.decoder().type())
                    .append("` is not documented here; see the project's algorithm specification and"
                    + " `io.diif.decoder` in diif-api.\n");
        }
        sb.append("\nOutputs are raw values in the normalised space, like the reference code's; display colour is"
                + " `clamp(y * ").append(fmt(c.std())).append(" + ").append(fmt(c.mean())).append(", 0, 1)`.");
        if (scripted) {
            sb.append(" Run on these files, the Java core and the NumPy script above both reproduce the authors'"
                    + " reference outputs within 1e-5 (diif-backend-onnx's `OnnxModelExporterTest` checks this on"
                    + " the golden models).");
        }
        sb.append('\n');
        return sb.toString();
    }

    private static void diifGlue(StringBuilder sb, ModelFile model, ModelConfig.Diif d, String encoder) {
        ModelConfig c = model.config();
        int b = d.ensembleBlock();
        int hc0 = model.parameter("imnet.layers.0.weight").dim(0);
        int hf = model.parameter("imnet.tail.0.weight").dim(0);
        boolean row = d.slicing() == ModelConfig.Slicing.ROW;
        String clamp = Double.isNaN(d.maxScale()) ? "never clamped (no `max_scale`)"
                : "`2/" + fmt(d.maxScale()) + "` when `oh > " + fmt(d.maxScale()) + "·H` (strictly), else `cell_h`";
        sb.append("## How the Java core runs DIIF with these files\n\n");
        sb.append("For an `H×W` input and an `oh×ow` output, all float32 (`io.diif.internal.decoding.DiifDecoder` does"
                + " exactly this, in tiles):\n\n");
        sb.append("1. **Encode** (§0): `x = (rgb01 − ").append(fmt(c.mean())).append(") / ").append(fmt(c.std()))
                .append("` as `[1, 3, H, W]` (RGB planes, rows top to bottom) → `" + encoder + ".onnx` → `feat [1, ")
                .append(c.encoder().features()).append(", H, W]`.\n");
        sb.append("2. **Group** each axis (§2; rows shown): `start_i = ceil((2·i·oh − H) / (2H))` in integers,"
                + " `start_0 = 0`, `start_H = oh`; output row `r` belongs to the latent `i` with"
                + " `start_i ≤ r < start_{i+1}`; `N_h = max_i (start_{i+1} − start_i)`; `cell_h = 2H/oh`. A position"
                + " `p` (in output pixels; pixel centres at `r + 0.5`) measured from latent `i`'s centre is"
                + " `rel_h(i, p) = 2·p·H/oh − (2i + 1)`. Columns likewise (`W`, `ow`).\n");
        int f = c.encoder().features();
        String lastRow = b / 2 == 1 ? "ci" : "ci+" + (b / 2 - 1);
        sb.append("3. **Corner projections** (§5, §6): for every ensemble corner `(ci, cj)`, `0 ≤ ci ≤ H`,"
                + " `0 ≤ cj ≤ W` (the corner between latent rows `ci−1, ci` and columns `cj−1, cj`), unfold the ")
                .append(b).append("×").append(b).append(" block of latents in rows `ci−").append(b / 2).append(" … ")
                .append(lastRow).append("` and columns likewise (zero outside the image) channels-last, entry"
                        + " `(dy·").append(b).append(" + dx)·").append(f).append(" + f`: the rows `[(H+1)·(W+1), ")
                .append(b * b * f).append("]`, corner-major → `diif-corner-projection.onnx` → `P [(H+1)·(W+1), ")
                .append(hc0).append("]`, the feature part of the first coarse layer (`imnet.layers.0.weight[:, :B²F]`,"
                        + " B = ").append(b).append(", its columns in the rows' order). Ensemble vertex `(vh, vw)` of"
                        + " latent `(i, j)` uses row `(i + (vh > 0))·(W+1) + j + (vw > 0)`. Any set of corners works the"
                        + " same, one row each, which is how the core tiles.\n");
        if (row) {
            sb.append("4. **Slices and descriptors** (§3, §4; this model: `row` slicing): one slice per output row `r`"
                    + " and latent column `j`; with `i` the latent of `r`: `top = bottom = rel_h(i, r + 0.5)`,"
                    + " `left = rel_w(j, start_j + 0.5)`, `right = rel_w(j, start_j + N_w − 0.5)` (the PADDED"
                    + " `N_w`).");
        } else {
            sb.append("4. **Slices and descriptors** (§3, §4; this model: `group` slicing): one slice per latent"
                    + " `(i, j)`: `top = rel_h(i, start_i + 0.5)`, `bottom = rel_h(i, start_i + N_h − 0.5)`,"
                    + " `left = rel_w(j, start_j + 0.5)`, `right = rel_w(j, start_j + N_w − 0.5)` (PADDED `N`).");
        }
        sb.append(" Coarse cell `cc_h` = ").append(clamp).append("; `cc_w` likewise, independently.\n");
        sb.append("5. **First coarse layer** (§6), per slice and vertex `(vh, vw)` in the order (−1,−1), (−1,+1),"
                + " (+1,−1), (+1,+1): `h = ReLU(P[:, corner] + ").append(COARSE_BIAS).append(" + ")
                .append(DESCRIPTOR_WEIGHT).append(" · [cc_h, cc_w, top − vh, left − vw, bottom − vh, right − vw])`.\n");
        sb.append("6. **Coarse tail** (§6): the rows `h` (`[4·slices, ").append(d.coarseHidden().get(0))
                .append("]`) → `diif-coarse.onnx` → one vector `v` per slice and vertex (`[4·slices, ")
                .append(d.coarseWidth()).append("]`).\n");
        sb.append("7. **Ensemble mixing** (§7), per output pixel `(r, c)` of latent `(i, j)`:"
                + " `q_h = rel_h(i, r + 0.5)`,"
                + " `q_w = rel_w(j, c + 0.5)`; `a_v = |(q_h − vh)·(q_w − vw)| + 1e-9`; `m = Σ_v a_(3−v) / Σ a · v_v`"
                + " over the four vertices of the pixel's slice (each vertex weighted by the area of the diagonally"
                + " opposite one: bilinear weights).\n");
        sb.append("8. **Fine MLP** (§7): `[m, q_h, q_w]` (`[pixels, ").append(d.coarseWidth() + 2)
                .append("]`) → `diif-fine.onnx` → raw RGB `[pixels, 3]`.\n");
        sb.append("9. **Assembly** (§8): pixel `(r, c)` of the `[3, oh, ow]` output; padded group positions are never"
                + " computed.\n\n");
        sb.append("`diif-coarse-to-fine.onnx` and `diif-fine-after-mix.onnx` are an exact re-association the core"
                + " uses when a slice holds 5 or more pixels (the first fine layer is linear before its ReLU, so it"
                + " can be applied before mixing): in step 6 run `diif-coarse-to-fine.onnx` instead, giving `u"
                + " [4·slices, " + hf + "]`; in step 7 mix `u` instead of `v` and add `").append(FINE_COORD_WEIGHT)
                .append(" · [q_h, q_w] + ").append(FINE_BIAS).append("`, then apply ReLU; in step 8 run"
                + " `diif-fine-after-mix.onnx` on that. Both routes agree to float rounding.\n\n");
        sb.append("### The same in NumPy\n\n");
        sb.append("Renders a whole image with onnxruntime and numpy (run it in this folder; it computes every slice at"
                + " once, so for big outputs process slices in chunks as the Java core does):\n\n```python\n");
        sb.append(PY_COMMON.replace("@MEAN@", fmt(c.mean())).replace("@STD@", fmt(c.std()))
                .replace("@ENCODER@", encoder));
        sb.append(PY_DIIF.replace("@B@", Integer.toString(b)).replace("@SLICING@", row ? "row" : "group")
                .replace("@MAX_SCALE@", Double.isNaN(d.maxScale()) ? "None" : fmt(d.maxScale())));
        sb.append(PY_USAGE.replace("@RUN@", "diif"));
        sb.append("```\n");
    }

    private static void liifGlue(StringBuilder sb, ModelConfig c, String encoder) {
        sb.append("## How the Java core runs LIIF with these files\n\n");
        sb.append("For an `H×W` input and an `oh×ow` output (`io.diif.internal.decoding.LiifDecoder`; §11, LIIF's official"
                + " `query_rgb`), all float32:\n\n");
        sb.append("1. **Encode** (§0): `x = (rgb01 − ").append(fmt(c.mean())).append(") / ").append(fmt(c.std()))
                .append("` as `[1, 3, H, W]` → `").append(encoder).append(".onnx` → `feat [1, ")
                .append(c.encoder().features()).append(", H, W]`.\n");
        sb.append("2. **Query coordinates**: output pixel `(r, c)` has `y = centre(oh, r)`, `x = centre(ow, c)` with"
                + " LIIF's `centre(n, k) = fl(−1 + 1/n) + fl(2/n)·k` evaluated in float32 (computing `−1 + (2k+1)/n`"
                + " instead changes border pixels by up to 1e-2); cell inputs `cell_h = fl(2/oh)·H`,"
                + " `cell_w = fl(2/ow)·W`.\n");
        sb.append("3. **Local ensemble**: for `(vy, vx)` in (−1,−1), (−1,+1), (+1,−1), (+1,+1):"
                + " `sy = clamp(y + fl(vy/H + 1e-6), fl(−1 + 1e-6), fl(1 − 1e-6))` (the shift is one float32"
                + " constant); latent row `li = clamp(rint(((sy + 1)·H − 1) / 2), 0, H−1)` (round half to even, as"
                + " grid_sample nearest); likewise `lj`; `rel_h = (y − centre(H, li))·H`,"
                + " `rel_w = (x − centre(W, lj))·W`.\n");
        sb.append("4. **MLP**: rows `[feat9, rel_h, rel_w, cell_h, cell_w]` with"
                + " `feat9[c·9 + dy·3 + dx] = feat[c, li+dy−1,"
                + " lj+dx−1]` (zero outside) → `liif-mlp.onnx` → `pred [rows, 3]`.\n");
        sb.append("5. **Blend**: `area_v = |rel_h·rel_w| + 1e-9`; `rgb = Σ_v pred_v · area_(3−v) / Σ area`.\n\n");
        sb.append("### The same in NumPy\n\n```python\n");
        sb.append(PY_COMMON.replace("@MEAN@", fmt(c.mean())).replace("@STD@", fmt(c.std()))
                .replace("@ENCODER@", encoder));
        sb.append(PY_LIIF);
        sb.append(PY_USAGE.replace("@RUN@", "liif"));
        sb.append("```\n");
    }

    private static final String PY_COMMON = """
            import numpy as np
            import onnxruntime as ort

            FOLDER = "."                 # the folder holding these files
            MEAN, STD = @MEAN@, @STD@
            f32 = np.float32
            VERTICES = ((-1, -1), (-1, 1), (1, -1), (1, 1))   # (v_h, v_w), the reference's order


            def net(name):
                session = ort.InferenceSession(f"{FOLDER}/{name}.onnx", providers=["CPUExecutionProvider"])
                return lambda x: session.run(None, {"input": np.ascontiguousarray(x, dtype=f32)})[0]


            def encode(rgb01):           # rgb01: float32 [3, H, W] in [0, 1] -> feat [F, H, W]  (§0)
                return net("@ENCODER@")(((rgb01 - f32(MEAN)) / f32(STD))[None])[0]

            """;

    private static final String PY_DIIF = """

            B, SLICING, MAX_SCALE = @B@, "@SLICING@", @MAX_SCALE@


            def axis(L, n):              # grouping of one axis: L latents -> n output pixels  (§2)
                i = np.arange(L + 1)
                start = -((L - 2 * i * n) // (2 * L))
                start[0], start[L] = 0, n
                N = np.diff(start).max()
                owner = np.searchsorted(start, np.arange(n), side="right") - 1   # latent of each output pixel
                rel = lambda i, p: (2.0 * p * L / n - (2.0 * i + 1.0)).astype(f32)
                q = rel(owner, np.arange(n) + 0.5)                             # each pixel, from its latent
                first, last = rel(i[:L], start[:L] + 0.5), rel(i[:L], start[:L] + N - 0.5)   # §4 (padded N)
                cc = 2.0 / MAX_SCALE if MAX_SCALE and n > MAX_SCALE * L else 2.0 * L / n
                return owner, q, first, last, f32(cc)


            def diif(feat, oh, ow):
                F, H, W = feat.shape
                coarse, fine = net("diif-coarse"), net("diif-fine")
                wd, b1 = np.load(f"{FOLDER}/diif-descriptor-weight.npy"), np.load(f"{FOLDER}/diif-coarse-bias.npy")
                p = B // 2       # corner projections: every corner's B×B block, channels-last  (§5, §6)
                fp = np.pad(feat, ((0, 0), (p, p), (p, p))).transpose(1, 2, 0)                    # [H+B, W+B, F]
                blocks = np.lib.stride_tricks.sliding_window_view(fp, (B, B), axis=(0, 1))       # [H+1, W+1, F, B, B]
                P = net("diif-corner-projection")(blocks.transpose(0, 1, 3, 4, 2).reshape((H + 1) * (W + 1), -1))
                P = P.reshape(H + 1, W + 1, -1)                                                  # [H+1, W+1, Hc]
                ih, qh, fh, lh, cch = axis(H, oh)
                jw, qw, fw, lw, ccw = axis(W, ow)
                if SLICING == "row":     # a slice per (output row, latent column)  (§3)
                    si, top, bottom, rows = ih, qh, qh, np.arange(oh)
                else:                    # a slice per latent
                    si, top, bottom, rows = np.arange(H), fh, lh, ih
                si, top, bottom = (np.repeat(a, W) for a in (si, top, bottom))
                sj = np.tile(np.arange(W), len(si) // W)
                v = []
                for vh, vw in VERTICES:  # first coarse layer per slice and vertex, then the coarse tail  (§6)
                    d = np.stack([np.full_like(top, cch), np.full_like(top, ccw),
                                  top - f32(vh), fw[sj] - f32(vw), bottom - f32(vh), lw[sj] - f32(vw)], 1)
                    h = P[si + (vh > 0), sj + (vw > 0)] + b1 + d @ wd.T
                    v.append(coarse(np.maximum(h, 0)))
                v = np.stack(v)          # [4, slices, Hc]
                out = np.empty((3, oh, ow), f32)
                chunk = max(1, 16384 // ow)
                for r0 in range(0, oh, chunk):   # slice ensemble and fine MLP per pixel (§7), assembly (§8)
                    r = np.arange(r0, min(oh, r0 + chunk))
                    s = (rows[r][:, None] * W + jw[None, :]).ravel()          # the slice of each pixel
                    y, x = np.repeat(qh[r], ow), np.tile(qw, len(r))
                    a = np.stack([np.abs((y - f32(vh)) * (x - f32(vw))) + f32(1e-9) for vh, vw in VERTICES])
                    m = np.einsum("vn,vnc->nc", a[::-1] / a.sum(0), v[:, s])   # vertex v weighted by area 3-v
                    rgb = fine(np.concatenate([m, y[:, None], x[:, None]], 1))
                    out[:, r] = rgb.T.reshape(3, len(r), ow)
                return out

            """;

    private static final String PY_LIIF = """

            def centre(n, k):            # LIIF's make_coord, in float32
                return f32(-1 + 1 / n) + f32(2 / n) * np.asarray(k, dtype=f32)


            def liif(feat, oh, ow):      # §11
                F, H, W = feat.shape
                mlp = net("liif-mlp")
                fp = np.pad(feat, ((0, 0), (1, 1), (1, 1)))
                cell_h, cell_w = f32(2 / oh) * f32(H), f32(2 / ow) * f32(W)
                lo, hi = f32(-1 + 1e-6), f32(1 - 1e-6)
                out = np.empty((3, oh, ow), f32)
                chunk = max(1, 16384 // ow)
                for r0 in range(0, oh, chunk):
                    r = np.arange(r0, min(oh, r0 + chunk))
                    y, x = np.repeat(centre(oh, r), ow), np.tile(centre(ow, np.arange(ow)), len(r))
                    preds, areas = [], []
                    for vy, vx in VERTICES:
                        sy = np.clip(y + f32(vy / H + 1e-6), lo, hi)
                        sx = np.clip(x + f32(vx / W + 1e-6), lo, hi)
                        li = np.clip(np.rint(((sy + 1) * H - 1) / 2), 0, H - 1).astype(np.int64)
                        lj = np.clip(np.rint(((sx + 1) * W - 1) / 2), 0, W - 1).astype(np.int64)
                        rel_h, rel_w = (y - centre(H, li)) * f32(H), (x - centre(W, lj)) * f32(W)
                        feat9 = np.stack([fp[:, li + dy, lj + dx] for dy in range(3) for dx in range(3)], 1)
                        rows = np.concatenate([feat9.transpose(2, 0, 1).reshape(len(y), 9 * F),
                                               np.stack([rel_h, rel_w, np.full_like(y, cell_h),
                                                         np.full_like(y, cell_w)], 1)], 1)
                        preds.append(mlp(rows))
                        areas.append(np.abs(rel_h * rel_w) + f32(1e-9))
                    total = areas[0] + areas[1] + areas[2] + areas[3]
                    rgb = sum(preds[v] * (areas[3 - v] / total)[:, None] for v in range(4))
                    out[:, r] = rgb.T.reshape(3, len(r), ow)
                return out

            """;

    private static final String PY_USAGE = """

            # rgb01 = np.asarray(PIL.Image.open("in.png").convert("RGB"), f32).transpose(2, 0, 1) / f32(255)
            # raw = @RUN@(encode(rgb01), oh, ow)                       # [3, oh, ow], normalised space
            # image = np.clip(raw * STD + MEAN, 0, 1)
            """;

    /** What a graph is: "encoder" for the first graph (whatever its name), else its name. */
    private static String role(Graph g, Map<String, Graph> graphs) {
        return g == graphs.values().iterator().next() ? "encoder" : g.name();
    }

    private static String encoderFile(Map<String, Graph> graphs) {
        return graphs.keySet().iterator().next();
    }

    private static String summary(String role, ModelConfig c) {
        return switch (role) {
            case "encoder" -> "the " + c.encoder().type() + " encoder (§0)";
            case "diif-corner-projection" -> "feature part of the first coarse layer, per ensemble corner (§6)";
            case "diif-coarse" -> "the coarse layers after the first (§6)";
            case "diif-coarse-to-fine" -> "the same, then the hidden part of the first fine layer";
            case "diif-fine" -> "the fine MLP (§7)";
            case "diif-fine-after-mix" -> "the fine MLP after its first layer's ReLU";
            case "liif-mlp" -> "LIIF's MLP (§11)";
            default -> role.startsWith("edsr-upsampler-x") ? "EDSR-baseline's own fixed-scale upsampler (baselines §3)"
                    : "graph `" + role + "`";
        };
    }

    private static String inputMeaning(Graph g, String role, ModelConfig c) {
        int in = g.input().channels();
        return switch (role) {
            case "encoder" -> "The image, normalised: `(rgb01 − " + fmt(c.mean()) + ") / " + fmt(c.std())
                    + "`, channels R, G, B.";
            case "diif-corner-projection" -> "Rows of unfolded B×B blocks of latents, one per ensemble corner,"
                    + " channels-last (`(dy·B + dx)·F + f`), zero outside the image (step 3 below).";
            case "diif-coarse", "diif-coarse-to-fine" -> "Rows of the first coarse layer's activations, after its"
                    + " ReLU (step 5 below): one row per slice and ensemble vertex.";
            case "diif-fine" -> "Rows `[m, q_h, q_w]`: the ensemble-mixed coarse vector (" + (in - 2)
                    + " values) and the pixel's position relative to its latent's centre.";
            case "diif-fine-after-mix" -> "Rows of the first fine layer's activation (after its ReLU), mixed"
                    + " and completed per pixel as described below.";
            case "liif-mlp" -> "Rows `[feat9, rel_h, rel_w, cell_h, cell_w]`: the 3×3-unfolded features of one"
                    + " latent (" + (in - 4) + " values, channel-major `c·9 + dy·3 + dx`), the query's position"
                    + " relative to that latent and the cell size, in latent units.";
            default -> "";
        };
    }

    private static String outputMeaning(Graph g, String role) {
        return switch (role) {
            case "encoder" -> "The latent codes: one " + g.output().channels()
                    + "-vector per input pixel (no upsampling).";
            case "diif-corner-projection" -> "Row k is `imnet.layers.0.weight[:, :B²F]`, its columns in the"
                    + " input's order, applied to input row k (no bias).";
            case "diif-coarse" -> "The coarse vectors `v` (after the last coarse ReLU).";
            case "diif-coarse-to-fine" -> "The coarse vectors times `imnet.tail.0.weight[:, :Hc]` (no bias): their"
                    + " contribution to the first fine layer.";
            case "diif-fine", "diif-fine-after-mix", "liif-mlp" -> "Raw RGB, in the normalised space.";
            default -> role.startsWith("edsr-upsampler-x") ? "Raw RGB of the whole image at the model's scale, in the"
                    + " normalised space." : "";
        };
    }

    private static String note(Graph g) {
        if (g.name().equals("diif-coarse") && g.output() instanceof io.diif.graph.Node.Input) {
            return "This model has a single coarse layer, so this file is the identity (the core skips it).";
        }
        return "";
    }

    private static String sentence(String text) {
        return text.isEmpty() ? "." : ". " + text;
    }

    /** The ONNX shape of a graph's input or output, with symbolic dims and size offsets spelled out. */
    private static String shape(Graph g, boolean input) {
        if (g.layout() == Graph.Layout.ROWS) {
            return "[N, " + (input ? g.input().channels() : g.output().channels()) + "]";
        }
        int inC = g.input().channels();
        if (input) {
            return "[1, " + inC + ", H, W]";
        }
        int big = 1 << 20;
        int[] out = g.outputShape(inC, big, big);
        int scale = out[1] / big;
        if (scale > 1) {
            return "[1, " + out[0] + ", " + scale + "H, " + scale + "W]";
        }
        return "[1, " + out[0] + ", " + dim("H", out[1] - big) + ", " + dim("W", out[2] - big) + "]";
    }

    private static String dim(String name, int offset) {
        return offset == 0 ? name : offset > 0 ? name + "+" + offset : name + "−" + -offset;
    }

    private static String architecture(ModelConfig c) {
        StringBuilder sb = new StringBuilder();
        if (c.encoder() instanceof ModelConfig.EdsrBaseline e) {
            sb.append("EDSR-baseline encoder (").append(e.nResblocks()).append(" residual blocks, ").append(e.nFeats())
                    .append(" features)");
        } else {
            sb.append(c.encoder().type()).append(" encoder (").append(c.encoder().features()).append(" features)");
        }
        if (c.decoder() instanceof ModelConfig.Diif d) {
            sb.append(", DIIF decoder (coarse ").append(d.coarseHidden()).append(", fine ").append(d.fineHidden())
                    .append(", ").append(d.slicing().name().toLowerCase(Locale.ROOT))
                    .append(" slicing, ensemble block ")
                    .append(d.ensembleBlock()).append(", coarse cell clamp ")
                    .append(Double.isNaN(d.maxScale()) ? "none" : "past ×" + fmt(d.maxScale())).append(")");
        } else if (c.decoder() instanceof ModelConfig.Liif l) {
            sb.append(", LIIF decoder (hidden ").append(l.hidden()).append(")");
        } else {
            sb.append(", ").append(c.decoder().type()).append(" decoder");
        }
        return sb.toString();
    }

    private static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e9 ? Long.toString((long) v) + ".0" : Float.toString((float) v);
    }

    private static String fileName(String source) {
        String s = source.replace('\\', '/');
        return s.substring(s.lastIndexOf('/') + 1);
    }

    private static String version() {
        String v = OnnxModelExporter.class.getPackage().getImplementationVersion();
        return v != null ? v : "(development build)";
    }
}

package io.diif.backend.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.diif.DiifModel;
import io.diif.ImageRepresentation;
import io.diif.graph.Graph;
import io.diif.graph.Parameter;
import io.diif.internal.architecture.Architecture;
import io.diif.internal.backends.Backends;
import io.diif.internal.output.Npy;
import io.diif.model.ModelConfig;
import io.diif.model.ModelFile;
import io.diif.spi.Backend;
import io.diif.spi.Executable;
import io.diif.tck.Golden;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model exported with {@link OnnxModelExporter} runs from its files alone: the test-only backend
 * {@code onnx-files} ({@link OnnxFilesBackendProvider}) compiles every graph by loading the exported
 * {@code <graph>.onnx}, ignoring the graph's weights, and the whole golden set is reproduced within 1e-5.
 */
class OnnxModelExporterTest {
    /** The golden models the brief names; every model of cases.json is exported and run as well. */
    private static final List<String> MODELS = List.of("model-diif-row.safetensors", "model-diif-group.safetensors",
            "model-diif-row-b4.safetensors", "model-liif.safetensors", "full-model-diif-row-b4.safetensors");

    @TempDir
    Path temp;

    @AfterEach
    void forgetDirectory() {
        OnnxFilesBackendProvider.directory(null);
    }

    static ModelFile read(String model) {
        try (InputStream in = OnnxModelExporterTest.class.getClassLoader().getResourceAsStream(Golden.resource(model))) {
            if (in == null) {
                throw new IllegalStateException("missing golden model " + model);
            }
            return ModelFile.read(in, model);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Set<String> goldenModels() {
        Set<String> models = new LinkedHashSet<>(MODELS);
        Golden.cases().forEach(c -> models.add(c.model()));
        return models;
    }

    @Test
    void writesOneOnnxFilePerGraphTheGlueWeightsAndAReadme() throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        for (String m : MODELS) {
            ModelFile model = read(m);
            Map<String, Graph> graphs = Architecture.graphs(model);
            Path dir = temp.resolve(m.replace(".safetensors", ""));
            List<Path> written = OnnxModelExporter.export(model, dir);

            boolean diif = model.config().decoder() instanceof ModelConfig.Diif;
            List<String> expected = new ArrayList<>();
            graphs.keySet().forEach(g -> expected.add(g + ".onnx"));
            if (diif) {
                for (String g : List.of(OnnxModelExporter.DESCRIPTOR_WEIGHT, OnnxModelExporter.COARSE_BIAS,
                        OnnxModelExporter.FINE_COORD_WEIGHT, OnnxModelExporter.FINE_BIAS)) {
                    expected.add(g + ".npy");
                }
            }
            expected.add(OnnxModelExporter.README);
            assertEquals(expected, written.stream().map(p -> p.getFileName().toString()).toList(), m);
            assertEquals(graphs.keySet().iterator().next(), "encoder", "encoder first");
            try (var listing = Files.list(dir)) {
                assertEquals(expected.size(), listing.count(), m + ": nothing else in the folder");
            }

            String readme = Files.readString(dir.resolve(OnnxModelExporter.README));
            assertEquals(OnnxModelExporter.readme(model), readme);
            for (String f : expected) {
                if (!f.equals(OnnxModelExporter.README)) {
                    assertTrue(readme.contains("`" + f + "`"), m + ": README documents " + f);
                }
            }
            assertTrue(readme.contains("(rgb01 − 0.5) / 0.5"), m + ": README states the normalisation");
            assertTrue(readme.contains(diif ? "def diif(" : "def liif("), m + ": README has the NumPy glue");
            assertFalse(Pattern.compile("@[A-Z_]+@").matcher(readme).find(), m + ": placeholders filled");

            for (Graph g : graphs.values()) {
                Path file = dir.resolve(g.name() + ".onnx");
                assertArrayEquals(OnnxExport.toBytes(g), Files.readAllBytes(file), g.name());
                try (OrtSession s = env.createSession(file.toString())) {
                    TensorInfo in = (TensorInfo) s.getInputInfo().get(OnnxExport.INPUT_NAME).getInfo();
                    TensorInfo out = (TensorInfo) s.getOutputInfo().get(OnnxExport.OUTPUT_NAME).getInfo();
                    long[] inShape = g.layout() == Graph.Layout.IMAGE
                            ? new long[] {1, g.input().channels(), -1, -1} : new long[] {-1, g.input().channels()};
                    assertArrayEquals(inShape, in.getShape(), g.name());
                    assertEquals(g.output().channels(), out.getShape()[1], g.name());
                }
            }
            if (diif) {
                int f = model.config().encoder().features();
                int b = ((ModelConfig.Diif) model.config().decoder()).ensembleBlock();
                Parameter w1 = model.parameter("imnet.layers.0.weight");
                float[] descriptor = Npy.readFloat32(Files.readAllBytes(dir.resolve(
                        OnnxModelExporter.DESCRIPTOR_WEIGHT + ".npy")));
                assertEquals(6 * w1.dim(0), descriptor.length);
                for (int o = 0; o < w1.dim(0); o++) {
                    for (int k = 0; k < 6; k++) {
                        assertEquals(w1.values()[o * w1.dim(1) + b * b * f + k], descriptor[6 * o + k]);
                    }
                }
                Parameter w3 = model.parameter("imnet.tail.0.weight");
                float[] coord = Npy.readFloat32(Files.readAllBytes(dir.resolve(
                        OnnxModelExporter.FINE_COORD_WEIGHT + ".npy")));
                assertEquals(w3.values()[w3.dim(1) - 1], coord[1]);
                assertEquals(w3.values()[w3.values().length - 2], coord[coord.length - 2]);
                assertArrayEquals(model.parameter("imnet.layers.0.bias").values(), Npy.readFloat32(Files.readAllBytes(
                        dir.resolve(OnnxModelExporter.COARSE_BIAS + ".npy"))));
                assertArrayEquals(model.parameter("imnet.tail.0.bias").values(), Npy.readFloat32(Files.readAllBytes(
                        dir.resolve(OnnxModelExporter.FINE_BIAS + ".npy"))));
            }
        }
    }

    @Test
    void theExportedFilesAloneReproduceEveryGoldenCase() throws Exception {
        Map<String, Path> dirs = new LinkedHashMap<>();
        for (String m : goldenModels()) {
            Path dir = temp.resolve(m.replace(".safetensors", ""));
            OnnxModelExporter.export(read(m), dir);
            dirs.put(m, dir);
        }
        BufferedImage input = Golden.input();
        double worst = 0;
        Map<String, Double> worstPerModel = new LinkedHashMap<>();
        int cases = 0;
        for (Map.Entry<String, Path> e : dirs.entrySet()) {
            OnnxFilesBackendProvider.directory(e.getValue());
            try (DiifModel model = DiifModel.builder().modelResource(Golden.resource(e.getKey()))
                    .backend(OnnxFilesBackendProvider.NAME).build();
                    ImageRepresentation rep = model.encode(input)) {
                assertEquals(OnnxFilesBackendProvider.NAME, model.backendName());
                for (Golden.Case c : Golden.cases()) {
                    if (!c.model().equals(e.getKey())) {
                        continue;
                    }
                    float[] expected = Golden.expected(c);
                    float[] actual = rep.render().size(c.width(), c.height()).toFloatImage().toRawArray();
                    double d = TestGraphs.maxDiff(expected, actual);
                    assertEquals(expected.length, actual.length, c.toString());
                    assertTrue(d <= Golden.TOLERANCE, c + ": max |difference| " + d + " > " + Golden.TOLERANCE);
                    worstPerModel.merge(e.getKey(), d, Math::max);
                    worst = Math.max(worst, d);
                    cases++;
                }
            }
        }
        assertTrue(cases >= 30, "ran " + cases + " golden cases");
        assertTrue(worstPerModel.keySet().containsAll(MODELS), "every named golden model has cases");
        StringBuilder report = new StringBuilder(String.format(Locale.ROOT,
                "onnx-files: %d golden cases, max |difference| %.3g", cases, worst));
        worstPerModel.forEach((m, d) -> report.append(String.format(Locale.ROOT, "; %s %.3g", m, d)));
        System.out.println(report);
        try (var files = Files.list(dirs.get("full-model-diif-row-b4.safetensors"))) {
            StringBuilder sizes = new StringBuilder("full-model-diif-row-b4 exported:");
            files.sorted().forEach(p -> sizes.append(String.format(Locale.ROOT, " %s %,d B;", p.getFileName(),
                    p.toFile().length())));
            System.out.println(sizes);
        }
    }

    /** The README's check script: runs its NumPy code block on the exported files, against the golden set. */
    private static final String PYTHON_CHECK = String.join("\n",
            "import re, sys, numpy as np",
            "root = sys.argv[1]",
            "rgb01 = np.load(f'{root}/input.npy')",
            "worst = 0.0",
            "for line in open(f'{root}/cases.txt'):",
            "    folder, width, height, expected = line.split()",
            "    code = re.search(r'```python\\n(.*?)```', open(f'{folder}/README.md', encoding='utf-8').read(), re.S)",
            "    ns = {}",
            "    exec(code.group(1).replace('FOLDER = \".\"', f'FOLDER = {folder!r}'), ns)",
            "    run = ns['diif'] if 'diif' in ns else ns['liif']",
            "    out = run(ns['encode'](rgb01), int(height), int(width))",
            "    err = float(np.abs(out - np.load(expected).reshape(out.shape)).max())",
            "    print(folder.rsplit('/', 1)[-1], width + 'x' + height, err)",
            "    worst = max(worst, err)",
            "print('worst', worst)",
            "sys.exit(0 if worst <= 1e-5 else 1)",
            "");

    /**
     * Opt-in ({@code -Ddiif.test.python=/path/to/python} with numpy and onnxruntime): the NumPy glue in each
     * README, run by Python ONNX Runtime on the exported files, reproduces every golden case within 1e-5.
     */
    @Test
    void theReadmeScriptReproducesEveryGoldenCaseInPython() throws Exception {
        String python = System.getProperty("diif.test.python", "");
        Assumptions.assumeFalse(python.isBlank(), "set -Ddiif.test.python=PYTHON (with numpy and onnxruntime)");
        BufferedImage image = Golden.input();
        int w = image.getWidth();
        int h = image.getHeight();
        float[] rgb = new float[3 * w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int argb = image.getRGB(x, y);
                for (int ch = 0; ch < 3; ch++) {
                    rgb[ch * w * h + y * w + x] = ((argb >> (16 - 8 * ch)) & 0xff) / 255f;
                }
            }
        }
        try (OutputStream out = Files.newOutputStream(temp.resolve("input.npy"))) {
            Npy.writeFloat32(out, rgb, 3, h, w);
        }
        StringBuilder cases = new StringBuilder();
        for (String m : goldenModels()) {
            Path dir = temp.resolve(m.replace(".safetensors", ""));
            OnnxModelExporter.export(read(m), dir);
            for (Golden.Case c : Golden.cases()) {
                if (c.model().equals(m)) {
                    Path expected = temp.resolve(c.output());
                    try (OutputStream out = Files.newOutputStream(expected)) {
                        Npy.writeFloat32(out, Golden.expected(c), 3, c.height(), c.width());
                    }
                    cases.append(dir).append(' ').append(c.width()).append(' ').append(c.height()).append(' ')
                            .append(expected).append('\n');
                }
            }
        }
        Files.writeString(temp.resolve("cases.txt"), cases);
        Path script = temp.resolve("check.py");
        Files.writeString(script, PYTHON_CHECK);
        Process p = new ProcessBuilder(python, script.toString(), temp.toString()).redirectErrorStream(true).start();
        String output;
        try (InputStream in = p.getInputStream()) {
            output = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        assertTrue(p.waitFor(10, TimeUnit.MINUTES), "python finished");
        System.out.println("README NumPy script:\n" + output);
        assertEquals(0, p.exitValue(), output);
    }

    @Test
    void theFilesBackendIgnoresTheWeightsOfTheGraphItCompiles() throws Exception {
        ModelFile model = read("model-liif.safetensors");
        Path dir = temp.resolve("liif");
        OnnxModelExporter.export(model, dir);
        OnnxFilesBackendProvider.directory(dir);
        Graph real = Architecture.graphs(model).get("liif-mlp");
        int in = real.input().channels();
        // Same name and signature, all-zero weights: the backend must still compute the exported network.
        Graph.Builder b = Graph.builder("liif-mlp", Graph.Layout.ROWS, in);
        Graph zero = b.build(b.linear(b.input(), new Parameter("w", new int[] {3, in}, new float[3 * in]),
                new Parameter("b", new int[] {3}, new float[3])));
        float[] rows = new TestGraphs(5).input(7 * in);
        Backend files = Backends.select(OnnxFilesBackendProvider.NAME);
        float[] expected;
        try (Executable e = Backends.select(OnnxBackendProvider.NAME).compile(real)) {
            expected = e.run(rows, 7, in);
        }
        try (Executable e = files.compile(zero)) {
            float[] actual = e.run(rows, 7, in);
            TestGraphs.assertClose(expected, actual, 1e-6, "file-backed run");
            assertTrue(Arrays.stream(box(actual)).anyMatch(v -> v != 0f), "not the zero graph");
        }
    }

    @Test
    void theTestOnlyBackendIsNeverTheDefault() {
        List<String> names = Backends.discover().availableNames();
        assertTrue(names.contains(OnnxFilesBackendProvider.NAME), names.toString());
        assertEquals(OnnxBackendProvider.NAME, names.get(0));
        assertEquals(OnnxFilesBackendProvider.NAME, names.get(names.size() - 1), "lowest priority");
    }

    private static Float[] box(float[] v) {
        Float[] out = new Float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i];
        }
        return out;
    }
}

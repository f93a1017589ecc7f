package io.diif.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.diif.backend.onnx.OnnxExport;
import io.diif.backend.onnx.OnnxModelExporter;
import io.diif.graph.Graph;
import io.diif.internal.architecture.Architecture;
import io.diif.model.ModelFile;
import io.diif.tck.Golden;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code diif export-onnx}, run in-process on golden models copied out of the diif-tck jar. */
class ExportOnnxCommandTest {
    @TempDir
    Path temp;

    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();

    private int cli(String... args) {
        return new DiifCli(new PrintStream(stdout, true, StandardCharsets.UTF_8),
                new PrintStream(stderr, true, StandardCharsets.UTF_8)).run(args);
    }

    private Path golden(String model) throws Exception {
        Path file = temp.resolve(model);
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(Golden.resource(model))) {
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
        }
        return file;
    }

    @Test
    void exportsEveryGraphOfADiifModelWithItsGlueAndReadme() throws Exception {
        Path model = golden("model-diif-row-b4.safetensors");
        Path out = temp.resolve("out/diif");
        assertEquals(DiifCli.EXIT_OK, cli("export-onnx", "--model", model.toString(), out.toString()),
                stderr.toString(StandardCharsets.UTF_8));
        ModelFile file = ModelFile.read(model);
        String listing = stdout.toString(StandardCharsets.UTF_8);
        for (Graph g : Architecture.graphs(file).values()) {
            Path onnx = out.resolve(g.name() + ".onnx");
            assertTrue(Files.isRegularFile(onnx), onnx.toString());
            assertArrayEquals(OnnxExport.toBytes(g), Files.readAllBytes(onnx), g.name());
            assertTrue(listing.contains(onnx.toString()), "listed: " + onnx);
        }
        for (String npy : new String[] {OnnxModelExporter.DESCRIPTOR_WEIGHT, OnnxModelExporter.COARSE_BIAS,
            OnnxModelExporter.FINE_COORD_WEIGHT, OnnxModelExporter.FINE_BIAS}) {
            assertTrue(Files.isRegularFile(out.resolve(npy + ".npy")), npy);
        }
        String readme = Files.readString(out.resolve(OnnxModelExporter.README));
        assertTrue(readme.contains("`diif-corner-projection.onnx`"), "README documents the files");
        String log = stderr.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("exported"), log);
    }

    @Test
    void exportsALiifModel() throws Exception {
        Path model = golden("model-liif.safetensors");
        Path out = temp.resolve("liif");
        assertEquals(DiifCli.EXIT_OK, cli("export-onnx", "--quiet", "--model", model.toString(), out.toString()));
        try (var files = Files.list(out)) {
            assertEquals(java.util.List.of("README.md", "encoder.onnx", "liif-mlp.onnx"),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
        assertEquals("", stderr.toString(StandardCharsets.UTF_8), "--quiet");
    }

    @Test
    void refusesMissingArgumentsAndIsListedInTheUsage() throws Exception {
        assertEquals(DiifCli.EXIT_USAGE, cli("export-onnx", temp.resolve("x").toString()));
        assertTrue(stderr.toString(StandardCharsets.UTF_8).contains("--model"));
        assertEquals(DiifCli.EXIT_USAGE, cli("export-onnx", "--model", golden("model-liif.safetensors").toString()));
        assertEquals(DiifCli.EXIT_FAILURE, cli("export-onnx", "--model", temp.resolve("missing.safetensors").toString(),
                temp.resolve("y").toString()));
        assertEquals(DiifCli.EXIT_OK, cli("help"));
        assertTrue(stdout.toString(StandardCharsets.UTF_8).contains("diif export-onnx --model FILE OUTDIR"));
    }
}

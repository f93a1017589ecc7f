package io.diif.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.diif.internal.output.Npy;
import io.diif.tck.Golden;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code diif upscale IN OUT.npy --size WxH --model FILE --backend B} reproduces every golden case of
 * the authors' code (after y·0.5+0.5 and clamping) within 1e-5, on every backend the CLI ships.
 */
class UpscaleCommandGoldenTest {
    @TempDir
    static Path temp;

    private static Path copy(String resource, String name) throws Exception {
        Path file = temp.resolve(name);
        if (!Files.exists(file)) {
            try (InputStream in = UpscaleCommandGoldenTest.class.getClassLoader().getResourceAsStream(resource)) {
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return file;
    }

    @TestFactory
    @DisplayName("the upscale command reproduces every golden and golden-zoo case on every backend")
    Stream<DynamicTest> goldenThroughTheCli() {
        List<Golden.Case> cases = new ArrayList<>(Golden.cases());
        cases.addAll(Golden.zooCases());
        List<DynamicTest> tests = new ArrayList<>();
        for (String backend : List.of("pytorch", "onnx", "tensorflow", "java")) {
            for (Golden.Case c : cases) {
                tests.add(DynamicTest.dynamicTest(backend + ": " + c, () -> {
                    Path input = copy(Golden.ROOT + "input.png", "input.png");
                    Path model = copy(c.root() + c.model(), c.model());
                    Path out = temp.resolve(backend + "-" + c.output());
                    ByteArrayOutputStream err = new ByteArrayOutputStream();
                    int code = new DiifCli(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                            new PrintStream(err, true, StandardCharsets.UTF_8)).run(new String[] {"upscale",
                                input.toString(), out.toString(), "--size", c.width() + "x" + c.height(), "--model",
                                model.toString(), "--backend", backend, "--quiet"});
                    assertEquals(DiifCli.EXIT_OK, code, err.toString(StandardCharsets.UTF_8));
                    float[] actual = Npy.readFloat32(Files.readAllBytes(out));
                    float[] expected = Golden.expected(c);
                    assertEquals(expected.length, actual.length);
                    float worst = 0;
                    for (int i = 0; i < expected.length; i++) {
                        float e = Math.max(0f, Math.min(1f, expected[i] * 0.5f + 0.5f));
                        worst = Math.max(worst, Math.abs(e - actual[i]));
                    }
                    float w = worst;
                    assertTrue(worst <= 1e-5f, () -> c + " on " + backend + ": max |difference| " + w);
                }));
            }
        }
        return tests.stream();
    }
}

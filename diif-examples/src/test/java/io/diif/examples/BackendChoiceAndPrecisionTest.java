package io.diif.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.diif.examples.CliHarness.Run;
import io.diif.internal.backends.Backends;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which backend the command line runs on and why, and its --precision option. */
@DisplayName("diif backend choice and --precision")
class BackendChoiceAndPrecisionTest {
    @TempDir
    Path dir;

    @Test
    @DisplayName("with every backend present and none named, info picks ONNX Runtime and says it won on priority")
    void fastestBackendByDefault() {
        CliHarness cli = new CliHarness(dir);
        Run r = CliHarness.run("info", "--model", cli.model.toString());
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("would run on: onnx (highest priority of onnx 100, tensorflow 90, pytorch 80,"
                + " java 10)"), r.out());
        r = CliHarness.run("info", "--model", cli.model.toString(), "--backend", "pytorch");
        assertTrue(r.out().contains("would run on: pytorch (named by --backend)"), r.out());
        Backends.Choice byPriority = Backends.choose(null);
        assertEquals(Backends.Source.PRIORITY, byPriority.source());
        assertEquals(List.of("onnx", "tensorflow", "pytorch", "java"),
                byPriority.among().stream().map(p -> p.name()).toList());
        System.setProperty(Backends.PROPERTY, "tensorflow");
        try {
            Backends.Choice named = Backends.choose(null);
            assertEquals("tensorflow", named.provider().name());
            assertEquals("named by -Ddiif.backend", named.reason());
            assertEquals("java", Backends.choose("java").provider().name(), "the name in code wins");
            assertEquals("named explicitly", Backends.choose("java").reason());
        } finally {
            System.clearProperty(Backends.PROPERTY);
        }
    }

    @Test
    @DisplayName("upscale --precision int8 runs on ONNX Runtime, and gives nearly the fp32 picture")
    void int8Upscale() throws Exception {
        CliHarness cli = new CliHarness(dir);
        Path exact = dir.resolve("fp32.png");
        Path reduced = dir.resolve("int8.png");
        for (String[] run : new String[][] {{"fp32", exact.toString()}, {"int8", reduced.toString()}}) {
            Run r = CliHarness.run("upscale", cli.image.toString(), run[1], "--scale", "3", "--model",
                    cli.model.toString(), "--backend", "onnx", "--precision", run[0], "--quiet");
            assertEquals(0, r.exit(), r::toString);
        }
        BufferedImage a = ImageIO.read(exact.toFile());
        BufferedImage b = ImageIO.read(reduced.toFile());
        assertEquals(a.getWidth(), b.getWidth());
        int worst = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                for (int shift = 0; shift < 24; shift += 8) {
                    worst = Math.max(worst, Math.abs((a.getRGB(x, y) >> shift & 255) - (b.getRGB(x, y) >> shift & 255)));
                }
            }
        }
        // The kit's bound on raw outputs (0.005, on values of about ±1) is 0.64 of a level of 255; rounding
        // to 8 bits can turn that into one level.
        assertTrue(worst <= 1, "largest 8-bit difference from fp32: " + worst);
        assertTrue(!java.util.Arrays.equals(pixels(a), pixels(b)), "int8 gave the fp32 picture: it did not run");
    }

    private static int[] pixels(BufferedImage image) {
        return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    }

    @Test
    @DisplayName("a precision the backend lacks, or an unknown one, fails with one line naming it")
    void refusals() {
        CliHarness cli = new CliHarness(dir);
        DiifCliErrorsTest.oneLineFailure(CliHarness.run("upscale", cli.image.toString(),
                dir.resolve("x.png").toString(), "--scale", "2", "--model", cli.model.toString(), "--backend", "java",
                "--precision", "int8"), 1, "precision int8 is not supported by the java backend", "fp32");
        DiifCliErrorsTest.oneLineFailure(CliHarness.run("upscale", cli.image.toString(),
                dir.resolve("x.png").toString(), "--scale", "2", "--model", cli.model.toString(), "--precision",
                "fp16"), 2, "--precision", "fp32|bf16|int8", "fp16");
        DiifCliErrorsTest.oneLineFailure(CliHarness.run("bench", "--model", cli.model.toString(), "--precision",
                "fp32,fp32"), 2, "--precision lists fp32 twice");
    }
}

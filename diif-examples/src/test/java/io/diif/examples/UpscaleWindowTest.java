package io.diif.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.diif.examples.CliHarness.Run;
import io.diif.internal.output.Npy;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code diif upscale … --window X,Y,WxH}: a region of the output grid, equal to that region of the whole. */
class UpscaleWindowTest {
    @TempDir
    static Path dir;
    static CliHarness cli;

    @BeforeAll
    static void files() {
        cli = new CliHarness(dir);
    }

    private static float[] upscale(String out, String... extra) throws Exception {
        String[] base = {"upscale", cli.image.toString(), dir.resolve(out).toString(), "--size", "97x83", "--model",
                cli.model.toString(), "--backend", "java", "--quiet"};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        Run r = CliHarness.run(args);
        assertEquals(0, r.exit(), r::toString);
        return Npy.readFloat32(Files.readAllBytes(dir.resolve(out)));
    }

    @Test
    @DisplayName("a window is the same pixels as that part of the whole render")
    void windowEqualsThatPartOfTheWhole() throws Exception {
        float[] whole = upscale("whole.npy");
        int x = 10;
        int y = 7;
        int w = 33;
        int h = 21;
        float[] part = upscale("part.npy", "--window", x + "," + y + "," + w + "x" + h);
        assertEquals(3 * w * h, part.length);
        for (int c = 0; c < 3; c++) {
            for (int r = 0; r < h; r++) {
                for (int col = 0; col < w; col++) {
                    float expected = whole[(c * 83 + y + r) * 97 + x + col];
                    float actual = part[(c * h + r) * w + col];
                    assertEquals(expected, actual, 1e-6f, "channel " + c + " row " + r + " column " + col);
                }
            }
        }
    }

    @Test
    @DisplayName("a window outside the output or written wrongly is a usage mistake naming it")
    void badWindows() {
        String out = dir.resolve("bad.png").toString();
        DiifCliErrorsTest.oneLineFailure(CliHarness.run("upscale", cli.image.toString(), out, "--size", "97x83",
                "--window", "90,0,8x8", "--model", cli.model.toString()), 2, "--window 90,0,8x8",
                "not inside the 97x83 output");
        DiifCliErrorsTest.oneLineFailure(CliHarness.run("upscale", cli.image.toString(), out, "--size", "97x83",
                "--window", "3,4", "--model", cli.model.toString()), 2, "X,Y,WxH", "'3,4'");
        DiifCliErrorsTest.oneLineFailure(CliHarness.run("upscale", cli.image.toString(), out, "--size", "97x83",
                "--window", "-1,0,4x4", "--model", cli.model.toString()), 2, "not inside");
        DiifCliErrorsTest.oneLineFailure(CliHarness.run("upscale", cli.image.toString(), out, "--size", "97x83",
                "--window", "0,0,0x4", "--model", cli.model.toString()), 2, "sizes > 0");
    }
}

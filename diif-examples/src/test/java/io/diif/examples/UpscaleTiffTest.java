package io.diif.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.diif.examples.CliHarness.Run;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code diif upscale IN OUT.tif}: streamed like PNG, the same pixels as the PNG output. */
class UpscaleTiffTest {
    @TempDir
    Path dir;

    private BufferedImage upscale(CliHarness cli, String out, String... extra) throws Exception {
        String[] base = {"upscale", cli.image.toString(), dir.resolve(out).toString(), "--model", cli.model.toString(),
            "--backend", "java", "--quiet"};
        String[] args = Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        Run r = CliHarness.run(args);
        assertEquals(0, r.exit(), r::toString);
        assertEquals("", r.out(), "nothing on stdout");
        assertFalse(Files.exists(dir.resolve(out + ".part")), "no .part file left");
        BufferedImage img = ImageIO.read(dir.resolve(out).toFile());
        assertNotNull(img, out + " reads back");
        return img;
    }

    private static int[] argb(BufferedImage img) {
        return img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
    }

    @Test
    @DisplayName("upscale to .tif and .tiff gives a TIFF with exactly the PNG output's pixels")
    void tiffEqualsPng() throws Exception {
        CliHarness cli = new CliHarness(dir);
        BufferedImage png = upscale(cli, "x2.png", "--scale", "2");
        for (String out : new String[] {"x2.tif", "x2.TIFF"}) {
            BufferedImage tif = upscale(cli, out, "--scale", "2");
            byte[] head = Arrays.copyOf(Files.readAllBytes(dir.resolve(out)), 4);
            assertArrayEquals(new byte[] {'I', 'I', 42, 0}, head, out + " is a little-endian TIFF");
            assertEquals(png.getWidth(), tif.getWidth());
            assertEquals(png.getHeight(), tif.getHeight());
            assertArrayEquals(argb(png), argb(tif), out);
        }
    }

    @Test
    @DisplayName("a --window written to .tif equals that part of the whole TIFF")
    void windowToTiff() throws Exception {
        CliHarness cli = new CliHarness(dir);
        BufferedImage whole = upscale(cli, "whole.tif", "--size", "97x83");
        BufferedImage part = upscale(cli, "part.tif", "--size", "97x83", "--window", "10,7,33x21");
        assertEquals(33, part.getWidth());
        assertEquals(21, part.getHeight());
        assertArrayEquals(whole.getRGB(10, 7, 33, 21, null, 0, 33), argb(part));
    }

    @Test
    @DisplayName("an unsupported OUT extension is a usage mistake listing .tif among the formats")
    void badExtensionListsTiff() {
        CliHarness cli = new CliHarness(dir);
        DiifCliErrorsTest.oneLineFailure(CliHarness.run("upscale", cli.image.toString(),
                dir.resolve("o.gif").toString(), "--scale", "2", "--model", cli.model.toString()), 2,
                "OUT must end in", ".tif, .tiff", "o.gif");
    }
}

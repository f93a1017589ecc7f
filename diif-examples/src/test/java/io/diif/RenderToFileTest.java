package io.diif;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.diif.tck.Golden;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Render#toFile}: streamed PNG and TIFF files hold exactly {@link Render#toImage}'s pixels.
 * Here rather than in diif-api because it needs a backend, and the backends depend on diif-api; in package
 * {@code io.diif} for the band-size hook, so that small renders still stream in many bands.
 */
@DisplayName("Render.toFile (Java backend)")
class RenderToFileTest {
    static final int W = 131;
    static final int H = 113;
    static DiifModel model;

    @TempDir
    Path dir;

    @BeforeAll
    static void load() {
        model = DiifModel.builder().modelResource(Golden.resource("model-diif-row.safetensors")).backend("java")
                .build();
    }

    @AfterAll
    static void close() {
        model.close();
    }

    /** The golden input with an alpha gradient: alpha is resampled and must survive the streamed file too. */
    private static BufferedImage withAlpha() {
        BufferedImage rgb = Golden.input();
        BufferedImage argb = new BufferedImage(rgb.getWidth(), rgb.getHeight(), BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < rgb.getHeight(); y++) {
            for (int x = 0; x < rgb.getWidth(); x++) {
                int a = 40 + 200 * x / Math.max(1, rgb.getWidth() - 1);
                argb.setRGB(x, y, (a << 24) | (rgb.getRGB(x, y) & 0xffffff));
            }
        }
        return argb;
    }

    private static void assertSamePixels(BufferedImage expected, Path file) throws IOException {
        BufferedImage actual = ImageIO.read(file.toFile());
        assertEquals(expected.getWidth(), actual.getWidth(), file + ": width");
        assertEquals(expected.getHeight(), actual.getHeight(), file + ": height");
        assertEquals(expected.getColorModel().hasAlpha(), actual.getColorModel().hasAlpha(), file + ": alpha");
        int[] e = expected.getRGB(0, 0, expected.getWidth(), expected.getHeight(), null, 0, expected.getWidth());
        int[] a = actual.getRGB(0, 0, actual.getWidth(), actual.getHeight(), null, 0, actual.getWidth());
        for (int i = 0; i < e.length; i++) {
            if (e[i] != a[i]) {
                throw new AssertionError(file + ": pixel (" + i % W + ", " + i / W + ") is "
                        + Integer.toHexString(a[i]) + ", render() gives " + Integer.toHexString(e[i]));
            }
        }
    }

    @Test
    @DisplayName(".png, .tif and .tiff files, RGB and RGBA, in one band or many, hold exactly render()'s pixels")
    void filesEqualRender() throws Exception {
        for (BufferedImage input : List.of(Golden.input(), withAlpha())) {
            try (ImageRepresentation rep = model.encode(input)) {
                BufferedImage expected = rep.render().size(W, H).toImage();
                for (String name : List.of("out.png", "out.tif", "out.TIFF")) {
                    Path whole = dir.resolve(rep.hasAlpha() + "-whole-" + name);
                    AtomicLong done = new AtomicLong();
                    rep.render().size(W, H).progress(done::set).toFile(whole);
                    assertSamePixels(expected, whole);
                    assertEquals((long) W * H, done.get(), "progress reaches every pixel");

                    // About 10 rows a band: many bands, cut at latent rows, must still tile the file exactly.
                    Path banded = dir.resolve(rep.hasAlpha() + "-banded-" + name);
                    rep.render().size(W, H).bandPixels(10L * W).toFile(banded);
                    assertSamePixels(expected, banded);
                }
            }
        }
        try (var files = Files.list(dir)) {
            assertFalse(files.anyMatch(p -> p.toString().endsWith(".part")), "no .part file is left behind");
        }
    }

    @Test
    @DisplayName("other extensions are refused, naming the extension and the supported ones, before any file exists")
    void otherExtensionsRefused() throws Exception {
        try (ImageRepresentation rep = model.encode(Golden.input())) {
            for (String name : List.of("out.jpg", "out.bmp", "out")) {
                Path out = dir.resolve(name);
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> rep.render().size(W, H).toFile(out));
                assertTrue(e.getMessage().contains(".png, .tif, .tiff"), e.getMessage());
                assertTrue(name.indexOf('.') < 0 || e.getMessage().contains("not ." + name.substring(4)),
                        e.getMessage());
            }
            assertThrows(IllegalArgumentException.class, () -> rep.render().size(0, H).toFile(dir.resolve("zero.png")));
        }
        try (var files = Files.list(dir)) {
            assertEquals(0, files.count(), "nothing written");
        }
    }

    @Test
    @DisplayName("a render that fails midway deletes its .part file and leaves the existing output untouched")
    void failureLeavesTheOldFile() throws Exception {
        try (ImageRepresentation rep = model.encode(Golden.input())) {
            for (String name : List.of("keep.png", "keep.tif")) {
                Path out = dir.resolve(name);
                byte[] old = {1, 2, 3};
                Files.write(out, old);
                IllegalStateException e = assertThrows(IllegalStateException.class,
                        () -> rep.render().size(W, H).bandPixels(10L * W).progress(done -> {
                            if (done > W * 20L) {
                                throw new IllegalStateException("cancelled");
                            }
                        }).toFile(out));
                assertEquals("cancelled", e.getMessage());
                assertArrayEquals(old, Files.readAllBytes(out), name + " untouched");
                assertFalse(Files.exists(dir.resolve(name + ".part")), name + ".part deleted");
                rep.render().size(W, H).toFile(out);
                assertSamePixels(rep.render().size(W, H).toImage(), out);
            }
        }
        ImageRepresentation closed = model.encode(Golden.input());
        closed.close();
        assertThrows(IllegalStateException.class, () -> closed.render().size(W, H).toFile(dir.resolve("closed.png")));
        assertFalse(Files.exists(dir.resolve("closed.png.part")));
    }
}

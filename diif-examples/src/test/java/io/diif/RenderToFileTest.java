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
 * {@link Render#toFile}: streamed PNG and TIFF files hold exactly {@link Render#toImage}'s pixels, for the
 * whole grid and for windows. Here rather than in diif-api because it needs a backend, and the backends
 * depend on diif-api; in package {@code io.diif} for the band-size hook ({@link Render#bandPixels}), so that
 * small renders still stream in many bands.
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
        int w = expected.getWidth();
        assertEquals(expected.getWidth(), actual.getWidth(), file + ": width");
        assertEquals(expected.getHeight(), actual.getHeight(), file + ": height");
        assertEquals(expected.getColorModel().hasAlpha(), actual.getColorModel().hasAlpha(), file + ": alpha");
        int[] e = expected.getRGB(0, 0, expected.getWidth(), expected.getHeight(), null, 0, expected.getWidth());
        int[] a = actual.getRGB(0, 0, actual.getWidth(), actual.getHeight(), null, 0, actual.getWidth());
        for (int i = 0; i < e.length; i++) {
            if (e[i] != a[i]) {
                throw new AssertionError(file + ": pixel (" + i % w + ", " + i / w + ") is "
                        + Integer.toHexString(a[i]) + ", toImage() gives " + Integer.toHexString(e[i]));
            }
        }
    }

    @Test
    @DisplayName(".png, .tif and .tiff files, RGB and RGBA, in one band or many, hold exactly toImage()'s pixels")
    void filesEqualRender() throws Exception {
        for (BufferedImage input : List.of(Golden.input(), withAlpha())) {
            try (ImageRepresentation rep = model.encode(input)) {
                Render render = rep.render().size(W, H);
                BufferedImage expected = render.toImage();
                for (String name : List.of("out.png", "out.tif", "out.TIFF")) {
                    Path whole = dir.resolve(rep.hasAlpha() + "-whole-" + name);
                    AtomicLong done = new AtomicLong();
                    render.progress(done::set).toFile(whole);
                    assertSamePixels(expected, whole);
                    assertEquals((long) W * H, done.get(), "progress reaches every pixel");

                    // About 10 rows a band: many bands, cut at latent rows, must still tile the file exactly.
                    Path banded = dir.resolve(rep.hasAlpha() + "-banded-" + name);
                    render.bandPixels(10L * W).toFile(banded);
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
                for (Render render : List.of(rep.render().size(W, H), model.render(Golden.input()).size(W, H)
                        .window(new Window(3, 4, 20, 30)))) {
                    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                            () -> render.toFile(out));
                    assertTrue(e.getMessage().contains(".png, .tif, .tiff"), e.getMessage());
                    assertTrue(name.indexOf('.') < 0 || e.getMessage().contains("not ." + name.substring(4)),
                            e.getMessage());
                }
            }
            assertThrows(IllegalArgumentException.class, () -> rep.render().size(0, H).toFile(dir.resolve("zero.png")));
            Path outside = dir.resolve("outside.png");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> rep.render().size(W, H).window(new Window(W - 10, 0, 11, 5)).toFile(outside));
            assertTrue(e.getMessage().contains(W + "x" + H), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> model.render(Golden.input()).size(W, H)
                    .window(new Window(0, H - 1, 5, 2)).toFile(outside));
            assertTrue(e.getMessage().contains(W + "x" + H), e.getMessage());
            try (DiifModel small = DiifModel.builder().modelResource(Golden.resource("model-diif-row.safetensors"))
                    .backend("java").maxOutputPixels(1000).build()) {
                e = assertThrows(IllegalArgumentException.class,
                        () -> small.render(Golden.input()).size(W, H).toFile(outside));
                assertTrue(e.getMessage().contains("1000"), e.getMessage());
            }
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
                        () -> rep.render().size(W, H).progress(done -> {
                            if (done > W * 20L) {
                                throw new IllegalStateException("cancelled");
                            }
                        }).bandPixels(10L * W).toFile(out));
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
        assertFalse(Files.exists(dir.resolve("closed.png")));
        assertFalse(Files.exists(dir.resolve("closed.png.part")));
    }

    @Test
    @DisplayName("windows stream in one band or many, from a representation or straight from the image, and hold"
            + " exactly the window's pixels; progress ends at the window's pixel count")
    void windowsEqualTheirPixels() throws Exception {
        List<Window> windows = List.of(new Window(0, 0, W, H), new Window(17, 9, 64, 71), new Window(W - 23, H - 19,
                23, 19), new Window(0, H / 2, W, 7), new Window(W / 3, 0, 1, H));
        for (BufferedImage input : List.of(Golden.input(), withAlpha())) {
            try (ImageRepresentation rep = model.encode(input)) {
                BufferedImage whole = rep.render().size(W, H).toImage();
                for (Window win : windows) {
                    BufferedImage expected = whole.getSubimage(win.x(), win.y(), win.width(), win.height());
                    for (Render render : List.of(rep.render().size(W, H).window(win),
                            model.render(input).size(W, H).window(win))) {
                        for (String ext : List.of(".png", ".tif")) {
                            String name = win.x() + "-" + win.y() + "-" + win.width() + "-" + win.height() + "-"
                                    + rep.hasAlpha() + ext;
                            Path one = dir.resolve("one-" + name);
                            AtomicLong done = new AtomicLong();
                            render.progress(done::set).toFile(one);
                            assertSamePixels(expected, one);
                            assertEquals(win.pixels(), done.get(), "progress ends at the window's pixels " + win);

                            Path many = dir.resolve("many-" + name);
                            AtomicLong doneInBands = new AtomicLong();
                            render.progress(doneInBands::set).bandPixels(5L * win.width()).toFile(many);
                            assertSamePixels(expected, many);
                            assertEquals(win.pixels(), doneInBands.get(), "progress over bands " + win);
                        }
                    }
                }
            }
        }
        try (var files = Files.list(dir)) {
            assertFalse(files.anyMatch(p -> p.toString().endsWith(".part")), "no .part file is left behind");
        }
    }
}

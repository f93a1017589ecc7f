package io.diif.tck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.diif.DiifModel;
import io.diif.FloatImage;
import io.diif.ImageRepresentation;
import io.diif.Precision;
import io.diif.Render;
import io.diif.Window;
import io.diif.graph.Graph;
import io.diif.graph.Node;
import io.diif.graph.Parameter;
import io.diif.internal.backends.Backends;
import io.diif.spi.Backend;
import io.diif.spi.Executable;
import io.diif.spi.Rows;
import io.diif.spi.support.HeapRows;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.LongConsumer;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The behaviour every backend must show, tested through the public API only. A backend module adds
 * one test class:
 *
 * <pre>{@code
 * class MyBackendCompatibilityTest extends BackendCompatibilityKit {
 *     protected String backendName() { return "mine"; }
 * }
 * }</pre>
 */
public abstract class BackendCompatibilityKit {
    /** Models shared by all tests of one backend in a JVM: loading them once keeps the kit fast. */
    private static final Map<String, DiifModel> MODELS = new ConcurrentHashMap<>();

    /** For a backend's test class to extend. */
    protected BackendCompatibilityKit() {
    }

    /**
     * The backend under test.
     *
     * @return the name the backend is selected by, as its provider declares it
     */
    protected abstract String backendName();

    /**
     * A golden model compiled on this backend, shared by all tests of the backend in this JVM; do not close
     * it.
     *
     * @param file a model's file name in the golden, model-zoo or baselines set (see {@link Golden#resource})
     * @return the shared model
     * @throws IllegalArgumentException if no such model resource exists
     */
    protected DiifModel model(String file) {
        return MODELS.computeIfAbsent(backendName() + "/" + file, k -> DiifModel.builder()
                .modelResource(Golden.resource(file)).backend(backendName()).build());
    }

    /**
     * Starts a golden model on this backend with settings of the caller's own; the caller closes the model
     * it builds.
     *
     * @param file a model's file name in the golden, model-zoo or baselines set
     * @return a builder with the model resource and the backend set
     */
    protected DiifModel.Builder modelBuilder(String file) {
        return DiifModel.builder().modelResource(Golden.resource(file)).backend(backendName());
    }

    static final String DIIF_ROW = "model-diif-row.safetensors";
    static final String DIIF_GROUP = "model-diif-group.safetensors";
    static final String DIIF_ROW_B4 = "model-diif-row-b4.safetensors";
    static final String LIIF = "model-liif.safetensors";
    static final List<String> SMALL_MODELS = List.of(DIIF_ROW, DIIF_GROUP, DIIF_ROW_B4, LIIF);
    static final String RDN_DIIF = "model-rdn-diif.safetensors";
    static final String LTE = "model-lte.safetensors";
    static final String DLTE = "model-dlte.safetensors";
    /** The model zoo: the RDN encoder (with DIIF), the LTE and DLTE decoders (with EDSR-baseline). */
    static final List<String> ZOO_MODELS = List.of(RDN_DIIF, LTE, DLTE);
    static final String METASR = "model-metasr.safetensors";
    static final String LMLIIF = "model-lmliif.safetensors";
    /** MetaSR and LM-LIIF, from the baselines set. */
    static final List<String> METASR_LMLIIF_MODELS = List.of(METASR, LMLIIF);
    /** One small model of every architecture. */
    static final List<String> ALL_MODELS = Stream.of(SMALL_MODELS, ZOO_MODELS, METASR_LMLIIF_MODELS)
            .flatMap(List::stream).toList();
    /** Decoders that run an MLP four times per output pixel: slow at x30 on reference backends. */
    static final List<String> PER_PIXEL_ENSEMBLE_MODELS = List.of(LIIF, LTE);

    /** The DIIF paper's Table 4 ablations: without slice ensemble, a deeper coarse or fine stage. */
    static final String DIIF_WO_SE = "model-diif-wo-se.safetensors";
    static final String DIIF_C4F3 = "model-diif-c4f3.safetensors";
    static final String DIIF_C2F5 = "model-diif-c2f5.safetensors";
    static final List<String> DIIF_ABLATION_MODELS = List.of(DIIF_WO_SE, DIIF_C4F3, DIIF_C2F5);
    /** EDSR-baseline with its own upsampler, by its one scale (Table 1's fixed-scale rows). */
    static final Map<String, Integer> FIXED_SCALE_MODELS = Map.of("model-edsr-x2.safetensors", 2,
            "model-edsr-x3.safetensors", 3, "model-edsr-x4.safetensors", 4);

    static void assertClose(float[] expected, float[] actual, float tolerance, String what) {
        assertEquals(expected.length, actual.length, what + ": value count");
        float worst = 0;
        int at = -1;
        for (int i = 0; i < expected.length; i++) {
            float d = Math.abs(expected[i] - actual[i]);
            if (!(d <= worst)) {
                worst = d;
                at = i;
            }
        }
        final float w = worst;
        final int a = at;
        assertTrue(worst <= tolerance, () -> what + ": max |difference| " + w + " at index " + a + " exceeds "
                + tolerance);
    }

    @Test
    @DisplayName("the backend is selected by its name and reported by the model")
    void selectedByName() {
        assertEquals(backendName(), model(DIIF_ROW).backendName());
    }

    @Nested
    @DisplayName("reference outputs")
    class ReferenceOutputs {
        @TestFactory
        @DisplayName("every golden case of the authors' code is reproduced within 1e-5")
        Stream<DynamicTest> goldenCases() {
            return reproduce(Golden.cases());
        }

        @TestFactory
        @DisplayName("every model-zoo case (RDN encoder, LTE, DLTE) of the reference code is reproduced within 1e-5")
        Stream<DynamicTest> zooCases() {
            return reproduce(Golden.zooCases());
        }

        @TestFactory
        @DisplayName("every MetaSR and LM-LIIF case of the reference code (LIIF's, LMF's) is reproduced within 1e-5")
        Stream<DynamicTest> metaSrAndLmLiifCases() {
            List<Golden.Case> cases = Golden.baselineCases().stream()
                    .filter(c -> METASR_LMLIIF_MODELS.contains(c.model())).toList();
            assertEquals(12, cases.size(), "six sizes of each model in cases.json");
            return reproduce(cases);
        }
    }

    /** One dynamic test per case: the raw render of its model at its size matches the reference within 1e-5. */
    Stream<DynamicTest> reproduce(List<Golden.Case> cases) {
        BufferedImage input = Golden.input();
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> {
            try (ImageRepresentation rep = model(c.model()).encode(input)) {
                FloatImage out = rep.render().size(c.width(), c.height()).toFloatImage();
                assertEquals(c.width(), out.width());
                assertEquals(c.height(), out.height());
                assertClose(Golden.expected(c), out.toRawArray(), Golden.TOLERANCE, c.toString());
            }
        }));
    }

    // Per-model checks of the invariants, shared by every architecture's tests.

    /** Renders exactly {@code w × h}, raw and as an image, with finite values. */
    void checkExactSize(String m, BufferedImage input, int w, int h) {
        try (ImageRepresentation rep = model(m).encode(input)) {
            FloatImage out = rep.render().size(w, h).toFloatImage();
            assertEquals(w, out.width());
            assertEquals(h, out.height());
            for (float v : out.toRawArray()) {
                assertTrue(Float.isFinite(v), "non-finite output");
            }
            BufferedImage img = rep.render().size(w, h).toImage();
            assertEquals(w, img.getWidth());
            assertEquals(h, img.getHeight());
        }
    }

    /** Rendering with the smallest tile (64 rows) equals rendering whole, within 1e-6. */
    void checkTiledEqualsWhole(String m, int w, int h) {
        float[] whole;
        try (ImageRepresentation rep = model(m).encode(Golden.input())) {
            whole = rep.render().size(w, h).toFloatImage().toRawArray();
        }
        try (DiifModel small = modelBuilder(m).tileRows(64).build();
                ImageRepresentation rep = small.encode(Golden.input())) {
            assertClose(whole, rep.render().size(w, h).toFloatImage().toRawArray(), 1e-6f, m + " tiled vs whole");
        }
    }

    /** Golden.input() resized to 120×96 bicubically: large enough for 1024-pixel encoder bands. */
    static BufferedImage bandTestImage() {
        BufferedImage big = new BufferedImage(120, 96, BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = big.createGraphics();
        g.setRenderingHint(java.awt.RenderingHints.KEY_INTERPOLATION,
                java.awt.RenderingHints.VALUE_INTERPOLATION_BICUBIC);
        g.drawImage(Golden.input(), 0, 0, 120, 96, null);
        g.dispose();
        return big;
    }

    /** Encoding {@link #bandTestImage()} in 1024-pixel bands equals encoding it whole, rendered at w × h. */
    void checkBandedEncoderEqualsWhole(String m, int w, int h) {
        BufferedImage big = bandTestImage();
        float[] whole;
        try (ImageRepresentation rep = model(m).encode(big)) {
            whole = rep.render().size(w, h).toFloatImage().toRawArray();
        }
        try (DiifModel banded = modelBuilder(m).encoderBandPixels(1024).build();
                ImageRepresentation rep = banded.encode(big)) {
            assertClose(whole, rep.render().size(w, h).toFloatImage().toRawArray(), 1e-6f, m + " banded encoder");
        }
    }

    /** The pixels of {@code win} in a whole render, laid out as a render of the window. */
    static float[] crop(FloatImage whole, Window win) {
        float[] expected = new float[3 * (int) win.pixels()];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < win.height(); y++) {
                for (int x = 0; x < win.width(); x++) {
                    expected[(c * win.height() + y) * win.width() + x] = whole.raw(c, win.x() + x, win.y() + y);
                }
            }
        }
        return expected;
    }

    /** Bands of 10 rows arrive in order, tile the output and equal the whole render. */
    void checkBandsEqualWhole(String m, int w, int h) throws Exception {
        try (ImageRepresentation rep = model(m).encode(Golden.input())) {
            FloatImage whole = rep.render().size(w, h).toFloatImage();
            int[] next = {0};
            rep.render().size(w, h).toBands(10, (firstRow, band) -> {
                assertEquals(next[0], firstRow, "bands arrive in order without gaps");
                assertEquals(w, band.width());
                assertClose(crop(whole, new Window(0, firstRow, w, band.height())), band.toRawArray(), 1e-6f,
                        m + " band at row " + firstRow);
                next[0] += band.height();
            });
            assertEquals(h, next[0], m + ": every row delivered");
        }
    }

    /** A window of the w × h grid equals the same pixels of the whole render. */
    void checkWindowEqualsCrop(String m, int w, int h, Window win) {
        try (ImageRepresentation rep = model(m).encode(Golden.input())) {
            FloatImage whole = rep.render().size(w, h).toFloatImage();
            assertClose(crop(whole, win), rep.render().size(w, h).window(win).toFloatImage().toRawArray(), 1e-6f,
                    m + " window " + win);
        }
    }

    /** A 96×80 image, large enough that a window's encoded region is a real part of it for every small model. */
    static BufferedImage windowTestImage() {
        int iw = 96;
        int ih = 80;
        BufferedImage image = new BufferedImage(iw, ih, BufferedImage.TYPE_INT_RGB);
        java.util.Random random = new java.util.Random(7);
        for (int y = 0; y < ih; y++) {
            for (int x = 0; x < iw; x++) {
                int r = (int) (127 + 100 * Math.sin(x * 0.21) * Math.cos(y * 0.13)) + random.nextInt(20);
                int g = (int) (127 + 90 * Math.cos((x + y) * 0.17)) + random.nextInt(20);
                int b = (x * 255 / iw + y * 97 / ih) % 256;
                image.setRGB(x, y, (Math.min(255, r) << 16) | (Math.min(255, g) << 8) | b);
            }
        }
        return image;
    }

    /**
     * Windows rendered from only the image region they need ({@link DiifModel#render} with a window) equal the same
     * pixels of the whole w × h render: inside, at each corner, a full-width strip and a full-height one.
     */
    void checkWindowsFromTheImageRegion(String m, BufferedImage image, int w, int h) {
        List<Window> windows = List.of(new Window(w * 2 / 5 + 1, h * 2 / 5 + 1, 37, 29), new Window(0, 0, 23, 17),
                new Window(w - 31, h - 12, 31, 12), new Window(0, h * 15 / 32, w, 5), new Window(w * 14 / 25, 0, 3, h));
        FloatImage whole;
        try (ImageRepresentation rep = model(m).encode(image)) {
            whole = rep.render().size(w, h).toFloatImage();
        }
        for (Window win : windows) {
            FloatImage part = model(m).render(image).size(w, h).window(win).toFloatImage();
            assertClose(crop(whole, win), part.toRawArray(), 1e-6f, m + " window " + win);
        }
    }

    /**
     * Sampling the w × h grid at every pixel's point (x + offset, y + offset), offset in [0, 1), returns the
     * pixels a render gives there; offset 0.5 are the centres.
     */
    void checkCentresEqualRender(String m, int w, int h, double offset) {
        try (ImageRepresentation rep = model(m).encode(Golden.input())) {
            FloatImage img = rep.render().size(w, h).toFloatImage();
            double[] xy = new double[2 * w * h];
            float[] expected = new float[3 * w * h];
            int p = 0;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    xy[2 * p] = x + offset;
                    xy[2 * p + 1] = y + offset;
                    for (int c = 0; c < 3; c++) {
                        expected[3 * p + c] = img.raw(c, x, y);
                    }
                    p++;
                }
            }
            assertClose(expected, rep.sampleRaw(w, h, xy), 1e-6f, m + " " + w + "x" + h);
        }
    }

    /** Two encodes and renders of the same input are bit-identical. */
    void checkRepeatable(String m, int w, int h) {
        float[] first;
        try (ImageRepresentation rep = model(m).encode(Golden.input())) {
            first = rep.render().size(w, h).toFloatImage().toRawArray();
        }
        try (ImageRepresentation rep = model(m).encode(Golden.input())) {
            assertArrayEquals(first, rep.render().size(w, h).toFloatImage().toRawArray(), m);
        }
    }

    /** 16 encodes and renders on 8 threads sharing the model give the single-threaded result. */
    void checkEightThreads(String m, int w, int h) throws Exception {
        DiifModel model = model(m);
        float[] expected;
        try (ImageRepresentation rep = model.encode(Golden.input())) {
            expected = rep.render().size(w, h).toFloatImage().toRawArray();
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<float[]>> results = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                results.add(pool.submit(() -> {
                    try (ImageRepresentation rep = model.encode(Golden.input())) {
                        return rep.render().size(w, h).toFloatImage().toRawArray();
                    }
                }));
            }
            for (Future<float[]> f : results) {
                assertArrayEquals(expected, f.get(), m + " from 8 threads");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Nested
    @DisplayName("output sizes")
    class OutputSizes {
        @TestFactory
        @DisplayName("renders exactly the requested width and height, from 1x1 to x30")
        Stream<DynamicTest> exactSizes() {
            int[][] sizes = {{1, 1}, {2, 3}, {7, 13}, {41, 31}, {97, 17}, {13, 101}, {20, 16}, {39, 33}, {53, 29},
                {1200, 960}};
            BufferedImage input = Golden.input();
            List<DynamicTest> tests = new ArrayList<>();
            for (String m : ALL_MODELS) {
                for (int[] s : sizes) {
                    if (s[0] == 1200 && PER_PIXEL_ENSEMBLE_MODELS.contains(m)) {
                        continue; // LIIF and LTE at x30 are slow on reference backends and add nothing new here
                    }
                    tests.add(DynamicTest.dynamicTest(m + " " + s[0] + "x" + s[1],
                            () -> checkExactSize(m, input, s[0], s[1])));
                }
            }
            return tests.stream();
        }

        @Test
        @DisplayName("a scale gives round(scale x size), with independent x and y scales")
        void scales() {
            try (ImageRepresentation rep = model(DIIF_ROW).encode(Golden.input())) {
                BufferedImage a = rep.render().scale(2.5).toImage();
                assertEquals(100, a.getWidth());
                assertEquals(80, a.getHeight());
                BufferedImage b = rep.render().scale(0.5, 3.0).toImage();
                assertEquals(20, b.getWidth());
                assertEquals(96, b.getHeight());
                BufferedImage c = model(DIIF_ROW).upscale(Golden.input(), 1.7);
                assertEquals(68, c.getWidth());
                assertEquals(54, c.getHeight());
            }
        }
    }

    @Nested
    @DisplayName("tiling and windows")
    class Tiling {
        @TestFactory
        @DisplayName("rendering in small tiles equals rendering whole, within 1e-6")
        Stream<DynamicTest> tiledEqualsWhole() {
            int[][] sizes = {{148, 118}, {480, 384}, {31, 23}};
            List<DynamicTest> tests = new ArrayList<>();
            for (String m : ALL_MODELS) {
                for (int[] s : sizes) {
                    tests.add(DynamicTest.dynamicTest(m + " " + s[0] + "x" + s[1],
                            () -> checkTiledEqualsWhole(m, s[0], s[1])));
                }
            }
            return tests.stream();
        }

        @Test
        @DisplayName("the backend's preferred tile holds at least 64 rows, the least a model accepts")
        void preferredTileRowsIsUsable() {
            int rows = Backends.select(backendName()).preferredTileRows();
            assertTrue(rows >= 64, "preferredTileRows() was " + rows);
        }

        @Test
        @DisplayName("encoding a large image in overlapping bands equals encoding it whole, within 1e-6")
        void bandedEncoderEqualsWhole() {
            for (String m : List.of(DIIF_ROW, LIIF, RDN_DIIF)) {
                checkBandedEncoderEqualsWhole(m, 150, 101);
            }
        }

        @Test
        @DisplayName("rendering in streamed bands equals rendering whole, and the bands tile the output")
        void bandsEqualWhole() throws Exception {
            for (String m : ALL_MODELS) {
                checkBandsEqualWhole(m, 131, 113);
            }
        }

        @Test
        @DisplayName("a window of the output grid equals the same pixels of the whole render")
        void windowEqualsCrop() {
            for (String m : ALL_MODELS) {
                checkWindowEqualsCrop(m, 148, 118, new Window(37, 51, 60, 29));
            }
        }
        @Test
        @DisplayName("a window rendered from only the part of the image it needs equals the same pixels of the"
                + " whole render")
        void windowFromTheImageRegionEqualsCrop() {
            BufferedImage image = windowTestImage();
            int w = 251; // ×2.61 and ×2.4: uneven groups
            int h = 192;
            for (String m : ALL_MODELS) {
                checkWindowsFromTheImageRegion(m, image, w, h);
            }
            DiifModel any = model(DIIF_ROW);
            IllegalArgumentException outside = assertThrows(IllegalArgumentException.class,
                    () -> any.render(image).size(w, h).window(new Window(w - 10, 0, 11, 5)).toFloatImage());
            assertTrue(outside.getMessage().contains(w + "x" + h), outside.getMessage());
            assertThrows(NullPointerException.class, () -> any.render(image).size(w, h).window(null).toFloatImage());
            assertThrows(IllegalArgumentException.class, () -> any.render(image).size(0, h).window(new Window(0, 0, 1, 1))
                    .toFloatImage());
        }
    }

    @Nested
    @DisplayName("sampling")
    class Sampling {
        @Test
        @DisplayName("sampling a grid at its pixel centres returns the rendered pixels")
        void centresEqualRender() {
            int[][] sizes = {{61, 47}, {30, 24}, {160, 128}};
            for (String m : ALL_MODELS) {
                for (int[] s : sizes) {
                    checkCentresEqualRender(m, s[0], s[1], 0.5);
                }
            }
        }

        @Test
        @DisplayName("samples between pixel centres are finite and near their neighbours")
        void betweenCentres() {
            try (ImageRepresentation rep = model(DIIF_ROW).encode(Golden.input())) {
                float[] a = rep.sampleRaw(80, 64, new double[] {10.5, 10.5, 10.75, 10.5, 11.0, 10.5, 0, 0, 80, 64});
                for (float v : a) {
                    assertTrue(Float.isFinite(v));
                }
                for (int c = 0; c < 3; c++) {
                    assertTrue(Math.abs(a[c] - a[3 + c]) < 0.1f, "a quarter pixel apart, colours stay close");
                }
                float[] rgb = rep.sample(80, 64, 40.0, 32.0);
                for (float v : rgb) {
                    assertTrue(v >= 0f && v <= 1f, "sample() returns displayable colour");
                }
            }
        }
    }

    @Nested
    @DisplayName("determinism and threads")
    class Determinism {
        @Test
        @DisplayName("the same input gives the same output every time")
        void repeatable() {
            for (String m : ALL_MODELS) {
                checkRepeatable(m, 111, 87);
            }
        }

        @Test
        @DisplayName("8 threads sharing one model get the single-threaded result")
        void eightThreads() throws Exception {
            for (String m : List.of(DIIF_ROW_B4, LIIF, RDN_DIIF, LTE, DLTE, METASR, LMLIIF)) {
                checkEightThreads(m, 97, 71);
            }
        }
    }

    @Nested
    @DisplayName("DIIF ablations (w/o slice ensemble, c4+f3, c2+f5) and fixed-scale EDSR-baseline")
    class AblationsAndFixedScale {
        private final BufferedImage input = Golden.input();

        @TestFactory
        @DisplayName("every reference case of these models is reproduced within 1e-5")
        Stream<DynamicTest> goldenCases() {
            List<Golden.Case> cases = Golden.baselineCases().stream().filter(c -> DIIF_ABLATION_MODELS.contains(c.model())
                    || FIXED_SCALE_MODELS.containsKey(c.model())).toList();
            assertEquals(6 * DIIF_ABLATION_MODELS.size() + FIXED_SCALE_MODELS.size(), cases.size(),
                    "six sizes per ablation, one per fixed-scale model: " + cases);
            return reproduce(cases);
        }

        @TestFactory
        @DisplayName("the ablations render every size from 1x1 to x30, tiled, in bands and windows as whole")
        Stream<DynamicTest> ablationInvariants() {
            List<DynamicTest> tests = new ArrayList<>();
            for (String m : DIIF_ABLATION_MODELS) {
                for (int[] s : new int[][] {{1, 1}, {7, 13}, {97, 17}, {53, 29}, {1200, 960}}) {
                    tests.add(DynamicTest.dynamicTest(m + " size " + s[0] + "x" + s[1],
                            () -> checkExactSize(m, input, s[0], s[1])));
                }
                for (int[] s : new int[][] {{148, 118}, {480, 384}, {31, 23}}) {
                    tests.add(DynamicTest.dynamicTest(m + " tiled " + s[0] + "x" + s[1],
                            () -> checkTiledEqualsWhole(m, s[0], s[1])));
                }
                tests.add(DynamicTest.dynamicTest(m + " banded encoder", () -> checkBandedEncoderEqualsWhole(m, 150, 101)));
                tests.add(DynamicTest.dynamicTest(m + " bands", () -> checkBandsEqualWhole(m, 131, 113)));
                tests.add(DynamicTest.dynamicTest(m + " window",
                        () -> checkWindowEqualsCrop(m, 148, 118, new Window(37, 51, 60, 29))));
                tests.add(DynamicTest.dynamicTest(m + " windows from the image region",
                        () -> checkWindowsFromTheImageRegion(m, windowTestImage(), 251, 192)));
                for (int[] s : new int[][] {{61, 47}, {30, 24}, {160, 128}}) {
                    tests.add(DynamicTest.dynamicTest(m + " centres " + s[0] + "x" + s[1],
                            () -> checkCentresEqualRender(m, s[0], s[1], 0.5)));
                }
                tests.add(DynamicTest.dynamicTest(m + " repeatable", () -> checkRepeatable(m, 111, 87)));
                tests.add(DynamicTest.dynamicTest(m + " 8 threads", () -> checkEightThreads(m, 97, 71)));
            }
            return tests.stream();
        }

        @TestFactory
        @DisplayName("a fixed-scale model renders its own scale tiled, in bands and windows as whole, and samples"
                + " the pixel that holds each point")
        Stream<DynamicTest> fixedScaleInvariants() {
            List<DynamicTest> tests = new ArrayList<>();
            FIXED_SCALE_MODELS.forEach((m, s) -> {
                int w = s * input.getWidth();
                int h = s * input.getHeight();
                tests.add(DynamicTest.dynamicTest(m + " size", () -> {
                    checkExactSize(m, input, w, h);
                    assertEquals(w, model(m).upscale(input, (double) s).getWidth());
                }));
                tests.add(DynamicTest.dynamicTest(m + " tiled", () -> checkTiledEqualsWhole(m, w, h)));
                tests.add(DynamicTest.dynamicTest(m + " banded encoder",
                        () -> checkBandedEncoderEqualsWhole(m, s * 120, s * 96)));
                tests.add(DynamicTest.dynamicTest(m + " bands", () -> checkBandsEqualWhole(m, w, h)));
                tests.add(DynamicTest.dynamicTest(m + " window",
                        () -> checkWindowEqualsCrop(m, w, h, new Window(17, 23, 41, 29))));
                BufferedImage image = windowTestImage();
                tests.add(DynamicTest.dynamicTest(m + " windows from the image region",
                        () -> checkWindowsFromTheImageRegion(m, image, s * image.getWidth(), s * image.getHeight())));
                for (double offset : new double[] {0.5, 0.0, 0.875}) {
                    tests.add(DynamicTest.dynamicTest(m + " samples at +" + offset,
                            () -> checkCentresEqualRender(m, w, h, offset)));
                }
                tests.add(DynamicTest.dynamicTest(m + " repeatable", () -> checkRepeatable(m, w, h)));
                tests.add(DynamicTest.dynamicTest(m + " 8 threads", () -> checkEightThreads(m, w, h)));
                tests.add(DynamicTest.dynamicTest(m + " other sizes are refused, naming both sizes",
                        () -> checkOnlyItsOwnScale(m, s)));
            });
            return tests.stream();
        }

        @Test
        @DisplayName("a PixelShuffle node moves channel c·r² + a·r + b of (y, x) to (r·y + a, r·x + b) of channel c")
        void pixelShuffleOrder() {
            for (int r : new int[] {2, 3}) {
                int channels = 2;
                int h = 2;
                int w = 3;
                int in = channels * r * r;
                float[] x = new float[in * h * w];
                for (int i = 0; i < x.length; i++) {
                    x[i] = i;
                }
                Graph.Builder g = Graph.builder("pixel-shuffle", Graph.Layout.IMAGE, in);
                try (Executable e = Backends.select(backendName()).compile(g.build(g.pixelShuffle(g.input(), r)))) {
                    float[] y = e.run(x, in, h, w);
                    assertEquals(x.length, y.length);
                    for (int c = 0; c < channels; c++) {
                        for (int oy = 0; oy < r * h; oy++) {
                            for (int ox = 0; ox < r * w; ox++) {
                                int source = ((c * r * r + (oy % r) * r + ox % r) * h + oy / r) * w + ox / r;
                                assertEquals(x[source], y[(c * r * h + oy) * r * w + ox], "r " + r + " at c " + c
                                        + ", y " + oy + ", x " + ox);
                            }
                        }
                    }
                }
            }
        }

        private void checkOnlyItsOwnScale(String m, int s) {
            int w = s * input.getWidth();
            int h = s * input.getHeight();
            DiifModel model = model(m);
            try (ImageRepresentation rep = model.encode(input)) {
                for (int[] other : new int[][] {{w + 1, h}, {w, h - 1}, {input.getWidth(), input.getHeight()},
                    {2 * w, 2 * h}}) {
                    String size = other[0] + "x" + other[1];
                    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                            () -> rep.render().size(other[0], other[1]).toFloatImage(), size);
                    assertTrue(e.getMessage().contains(size) && e.getMessage().contains(w + "x" + h), e.getMessage());
                    e = assertThrows(IllegalArgumentException.class,
                            () -> rep.sampleRaw(other[0], other[1], new double[] {0.5, 0.5}), size);
                    assertTrue(e.getMessage().contains(size), e.getMessage());
                }
            }
            assertThrows(IllegalArgumentException.class, () -> model.upscale(input, s + 0.5));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> model.render(input).size(w - 1, h).window(new Window(0, 0, 4, 4)).toFloatImage());
            assertTrue(e.getMessage().contains((w - 1) + "x" + h), e.getMessage());
        }
    }

    @Nested
    @DisplayName("image types")
    class ImageTypes {
        @Test
        @DisplayName("grey, 16-bit, indexed and alpha images encode; alpha comes back resampled")
        void imageTypes() {
            BufferedImage rgb = Golden.input();
            int[] types = {BufferedImage.TYPE_BYTE_GRAY, BufferedImage.TYPE_USHORT_GRAY, BufferedImage.TYPE_BYTE_INDEXED,
                BufferedImage.TYPE_INT_ARGB, BufferedImage.TYPE_4BYTE_ABGR, BufferedImage.TYPE_INT_BGR};
            for (int type : types) {
                BufferedImage img = new BufferedImage(rgb.getWidth(), rgb.getHeight(), type);
                img.getGraphics().drawImage(rgb, 0, 0, null);
                BufferedImage out = model(DIIF_ROW).upscale(img, 2.0);
                assertEquals(80, out.getWidth(), "type " + type);
                assertEquals(img.getColorModel().hasAlpha(), out.getColorModel().hasAlpha(), "alpha kept, type " + type);
            }
            BufferedImage half = new BufferedImage(40, 32, BufferedImage.TYPE_INT_ARGB);
            for (int y = 0; y < 32; y++) {
                for (int x = 0; x < 40; x++) {
                    half.setRGB(x, y, ((x < 20 ? 0 : 255) << 24) | (rgb.getRGB(x, y) & 0xffffff));
                }
            }
            BufferedImage up = model(DIIF_ROW).upscale(half, 2.0);
            assertEquals(0, up.getRGB(5, 30) >>> 24, "transparent side stays transparent");
            assertEquals(255, up.getRGB(75, 30) >>> 24, "opaque side stays opaque");
        }

        @Test
        @DisplayName("a grey image gives equal red, green and blue inputs")
        void greyIsNeutral() {
            BufferedImage grey = new BufferedImage(40, 32, BufferedImage.TYPE_BYTE_GRAY);
            grey.getRaster().setSample(3, 3, 0, 200);
            BufferedImage rgb = new BufferedImage(40, 32, BufferedImage.TYPE_INT_RGB);
            rgb.setRGB(3, 3, 0xc8c8c8);
            try (ImageRepresentation a = model(DIIF_ROW).encode(grey);
                    ImageRepresentation b = model(DIIF_ROW).encode(rgb)) {
                assertArrayEquals(b.render().size(50, 40).toFloatImage().toRawArray(), a.render().size(50, 40).toFloatImage().toRawArray());
            }
        }
    }

    /** Records what a progress listener is told: each count at least the last, ending at the pixels rendered. */
    static final class ProgressRecord implements LongConsumer {
        private final List<Long> counts = new ArrayList<>();

        @Override
        public synchronized void accept(long done) {
            counts.add(done);
        }

        synchronized void assertEndsAt(long pixels, String what) {
            assertTrue(!counts.isEmpty(), what + ": progress was never reported");
            for (int i = 1; i < counts.size(); i++) {
                assertTrue(counts.get(i) >= counts.get(i - 1), what + ": progress went back from "
                        + counts.get(i - 1) + " to " + counts.get(i));
            }
            assertEquals(pixels, counts.get(counts.size() - 1), what + ": progress ends at the pixels rendered");
        }
    }

    /** The raw planes {@code [3, height, width]} of a window, gathered from {@link Render#toBands}. */
    static float[] gatherBands(Render render, Window win, int bandRows, String what) throws IOException {
        float[] planes = new float[3 * (int) win.pixels()];
        int plane = (int) win.pixels();
        int[] next = {win.y()};
        render.toBands(bandRows, (firstRow, band) -> {
            assertEquals(next[0], firstRow, what + ": bands arrive in order without gaps");
            assertEquals(win.width(), band.width(), what + ": a band is as wide as the window");
            float[] raw = band.toRawArray();
            int n = band.width() * band.height();
            int at = (firstRow - win.y()) * win.width();
            for (int c = 0; c < 3; c++) {
                System.arraycopy(raw, c * n, planes, c * plane + at, n);
            }
            next[0] += band.height();
        });
        assertEquals(win.y() + win.height(), next[0], what + ": every row delivered");
        return planes;
    }

    /**
     * Same size, same alpha presence, and every 8-bit channel within {@code levels} of {@code expected}'s (0 when
     * both come from the same floats; 1 where the floats may differ by rounding, as from a region encoding).
     */
    static void assertPixels(BufferedImage expected, BufferedImage actual, int levels, String what) {
        assertEquals(expected.getWidth(), actual.getWidth(), what + ": width");
        assertEquals(expected.getHeight(), actual.getHeight(), what + ": height");
        assertEquals(expected.getColorModel().hasAlpha(), actual.getColorModel().hasAlpha(), what + ": alpha");
        int w = expected.getWidth();
        int[] e = expected.getRGB(0, 0, w, expected.getHeight(), null, 0, w);
        int[] a = actual.getRGB(0, 0, w, actual.getHeight(), null, 0, w);
        for (int i = 0; i < e.length; i++) {
            for (int shift = 0; shift < 32; shift += 8) {
                int d = Math.abs((e[i] >>> shift & 0xff) - (a[i] >>> shift & 0xff));
                if (d > levels) {
                    throw new AssertionError(what + ": pixel (" + i % w + ", " + i / w + ") is "
                            + Integer.toHexString(a[i]) + ", expected " + Integer.toHexString(e[i]) + " within "
                            + levels);
                }
            }
        }
    }

    static BufferedImage readImage(Path file) throws IOException {
        BufferedImage image = ImageIO.read(file.toFile());
        assertTrue(image != null, file + " is not a readable image");
        return image;
    }

    /** The golden input with an alpha gradient, so that every terminal must carry alpha too. */
    static BufferedImage inputWithAlpha() {
        BufferedImage rgb = Golden.input();
        BufferedImage argb = new BufferedImage(rgb.getWidth(), rgb.getHeight(), BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < rgb.getHeight(); y++) {
            for (int x = 0; x < rgb.getWidth(); x++) {
                int a = 30 + 210 * (x + y) / (rgb.getWidth() + rgb.getHeight() - 2);
                argb.setRGB(x, y, (a << 24) | (rgb.getRGB(x, y) & 0xffffff));
            }
        }
        return argb;
    }

    /**
     * Every terminal of one render gives the same pixels: toImage is toFloatImage in 8 bits, the PNG and TIFF
     * files hold toImage's pixels, the bands hold toFloatImage's floats; each reports progress up to exactly the
     * pixels it renders. {@code crop} is what the floats must equal within 1e-6 (the same pixels of a whole
     * render), {@code cropImage} what toImage must equal within {@code levels}. Without {@code eightBit} only
     * the float terminals run: the 8-bit ones convert the same floats whatever the decoder, so one model
     * checks them.
     */
    static void checkTerminalsAgree(Render render, Window win, float[] crop, BufferedImage cropImage, int levels,
            boolean eightBit, Path dir, String what) throws IOException {
        ProgressRecord floats = new ProgressRecord();
        FloatImage f = render.progress(floats).toFloatImage();
        floats.assertEndsAt(win.pixels(), what + " toFloatImage");
        assertEquals(win.width(), f.width(), what + ": width");
        assertEquals(win.height(), f.height(), what + ": height");
        assertClose(crop, f.toRawArray(), 1e-6f, what + " toFloatImage");

        ProgressRecord banded = new ProgressRecord();
        float[] bands = gatherBands(render.progress(banded), win, 7, what + " toBands");
        banded.assertEndsAt(win.pixels(), what + " toBands");
        assertClose(f.toRawArray(), bands, 1e-6f, what + " toBands");
        if (!eightBit) {
            return;
        }

        ProgressRecord image = new ProgressRecord();
        BufferedImage img = render.progress(image).toImage();
        image.assertEndsAt(win.pixels(), what + " toImage");
        assertPixels(f.toBufferedImage(), img, 0, what + " toImage against toFloatImage");
        assertPixels(cropImage, img, levels, what + " toImage against the whole render");

        for (String ext : List.of("png", "tif")) {
            Path file = dir.resolve(what.replaceAll("[^A-Za-z0-9]+", "-") + "." + ext);
            ProgressRecord streamed = new ProgressRecord();
            render.progress(streamed).toFile(file);
            streamed.assertEndsAt(win.pixels(), what + " toFile ." + ext);
            assertPixels(img, readImage(file), 0, what + " toFile ." + ext);
        }
    }

    @Nested
    @DisplayName("render builder")
    class RenderBuilder {
        @Test
        @DisplayName("every terminal (image, floats, PNG, TIFF, bands) gives the same pixels, whole and windowed,"
                + " with progress ending at the pixels rendered; floats and bands for every decoder")
        void terminalsAgree(@TempDir Path dir) throws IOException {
            int w = 67; // x1.675 and x1.656 of the 40x32 input: uneven groups
            int h = 53;
            for (String m : ALL_MODELS) {
                // Every decoder through the float terminals; the 8-bit ones and alpha once, as neither depends on it.
                boolean first = m.equals(ALL_MODELS.get(0));
                List<Window> windows = List.of(Window.of(w, h), new Window(9, 7, 31, 29),
                        new Window(w - 13, h - 11, 13, 11));
                List<BufferedImage> inputs = first ? List.of(Golden.input(), inputWithAlpha()) : List.of(Golden.input());
                for (BufferedImage input : inputs) {
                    try (ImageRepresentation rep = model(m).encode(input)) {
                        FloatImage whole = rep.render().size(w, h).toFloatImage();
                        BufferedImage wholeImage = whole.toBufferedImage();
                        for (Window win : windows) {
                            checkTerminalsAgree(rep.render().size(w, h).window(win), win, crop(whole, win),
                                    wholeImage.getSubimage(win.x(), win.y(), win.width(), win.height()), 0, first,
                                    dir, m + " alpha " + rep.hasAlpha() + " window " + win);
                        }
                    }
                }
            }
        }

        @Test
        @DisplayName("model.render(image) with a window, encoding only the region it needs, equals the crop of the"
                + " whole render through every terminal")
        void imageWindowsAgree(@TempDir Path dir) throws IOException {
            BufferedImage image = windowTestImage();
            int w = 173; // x1.80 and x1.64 of the 96x80 image
            int h = 131;
            for (String m : ALL_MODELS) {
                boolean first = m.equals(ALL_MODELS.get(0));
                List<Window> windows = first ? List.of(new Window(61, 47, 41, 33),
                        new Window(0, 0, 19, 23), new Window(w - 29, h - 17, 29, 17), new Window(0, h / 2, w, 6))
                        : List.of(new Window(61, 47, 41, 33), new Window(w - 29, h - 17, 29, 17));
                FloatImage whole;
                try (ImageRepresentation rep = model(m).encode(image)) {
                    whole = rep.render().size(w, h).toFloatImage();
                }
                BufferedImage wholeImage = whole.toBufferedImage();
                for (Window win : windows) {
                    checkTerminalsAgree(model(m).render(image).size(w, h).window(win), win, crop(whole, win),
                            wholeImage.getSubimage(win.x(), win.y(), win.width(), win.height()), 1, first, dir,
                            m + " from the image, window " + win);
                }
                ProgressRecord progress = new ProgressRecord();
                assertClose(whole.toRawArray(), model(m).render(image).size(w, h).progress(progress).toFloatImage()
                        .toRawArray(), 0f, m + ": model.render(image) without a window equals encode then render");
                progress.assertEndsAt((long) w * h, m + " model.render(image) whole");
            }
        }

        @Test
        @DisplayName("a Render is immutable: options return new ones, so one may be reused for other windows and"
                + " terminals")
        void immutable(@TempDir Path dir) throws IOException {
            int w = 67;
            int h = 53;
            Window left = new Window(0, 3, 20, 40);
            Window right = new Window(40, 10, 27, 30);
            try (ImageRepresentation rep = model(DIIF_ROW).encode(Golden.input())) {
                Render base = rep.render().size(w, h);
                FloatImage whole = base.toFloatImage();
                Render a = base.window(left);
                Render b = base.window(right);
                ProgressRecord seen = new ProgressRecord();
                Render watched = a.progress(seen);
                assertClose(crop(whole, left), a.toFloatImage().toRawArray(), 1e-6f, "window a");
                assertClose(crop(whole, right), b.toFloatImage().toRawArray(), 1e-6f, "window b, after a");
                assertClose(crop(whole, left), watched.toFloatImage().toRawArray(), 1e-6f, "a with progress");
                seen.assertEndsAt(left.pixels(), "progress of a");
                int calls = seen.counts.size();
                a.toFloatImage();
                assertEquals(calls, seen.counts.size(), "a progress listener added later does not reach a");
                assertThrows(IllegalStateException.class, () -> base.scale(2.0));
                assertThrows(IllegalStateException.class, () -> a.size(10, 10));
                FloatImage again = base.toFloatImage();
                assertEquals(w, again.width(), "the base still renders the whole grid");
                assertEquals(h, again.height(), "the base still renders the whole grid");
                assertArrayEquals(whole.toRawArray(), again.toRawArray(), "the base renders the same pixels again");
                Path file = dir.resolve("b.png");
                b.toFile(file);
                assertPixels(b.toImage(), readImage(file), 0, "window b streamed");
                assertClose(crop(whole, left), gatherBands(a, left, 6, "a in bands"), 1e-6f, "window a in bands");

                Render scaled = rep.render().scale(1.5);
                assertEquals(60, scaled.toImage().getWidth(), "scale(1.5) of 40 pixels");
                assertEquals(38, scaled.window(new Window(10, 10, 50, 38)).toImage().getHeight(),
                        "a window of the scaled grid");
                assertEquals(48, scaled.toFloatImage().height(), "the scaled Render is unchanged by window()");
            }
        }

        @Test
        @DisplayName("the output grid is given exactly once: size and scale together, or twice, or neither, are"
                + " refused naming the calls")
        void gridGivenOnce(@TempDir Path dir) {
            try (ImageRepresentation rep = model(DIIF_ROW).encode(Golden.input())) {
                IllegalStateException e = assertThrows(IllegalStateException.class,
                        () -> rep.render().size(67, 53).scale(2.5));
                assertTrue(e.getMessage().contains("size(67, 53)") && e.getMessage().contains("scale(2.5"),
                        e.getMessage());
                e = assertThrows(IllegalStateException.class, () -> rep.render().scale(1.5, 2.5).size(67, 53));
                assertTrue(e.getMessage().contains("size(67, 53)") && e.getMessage().contains("scale(1.5, 2.5)"),
                        e.getMessage());
                e = assertThrows(IllegalStateException.class, () -> rep.render().size(67, 53).size(10, 10));
                assertTrue(e.getMessage().contains("size(67, 53)") && e.getMessage().contains("size(10, 10)"),
                        e.getMessage());
                e = assertThrows(IllegalStateException.class, () -> model(DIIF_ROW).render(Golden.input())
                        .scale(2.0).scale(3.0));
                assertTrue(e.getMessage().contains("scale(2.0") && e.getMessage().contains("scale(3.0"),
                        e.getMessage());
                Path file = dir.resolve("never.png");
                for (Render none : List.of(rep.render(), rep.render().window(new Window(0, 0, 4, 4)),
                        model(DIIF_ROW).render(Golden.input()).progress(done -> { }))) {
                    for (org.junit.jupiter.api.function.Executable terminal : List.<org.junit.jupiter.api.function
                            .Executable>of(none::toImage, none::toFloatImage, () -> none.toFile(file),
                                    () -> none.toBands(4, (row, band) -> { }))) {
                        e = assertThrows(IllegalStateException.class, terminal);
                        assertTrue(e.getMessage().contains("size(width, height)") && e.getMessage().contains("scale"),
                                e.getMessage());
                    }
                }
                assertTrue(!Files.exists(file), "no file is created for a refused render");
            }
        }

        @Test
        @DisplayName("null options, bad band heights and refused renders fail before any file exists")
        void badOptions(@TempDir Path dir) throws IOException {
            try (ImageRepresentation rep = model(DIIF_ROW).encode(Golden.input())) {
                Render render = rep.render().size(67, 53);
                assertThrows(NullPointerException.class, () -> render.window(null));
                assertThrows(NullPointerException.class, () -> render.progress(null));
                assertThrows(NullPointerException.class, () -> render.toFile(null));
                assertThrows(NullPointerException.class, () -> render.toBands(4, null));
                for (Render r : List.of(render, model(DIIF_ROW).render(Golden.input()).size(67, 53))) {
                    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                            () -> r.toBands(0, (row, band) -> { }));
                    assertTrue(e.getMessage().contains("bandRows") && e.getMessage().contains("0"), e.getMessage());
                    Path out = dir.resolve("out.png");
                    e = assertThrows(IllegalArgumentException.class,
                            () -> r.window(new Window(60, 0, 8, 53)).toFile(out));
                    assertTrue(e.getMessage().contains("67x53"), e.getMessage());
                    e = assertThrows(IllegalArgumentException.class, () -> r.toFile(dir.resolve("out.jpg")));
                    assertTrue(e.getMessage().contains("not .jpg") && e.getMessage().contains(".png"), e.getMessage());
                }
                RuntimeException cancel = new IllegalStateException("cancelled by the listener");
                Path out = dir.resolve("cancelled.tif");
                RuntimeException thrown = assertThrows(RuntimeException.class, () -> render.progress(done -> {
                    throw cancel;
                }).toFile(out));
                assertTrue(thrown == cancel, "the listener's exception reaches the caller unchanged: " + thrown);
                UnsupportedOperationException other = new UnsupportedOperationException("stop");
                thrown = assertThrows(RuntimeException.class, () -> render.progress(done -> {
                    throw other;
                }).toFloatImage());
                assertTrue(thrown == other, "not wrapped as a backend failure: " + thrown);
                try (var files = Files.list(dir)) {
                    assertEquals(List.of(), files.toList(), "nothing written");
                }
            }
        }
    }

    @Nested
    @DisplayName("bad arguments")
    class BadArguments {
        @Test
        @DisplayName("null and empty images are refused with a message")
        void nullAndEmpty() {
            DiifModel m = model(DIIF_ROW);
            Exception e = assertThrows(NullPointerException.class, () -> m.encode((BufferedImage) null));
            assertTrue(e.getMessage().contains("image"));
            e = assertThrows(IllegalArgumentException.class, () -> m.encode(new float[0], 0, 0));
            assertTrue(e.getMessage().contains("0x0"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> m.encode(new float[5], 2, 2));
            assertTrue(e.getMessage().contains("12"), e.getMessage());
        }

        @Test
        @DisplayName("scales that are zero, negative, NaN, infinite or too small are refused, naming the value")
        void badScales() {
            try (ImageRepresentation rep = model(DIIF_ROW).encode(Golden.input())) {
                for (double s : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
                    1e-3}) {
                    Exception e = assertThrows(IllegalArgumentException.class, () -> rep.render().scale(s).toImage());
                    assertTrue(e.getMessage().contains(String.valueOf(s)), e.getMessage());
                }
                assertThrows(IllegalArgumentException.class, () -> rep.render().size(0, 10).toImage());
                assertThrows(IllegalArgumentException.class, () -> rep.render().size(10, -1).toImage());
            }
        }

        @Test
        @DisplayName("an output above the pixel limit is refused before any work, naming the limit")
        void pixelLimit() {
            try (DiifModel m = modelBuilder(DIIF_ROW).maxOutputPixels(10_000).build();
                    ImageRepresentation rep = m.encode(Golden.input())) {
                Exception e = assertThrows(IllegalArgumentException.class, () -> rep.render().size(101, 100).toImage());
                assertTrue(e.getMessage().contains("10000"), e.getMessage());
                assertEquals(100, rep.render().size(100, 100).toImage().getWidth(), "the limit itself is allowed");
                assertThrows(IllegalArgumentException.class, () -> rep.render().scale(1e9).toImage());
            }
        }

        @Test
        @DisplayName("sample points that are NaN, infinite or outside the grid are refused")
        void badPoints() {
            try (ImageRepresentation rep = model(DIIF_ROW).encode(Golden.input())) {
                for (double[] p : new double[][] {{Double.NaN, 1}, {1, Double.NaN}, {Double.POSITIVE_INFINITY, 1},
                    {-0.01, 1}, {1, 64.5}, {80.01, 3}}) {
                    Exception e = assertThrows(IllegalArgumentException.class, () -> rep.sampleRaw(80, 64, p));
                    assertTrue(e.getMessage().contains("grid"), e.getMessage());
                }
                assertThrows(IllegalArgumentException.class, () -> rep.sampleRaw(80, 64, new double[] {1}));
            }
        }

        @Test
        @DisplayName("closed representations and models refuse further use, and errors leave the model usable")
        void closedObjects() {
            ImageRepresentation rep = model(DIIF_ROW).encode(Golden.input());
            rep.close();
            rep.close();
            assertThrows(IllegalStateException.class, () -> rep.render().size(10, 10).toImage());
            assertThrows(IllegalStateException.class, () -> rep.sampleRaw(10, 10, new double[] {1, 1}));

            DiifModel own = modelBuilder(DIIF_ROW).build();
            ImageRepresentation alive = own.encode(Golden.input());
            own.close();
            own.close();
            assertThrows(IllegalStateException.class, () -> own.encode(Golden.input()));
            assertThrows(IllegalStateException.class, () -> alive.render().size(10, 10).toImage());

            DiifModel shared = model(DIIF_ROW);
            assertThrows(IllegalArgumentException.class, () -> shared.upscale(Golden.input(), -2.0));
            assertEquals(80, shared.upscale(Golden.input(), 2.0).getWidth());
        }

        @Test
        @DisplayName("an unknown backend name is refused, listing the available ones")
        void unknownBackend() {
            Exception e = assertThrows(IllegalStateException.class,
                    () -> DiifModel.builder().modelResource(Golden.resource(DIIF_ROW)).backend("no-such-engine").build());
            assertTrue(e.getMessage().contains("no-such-engine"), e.getMessage());
            assertTrue(e.getMessage().contains(backendName()), e.getMessage());
        }
    }
    /**
     * Largest |difference| from float32 a reduced precision may make on the golden models' raw outputs
     * (values of about ±1): measured, ONNX Runtime int8 on these models and sizes, 0.00055 to 0.0014
     * (docs/performance.md); the bound allows 3.5 times the worst. A wrong scale, a transposed weight or
     * an unquantised zero point moves outputs by 0.05 and more. bf16 (8 significant bits against int8's
     * per-tensor 8) is held to the same bound.
     */
    static final float REDUCED_PRECISION_TOLERANCE = 0.005f;
    /**
     * Largest mean signed difference from float32 (a colour shift rather than noise): measured at most
     * 0.00013 in magnitude; the bound allows 3.8 times that.
     */
    static final float REDUCED_PRECISION_MEAN_TOLERANCE = 0.0005f;

    @Nested
    @DisplayName("precisions")
    class Precisions {
        @TestFactory
        @DisplayName("each reduced precision the backend offers renders every architecture close to float32, and not"
                + " identically")
        Stream<DynamicTest> closeToFp32() {
            Backend backend = Backends.select(backendName());
            List<DynamicTest> tests = new ArrayList<>();
            for (Precision p : backend.precisions()) {
                if (p == Precision.FP32) {
                    continue;
                }
                for (String file : ALL_MODELS) {
                    tests.add(DynamicTest.dynamicTest(p.label() + " " + file, () -> {
                        try (DiifModel reduced = modelBuilder(file).precision(p).build()) {
                            assertEquals(p, reduced.precision());
                            for (int[] size : new int[][] {{97, 67}, {41, 123}}) {
                                float[] exact;
                                float[] approx;
                                try (ImageRepresentation rep = model(file).encode(Golden.input())) {
                                    exact = rep.render().size(size[0], size[1]).toFloatImage().toRawArray();
                                }
                                try (ImageRepresentation rep = reduced.encode(Golden.input())) {
                                    approx = rep.render().size(size[0], size[1]).toFloatImage().toRawArray();
                                }
                                String what = p.label() + " " + file + " " + size[0] + "x" + size[1];
                                assertClose(exact, approx, REDUCED_PRECISION_TOLERANCE, what);
                                double mean = 0;
                                for (int i = 0; i < exact.length; i++) {
                                    mean += approx[i] - exact[i];
                                }
                                mean /= exact.length;
                                double shift = mean;
                                assertTrue(Math.abs(shift) <= REDUCED_PRECISION_MEAN_TOLERANCE,
                                        () -> what + ": mean shift " + shift);
                                assertTrue(!Arrays.equals(exact, approx), what + ": identical to fp32, so "
                                        + p.label() + " did not run");
                            }
                        }
                    }));
                }
            }
            return tests.stream();
        }

        @Test
        @DisplayName("a precision the backend lacks is refused when the model is built, naming both")
        void unsupportedRefused() {
            Backend backend = Backends.select(backendName());
            assertTrue(backend.precisions().contains(Precision.FP32), "fp32 is always offered");
            EnumSet<Precision> lacking = EnumSet.complementOf(EnumSet.copyOf(backend.precisions()));
            for (Precision p : lacking) {
                Exception e = assertThrows(IllegalArgumentException.class,
                        () -> modelBuilder(DIIF_ROW).precision(p).build());
                assertTrue(e.getMessage().contains("precision " + p.label()), e.getMessage());
                assertTrue(e.getMessage().contains(backendName()), e.getMessage());
                Graph.Builder g = Graph.builder("refused", Graph.Layout.ROWS, 2);
                Graph graph = g.build(g.relu(g.linear(g.input(), new Parameter("w", new int[] {2, 2},
                        new float[] {1, 0, 0, 1}), null)));
                Exception spi = assertThrows(UnsupportedOperationException.class, () -> backend.compile(graph, p));
                assertTrue(spi.getMessage().contains(p.label()) && spi.getMessage().contains(backendName()),
                        spi.getMessage());
            }
            assertEquals(Precision.FP32, model(DIIF_ROW).precision(), "the default");
        }
    }

    @Nested
    @DisplayName("rows in engine memory (SPI)")
    class RowsInEngineMemory {
        /** A row graph of Linear layers (with bias) and ReLUs between them, random weights. */
        private Graph mlp(String name, java.util.Random random, int... widths) {
            Graph.Builder g = Graph.builder(name, Graph.Layout.ROWS, widths[0]);
            Node x = g.input();
            for (int l = 1; l < widths.length; l++) {
                float[] w = new float[widths[l] * widths[l - 1]];
                float[] b = new float[widths[l]];
                for (int i = 0; i < w.length; i++) {
                    w[i] = (float) random.nextGaussian() / (float) Math.sqrt(widths[l - 1]);
                }
                for (int i = 0; i < b.length; i++) {
                    b[i] = (float) random.nextGaussian() * 0.1f;
                }
                x = g.linear(l > 1 ? g.relu(x) : x, new Parameter(name + ".w" + l, new int[] {widths[l],
                        widths[l - 1]}, w), new Parameter(name + ".b" + l, new int[] {widths[l]}, b));
            }
            return g.build(x);
        }

        private float[] values(java.util.Random random, int n) {
            float[] v = new float[n];
            for (int i = 0; i < n; i++) {
                v[i] = random.nextFloat() * 2 - 1;
            }
            return v;
        }

        private Backend backend() {
            return Backends.select(backendName());
        }

        @Test
        @DisplayName("rows written from many threads, in blocks or on the heap, run as arrays do and outlive the"
                + " run")
        void rowsRunAsArrays() {
            java.util.Random random = new java.util.Random(21);
            try (Executable a = backend().compile(mlp("rows-first", random, 12, 32, 8));
                 Executable b = backend().compile(mlp("rows-second", random, 8, 16, 3))) {
                for (int rows : new int[] {1, 17, 1000}) {
                    float[] values = values(random, rows * 12);
                    float[] expected = b.run(a.run(values, rows, 12), rows, 8);
                    for (int repeat = 0; repeat < 3; repeat++) { // engines may reuse the memory of closed rows
                        try (Rows input = a.allocate(rows, 12)) {
                            // Rows are written from several threads at once, as the decoders do.
                            IntStream.range(0, rows).parallel().forEach(r ->
                                    input.write(r, Arrays.copyOfRange(values, r * 12, r * 12 + 12)));
                            try (Rows hidden = a.run(input); Rows out = b.run(hidden)) {
                                assertEquals(8, hidden.columns());
                                assertEquals(rows, out.rows());
                                assertEquals(3, out.columns());
                                assertArrayEquals(expected, out.toArray(), "rows " + rows);
                                float[] last = new float[3];
                                out.read(rows - 1, last);
                                assertArrayEquals(Arrays.copyOfRange(expected, 3 * rows - 3, 3 * rows), last);
                            }
                            // The input outlives the run: the caller still owns it.
                            float[] first = new float[12];
                            input.read(0, first);
                            assertArrayEquals(Arrays.copyOfRange(values, 0, 12), first);
                        }
                    }
                    // Blocks of rows land where single rows do.
                    try (Rows input = a.allocate(rows, 12)) {
                        input.write(0, rows, values);
                        try (Rows out = b.run(a.run(input))) {
                            assertArrayEquals(expected, out.toArray(), "block-written rows " + rows);
                        }
                        assertThrows(IndexOutOfBoundsException.class, () -> input.write(rows, 1, new float[12]));
                    }
                    // Rows on the Java heap are accepted too.
                    try (Rows out = b.run(a.run(new HeapRows(values, rows, 12)))) {
                        assertArrayEquals(expected, out.toArray(), "heap rows " + rows);
                    }
                }
            }
        }

        @Test
        @DisplayName("64 allocate-run-close cycles on 8 threads sharing two executables give the array result")
        void concurrentRows() throws Exception {
            java.util.Random random = new java.util.Random(31);
            try (Executable a = backend().compile(mlp("rows-a", random, 12, 32, 8));
                 Executable b = backend().compile(mlp("rows-b", random, 8, 16, 3))) {
                float[] values = values(random, 200 * 12);
                float[] expected = b.run(a.run(values, 200, 12), 200, 8);
                ExecutorService pool = Executors.newFixedThreadPool(8);
                try {
                    List<Future<float[]>> results = new ArrayList<>();
                    for (int k = 0; k < 64; k++) {
                        results.add(pool.submit(() -> {
                            try (Rows input = a.allocate(200, 12)) {
                                input.write(0, 200, values);
                                try (Rows hidden = a.run(input); Rows out = b.run(hidden)) {
                                    return out.toArray();
                                }
                            }
                        }));
                    }
                    for (Future<float[]> f : results) {
                        assertArrayEquals(expected, f.get());
                    }
                } finally {
                    pool.shutdown();
                }
            }
        }

        @Test
        @DisplayName("a graph that is only its input hands back its own rows, not the caller's")
        void identityGraph() {
            Graph.Builder g = Graph.builder("rows-identity", Graph.Layout.ROWS, 4);
            try (Executable identity = backend().compile(g.build(g.input()))) {
                Rows input = identity.allocate(2, 4);
                input.write(0, 2, new float[] {1, 2, 3, 4, 5, 6, 7, 8});
                Rows out = identity.run(input);
                input.close();
                assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, out.toArray());
                out.close();
            }
        }

        @Test
        @DisplayName("rows refuse wrong shapes, rows out of range and use after close, naming the graph")
        void misuse() {
            java.util.Random random = new java.util.Random(22);
            Executable exe = backend().compile(mlp("rows-misuse", random, 4, 8, 2));
            assertThrows(IllegalArgumentException.class, () -> exe.allocate(2, 5));
            assertThrows(IllegalArgumentException.class, () -> exe.run(new HeapRows(new float[10], 2, 5)));
            Rows rows = exe.allocate(2, 4);
            assertThrows(IndexOutOfBoundsException.class, () -> rows.write(2, new float[4]));
            assertThrows(IndexOutOfBoundsException.class, () -> rows.write(1, 2, new float[8]));
            assertThrows(IndexOutOfBoundsException.class, () -> rows.read(-1, new float[4]));
            try (Rows empty = exe.run(new HeapRows(new float[0], 0, 4))) {
                assertEquals(0, empty.rows());
                assertEquals(2, empty.columns());
            }
            rows.close();
            rows.close(); // idempotent
            assertThrows(IllegalStateException.class, () -> rows.write(0, new float[4]));
            assertThrows(IllegalStateException.class, () -> rows.read(0, new float[4]));
            assertThrows(IllegalStateException.class, () -> exe.run(rows));
            exe.close();
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> exe.run(new HeapRows(new float[0], 0, 4)));
            assertTrue(e.getMessage().contains("rows-misuse"), e.getMessage());
            assertThrows(IllegalStateException.class, () -> exe.run(new HeapRows(new float[4], 1, 4)));
            Graph.Builder ig = Graph.builder("rows-image", Graph.Layout.IMAGE, 3);
            try (Executable image = backend().compile(ig.build(ig.relu(ig.input())))) {
                assertTrue(!image.allocatesEngineRows());
                assertThrows(IllegalArgumentException.class, () -> image.allocate(1, 3));
            }
        }
    }
}

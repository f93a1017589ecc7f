package io.diif.robustness;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.diif.DiifModel;
import io.diif.ImageRepresentation;
import io.diif.Window;
import io.diif.tck.Golden;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Hostile arguments through the public API, on the pure-Java backend with a small golden model. The
 * rules: bad sizes, scales and points are an {@link IllegalArgumentException} naming the value, before
 * any work; use after close is an {@link IllegalStateException}; no argument gives an
 * ArithmeticException, an OutOfMemoryError or a NaN, and no failure leaves the model unusable.
 */
@DisplayName("hostile arguments (Java backend)")
class ArgumentsRobustnessTest {
    static DiifModel model;
    static ImageRepresentation rep;
    static float[] reference;

    @BeforeAll
    static void load() {
        model = DiifModel.builder().modelResource(Golden.resource("model-diif-row.safetensors")).backend("java").build();
        rep = model.encode(Golden.input());
        reference = rep.render().size(53, 41).toFloatImage().toRawArray();
    }

    @AfterAll
    static void close() {
        rep.close();
        model.close();
    }

    static IllegalArgumentException bad(Executable call, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), () -> "'" + e.getMessage() + "' lacks '" + f + "'");
        }
        return e;
    }

    @Test
    @DisplayName("scales 0, negative, NaN, +-Inf, tiny and 1e9 are refused naming the value")
    void scales() {
        for (double s : new double[] {0, -0.0, -1, -1e9, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
            Double.MIN_VALUE, 1e-3, 1e9, Double.MAX_VALUE}) {
            bad(() -> rep.render().scale(s).toImage(), String.valueOf(s));
            bad(() -> rep.render().scale(s).toFloatImage());
            bad(() -> rep.render().scale(s, 2.0).toImage(), String.valueOf(s));
            bad(() -> rep.render().scale(2.0, s).toImage(), String.valueOf(s));
            bad(() -> model.upscale(Golden.input(), s));
            bad(() -> model.render(Golden.input()).scale(s).toFloatImage(), String.valueOf(s));
        }
        bad(() -> rep.render().scale(1e6).toImage(), "exceeds the limit of " + DiifModel.DEFAULT_MAX_OUTPUT_PIXELS);
    }

    @Test
    @DisplayName("sizes 0, negative and Integer.MIN/MAX_VALUE are refused; windows outside the grid too")
    void sizes() {
        int[] bad = {0, -1, -53, Integer.MIN_VALUE};
        for (int v : bad) {
            bad(() -> rep.render().size(v, 10).toImage(), String.valueOf(v));
            bad(() -> rep.render().size(10, v).toImage(), String.valueOf(v));
            bad(() -> rep.render().size(v, v).toFloatImage());
            bad(() -> rep.sampleRaw(v, 10, new double[] {0.5, 0.5}));
            bad(() -> rep.decoderMacsPerPixel(v, 10));
            bad(() -> model.render(Golden.input()).size(v, 10).toImage(), String.valueOf(v));
        }
        bad(() -> rep.render().size(Integer.MAX_VALUE, Integer.MAX_VALUE).toImage(), "exceeds the limit");
        bad(() -> rep.render().size(53, 41).window(new Window(50, 0, 4, 41)).toFloatImage(), "not inside");
        bad(() -> rep.render().size(53, 41).window(new Window(0, 40, 53, 2)).toFloatImage(), "not inside");
        bad(() -> rep.render().size(53, 41).window(new Window(0, 40, 53, 2)).toBands(10, (row, band) -> { }),
                "not inside");
        bad(() -> model.render(Golden.input()).size(53, 41).window(new Window(50, 0, 4, 41)).toFloatImage(),
                "not inside");
        bad(() -> new Window(-1, 0, 5, 5), "x=-1");
        bad(() -> new Window(0, 0, 0, 5), "width=0");
    }

    @Test
    @DisplayName("with the pixel limit raised, an output too large for one array is refused, not an ArithmeticException")
    void hugeWithRaisedLimit() {
        try (DiifModel big = DiifModel.builder().modelResource(Golden.resource("model-diif-row.safetensors"))
                .backend("java").maxOutputPixels(Long.MAX_VALUE).build();
                ImageRepresentation r = big.encode(Golden.input())) {
            bad(() -> r.render().size(50_000, 50_000).toFloatImage(), "too large for one FloatImage");
            bad(() -> r.render().size(Integer.MAX_VALUE, 2).toFloatImage(), "too large");
            assertEquals(3, r.render().size(50_000, 50_000).window(new Window(49_999, 49_999, 1, 1)).toFloatImage()
                    .toRawArray().length);
        }
    }

    @Test
    @DisplayName("sample points NaN, +-Inf or outside the grid are refused (no clamping); the grid edges are inside")
    void points() {
        double[][] outside = {{Double.NaN, 1}, {1, Double.NaN}, {Double.POSITIVE_INFINITY, 1}, {1, Double.NEGATIVE_INFINITY},
            {-1e-9, 1}, {1, -0.5}, {53.000001, 1}, {1, 41.5}, {1e300, 1}, {-Double.MAX_VALUE, 0}};
        for (double[] p : outside) {
            bad(() -> rep.sampleRaw(53, 41, p), "outside the 53x41 grid");
            bad(() -> rep.sample(53, 41, p[0], p[1]), "outside");
        }
        bad(() -> rep.sampleRaw(53, 41, new double[] {1, 2, 3}), "pairs");
        assertThrows(NullPointerException.class, () -> rep.sampleRaw(53, 41, null));
        assertEquals(0, rep.sampleRaw(53, 41, new double[0]).length);
        float[] corners = rep.sampleRaw(53, 41, new double[] {0, 0, 53, 41, 0, 41, 53, 0});
        for (float v : corners) {
            assertTrue(Float.isFinite(v), "corner value " + v);
        }
        float[] rgb = rep.sample(53, 41, 26.5, 20.5);
        for (float v : rgb) {
            assertTrue(v >= 0 && v <= 1, "sample is clamped to [0, 1]: " + v);
        }
    }

    @Test
    @DisplayName("encoding refuses null, empty, mis-sized and non-finite input")
    void encodeArguments() {
        assertThrows(NullPointerException.class, () -> model.encode((BufferedImage) null));
        assertThrows(NullPointerException.class, () -> model.encode(null, 2, 2));
        bad(() -> model.encode(new float[0], 0, 0), "0x0");
        bad(() -> model.encode(new float[12], -2, -2));
        bad(() -> model.encode(new float[11], 2, 2), "12");
        bad(() -> model.encode(new float[12], 65536, 65536), "limit");
        float[] nan = new float[12];
        nan[7] = Float.NaN;
        bad(() -> model.encode(nan, 2, 2), "non-finite");
        float[] inf = new float[12];
        inf[0] = Float.NEGATIVE_INFINITY;
        bad(() -> model.encode(inf, 2, 2), "non-finite");
        try (DiifModel small = DiifModel.builder().modelResource(Golden.resource("model-diif-row.safetensors"))
                .backend("java").maxInputPixels(100).build()) {
            bad(() -> small.encode(Golden.input()), "exceeds the limit of 100");
            assertEquals(1, small.encode(new float[3], 1, 1).width(), "1x1 encodes");
            assertEquals(7, small.encode(new float[21], 1, 7).height(), "1x7 encodes");
        }
    }

    @Test
    @DisplayName("builder misuse and unknown backends are refused with a message")
    void builder() {
        assertThrows(IllegalStateException.class, () -> DiifModel.builder().build());
        assertThrows(IllegalStateException.class, () -> DiifModel.builder().modelResource("a").modelResource("b")
                .model(java.nio.file.Path.of("x")).build());
        bad(() -> DiifModel.builder().maxOutputPixels(0), "maxOutputPixels");
        bad(() -> DiifModel.builder().maxInputPixels(-1), "maxInputPixels");
        bad(() -> DiifModel.builder().tileRows(0), "tileRows");
        bad(() -> DiifModel.builder().modelResource("no/such/model.safetensors").build(), "not found");
        for (String name : List.of("no-such-engine", "../../etc/passwd", "java;rm -rf", "\u001b[31m")) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> DiifModel.builder()
                    .modelResource(Golden.resource("model-diif-row.safetensors")).backend(name).build());
            assertTrue(e.getMessage().contains("not available") && e.getMessage().contains("java"), e.getMessage());
        }
        // Names are matched ignoring case and surrounding space.
        try (DiifModel m = DiifModel.builder().modelResource(Golden.resource("model-diif-row.safetensors"))
                .backend(" JAVA ").build()) {
            assertEquals("java", m.backendName());
        }
    }

    @Test
    @DisplayName("closed representations and models refuse every call; close is idempotent")
    void closed() {
        DiifModel own = DiifModel.builder().modelResource(Golden.resource("model-diif-row.safetensors")).backend("java")
                .build();
        ImageRepresentation r = own.encode(Golden.input());
        ImageRepresentation other = own.encode(Golden.input());
        r.close();
        r.close();
        List<Executable> calls = new ArrayList<>();
        calls.add(() -> r.render().size(10, 10).toImage());
        calls.add(() -> r.render().scale(2.0).toImage());
        calls.add(() -> r.render().size(10, 10).toFloatImage());
        calls.add(() -> r.render().size(10, 10).window(Window.of(10, 10)).toFloatImage());
        calls.add(() -> r.render().size(10, 10).toBands(5, (row, band) -> { }));
        calls.add(() -> r.sampleRaw(10, 10, new double[] {1, 1}));
        calls.add(() -> r.sample(10, 10, 1, 1));
        calls.add(() -> r.width());
        calls.add(() -> r.decoderMacsPerPixel(10, 10));
        for (Executable c : calls) {
            assertTrue(assertThrows(IllegalStateException.class, c).getMessage().contains("closed"));
        }
        own.close();
        own.close();
        assertThrows(IllegalStateException.class, () -> own.encode(Golden.input()));
        assertThrows(IllegalStateException.class, () -> own.upscale(Golden.input(), 2.0));
        assertThrows(IllegalStateException.class, () -> other.render().size(10, 10).toImage());
        assertThrows(IllegalStateException.class, () -> own.render(Golden.input()).size(10, 10).toFloatImage());
        other.close();
    }

    @Test
    @DisplayName("after all these failures the shared model renders exactly what it rendered before")
    void unchangedAfterErrors() {
        scales();
        sizes();
        points();
        assertArrayEquals(reference, rep.render().size(53, 41).toFloatImage().toRawArray());
        try (ImageRepresentation again = model.encode(Golden.input())) {
            assertArrayEquals(reference, again.render().size(53, 41).toFloatImage().toRawArray());
        }
    }
}

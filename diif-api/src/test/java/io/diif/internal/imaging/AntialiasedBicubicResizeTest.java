package io.diif.internal.imaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.diif.internal.output.Npy;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Against PyTorch 1.13's {@code interpolate(mode="bicubic", antialias=True)}, which the generator checks
 * against Pillow's BICUBIC: {@code src/test/resources/io/diif/internal/imaging/bicubic/generate.py}.
 */
class AntialiasedBicubicResizeTest {
    private static final int CHANNELS = 2;

    @ParameterizedTest(name = "{0}x{1} -> {2}x{3}")
    @DisplayName("equals the reference when shrinking by fractional and integer factors, enlarging and mixing")
    @CsvSource({"7,5,3,2", "7,5,21,15", "7,5,7,5", "13,11,5,4", "13,11,6,5", "13,11,39,33", "13,11,20,6",
        "12,12,4,4", "12,12,6,3"})
    void matchesReference(int w, int h, int ow, int oh) {
        float[] source = fixture("plane-" + w + "x" + h + ".npy");
        float[] expected = fixture("plane-" + w + "x" + h + "-to-" + ow + "x" + oh + ".npy");
        assertEquals(CHANNELS * w * h, source.length);
        assertEquals(CHANNELS * ow * oh, expected.length);
        float[] actual = AntialiasedBicubicResize.resize(source, CHANNELS, w, h, ow, oh);
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
        }
        assertTrue(worst < 1e-5, "worst difference " + worst);
    }

    @Test
    @DisplayName("refuses sizes below 1 and planes that do not match the size, naming the values")
    void validates() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AntialiasedBicubicResize.resize(new float[6], 1, 3, 2, 0, 4));
        assertTrue(e.getMessage().contains("3x2 -> 0x4"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AntialiasedBicubicResize.resize(new float[5], 1, 3, 2, 1,
                1));
        assertTrue(e.getMessage().contains("hold 5 values") && e.getMessage().contains("need 6"), e.getMessage());
    }

    private static float[] fixture(String name) {
        try (InputStream in = AntialiasedBicubicResizeTest.class.getResourceAsStream("bicubic/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing fixture " + name + "; run bicubic/generate.py");
            }
            return Npy.readFloat32(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

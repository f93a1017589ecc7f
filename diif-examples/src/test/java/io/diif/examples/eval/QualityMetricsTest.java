package io.diif.examples.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Against values from an independent numpy implementation:
 * {@code src/test/resources/io/diif/examples/eval/metrics_reference.py} (same images, same formulas).
 */
class QualityMetricsTest {
    private static final int W = 24;
    private static final int H = 20;
    private static final Rgb8 A = image(false);
    private static final Rgb8 B = image(true);

    /** a = (7x + 5y + 40c + xy mod 23) mod 256; b = a + ((7x + 13y + 5c) mod 21) − 10, clipped. */
    private static Rgb8 image(boolean distorted) {
        byte[] planes = new byte[3 * W * H];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < H; y++) {
                for (int x = 0; x < W; x++) {
                    int a = (7 * x + 5 * y + 40 * c + (x * y) % 23) % 256;
                    int v = distorted ? Math.max(0, Math.min(255, a + (x * 7 + y * 13 + c * 5) % 21 - 10)) : a;
                    planes[(c * H + y) * W + x] = (byte) v;
                }
            }
        }
        return new Rgb8(W, H, planes);
    }

    @Test
    @DisplayName("PSNR on RGB and on luma and SSIM on luma equal the numpy reference, with and without a border")
    void matchReference() {
        assertEquals(32.585687677185, QualityMetrics.psnrRgb(A, B, 3), 1e-9);
        assertEquals(32.591973342240, QualityMetrics.psnrRgb(A, B, 0), 1e-9);
        assertEquals(38.532350962175, QualityMetrics.psnrY(A, B, 2), 1e-9);
        assertEquals(0.970490560427, QualityMetrics.ssimY(A, B, 2), 1e-9);
        assertEquals(0.970054603939, QualityMetrics.ssimY(A, B, 0), 1e-9);
    }

    @Test
    @DisplayName("luma is BT.601 on the 16..235 scale: red 81.481, green 144.553, blue 40.966, white 235, black 16")
    void luma() {
        byte m = (byte) 255;
        Rgb8 primaries = new Rgb8(5, 1, new byte[] {m, 0, 0, m, 0, 0, m, 0, m, 0, 0, 0, m, m, 0});
        assertArrayEquals(new double[] {81.481, 144.553, 40.966, 235, 16}, QualityMetrics.luma(primaries, 0), 1e-9);
    }

    @Test
    @DisplayName("identical images: PSNR is +infinity and SSIM exactly 1")
    void identical() {
        assertEquals(Double.POSITIVE_INFINITY, QualityMetrics.psnrRgb(A, A, 3));
        assertEquals(Double.POSITIVE_INFINITY, QualityMetrics.psnrY(A, A, 2));
        assertEquals(1.0, QualityMetrics.ssimY(A, A, 2), 1e-15);
    }

    @Test
    @DisplayName("sizes that differ, a border that leaves nothing and a region under the SSIM window are refused")
    void refuses() {
        Rgb8 small = A.crop(0, 0, 12, 12);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> QualityMetrics.psnrRgb(A, small, 0))
                .getMessage().contains("24x20 and 12x12"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> QualityMetrics.psnrY(A, B, 10))
                .getMessage().contains("shave 10"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> QualityMetrics.ssimY(small, small, 1))
                .getMessage().contains("leaves 10x10"));
    }
}

package io.diif.robustness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.diif.internal.imaging.ImageCodec;
import io.diif.internal.imaging.ImageFiles;
import io.diif.internal.imaging.Planes;
import java.awt.image.BufferedImage;
import java.io.IOException;

/**
 * Fuzz target for the image path: arbitrary bytes through {@link ImageFiles} (every ImageIO reader:
 * PNG, JPEG, BMP, GIF, TIFF, WBMP) and {@link ImageCodec}. Acceptable outcomes: float planes of the
 * declared size with values in [0, 1], an IOException naming the source, or an
 * IllegalArgumentException for a size over the limit. Anything else is a finding.
 */
class ImageReaderFuzzTest {
    private static final String NAME = "fuzz-image";
    /** Small, so a fuzzed header cannot make a single run slow; bombs are tested on their own. */
    private static final long MAX_PIXELS = 1 << 16;

    @FuzzTest(maxDuration = "5m")
    void image(byte[] data) {
        BufferedImage img;
        try {
            img = ImageFiles.read(data, NAME, MAX_PIXELS);
        } catch (IOException | IllegalArgumentException e) {
            String m = e.getMessage();
            assertTrue(m != null && m.startsWith(NAME + ": "), () -> "message does not name the source: " + m);
            return;
        }
        long pixels = (long) img.getWidth() * img.getHeight();
        assertTrue(pixels > 0 && pixels <= MAX_PIXELS, img.getWidth() + "x" + img.getHeight());
        Planes p = ImageCodec.read(img);
        assertEquals(3 * pixels, p.rgb().length);
        for (float v : p.rgb()) {
            assertTrue(v >= 0f && v <= 1f, "colour " + v);
        }
        if (p.alpha() != null) {
            for (float v : p.alpha()) {
                assertTrue(v >= 0f && v <= 1f, "alpha " + v);
            }
        }
    }
}

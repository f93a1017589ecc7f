package io.diif.internal.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class PngStreamWriterTest {

    @Test
    @DisplayName("a PNG written row by row decodes to exactly the rows written, with and without alpha")
    void roundTrip() throws Exception {
        Random random = new Random(7);
        for (boolean alpha : new boolean[] {false, true}) {
            int w = 301;
            int h = 97;
            int ch = alpha ? 4 : 3;
            byte[][] rows = new byte[h][w * ch];
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (PngStreamWriter png = new PngStreamWriter(bytes, w, h, alpha)) {
                for (byte[] row : rows) {
                    random.nextBytes(row);
                    png.writeRow(row);
                }
            }
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(bytes.toByteArray()));
            assertEquals(w, img.getWidth());
            assertEquals(alpha, img.getColorModel().hasAlpha());
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int argb = img.getRGB(x, y);
                    int o = x * ch;
                    assertEquals(rows[y][o] & 0xff, (argb >> 16) & 0xff);
                    assertEquals(rows[y][o + 1] & 0xff, (argb >> 8) & 0xff);
                    assertEquals(rows[y][o + 2] & 0xff, argb & 0xff);
                    if (alpha) {
                        assertEquals(rows[y][o + 3] & 0xff, argb >>> 24);
                    }
                }
            }
        }
    }

    @Test
    @DisplayName("closing before every row is written, or writing a wrong-sized row, fails clearly")
    void misuse() throws Exception {
        PngStreamWriter png = new PngStreamWriter(new ByteArrayOutputStream(), 4, 2, false);
        assertThrows(IllegalArgumentException.class, () -> png.writeRow(new byte[5]));
        png.writeRow(new byte[12]);
        assertThrows(IllegalStateException.class, png::close);
    }
}

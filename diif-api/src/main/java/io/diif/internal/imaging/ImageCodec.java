package io.diif.internal.imaging;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.Raster;

/**
 * Converts between {@link BufferedImage}s of any type ImageIO produces and float planes.
 *
 * <p>sRGB and grey component images (8 or 16 bits per sample) are read from their raster samples
 * directly, so 16-bit precision survives and grey values are not passed through Java's linear-grey
 * conversion; every other type (indexed, packed, CMYK, …) goes through {@code getRGB}.
 */
public final class ImageCodec {
    private ImageCodec() {
    }

    public static Planes read(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        if (3L * w * h > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("image " + w + "x" + h + " is too large for float planes (3 x width x"
                    + " height must fit in a Java array)");
        }
        int n = w * h;
        float[] rgb = new float[3 * n];
        ColorModel cm = image.getColorModel();
        boolean alpha = cm.hasAlpha();
        float[] a = alpha ? new float[n] : null;
        Raster raster = image.getRaster();
        int type = cm.getColorSpace().getType();
        if (cm instanceof ComponentColorModel && !cm.isAlphaPremultiplied()
                && (cm.getColorSpace().isCS_sRGB() || type == ColorSpace.TYPE_GRAY)
                && uniformIntegerSamples(raster)) {
            int bands = raster.getNumBands();
            int colourBands = cm.getNumColorComponents();
            // Divide (not multiply by a reciprocal) so 8-bit values match getRGB's v / 255f exactly.
            float max = (1 << raster.getSampleModel().getSampleSize(0)) - 1;
            int[] px = new int[bands * w];
            for (int y = 0; y < h; y++) {
                raster.getPixels(0, y, w, 1, px);
                for (int x = 0; x < w; x++) {
                    int i = y * w + x;
                    int b = x * bands;
                    if (colourBands == 1) {
                        float g = px[b] / max;
                        rgb[i] = g;
                        rgb[n + i] = g;
                        rgb[2 * n + i] = g;
                    } else {
                        rgb[i] = px[b] / max;
                        rgb[n + i] = px[b + 1] / max;
                        rgb[2 * n + i] = px[b + 2] / max;
                    }
                    if (alpha) {
                        a[i] = px[b + colourBands] / max;
                    }
                }
            }
            return new Planes(rgb, a, w, h);
        }
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            image.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int argb = row[x];
                int i = y * w + x;
                rgb[i] = ((argb >> 16) & 0xff) / 255f;
                rgb[n + i] = ((argb >> 8) & 0xff) / 255f;
                rgb[2 * n + i] = (argb & 0xff) / 255f;
                if (alpha) {
                    a[i] = ((argb >>> 24) & 0xff) / 255f;
                }
            }
        }
        return new Planes(rgb, a, w, h);
    }

    private static boolean uniformIntegerSamples(Raster raster) {
        int[] sizes = raster.getSampleModel().getSampleSize();
        int dataType = raster.getDataBuffer().getDataType();
        if (dataType != java.awt.image.DataBuffer.TYPE_BYTE && dataType != java.awt.image.DataBuffer.TYPE_USHORT) {
            return false;
        }
        for (int s : sizes) {
            if (s != sizes[0] || (s != 8 && s != 16)) {
                return false;
            }
        }
        return true;
    }

    /**
     * An 8-bit image from raw model output: rgb01 = clamp(y·std + mean, 0, 1), rounded to the nearest
     * level. With {@code alpha} (in [0, 1]) the result is TYPE_INT_ARGB, else TYPE_INT_RGB.
     */
    public static BufferedImage toImage(float[] raw, float[] alpha, int width, int height, float mean, float std) {
        int n = width * height;
        BufferedImage img = new BufferedImage(width, height,
                alpha != null ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
        int[] row = new int[width];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int i = y * width + x;
                int r = to8(raw[i] * std + mean);
                int g = to8(raw[n + i] * std + mean);
                int b = to8(raw[2 * n + i] * std + mean);
                int a = alpha != null ? to8(alpha[i]) : 255;
                row[x] = (a << 24) | (r << 16) | (g << 8) | b;
            }
            img.setRGB(0, y, width, 1, row, 0, width);
        }
        return img;
    }

    /** [0, 1] → 0…255, clamped, NaN → 0, rounded to nearest. */
    public static int to8(float v) {
        float c = v < 0f ? 0f : (v > 1f ? 1f : v);
        if (Float.isNaN(v)) {
            c = 0f;
        }
        return Math.round(c * 255f);
    }
}

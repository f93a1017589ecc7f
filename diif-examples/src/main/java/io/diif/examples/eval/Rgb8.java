package io.diif.examples.eval;

import io.diif.internal.imaging.AntialiasedBicubicResize;
import io.diif.internal.imaging.ImageCodec;
import java.awt.image.BufferedImage;

/**
 * An 8-bit RGB image, planes {@code [3, height, width]} of unsigned bytes: the form the benchmark
 * protocol compares in (every image, model outputs included, is quantised to 8 bits first). The array
 * is never changed after construction.
 */
record Rgb8(int width, int height, byte[] planes) {
    Rgb8 {
        if (width < 1 || height < 1 || planes.length != 3L * width * height) {
            throw new IllegalArgumentException("8-bit planes of " + planes.length + " values do not match " + width
                    + "x" + height);
        }
    }

    /** Any image ImageIO reads: grey is expanded to RGB, alpha dropped, 16-bit rounded to 8 bits. */
    static Rgb8 of(BufferedImage image) {
        return quantise(ImageCodec.read(image).rgb(), image.getWidth(), image.getHeight());
    }

    /** Planes with values in [0, 1], clamped and rounded to the nearest of the 256 levels. */
    static Rgb8 quantise(float[] rgb01, int width, int height) {
        byte[] planes = new byte[rgb01.length];
        for (int i = 0; i < planes.length; i++) {
            planes[i] = (byte) ImageCodec.to8(rgb01[i]);
        }
        return new Rgb8(width, height, planes);
    }

    int value(int channel, int x, int y) {
        return planes[(channel * height + y) * width + x] & 0xff;
    }

    /** The planes as values in [0, 1]. */
    float[] toUnit() {
        float[] v = new float[planes.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = (planes[i] & 0xff) / 255f;
        }
        return v;
    }

    Rgb8 crop(int x, int y, int w, int h) {
        if (x < 0 || y < 0 || w < 1 || h < 1 || x + w > width || y + h > height) {
            throw new IllegalArgumentException("crop " + w + "x" + h + " at " + x + "," + y + " is not inside " + width
                    + "x" + height);
        }
        byte[] out = new byte[3 * w * h];
        for (int c = 0; c < 3; c++) {
            for (int r = 0; r < h; r++) {
                System.arraycopy(planes, (c * height + y + r) * width + x, out, (c * h + r) * w, w);
            }
        }
        return new Rgb8(w, h, out);
    }

    /** The centred {@code w × h} part (the extra pixel of an odd margin goes to the right and bottom). */
    Rgb8 centreCrop(int w, int h) {
        return w == width && h == height ? this : crop((width - w) / 2, (height - h) / 2, w, h);
    }

    /** The antialiased bicubic resize (PIL/PyTorch), clamped and quantised to 8 bits. */
    Rgb8 resize(int w, int h) {
        return quantise(AntialiasedBicubicResize.resize(toUnit(), 3, width, height, w, h), w, h);
    }

    /** As an image, each pixel repeated {@code factor × factor} times (exact, unlike a scaled drawImage). */
    BufferedImage toImage(int factor) {
        BufferedImage image = new BufferedImage(width * factor, height * factor, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int px = x / factor;
                int py = y / factor;
                image.setRGB(x, y, value(0, px, py) << 16 | value(1, px, py) << 8 | value(2, px, py));
            }
        }
        return image;
    }
}

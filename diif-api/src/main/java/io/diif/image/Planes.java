package io.diif.image;

/**
 * Colour planes read from an image: RGB in [0, 1] as {@code [3, H, W]}, and alpha in [0, 1] as
 * {@code [H, W]} or null when the image is opaque.
 */
public record Planes(float[] rgb, float[] alpha, int width, int height) {
    public Planes {
        if (rgb.length != 3L * width * height || (alpha != null && alpha.length != (long) width * height)) {
            throw new IllegalArgumentException("planes do not match " + width + "x" + height);
        }
    }

    /** Channels {@code [C, height, width]} of {@code values}, cropped to {@code window}. */
    public static float[] crop(float[] values, int channels, int width, int height, io.diif.geometry.Window window) {
        window.checkInside(width, height);
        float[] out = new float[Math.multiplyExact(channels, Math.toIntExact(window.pixels()))];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < window.height(); y++) {
                System.arraycopy(values, (c * height + window.y() + y) * width + window.x(), out,
                        (c * window.height() + y) * window.width(), window.width());
            }
        }
        return out;
    }
}

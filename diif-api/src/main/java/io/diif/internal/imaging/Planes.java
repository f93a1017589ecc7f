package io.diif.internal.imaging;

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
}

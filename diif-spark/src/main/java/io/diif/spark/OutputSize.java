package io.diif.spark;

import java.io.Serializable;

/**
 * How big each output is: the input scaled per axis ({@code round(sx·W) × round(sy·H)}, halves to even,
 * as {@code diif upscale --scale}) or one exact size for every image.
 */
final class OutputSize implements Serializable {
    private static final long serialVersionUID = 1L;

    private final double scaleX;
    private final double scaleY;
    private final int width;
    private final int height;

    private OutputSize(double scaleX, double scaleY, int width, int height) {
        this.scaleX = scaleX;
        this.scaleY = scaleY;
        this.width = width;
        this.height = height;
    }

    static OutputSize scale(double scaleX, double scaleY) {
        checkScale("scaleX", scaleX);
        checkScale("scaleY", scaleY);
        return new OutputSize(scaleX, scaleY, 0, 0);
    }

    static OutputSize exact(int width, int height) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("size must be at least 1x1, was " + width + "x" + height);
        }
        return new OutputSize(0, 0, width, height);
    }

    private static void checkScale(String name, double s) {
        if (!Double.isFinite(s) || s <= 0) {
            throw new IllegalArgumentException(name + " must be finite and > 0, was " + s);
        }
    }

    /** The output size for an input of {@code inWidth × inHeight}: {@code {width, height}}. */
    int[] resolve(int inWidth, int inHeight) {
        if (width > 0) {
            return new int[] {width, height};
        }
        return new int[] {scaled("scaleX", scaleX, inWidth), scaled("scaleY", scaleY, inHeight)};
    }

    private static int scaled(String name, double scale, int size) {
        double v = Math.rint(scale * size);
        if (v < 1 || v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + " " + scale + " turns " + size + " pixels into " + v);
        }
        return (int) v;
    }

    @Override
    public String toString() {
        return width > 0 ? width + "x" + height : "scale " + scaleX + "x" + scaleY;
    }
}

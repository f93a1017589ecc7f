package io.diif;

/**
 * A rectangle of an output grid, in output pixels: columns [x, x + width), rows [y, y + height).
 *
 * @param x first column
 * @param y first row
 * @param width columns, > 0
 * @param height rows, > 0
 */
public record Window(int x, int y, int width, int height) {
    public Window {
        if (x < 0 || y < 0 || width <= 0 || height <= 0) {
            throw new IllegalArgumentException("window needs x, y >= 0 and width, height > 0; was x=" + x + ", y=" + y
                    + ", width=" + width + ", height=" + height);
        }
    }

    /** The whole grid. */
    public static Window of(int width, int height) {
        return new Window(0, 0, width, height);
    }

    public long pixels() {
        return (long) width * height;
    }

    /** Throws unless this window lies inside a {@code gridWidth × gridHeight} grid. */
    public void checkInside(int gridWidth, int gridHeight) {
        if ((long) x + width > gridWidth || (long) y + height > gridHeight) {
            throw new IllegalArgumentException("window " + this + " is not inside the " + gridWidth + "x" + gridHeight
                    + " output grid");
        }
    }
}

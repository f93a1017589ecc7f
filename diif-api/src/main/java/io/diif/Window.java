package io.diif;

/**
 * A rectangle of an output grid, in output pixels: columns [x, x + width), rows [y, y + height). It selects
 * the part of a render to compute ({@link Render#window}), so that a tile of a huge output costs what the
 * tile costs.
 *
 * @param x first column, at least 0
 * @param y first row, at least 0
 * @param width columns, at least 1
 * @param height rows, at least 1
 */
public record Window(int x, int y, int width, int height) {
    /**
     * Checks the rectangle on its own; whether it fits a grid is checked when it is rendered.
     *
     * @param x first column, at least 0
     * @param y first row, at least 0
     * @param width columns, at least 1
     * @param height rows, at least 1
     * @throws IllegalArgumentException if {@code x} or {@code y} is negative or {@code width} or {@code height}
     *     below 1, naming all four
     */
    public Window {
        if (x < 0 || y < 0 || width <= 0 || height <= 0) {
            throw new IllegalArgumentException("window needs x, y >= 0 and width, height > 0; was x=" + x + ", y=" + y
                    + ", width=" + width + ", height=" + height);
        }
    }

    /**
     * The whole of a {@code width × height} grid, for code that treats every render as a window.
     *
     * @param width columns of the grid, at least 1
     * @param height rows of the grid, at least 1
     * @return the window at (0, 0) covering the grid
     * @throws IllegalArgumentException if {@code width} or {@code height} is below 1
     */
    public static Window of(int width, int height) {
        return new Window(0, 0, width, height);
    }

    /**
     * The number of pixels, as a long because a window of a large grid can hold more than an int counts.
     *
     * @return {@code width × height}
     */
    public long pixels() {
        return (long) width * height;
    }

    /**
     * Checks that this window lies inside a grid, so that a render never reads outside its output.
     *
     * @param gridWidth columns of the grid
     * @param gridHeight rows of the grid
     * @throws IllegalArgumentException if the window reaches past the grid's right or bottom edge, naming the
     *     window and the grid
     */
    public void checkInside(int gridWidth, int gridHeight) {
        if ((long) x + width > gridWidth || (long) y + height > gridHeight) {
            throw new IllegalArgumentException("window " + this + " is not inside the " + gridWidth + "x" + gridHeight
                    + " output grid");
        }
    }
}

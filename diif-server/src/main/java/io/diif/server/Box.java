package io.diif.server;

/** A rectangle of pixels: columns [x, x + width), rows [y, y + height). */
record Box(int x, int y, int width, int height) {
    Box {
        if (x < 0 || y < 0 || width < 1 || height < 1) {
            throw new IllegalArgumentException("box " + x + "," + y + "," + width + "," + height
                    + " needs x, y >= 0 and a size >= 1");
        }
    }

    long pixels() {
        return (long) width * height;
    }
}

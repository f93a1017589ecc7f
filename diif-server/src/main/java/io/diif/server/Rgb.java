package io.diif.server;

/**
 * Colour planes {@code [3, height, width]} with values in [0, 1]: what every render path produces and
 * what the IIIF rotation, mirroring and quality steps work on.
 */
record Rgb(float[] planes, int width, int height) {
    Rgb {
        if (width < 1 || height < 1 || planes.length != 3L * width * height) {
            throw new IllegalArgumentException("planes of " + planes.length + " values do not match 3x" + width
                    + "x" + height);
        }
    }

    /** Bytes the planes hold. */
    long bytes() {
        return 4L * planes.length;
    }

    /** The pixels of {@code box}, which must lie inside. */
    Rgb crop(Box box) {
        if (box.x() == 0 && box.y() == 0 && box.width() == width && box.height() == height) {
            return this;
        }
        float[] out = new float[3 * box.width() * box.height()];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < box.height(); y++) {
                System.arraycopy(planes, (c * height + box.y() + y) * width + box.x(), out,
                        (c * box.height() + y) * box.width(), box.width());
            }
        }
        return new Rgb(out, box.width(), box.height());
    }
}

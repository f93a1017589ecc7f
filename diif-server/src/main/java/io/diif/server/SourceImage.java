package io.diif.server;

import java.awt.image.BufferedImage;

/**
 * A decoded source image: the opaque 8-bit image the model encodes and its colour planes for the
 * resamplers. {@code key} names this version of the file (name, size, modification time), so a file
 * replaced on disk is read again and nothing derived from the old one is served.
 */
record SourceImage(String key, BufferedImage image, Rgb planes) {
    int width() {
        return planes.width();
    }

    int height() {
        return planes.height();
    }

    long bytes() {
        return planes.bytes() + 4L * width() * height();
    }
}

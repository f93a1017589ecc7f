package io.diif.image;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.IIOException;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Reads image files safely: the declared size is checked against a pixel limit before any pixel
 * memory is allocated, so a tiny file declaring 100000×100000 is refused cheaply.
 */
public final class ImageFiles {
    private ImageFiles() {
    }

    /**
     * Reads the first image of a file.
     *
     * @throws IOException when the file is missing, not an image ImageIO can read, corrupt or truncated
     * @throws IllegalArgumentException when it declares more than {@code maxPixels} pixels or no pixels
     */
    public static BufferedImage read(Path path, long maxPixels) throws IOException {
        if (!Files.isRegularFile(path)) {
            throw new IOException(path + ": no such file");
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(path.toFile())) {
            if (in == null) {
                throw new IOException(path + ": cannot open");
            }
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new IOException(path + ": not an image format ImageIO can read (PNG, JPEG, BMP, GIF, TIFF, WBMP)");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                long w = reader.getWidth(0);
                long h = reader.getHeight(0);
                if (w <= 0 || h <= 0) {
                    throw new IllegalArgumentException(path + ": image declares " + w + "x" + h + " pixels");
                }
                if (w * h > maxPixels) {
                    throw new IllegalArgumentException(path + ": image declares " + w + "x" + h + " = " + w * h
                            + " pixels, more than the limit of " + maxPixels);
                }
                BufferedImage img = reader.read(0);
                if (img == null) {
                    throw new IOException(path + ": no image decoded");
                }
                return img;
            } catch (IIOException e) {
                throw new IOException(path + ": corrupt or unsupported " + reader.getFormatName() + " image: "
                        + e.getMessage(), e);
            } catch (RuntimeException e) {
                if (e instanceof IllegalArgumentException) {
                    throw e;
                }
                // ImageIO plug-ins signal truncated or corrupt data with assorted runtime exceptions.
                throw new IOException(path + ": corrupt " + reader.getFormatName() + " image (" + e + ")", e);
            } finally {
                reader.dispose();
            }
        }
    }
}

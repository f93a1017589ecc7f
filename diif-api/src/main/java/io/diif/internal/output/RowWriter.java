package io.diif.internal.output;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.util.List;
import java.util.Locale;

/**
 * An 8-bit RGB or RGBA image file written row by row, top to bottom, so that an image larger than
 * memory can be written as it is rendered. {@link #close()} finishes the file and fails when fewer rows
 * than the image height were written; an unfinished file is not a readable image.
 */
public interface RowWriter extends AutoCloseable {
    /** The file extensions {@link #open} writes, lower case. */
    List<String> EXTENSIONS = List.of("png", "tif", "tiff");

    /**
     * A writer for the format an extension names ({@link #EXTENSIONS}: PNG, or TIFF as .tif/.tiff,
     * case-insensitive), writing to {@code out} from its current position. The channel stays open.
     *
     * @throws IllegalArgumentException for another extension or a size the format cannot hold
     */
    static RowWriter open(String extension, SeekableByteChannel out, int width, int height, boolean alpha)
            throws IOException {
        String ext = extension.toLowerCase(Locale.ROOT);
        switch (ext) {
            case "png":
                // PngStreamWriter flushes the stream when it closes, so the buffer reaches the channel.
                return new PngStreamWriter(new BufferedOutputStream(Channels.newOutputStream(out), 1 << 16), width,
                        height, alpha);
            case "tif":
            case "tiff":
                return new TiffStreamWriter(out, width, height, alpha);
            default:
                throw new IllegalArgumentException("cannot stream an image to '." + extension + "': supported are ."
                        + String.join(", .", EXTENSIONS));
        }
    }

    /** Writes the next row: {@code width × (3 or 4)} bytes, R G B (A) per pixel. */
    void writeRow(byte[] row) throws IOException;

    /** Finishes the file; throws {@link IllegalStateException} if fewer than {@code height} rows were written. */
    @Override
    void close() throws IOException;
}

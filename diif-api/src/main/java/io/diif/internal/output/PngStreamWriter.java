package io.diif.internal.output;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Writes an 8-bit RGB or RGBA PNG row by row, so that an image larger than memory can be written as it
 * is rendered (ImageIO's writer needs the whole image). Rows use the "Up" filter, a good cheap
 * predictor for smooth super-resolved content.
 */
public final class PngStreamWriter implements RowWriter {
    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    private static final int CHUNK_BYTES = 1 << 18;

    private final OutputStream out;
    private final int width;
    private final int height;
    private final int channels;
    /**
     * A fast zlib level rather than the default 6: at 6, compressing was the largest cost of a large render
     * after the engine runs, for files only slightly smaller (docs/performance.md).
     */
    static final int LEVEL = 4;

    private final Deflater deflater = new Deflater(LEVEL);
    private final byte[] deflateBuffer = new byte[CHUNK_BYTES];
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream(CHUNK_BYTES + 1024);
    private byte[] previous;
    private int rowsWritten;
    private boolean finished;

    /** Writes the header; then call {@link #writeRow} {@code height} times and {@link #close()}. */
    public PngStreamWriter(OutputStream out, int width, int height, boolean alpha) throws IOException {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("PNG size must be positive, was " + width + "x" + height);
        }
        this.out = out;
        this.width = width;
        this.height = height;
        this.channels = alpha ? 4 : 3;
        this.previous = new byte[width * channels];
        out.write(SIGNATURE);
        byte[] ihdr = new byte[13];
        putInt(ihdr, 0, width);
        putInt(ihdr, 4, height);
        ihdr[8] = 8;
        ihdr[9] = (byte) (alpha ? 6 : 2);
        chunk("IHDR", ihdr, ihdr.length);
    }

    /** Writes the next row: {@code width × (3 or 4)} bytes, R G B (A) per pixel. */
    @Override
    public void writeRow(byte[] row) throws IOException {
        if (row.length != width * channels) {
            throw new IllegalArgumentException("row has " + row.length + " bytes, expected " + width * channels);
        }
        if (rowsWritten >= height) {
            throw new IllegalStateException("all " + height + " rows already written");
        }
        byte[] filtered = new byte[row.length + 1];
        filtered[0] = 2; // filter type Up
        for (int i = 0; i < row.length; i++) {
            filtered[i + 1] = (byte) (row[i] - previous[i]);
        }
        previous = row.clone();
        deflater.setInput(filtered);
        drain(false);
        rowsWritten++;
    }

    private void drain(boolean finish) throws IOException {
        if (finish) {
            deflater.finish();
        }
        while (finish ? !deflater.finished() : !deflater.needsInput()) {
            int n = deflater.deflate(deflateBuffer);
            pending.write(deflateBuffer, 0, n);
            if (pending.size() >= CHUNK_BYTES) {
                flushIdat();
            }
        }
    }

    private void flushIdat() throws IOException {
        if (pending.size() > 0) {
            byte[] data = pending.toByteArray();
            chunk("IDAT", data, data.length);
            pending.reset();
        }
    }

    /** Finishes the image; throws if fewer than {@code height} rows were written. */
    @Override
    public void close() throws IOException {
        if (finished) {
            return;
        }
        finished = true;
        try {
            if (rowsWritten != height) {
                throw new IllegalStateException("PNG closed after " + rowsWritten + " of " + height + " rows");
            }
            drain(true);
            flushIdat();
            chunk("IEND", new byte[0], 0);
            out.flush();
        } finally {
            deflater.end();
        }
    }

    private void chunk(String type, byte[] data, int length) throws IOException {
        byte[] len = new byte[4];
        putInt(len, 0, length);
        out.write(len);
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        out.write(t);
        out.write(data, 0, length);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data, 0, length);
        byte[] c = new byte[4];
        putInt(c, 0, (int) crc.getValue());
        out.write(c);
    }

    private static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }
}

package io.diif.internal.output;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.zip.Deflater;

/**
 * Writes an 8-bit RGB or RGBA baseline TIFF strip by strip as rows arrive, so that an image larger than
 * memory can be written as it is rendered (ImageIO's writer needs the whole image). Little-endian;
 * Adobe Deflate with horizontal differencing (predictor 2), a good cheap predictor for smooth
 * super-resolved content; about 256 KiB of raw pixels per strip; alpha is unassociated (ExtraSamples 2).
 *
 * <p>Strip offsets and sizes are only known at the end, so the file is laid out as: header (its image
 * directory offset left 0), the strips, then the directory and its arrays, and finally the header's
 * offset is patched; a file closed before every row was written keeps offset 0 and is no readable TIFF.
 * Memory holds one row and the strip table (16 bytes a strip), whatever the image size.
 *
 * <p>An image whose file could pass classic TIFF's 4 GiB offset limit (raw size plus the worst case of
 * Deflate's expansion, decided up front: from about 4.2 GB of raw pixels, e.g. 1.4 gigapixels RGB) is
 * written as BigTIFF (version 43, 8-byte offsets), which libtiff and most tools read but the JDK's
 * ImageIO plugin does not.
 */
public final class TiffStreamWriter implements RowWriter {
    /** Raw bytes per strip the strip height aims at: small enough to stay cheap, large for good compression. */
    static final int STRIP_BYTES = 1 << 18;
    private static final int MAX_ROW_BYTES = Integer.MAX_VALUE - 8;
    private static final int SHORT = 3;
    private static final int LONG = 4;
    private static final int RATIONAL = 5;
    private static final int LONG8 = 16;

    private final SeekableByteChannel out;
    private final long start;
    private final boolean bigTiff;
    private final int width;
    private final int height;
    private final int channels;
    private final int rowsPerStrip;
    private final long[] stripOffsets;
    private final long[] stripByteCounts;
    private final byte[] differenced;
    private final Deflater deflater = new Deflater(6);
    private final byte[] buffer = new byte[1 << 16];
    private int buffered;
    /** Bytes written since {@link #start}: TIFF offsets count from the start of the TIFF. */
    private long written;
    private int rowsWritten;
    private boolean failed;
    private boolean finished;

    /**
     * Writes the header at the channel's position; then call {@link #writeRow} {@code height} times and
     * {@link #close()}, which leaves the channel open and positioned after the TIFF.
     */
    public TiffStreamWriter(SeekableByteChannel out, int width, int height, boolean alpha) throws IOException {
        this(out, width, height, alpha, needsBigTiff(width, height, alpha ? 4 : 3));
    }

    /** As the public constructor, with the classic/BigTIFF choice given (tests write small BigTIFFs). */
    TiffStreamWriter(SeekableByteChannel out, int width, int height, boolean alpha, boolean bigTiff)
            throws IOException {
        Objects.requireNonNull(out, "out must not be null");
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("TIFF size must be positive, was " + width + "x" + height);
        }
        this.channels = alpha ? 4 : 3;
        if ((long) width * channels > MAX_ROW_BYTES) {
            throw new IllegalArgumentException("TIFF width " + width + " is too large: a row of " + channels
                    + " bytes per pixel must fit in " + MAX_ROW_BYTES + " bytes");
        }
        this.out = out;
        this.start = out.position();
        this.bigTiff = bigTiff;
        this.width = width;
        this.height = height;
        int rowBytes = width * channels;
        this.rowsPerStrip = rowsPerStrip(rowBytes, height);
        int strips = (int) ((height + (long) rowsPerStrip - 1) / rowsPerStrip);
        this.stripOffsets = new long[strips];
        this.stripByteCounts = new long[strips];
        this.differenced = new byte[rowBytes];
        ByteBuffer header = little(bigTiff ? 16 : 8);
        header.put((byte) 'I').put((byte) 'I');
        if (bigTiff) {
            header.putShort((short) 43).putShort((short) 8).putShort((short) 0).putLong(0);
        } else {
            header.putShort((short) 42).putInt(0);
        }
        put(header.array(), header.capacity());
    }

    /**
     * True when a {@code width × height × channels} image may not fit classic TIFF's 32-bit offsets:
     * Deflate can expand incompressible data slightly (zlib's bound is under 1/1000 plus a few bytes a
     * stream), so 1/64 of headroom plus a margin per strip and for the directory is ample. Sizes the
     * constructor refuses answer false.
     */
    static boolean needsBigTiff(int width, int height, int channels) {
        long rowBytes = (long) width * channels;
        if (width <= 0 || height <= 0 || rowBytes > MAX_ROW_BYTES) {
            return false;
        }
        long raw = rowBytes * height;
        int rows = rowsPerStrip(rowBytes, height);
        long strips = (height + (long) rows - 1) / rows;
        long bound = raw + raw / 64 + strips * 64 + (1 << 20);
        return bound >= 1L << 32;
    }

    private static int rowsPerStrip(long rowBytes, int height) {
        return (int) Math.max(1, Math.min(height, STRIP_BYTES / rowBytes));
    }

    /** True when this file is BigTIFF (see the class comment). */
    public boolean isBigTiff() {
        return bigTiff;
    }

    /** Writes the next row: {@code width × (3 or 4)} bytes, R G B (A) per pixel. */
    @Override
    public void writeRow(byte[] row) throws IOException {
        if (finished || failed) {
            throw new IllegalStateException(finished ? "TIFF already closed" : "an earlier row failed to write");
        }
        Objects.requireNonNull(row, "row must not be null");
        if (row.length != differenced.length) {
            throw new IllegalArgumentException("row has " + row.length + " bytes, expected " + differenced.length
                    + " (" + width + " pixels x " + channels + " channels)");
        }
        if (rowsWritten >= height) {
            throw new IllegalStateException("all " + height + " rows already written");
        }
        boolean ok = false;
        try {
            compress(row);
            ok = true;
        } finally {
            // A row half written leaves the strip unusable: refuse further rows and refuse to finish the file.
            failed = !ok;
        }
        rowsWritten++;
    }

    private void compress(byte[] row) throws IOException {
        int strip = rowsWritten / rowsPerStrip;
        if (rowsWritten % rowsPerStrip == 0) {
            stripOffsets[strip] = written;
            deflater.reset();
        }
        // Predictor 2: each sample minus the same sample of the pixel to its left, modulo 256.
        System.arraycopy(row, 0, differenced, 0, channels);
        for (int i = channels; i < row.length; i++) {
            differenced[i] = (byte) (row[i] - row[i - channels]);
        }
        deflater.setInput(differenced);
        while (!deflater.needsInput()) {
            deflate();
        }
        if ((rowsWritten + 1) % rowsPerStrip == 0 || rowsWritten + 1 == height) {
            deflater.finish();
            while (!deflater.finished()) {
                deflate();
            }
            stripByteCounts[strip] = written - stripOffsets[strip];
        }
    }

    /**
     * Finishes the image: writes the image directory and points the header at it. Throws
     * {@link IllegalStateException} if fewer than {@code height} rows were written, leaving no directory.
     */
    @Override
    public void close() throws IOException {
        if (!finished) {
            finished = true;
            try {
                finish();
            } finally {
                deflater.end();
            }
        }
    }

    private void finish() throws IOException {
        if (rowsWritten != height || failed) {
            throw new IllegalStateException("TIFF closed after " + rowsWritten + " of " + height + " rows"
                    + (failed ? " and a failed one" : "") + "; the file has no image directory and is not a"
                    + " readable TIFF");
        }
        long ifd = align();
        writeDirectory(ifd);
        flush();
        if (!bigTiff && written > 0xFFFF_FFFFL) {
            // needsBigTiff's bound makes this unreachable; the check keeps a wrong bound from pointing the
            // header at a directory whose offsets wrapped.
            throw new IOException("classic TIFF passed 4 GiB (" + written + " bytes); it needed BigTIFF");
        }
        ByteBuffer offset = little(bigTiff ? 8 : 4);
        if (bigTiff) {
            offset.putLong(ifd);
        } else {
            offset.putInt((int) ifd);
        }
        offset.flip();
        long end = out.position();
        out.position(start + (bigTiff ? 8 : 4));
        writeFully(offset);
        out.position(end);
    }

    /** One directory entry: tag, field type, count, and the little-endian value bytes. */
    private record Entry(int tag, int type, long count, byte[] value) {
    }

    private void writeDirectory(long ifd) throws IOException {
        int offsetType = bigTiff ? LONG8 : LONG;
        List<Entry> entries = new ArrayList<>();
        entries.add(entry(256, LONG, width));
        entries.add(entry(257, LONG, height));
        long[] bits = new long[channels];
        Arrays.fill(bits, 8);
        entries.add(entry(258, SHORT, bits));
        entries.add(entry(259, SHORT, 8)); // Adobe Deflate
        entries.add(entry(262, SHORT, 2)); // RGB
        entries.add(entry(273, offsetType, stripOffsets));
        entries.add(entry(277, SHORT, channels));
        entries.add(entry(278, LONG, rowsPerStrip));
        entries.add(entry(279, offsetType, stripByteCounts));
        entries.add(entry(282, RATIONAL, 72, 1)); // baseline readers require a resolution: 72 dpi
        entries.add(entry(283, RATIONAL, 72, 1));
        entries.add(entry(284, SHORT, 1)); // chunky: R G B (A) interleaved
        entries.add(entry(296, SHORT, 2)); // inch
        entries.add(entry(317, SHORT, 2)); // horizontal differencing
        if (channels == 4) {
            entries.add(entry(338, SHORT, 2)); // unassociated alpha
        }
        int valueField = bigTiff ? 8 : 4;
        int size = bigTiff ? 8 + 20 * entries.size() + 8 : 2 + 12 * entries.size() + 4;
        ByteBuffer dir = little(size);
        long data = ifd + size;
        List<byte[]> outOfLine = new ArrayList<>();
        if (bigTiff) {
            dir.putLong(entries.size());
        } else {
            dir.putShort((short) entries.size());
        }
        for (Entry e : entries) {
            dir.putShort((short) e.tag()).putShort((short) e.type());
            if (bigTiff) {
                dir.putLong(e.count());
            } else {
                dir.putInt((int) e.count());
            }
            if (e.value().length <= valueField) {
                dir.put(e.value()).put(new byte[valueField - e.value().length]);
            } else {
                if (bigTiff) {
                    dir.putLong(data);
                } else {
                    dir.putInt((int) data);
                }
                outOfLine.add(e.value());
                data += e.value().length + (e.value().length & 1); // values start on a word boundary
            }
        }
        put(dir.array(), dir.capacity()); // the next-directory offset, 0, is the buffer's zero tail
        for (byte[] v : outOfLine) {
            put(v, v.length);
            align();
        }
    }

    private static Entry entry(int tag, int type, long... values) {
        int part = type == SHORT ? 2 : type == LONG8 ? 8 : 4; // a RATIONAL is two LONG parts
        ByteBuffer b = little(values.length * part);
        for (long v : values) {
            switch (part) {
                case 2 -> b.putShort((short) v);
                case 4 -> b.putInt((int) v);
                default -> b.putLong(v);
            }
        }
        return new Entry(tag, type, type == RATIONAL ? values.length / 2 : values.length, b.array());
    }

    private static ByteBuffer little(int capacity) {
        return ByteBuffer.allocate(capacity).order(ByteOrder.LITTLE_ENDIAN);
    }

    private void deflate() throws IOException {
        if (buffered == buffer.length) {
            flush();
        }
        int n = deflater.deflate(buffer, buffered, buffer.length - buffered);
        buffered += n;
        written += n;
    }

    private void put(byte[] bytes, int length) throws IOException {
        for (int at = 0; at < length; ) {
            if (buffered == buffer.length) {
                flush();
            }
            int n = Math.min(length - at, buffer.length - buffered);
            System.arraycopy(bytes, at, buffer, buffered, n);
            buffered += n;
            written += n;
            at += n;
        }
    }

    /** Pads to an even offset (TIFF's word alignment for directories and values); returns the offset. */
    private long align() throws IOException {
        if ((written & 1) != 0) {
            put(new byte[1], 1);
        }
        return written;
    }

    private void flush() throws IOException {
        writeFully(ByteBuffer.wrap(buffer, 0, buffered));
        buffered = 0;
    }

    private void writeFully(ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            out.write(b);
        }
    }
}

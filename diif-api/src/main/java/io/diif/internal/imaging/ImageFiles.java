package io.diif.internal.imaging;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import javax.imageio.IIOException;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Reads image files safely. An image file is hostile input:
 *
 * <ul>
 *   <li>the declared size is read from the header and checked against a pixel limit before any pixel
 *       memory is allocated, so a tiny file declaring 100000×100000 (a decompression bomb) is refused
 *       cheaply with an {@link IllegalArgumentException} naming the limit;
 *   <li>metadata (text chunks, thumbnails, …) is not read;
 *   <li>whatever a decoder throws on corrupt or truncated data becomes an {@link IOException} naming the
 *       file and the format, never an unchecked exception from inside ImageIO.
 * </ul>
 *
 * <p>A decoder warning is an error too: ImageIO decodes a truncated JPEG with a warning and grey rows,
 * and an image partly made up must not be upscaled as if it were the input.
 */
public final class ImageFiles {
    /** Default pixel limit of {@link #read(Path)}: 8192 × 8192, as DiifModel's default input limit. */
    public static final long DEFAULT_MAX_PIXELS = 1L << 26;

    private ImageFiles() {
    }

    /** The file name's extension after the last dot, lower case; "" when there is none. */
    public static String extension(Path path) {
        Path name = path.getFileName();
        String n = name == null ? "" : name.toString();
        int dot = n.lastIndexOf('.');
        return dot < 0 ? "" : n.substring(dot + 1).toLowerCase(java.util.Locale.ROOT);
    }

    /** Reads the first image of a file with the {@link #DEFAULT_MAX_PIXELS} limit. */
    public static BufferedImage read(Path path) throws IOException {
        return read(path, DEFAULT_MAX_PIXELS);
    }

    /**
     * Reads the first image of a file.
     *
     * @throws IOException when the file is missing, not an image ImageIO can read, corrupt or truncated
     * @throws IllegalArgumentException when it declares more than {@code maxPixels} pixels or no pixels
     */
    public static BufferedImage read(Path path, long maxPixels) throws IOException {
        Objects.requireNonNull(path, "path must not be null");
        checkLimit(maxPixels);
        if (Files.isDirectory(path)) {
            throw new IOException(path + ": is a directory, not an image");
        }
        if (!Files.isRegularFile(path)) {
            throw new IOException(path + (Files.exists(path) ? ": not a regular file" : ": no such file"));
        }
        ImageInputStream in;
        try {
            in = ImageIO.createImageInputStream(path.toFile());
        } catch (RuntimeException e) {
            throw new IOException(path + ": cannot open (" + e + ")", e);
        }
        if (in == null) {
            throw new IOException(path + ": cannot open");
        }
        try (in) {
            return read(in, path.toString(), maxPixels, Files.size(path));
        }
    }

    /**
     * Reads the first image held in {@code bytes}; {@code name} names it in errors. Same rules as
     * {@link #read(Path, long)}.
     */
    public static BufferedImage read(byte[] bytes, String name, long maxPixels) throws IOException {
        Objects.requireNonNull(bytes, "bytes must not be null");
        checkLimit(maxPixels);
        // A memory cache: ImageIO's default for streams may spill to temporary files.
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            return read(in, name == null ? "image" : name, maxPixels, bytes.length);
        }
    }

    private static void checkLimit(long maxPixels) {
        if (maxPixels <= 0) {
            throw new IllegalArgumentException("maxPixels must be > 0, was " + maxPixels);
        }
    }

    private static ImageReader reader(ImageInputStream in, String what) throws IOException {
        Iterator<ImageReader> readers;
        try {
            readers = ImageIO.getImageReaders(in);
        } catch (RuntimeException e) {
            throw new IOException(what + ": cannot tell the image format (" + e + ")", e);
        }
        if (!readers.hasNext()) {
            throw new IOException(what + ": not an image format ImageIO can read (PNG, JPEG, BMP, GIF, TIFF, WBMP)");
        }
        return readers.next();
    }

    private static BufferedImage read(ImageInputStream in, String what, long maxPixels, long length)
            throws IOException {
        ImageReader reader = reader(in, what);
        try {
            if (formatName(reader).startsWith("BMP")) {
                checkBmp(in, what, length);
            }
            // Checked before the reader sees the stream: it may discard what it has read.
            int jpegScans = formatName(reader).startsWith("JPEG") ? checkJpegStructure(in, what) : 0;
            long w;
            long h;
            try {
                reader.setInput(in, true, true);
                w = reader.getWidth(0);
                h = reader.getHeight(0);
            } catch (IOException | RuntimeException e) {
                throw corrupt(what, reader, e);
            }
            if (w <= 0 || h <= 0) {
                throw new IllegalArgumentException(what + ": image declares " + w + "x" + h + " pixels");
            }
            if (w * h > maxPixels) {
                throw new IllegalArgumentException(what + ": image declares " + w + "x" + h + " = " + w * h
                        + " pixels, more than the limit of " + maxPixels);
            }
            if (jpegScans > Math.min(MAX_JPEG_SCANS, Math.max(16, MAX_JPEG_SCAN_PIXELS / (w * h)))) {
                throw new IOException(what + ": JPEG with " + jpegScans + " scans is refused for " + w + "x" + h
                        + " pixels (decoding it would take minutes; at most " + MAX_JPEG_SCANS + ", and fewer for large"
                        + " images)");
            }
            List<String> warnings = new ArrayList<>();
            BufferedImage img;
            try {
                reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
                img = reader.read(0);
            } catch (OutOfMemoryError e) {
                // Defence in depth: a decoder that sizes a buffer from an unchecked header field. The
                // allocation failed, so nothing is held; report the file rather than crash the caller.
                throw new IOException(what + ": corrupt " + formatName(reader) + " (decoding it needs more memory than"
                        + " this JVM has; the header is probably lying)", e);
            } catch (IOException | RuntimeException e) {
                // ImageIO plug-ins signal truncated or corrupt data with IIOException, bare EOFException
                // and assorted runtime exceptions.
                throw corrupt(what, reader, e);
            }
            if (!warnings.isEmpty()) {
                // A warning means part of the image was made up (a truncated JPEG decodes with grey rows).
                throw new IOException(what + ": corrupt or truncated " + formatName(reader) + " (" + warnings.get(0)
                        + ")");
            }
            if (img == null) {
                throw new IOException(what + ": no image decoded");
            }
            if (img.getWidth() != w || img.getHeight() != h) {
                throw new IOException(what + ": decoded " + img.getWidth() + "x" + img.getHeight()
                        + " pixels, the header declared " + w + "x" + h);
            }
            return img;
        } finally {
            reader.dispose();
        }
    }

    /**
     * BMP rules ImageIO's reader does not enforce: it allocates the header's "image size" field for
     * compressed data without comparing it with the file (a 140-byte file can demand 2 GB), and reads
     * embedded JPEG/PNG data (compression 4, 5) with a nested reader that no pixel limit covers.
     */
    private static void checkBmp(ImageInputStream in, String what, long length) throws IOException {
        byte[] h = new byte[38];
        in.mark();
        try {
            in.seek(0);
            int n = in.read(h);
            if (n < h.length) {
                return; // too short: the reader reports it
            }
        } finally {
            in.reset();
        }
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(h).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        long dataOffset = b.getInt(10) & 0xffffffffL;
        long headerSize = b.getInt(14) & 0xffffffffL;
        if (headerSize < 40) {
            return; // OS/2 1.x header: no compression field
        }
        int compression = b.getInt(30);
        long imageSize = b.getInt(34) & 0xffffffffL;
        if (compression == 4 || compression == 5) {
            throw new IOException(what + ": BMP with an embedded " + (compression == 4 ? "JPEG" : "PNG")
                    + " image is not supported");
        }
        if (compression != 0 && length >= 0 && imageSize > length - Math.min(length, dataOffset)) {
            throw new IOException(what + ": corrupt or truncated BMP image (declares " + imageSize
                    + " bytes of pixel data, the file has " + Math.max(0, length - dataOffset) + " after the header)");
        }
    }

    /** Most scans a JPEG may have; libjpeg writes 10 for a progressive colour image. */
    static final int MAX_JPEG_SCANS = 100;
    /** Most scans × pixels: each progressive scan walks the whole image again. */
    static final long MAX_JPEG_SCAN_PIXELS = 1L << 32;

    /**
     * Walks a JPEG's marker segments before ImageIO does and returns the number of scans (SOS markers;
     * the decoder walks the whole image once per scan, so a progressive "scan bomb" of 2,000 repeated
     * scans in 57 KB takes half a minute). Refuses, as corrupt, what would make libjpeg warn while it
     * reads the header or data: bytes between segments ("extraneous bytes before marker"), segments
     * running past the end, and a file cut before its EOI marker. Besides giving a clear message, this
     * keeps such files away from a JDK 17 defect: the JPEG reader creates the warning's Java string while
     * it holds arrays pinned with GetPrimitiveArrayCritical, and if a GC is due at that moment every
     * allocating thread of the JVM blocks forever in GCLocker::stall_until_clear.
     */
    private static int checkJpegStructure(ImageInputStream in, String what) throws IOException {
        in.mark();
        try {
            in.seek(0);
            Bytes b = new Bytes(in);
            if (b.next() != 0xff || b.next() != 0xd8) {
                throw new IOException(what + ": corrupt JPEG image (no start-of-image marker)");
            }
            int scans = 0;
            boolean eoi = false;
            boolean markerStarted = false; // the 0xFF of the next marker was read with the scan data
            while (!eoi) {
                if (!markerStarted) {
                    int c = b.next();
                    if (c < 0) {
                        throw new IOException(what + ": truncated JPEG image (ends before its end-of-image marker)");
                    }
                    if (c != 0xff) {
                        throw new IOException(what + ": corrupt JPEG image (extraneous bytes before a marker at byte "
                                + (b.position() - 1) + ")");
                    }
                }
                markerStarted = false;
                int m = b.next();
                while (m == 0xff) {
                    m = b.next(); // fill bytes
                }
                if (m < 0) {
                    throw new IOException(what + ": truncated JPEG image (ends inside a marker)");
                }
                if (m == 0xd9) {
                    eoi = true;
                } else if (m == 0x01 || (m >= 0xd0 && m <= 0xd7) || m == 0xd8) {
                    continue; // markers without a length
                } else {
                    int hi = b.next();
                    int lo = b.next();
                    if (lo < 0) {
                        throw new IOException(what + ": truncated JPEG image (ends inside a segment header)");
                    }
                    int length = (hi << 8) | lo;
                    if (length < 2 || !b.skip(length - 2)) {
                        throw new IOException(what + ": " + (length < 2 ? "corrupt" : "truncated") + " JPEG image"
                                + " (marker 0x" + Integer.toHexString(m) + " segment of " + length + " bytes at byte "
                                + (b.position() - 4) + " runs past the end)");
                    }
                    if (m == 0xda) {
                        scans++;
                        // Entropy-coded data: 0xFF is followed by 0x00 (stuffing) or a restart marker.
                        while (true) {
                            int d = b.next();
                            if (d < 0) {
                                throw new IOException(what + ": truncated JPEG image (ends inside the image data,"
                                        + " before its end-of-image marker)");
                            }
                            if (d == 0xff) {
                                int e = b.peek();
                                if (e != 0x00 && !(e >= 0xd0 && e <= 0xd7)) {
                                    markerStarted = true;
                                    break;
                                }
                                b.next();
                            }
                        }
                    }
                }
            }
            return scans;
        } finally {
            in.reset();
        }
    }

    /** Buffered byte access over an ImageInputStream, with one byte of push-back. */
    private static final class Bytes {
        private final ImageInputStream in;
        private final byte[] buf = new byte[1 << 16];
        private int pos;
        private int end;
        private long consumed;

        Bytes(ImageInputStream in) {
            this.in = in;
        }

        /** Makes at least one byte available; false at the end of the stream. */
        private boolean fill() throws IOException {
            if (pos < end) {
                return true;
            }
            consumed += end;
            pos = 0;
            end = Math.max(0, in.read(buf));
            return end > 0;
        }

        int next() throws IOException {
            return fill() ? buf[pos++] & 0xff : -1;
        }

        int peek() throws IOException {
            return fill() ? buf[pos] & 0xff : -1;
        }

        boolean skip(long n) throws IOException {
            long left = n;
            while (left > 0) {
                if (!fill()) {
                    return false;
                }
                int step = (int) Math.min(left, end - pos);
                pos += step;
                left -= step;
            }
            return true;
        }

        long position() {
            return consumed + pos;
        }
    }

    private static String formatName(ImageReader reader) {
        try {
            return reader.getFormatName().toUpperCase(java.util.Locale.ROOT) + " image";
        } catch (IOException | RuntimeException e) {
            return "image";
        }
    }

    private static IOException corrupt(String what, ImageReader reader, Exception e) {
        String detail = e instanceof IIOException && e.getMessage() != null ? e.getMessage() : e.toString();
        return new IOException(what + ": corrupt, truncated or unsupported " + formatName(reader) + " (" + detail
                + ")", e);
    }
}

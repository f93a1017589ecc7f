package io.diif.image;

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
            // Counted before the reader sees the stream: it may discard what it has read.
            int jpegScans = formatName(reader).startsWith("JPEG") ? countJpegScans(in, MAX_JPEG_SCANS + 1) : 0;
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
     * Counts a JPEG's scans, up to {@code stopAt}, as SOS markers (0xFF 0xDA cannot occur inside
     * entropy-coded data). A progressive "scan bomb" repeats scans, and the decoder walks the whole
     * coefficient buffer once per scan: a 57 KB file of 2048×2048 with 2,000 scans takes half a minute.
     */
    private static int countJpegScans(ImageInputStream in, int stopAt) throws IOException {
        int scans = 0;
        byte[] buf = new byte[1 << 16];
        boolean ff = false;
        in.mark();
        try {
            in.seek(0);
            int n;
            while (scans < stopAt && (n = in.read(buf)) > 0) {
                for (int i = 0; i < n; i++) {
                    int b = buf[i] & 0xff;
                    if (ff && b == 0xda) {
                        scans++;
                    }
                    ff = b == 0xff;
                }
            }
        } finally {
            in.reset();
        }
        return scans;
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

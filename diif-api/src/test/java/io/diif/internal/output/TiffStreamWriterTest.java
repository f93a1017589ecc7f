package io.diif.internal.output;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;
import java.util.TreeMap;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TiffStreamWriterTest {
    @TempDir
    Path dir;

    /** {@code rows[y]}: R G B (A) bytes; gradients where {@code smooth}, noise otherwise. */
    private static byte[][] image(int w, int h, int channels, boolean smooth, long seed) {
        Random random = new Random(seed);
        byte[][] rows = new byte[h][w * channels];
        for (int y = 0; y < h; y++) {
            if (!smooth) {
                random.nextBytes(rows[y]);
                continue;
            }
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < channels; c++) {
                    rows[y][x * channels + c] = (byte) (x * (c + 1) + y * (3 - c) + random.nextInt(3));
                }
            }
        }
        return rows;
    }

    private byte[] write(byte[][] rows, int w, int channels, Boolean bigTiff) throws IOException {
        Path file = dir.resolve("t-" + w + "x" + rows.length + "-" + channels + "-" + bigTiff + ".tif");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                TiffStreamWriter tiff = bigTiff == null ? new TiffStreamWriter(ch, w, rows.length, channels == 4)
                        : new TiffStreamWriter(ch, w, rows.length, channels == 4, bigTiff)) {
            for (byte[] row : rows) {
                tiff.writeRow(row);
            }
        }
        return Files.readAllBytes(file);
    }

    private static void assertPixels(byte[][] rows, int channels, Raster raster, String what) {
        assertEquals(rows[0].length / channels, raster.getWidth(), what + ": width");
        assertEquals(rows.length, raster.getHeight(), what + ": height");
        assertEquals(channels, raster.getNumBands(), what + ": bands");
        int[] pixel = new int[channels];
        for (int y = 0; y < rows.length; y++) {
            for (int x = 0; x < raster.getWidth(); x++) {
                raster.getPixel(x, y, pixel);
                for (int c = 0; c < channels; c++) {
                    int expected = rows[y][x * channels + c] & 0xff;
                    if (pixel[c] != expected) {
                        throw new AssertionError(what + ": pixel (" + x + ", " + y + ") channel " + c + " is "
                                + pixel[c] + ", expected " + expected);
                    }
                }
            }
        }
    }

    @Test
    @DisplayName("classic TIFFs of uneven sizes, RGB and RGBA, one strip or many, decode with the JDK's own"
            + " reader to exactly the rows written")
    void jdkReaderReadsEveryPixel() throws Exception {
        int[][] cases = {{1, 1, 3}, {37, 23, 3}, {37, 23, 4}, {700, 400, 3}, {701, 399, 4}, {90_000, 3, 3}};
        for (int[] c : cases) {
            int w = c[0];
            int h = c[1];
            int ch = c[2];
            for (boolean smooth : new boolean[] {false, true}) {
                String what = w + "x" + h + "x" + ch + (smooth ? " gradient" : " noise");
                byte[][] rows = image(w, h, ch, smooth, w * 31L + h);
                byte[] file = write(rows, w, ch, null);
                assertEquals(42, file[2], what + ": classic TIFF");
                BufferedImage img = ImageIO.read(new ByteArrayInputStream(file));
                assertTrue(img != null, what + ": the JDK reads it");
                assertEquals(ch == 4, img.getColorModel().hasAlpha(), what + ": alpha");
                assertFalse(img.getColorModel().isAlphaPremultiplied(), what + ": unassociated alpha");
                assertPixels(rows, ch, img.getRaster(), what);
                // The independent reader agrees, and shows the strip layout the case is meant to cover.
                Parsed p = Parsed.of(file);
                assertPixels(rows, ch, p.raster(), what + " (test reader)");
                Files.delete(dir.resolve("t-" + w + "x" + h + "-" + ch + "-null.tif"));
            }
        }
        assertEquals(4, Parsed.of(write(image(700, 400, 3, true, 1), 700, 3, false)).offsets.length,
                "700x400 RGB needs 4 strips of 124 rows");
        assertEquals(3, Parsed.of(write(image(90_000, 3, 3, true, 1), 90_000, 3, false)).offsets.length,
                "a row over 256 KiB is a strip of its own");
    }

    @Test
    @DisplayName("a BigTIFF (8-byte offsets, LONG8 strip tables) decodes to exactly the rows written")
    void bigTiffLayout() throws Exception {
        for (int[] c : new int[][] {{1, 1, 3}, {37, 23, 4}, {701, 399, 3}, {700, 400, 4}}) {
            String what = c[0] + "x" + c[1] + "x" + c[2];
            byte[][] rows = image(c[0], c[1], c[2], c[0] % 2 == 0, c[0]);
            byte[] file = write(rows, c[0], c[2], true);
            Parsed p = Parsed.of(file);
            assertTrue(p.big, what + ": BigTIFF header");
            assertEquals(16, p.types.get(273), what + ": StripOffsets are LONG8");
            assertEquals(16, p.types.get(279), what + ": StripByteCounts are LONG8");
            assertPixels(rows, c[2], p.raster(), what);
        }
    }

    @Test
    @DisplayName("BigTIFF is chosen exactly when the file could pass classic TIFF's 4 GiB offsets")
    void bigTiffThreshold() {
        assertFalse(TiffStreamWriter.needsBigTiff(16_384, 16_384, 4), "1 GiB RGBA is classic");
        assertFalse(TiffStreamWriter.needsBigTiff(36_000, 36_000, 3), "3.9 GB RGB is classic");
        assertTrue(TiffStreamWriter.needsBigTiff(37_800, 37_800, 3), "4.29 GB RGB may not fit after Deflate");
        assertTrue(TiffStreamWriter.needsBigTiff(40_000, 40_000, 3), "4.8 GB RGB is BigTIFF");
        assertTrue(TiffStreamWriter.needsBigTiff(1, Integer.MAX_VALUE, 3), "a 1-pixel-wide 6.4 GB column too");
        assertTrue(TiffStreamWriter.needsBigTiff((Integer.MAX_VALUE - 8) / 4, Integer.MAX_VALUE, 4),
                "the largest size the writer takes does not overflow the estimate");
    }

    @Test
    @DisplayName("offsets count from where the TIFF starts in the channel, and the channel is left after it")
    void startsAtTheChannelPosition() throws Exception {
        byte[][] rows = image(37, 23, 3, true, 5);
        Path file = dir.resolve("embedded.bin");
        long end;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {9, 9, 9, 9, 9}));
            try (TiffStreamWriter tiff = new TiffStreamWriter(ch, 37, 23, false)) {
                for (byte[] row : rows) {
                    tiff.writeRow(row);
                }
            }
            end = ch.position();
        }
        byte[] bytes = Files.readAllBytes(file);
        assertEquals(bytes.length, end, "positioned at the end");
        byte[] tiff = Arrays.copyOfRange(bytes, 5, bytes.length);
        assertPixels(rows, 3, ImageIO.read(new ByteArrayInputStream(tiff)).getRaster(), "embedded");
    }

    @Test
    @DisplayName("bad sizes, wrong rows, too many rows and closing early fail clearly; an unfinished file is no TIFF")
    void misuse() throws Exception {
        Path file = dir.resolve("misuse.tif");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new TiffStreamWriter(ch, 0, 5, false));
            assertTrue(e.getMessage().contains("0x5"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> new TiffStreamWriter(ch, 5, -1, true));
            e = assertThrows(IllegalArgumentException.class,
                    () -> new TiffStreamWriter(ch, Integer.MAX_VALUE, 1, true));
            assertTrue(e.getMessage().contains(String.valueOf(Integer.MAX_VALUE)), e.getMessage());
            assertEquals(0, ch.position(), "nothing written for refused sizes");

            TiffStreamWriter tiff = new TiffStreamWriter(ch, 4, 2, false);
            e = assertThrows(IllegalArgumentException.class, () -> tiff.writeRow(new byte[13]));
            assertTrue(e.getMessage().contains("13 bytes, expected 12"), e.getMessage());
            tiff.writeRow(new byte[12]);
            IllegalStateException s = assertThrows(IllegalStateException.class, tiff::close);
            assertTrue(s.getMessage().contains("after 1 of 2 rows"), s.getMessage());
            assertThrows(IllegalStateException.class, () -> tiff.writeRow(new byte[12]), "closed");
        }
        assertUnreadable(Files.readAllBytes(file), "closed after 1 of 2 rows");

        // Enough rows that strips reached the file: the header is there, pointing at no directory.
        Path part = dir.resolve("part.tif");
        byte[][] rows = image(700, 400, 3, false, 3);
        try (FileChannel ch = FileChannel.open(part, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            TiffStreamWriter tiff = new TiffStreamWriter(ch, 700, 400, false);
            for (int r = 0; r < 300; r++) {
                tiff.writeRow(rows[r]);
            }
            assertThrows(IllegalStateException.class, tiff::close);
        }
        byte[] unfinished = Files.readAllBytes(part);
        assertTrue(unfinished.length > 2 * TiffStreamWriter.STRIP_BYTES, "strips were written: " + unfinished.length);
        assertArrayEquals(new byte[] {'I', 'I', 42, 0, 0, 0, 0, 0}, Arrays.copyOf(unfinished, 8),
                "the header still points at no directory");
        assertUnreadable(unfinished, "closed after 300 of 400 rows");

        Path full = dir.resolve("full.tif");
        try (FileChannel ch = FileChannel.open(full, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                TiffStreamWriter tiff = new TiffStreamWriter(ch, 2, 1, true)) {
            tiff.writeRow(new byte[8]);
            IllegalStateException s = assertThrows(IllegalStateException.class, () -> tiff.writeRow(new byte[8]));
            assertTrue(s.getMessage().contains("all 1 rows"), s.getMessage());
        }
        assertEquals(2, ImageIO.read(full.toFile()).getWidth(), "the extra row did not spoil the file");
    }

    private static void assertUnreadable(byte[] file, String what) {
        BufferedImage img;
        try {
            img = ImageIO.read(new ByteArrayInputStream(file));
        } catch (IOException expected) {
            return;
        }
        assertTrue(img == null, what + ": no image can be read from an unfinished file");
    }

    /**
     * An independent baseline/BigTIFF reader for what the writer writes (the JDK reads no BigTIFF): header,
     * directory entries, strip tables, inflate, undo the predictor.
     */
    private static final class Parsed {
        boolean big;
        int width;
        int height;
        int channels;
        long[] offsets;
        final TreeMap<Integer, long[]> tags = new TreeMap<>();
        final TreeMap<Integer, Integer> types = new TreeMap<>();
        byte[] pixels;

        static Parsed of(byte[] file) throws DataFormatException {
            ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
            Parsed p = new Parsed();
            assertEquals('I', file[0]);
            assertEquals('I', file[1]);
            int version = b.getShort(2);
            p.big = version == 43;
            assertTrue(p.big || version == 42, "version " + version);
            long ifd;
            if (p.big) {
                assertEquals(8, b.getShort(4), "BigTIFF offset size");
                assertEquals(0, b.getShort(6));
                ifd = b.getLong(8);
            } else {
                ifd = Integer.toUnsignedLong(b.getInt(4));
            }
            assertTrue(ifd > 0 && ifd % 2 == 0 && ifd < file.length, "directory offset " + ifd);
            int entrySize = p.big ? 20 : 12;
            int field = p.big ? 8 : 4;
            long count = p.big ? b.getLong((int) ifd) : b.getShort((int) ifd) & 0xffff;
            int at = (int) ifd + (p.big ? 8 : 2);
            int previous = -1;
            for (int i = 0; i < count; i++, at += entrySize) {
                int tag = b.getShort(at) & 0xffff;
                int type = b.getShort(at + 2);
                assertTrue(tag > previous, "tags ascend");
                previous = tag;
                int n = (int) (p.big ? b.getLong(at + 4) : b.getInt(at + 4));
                int size = switch (type) {
                    case 3 -> 2;
                    case 4 -> 4;
                    case 5, 16 -> 8;
                    default -> throw new AssertionError("tag " + tag + " type " + type);
                };
                int valueAt = at + (p.big ? 12 : 8);
                if ((long) size * n > field) {
                    valueAt = (int) (p.big ? b.getLong(valueAt) : Integer.toUnsignedLong(b.getInt(valueAt)));
                }
                long[] values = new long[type == 5 ? 2 * n : n];
                for (int k = 0; k < values.length; k++) {
                    values[k] = switch (type) {
                        case 3 -> b.getShort(valueAt + 2 * k) & 0xffff;
                        case 4, 5 -> Integer.toUnsignedLong(b.getInt(valueAt + 4 * k));
                        default -> b.getLong(valueAt + 8 * k);
                    };
                }
                p.tags.put(tag, values);
                p.types.put(tag, type);
            }
            assertEquals(0, p.big ? b.getLong(at) : b.getInt(at), "one directory");
            p.width = (int) p.one(256);
            p.height = (int) p.one(257);
            p.channels = (int) p.one(277);
            assertEquals(8, p.one(259), "Adobe Deflate");
            assertEquals(2, p.one(262), "RGB");
            assertEquals(1, p.one(284), "chunky");
            assertEquals(2, p.one(317), "horizontal differencing");
            assertEquals(2, p.one(296), "inch");
            assertArrayEquals(new long[] {72, 1}, p.tags.get(282));
            assertArrayEquals(new long[] {72, 1}, p.tags.get(283));
            long[] bits = new long[p.channels];
            Arrays.fill(bits, 8);
            assertArrayEquals(bits, p.tags.get(258));
            if (p.channels == 4) {
                assertEquals(2, p.one(338), "unassociated alpha");
            } else {
                assertEquals(3, p.channels);
                assertFalse(p.tags.containsKey(338));
            }
            int rowsPerStrip = (int) p.one(278);
            p.offsets = p.tags.get(273);
            long[] counts = p.tags.get(279);
            int strips = (p.height + rowsPerStrip - 1) / rowsPerStrip;
            assertEquals(strips, p.offsets.length, "one offset a strip");
            assertEquals(strips, counts.length, "one byte count a strip");
            int rowBytes = p.width * p.channels;
            p.pixels = new byte[rowBytes * p.height];
            for (int s = 0; s < strips; s++) {
                int rows = Math.min(rowsPerStrip, p.height - s * rowsPerStrip);
                Inflater inflater = new Inflater();
                inflater.setInput(file, (int) p.offsets[s], (int) counts[s]);
                int n = inflater.inflate(p.pixels, s * rowsPerStrip * rowBytes, rows * rowBytes);
                assertEquals(rows * rowBytes, n, "strip " + s + " inflates to its rows");
                assertTrue(inflater.finished() && inflater.getRemaining() == 0, "strip " + s + " is one stream");
                inflater.end();
            }
            for (int r = 0; r < p.height; r++) {
                for (int i = r * rowBytes + p.channels; i < (r + 1) * rowBytes; i++) {
                    p.pixels[i] += p.pixels[i - p.channels];
                }
            }
            return p;
        }

        long one(int tag) {
            long[] v = tags.get(tag);
            assertTrue(v != null && v.length == 1, "tag " + tag + " holds one value");
            return v[0];
        }

        Raster raster() {
            java.awt.image.WritableRaster r = Raster.createInterleavedRaster(java.awt.image.DataBuffer.TYPE_BYTE,
                    width, height, channels, null);
            r.setDataElements(0, 0, width, height, pixels);
            return r;
        }
    }
}

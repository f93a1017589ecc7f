package io.diif.robustness;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.diif.internal.imaging.ImageCodec;
import io.diif.internal.imaging.ImageFiles;
import io.diif.internal.imaging.Planes;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile and unusual images through {@link ImageFiles} and {@link ImageCodec}: corrupt and truncated
 * files fail with an IOException naming the file, decompression bombs are refused before pixels are
 * allocated, and every legitimate layout (1×1, 1×N, 16-bit, palette, grey + alpha, CMYK) decodes.
 */
@DisplayName("hostile and unusual images")
class HostileImagesTest {
    private static final long LIMIT = 1L << 26;
    private static final List<String> FORMATS = List.of("png", "jpg", "bmp", "gif", "tiff");

    static BufferedImage read(byte[] bytes, String name) throws IOException {
        return ImageFiles.read(bytes, name, LIMIT);
    }

    static byte[] sample(String format) {
        int type = format.equals("gif") ? BufferedImage.TYPE_BYTE_INDEXED : BufferedImage.TYPE_INT_RGB;
        return Images.encode(Images.pattern(64, 48, type), format);
    }

    /** The call fails with an IOException or IllegalArgumentException whose one-line message names the file. */
    static Exception refused(byte[] bytes, String name) {
        try {
            BufferedImage img = read(bytes, name);
            fail(name + " was decoded (" + img.getWidth() + "x" + img.getHeight() + ") but should be refused");
            return null;
        } catch (IOException | IllegalArgumentException e) {
            assertTrue(e.getMessage() != null && e.getMessage().contains(name),
                    () -> "message '" + e.getMessage() + "' does not name " + name);
            return e;
        }
    }

    @Nested
    @DisplayName("corrupt and truncated files")
    class Corrupt {
        @TestFactory
        @DisplayName("PNG, JPEG, BMP, GIF and TIFF cut short are refused with an IOException naming the file")
        Stream<DynamicTest> truncated() {
            List<DynamicTest> tests = new ArrayList<>();
            for (String format : FORMATS) {
                byte[] whole = sample(format);
                for (double f : new double[] {0.0, 0.05, 0.3, 0.6, 0.9}) {
                    String name = "cut-" + (int) (f * 100) + "." + format;
                    tests.add(DynamicTest.dynamicTest(name, () -> {
                        Exception e = refused(Arrays.copyOf(whole, (int) (whole.length * f)), name);
                        assertTrue(e instanceof IOException, e.toString());
                    }));
                }
            }
            return tests.stream();
        }

        @TestFactory
        @DisplayName("flipped bytes give an IOException naming the file or a decoded image of the declared size, nothing else")
        Stream<DynamicTest> flipped() {
            return FORMATS.stream().map(format -> DynamicTest.dynamicTest(format, () -> {
                byte[] whole = sample(format);
                Random random = new Random(format.hashCode());
                for (int trial = 0; trial < 150; trial++) {
                    byte[] b = whole.clone();
                    int flips = 1 + random.nextInt(8);
                    for (int i = 0; i < flips; i++) {
                        b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
                    }
                    String name = "flipped-" + trial + "." + format;
                    try {
                        BufferedImage img = read(b, name);
                        Planes p = ImageCodec.read(img);
                        assertEquals(3L * img.getWidth() * img.getHeight(), p.rgb().length, name);
                    } catch (IOException | IllegalArgumentException e) {
                        assertTrue(e.getMessage().contains(name), e.getMessage());
                    }
                }
            }));
        }

        @Test
        @DisplayName("empty files, text and random bytes are not images")
        void notImages() {
            assertTrue(refused(new byte[0], "empty.png").getMessage().contains("not an image format"));
            assertTrue(refused("hello, world\n".getBytes(StandardCharsets.US_ASCII), "text.png").getMessage()
                    .contains("not an image format"));
            Random random = new Random(3);
            for (int i = 0; i < 50; i++) {
                byte[] b = new byte[random.nextInt(300)];
                random.nextBytes(b);
                refused(b, "random-" + i + ".bin");
            }
        }

        @Test
        @DisplayName("a PNG declaring 0x0 or 0xN pixels is refused")
        void zeroSize() {
            refused(Images.png(0, 0), "zero.png");
            refused(Images.png(0, 7), "zero-wide.png");
            refused(Images.png(7, 0), "zero-high.png");
        }

        @Test
        @DisplayName("a missing file or a directory is an IOException naming the path")
        void notFiles(@TempDir Path dir) {
            IOException e = assertThrows(IOException.class, () -> ImageFiles.read(dir.resolve("nope.png"), LIMIT));
            assertTrue(e.getMessage().contains("nope.png") && e.getMessage().contains("no such file"), e.getMessage());
            e = assertThrows(IOException.class, () -> ImageFiles.read(dir, LIMIT));
            assertTrue(e.getMessage().contains("directory"), e.getMessage());
        }

        @Test
        @DisplayName("a corrupt file read from disk names its path")
        void fromDisk(@TempDir Path dir) throws IOException {
            Path p = dir.resolve("cut.jpg");
            byte[] whole = sample("jpg");
            Files.write(p, Arrays.copyOf(whole, whole.length / 2));
            IOException e = assertThrows(IOException.class, () -> ImageFiles.read(p, LIMIT));
            assertTrue(e.getMessage().startsWith(p.toString() + ": "), e.getMessage());
            assertTrue(e.getMessage().contains("JPEG"), e.getMessage());
        }
    }

    @Nested
    @DisplayName("decompression bombs and the pixel limit")
    class Bombs {
        @TestFactory
        @DisplayName("tiny files declaring huge images are refused before pixels are allocated")
        Stream<DynamicTest> bombs() {
            Object[][] cases = {{"png-100000x100000.png", Images.png(100000, 100000)},
                {"png-2^31-1-wide.png", Images.png(Integer.MAX_VALUE, 1)},
                {"gif-65535x65535.gif", Images.gif(65535, 65535)}, {"jpeg-60000x60000.jpg", Images.jpeg(60000, 60000)},
                {"bmp-20000x20000.bmp", Images.bmp(20000, 20000)}, {"tiff-100000x100000.tif", Images.tiff(100000, 100000)}};
            return Arrays.stream(cases).map(c -> DynamicTest.dynamicTest((String) c[0], () -> {
                String name = (String) c[0];
                byte[] bytes = (byte[]) c[1];
                assertTrue(bytes.length < 2000, "a bomb is tiny");
                long before = HostileModelFilesTest.allocatedBytes();
                Exception e = refused(bytes, name);
                long used = HostileModelFilesTest.allocatedBytes() - before;
                if (name.startsWith("bmp")) {
                    // ImageIO's BMP reader itself checks the declared size against the stream length.
                    assertTrue(e instanceof IOException || e instanceof IllegalArgumentException, e.toString());
                } else {
                    assertTrue(e instanceof IllegalArgumentException, e.toString());
                    assertTrue(e.getMessage().contains("more than the limit of " + LIMIT), e.getMessage());
                }
                assertTrue(used < 32L << 20, "allocated " + used + " bytes refusing " + name);
            }));
        }

        @Test
        @DisplayName("a BMP whose header demands 2 GB of compressed data, or embeds a JPEG, is refused without allocating it")
        void bmpSizeFields() throws IOException {
            // Fuzzing finding 2: ImageIO's BMP reader allocates the header's image size field unchecked.
            long before = HostileModelFilesTest.allocatedBytes();
            Exception e = refused(Images.compressedBmp(1, 0x7fff0000), "rle-2gb.bmp");
            assertTrue(e instanceof IOException && e.getMessage().contains("2147418112 bytes"), e.getMessage());
            e = refused(Images.compressedBmp(4, 0x7fff0000), "embedded.bmp");
            assertTrue(e.getMessage().contains("embedded JPEG"), e.getMessage());
            e = refused(Images.compressedBmp(5, 100), "embedded-png.bmp");
            assertTrue(e.getMessage().contains("embedded PNG"), e.getMessage());
            long used = HostileModelFilesTest.allocatedBytes() - before;
            assertTrue(used < 32L << 20, "allocated " + used + " bytes");
            // The same header with an honest size is an ordinary RLE8 BMP: decoded (5x5 of colour 0).
            byte[] honest = Images.compressedBmp(1, 16);
            honest[54 + 1024] = 0;
            honest[54 + 1024 + 1] = 1; // RLE8 end of bitmap
            assertEquals(5, read(honest, "honest.bmp").getWidth());
        }

        @Test
        @DisplayName("a progressive JPEG that repeats its scans (a CPU bomb) is refused before decoding")
        void jpegScanBomb() throws IOException {
            byte[] progressive = progressiveJpeg(256, 192);
            BufferedImage ok = read(progressive, "progressive.jpg");
            assertEquals(256, ok.getWidth(), "an ordinary progressive JPEG (10 scans) decodes");
            // Repeat the last scan 500 times: 2048x2048 like this took ImageIO half a minute to decode.
            int sos = -1;
            for (int i = 0; i + 1 < progressive.length; i++) {
                if ((progressive[i] & 0xff) == 0xff && (progressive[i + 1] & 0xff) == 0xda) {
                    sos = i;
                }
            }
            int eoi = progressive.length - 2;
            ByteArrayOutputStream bomb = new ByteArrayOutputStream();
            bomb.write(progressive, 0, eoi);
            for (int r = 0; r < 500; r++) {
                bomb.write(progressive, sos, eoi - sos);
            }
            bomb.write(progressive, eoi, 2);
            long start = System.nanoTime();
            Exception e = refused(bomb.toByteArray(), "scan-bomb.jpg");
            assertTrue(e.getMessage().contains("scans is refused"), e.getMessage());
            assertTrue(System.nanoTime() - start < 2_000_000_000L, "refused before decoding");
        }

        @Test
        @DisplayName("the limit is configurable and inclusive")
        void configurable() throws IOException {
            byte[] png = Images.png(100, 100);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ImageFiles.read(png, "100x100.png", 9_999));
            assertTrue(e.getMessage().contains("10000 pixels, more than the limit of 9999"), e.getMessage());
            assertEquals(100, ImageFiles.read(png, "100x100.png", 10_000).getWidth());
            assertThrows(IllegalArgumentException.class, () -> ImageFiles.read(png, "x", 0));
            assertThrows(IllegalArgumentException.class, () -> ImageFiles.read(png, "x", -1));
        }

        @Test
        @DisplayName("a compressed text chunk that inflates to 200 MB is never inflated")
        void metadataBomb() throws IOException {
            byte[] zeros = Images.deflate(new byte[1 << 20], 200);
            String text = "zTXtComment\0\0" + new String(zeros, StandardCharsets.ISO_8859_1);
            String icc = "iCCPprofile\0\0" + new String(zeros, StandardCharsets.ISO_8859_1);
            byte[] png = Images.png(16, 16, text, icc);
            long before = HostileModelFilesTest.allocatedBytes();
            assertEquals(16, read(png, "text-bomb.png").getWidth());
            long used = HostileModelFilesTest.allocatedBytes() - before;
            assertTrue(used < 32L << 20, "allocated " + used + " bytes reading a 16x16 PNG");
        }
    }

    @Nested
    @DisplayName("unusual but valid images")
    class Unusual {
        @TestFactory
        @DisplayName("1x1, 1xN and Nx1 images decode in every format")
        Stream<DynamicTest> thin() {
            List<DynamicTest> tests = new ArrayList<>();
            for (String format : FORMATS) {
                for (int[] wh : new int[][] {{1, 1}, {1, 37}, {37, 1}}) {
                    String name = wh[0] + "x" + wh[1] + "." + format;
                    tests.add(DynamicTest.dynamicTest(name, () -> {
                        int type = format.equals("gif") ? BufferedImage.TYPE_BYTE_INDEXED : BufferedImage.TYPE_INT_RGB;
                        BufferedImage img = read(Images.encode(Images.pattern(wh[0], wh[1], type), format), name);
                        assertEquals(wh[0], img.getWidth());
                        assertEquals(wh[1], img.getHeight());
                        assertEquals(3 * wh[0] * wh[1], ImageCodec.read(img).rgb().length);
                    }));
                }
            }
            return tests.stream();
        }

        @Test
        @DisplayName("16-bit grey and RGB PNGs keep 16-bit precision")
        void sixteenBit() throws IOException {
            BufferedImage grey = new BufferedImage(5, 3, BufferedImage.TYPE_USHORT_GRAY);
            grey.getRaster().setSample(2, 1, 0, 1000);
            Planes p = ImageCodec.read(read(Images.encode(grey, "png"), "grey16.png"));
            assertEquals(1000 / 65535f, p.rgb()[5 + 2], 1e-7f);
            assertEquals(1000 / 65535f, p.rgb()[15 + 5 + 2], 1e-7f);

            ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), false, false,
                    Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
            WritableRaster r = cm.createCompatibleWritableRaster(4, 2);
            r.setPixel(3, 1, new int[] {1, 30000, 65535});
            BufferedImage rgb16 = read(Images.encode(new BufferedImage(cm, r, false, null), "png"), "rgb16.png");
            assertEquals(16, rgb16.getColorModel().getComponentSize(0));
            p = ImageCodec.read(rgb16);
            assertEquals(1 / 65535f, p.rgb()[7], 1e-9f);
            assertEquals(30000 / 65535f, p.rgb()[8 + 7], 1e-7f);
            assertEquals(1f, p.rgb()[16 + 7]);
            assertNull(p.alpha());
        }

        @Test
        @DisplayName("palette PNGs of 1, 2, 4 and 8 bits give the palette colours")
        void palette() throws IOException {
            for (int bits : new int[] {1, 2, 4, 8}) {
                int size = 1 << bits;
                byte[] red = new byte[size];
                byte[] green = new byte[size];
                byte[] blue = new byte[size];
                for (int i = 0; i < size; i++) {
                    red[i] = (byte) (255 - i * 255 / (size - 1));
                    green[i] = (byte) (i * 255 / (size - 1));
                    blue[i] = (byte) 17;
                }
                IndexColorModel icm = new IndexColorModel(bits, size, red, green, blue);
                BufferedImage img = new BufferedImage(9, 2, bits == 8 ? BufferedImage.TYPE_BYTE_INDEXED
                        : BufferedImage.TYPE_BYTE_BINARY, icm);
                img.getRaster().setSample(4, 1, 0, size - 1);
                BufferedImage back = read(Images.encode(img, "png"), "palette" + bits + ".png");
                Planes p = ImageCodec.read(back);
                int i = 9 + 4;
                assertEquals(0f, p.rgb()[i], "red, " + bits + " bits");
                assertEquals(1f, p.rgb()[18 + i], "green, " + bits + " bits");
                assertEquals(17 / 255f, p.rgb()[36 + i], "blue, " + bits + " bits");
                assertEquals(1f, p.rgb()[0], "index 0 is red, " + bits + " bits");
            }
        }

        @Test
        @DisplayName("grey + alpha PNGs (8 and 16 bit) give grey colour and the alpha plane")
        void greyAlpha() throws IOException {
            for (int dataType : new int[] {DataBuffer.TYPE_BYTE, DataBuffer.TYPE_USHORT}) {
                ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_GRAY), true,
                        false, Transparency.TRANSLUCENT, dataType);
                WritableRaster r = cm.createCompatibleWritableRaster(3, 2);
                int max = dataType == DataBuffer.TYPE_BYTE ? 255 : 65535;
                r.setPixel(1, 1, new int[] {max / 5, max / 2});
                BufferedImage back = read(Images.encode(new BufferedImage(cm, r, false, null), "png"), "ga.png");
                assertTrue(back.getColorModel().hasAlpha());
                Planes p = ImageCodec.read(back);
                assertNotNull(p.alpha());
                assertEquals((float) (max / 5) / max, p.rgb()[4], 1e-6f);
                assertEquals(p.rgb()[4], p.rgb()[6 + 4]);
                assertEquals(p.rgb()[4], p.rgb()[12 + 4]);
                assertEquals((float) (max / 2) / max, p.alpha()[4], 1e-6f);
                assertEquals(0f, p.alpha()[0]);
            }
        }

        @Test
        @DisplayName("a CMYK JPEG (Adobe marker, inverted as Photoshop writes it) decodes to RGB")
        void cmykJpeg() throws IOException {
            WritableRaster r = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, 16, 8, 4, null);
            for (int y = 0; y < 8; y++) {
                for (int x = 0; x < 16; x++) {
                    // Inverted CMYK: 255 = no ink. Left half: no ink (white); right half: full cyan ink.
                    r.setPixel(x, y, x < 8 ? new int[] {255, 255, 255, 255} : new int[] {0, 255, 255, 255});
                }
            }
            byte[] jpeg = withAdobeMarker(writeRaster(r), 0);
            BufferedImage img = read(jpeg, "cmyk.jpg");
            assertEquals(16, img.getWidth());
            int white = img.getRGB(2, 4);
            int cyan = img.getRGB(13, 4);
            assertTrue(((white >> 16) & 0xff) > 240 && ((white >> 8) & 0xff) > 240 && (white & 0xff) > 240,
                    Integer.toHexString(white));
            assertTrue(((cyan >> 16) & 0xff) < 20 && ((cyan >> 8) & 0xff) > 230 && (cyan & 0xff) > 230,
                    Integer.toHexString(cyan));
        }

        @Test
        @DisplayName("every BufferedImage type converts to float planes in [0, 1]")
        void everyType() {
            BufferedImage src = Images.pattern(7, 5, BufferedImage.TYPE_INT_RGB);
            for (int type = 1; type <= 13; type++) {
                BufferedImage img = new BufferedImage(7, 5, type);
                img.getGraphics().drawImage(src, 0, 0, null);
                Planes p = ImageCodec.read(img);
                assertEquals(105, p.rgb().length, "type " + type);
                for (float v : p.rgb()) {
                    assertTrue(v >= 0f && v <= 1f, "type " + type + ": " + v);
                }
                assertEquals(img.getColorModel().hasAlpha(), p.alpha() != null, "type " + type);
            }
            float[] black = ImageCodec.read(Images.pattern(1, 1, BufferedImage.TYPE_INT_RGB)).rgb();
            assertArrayEquals(new float[] {0, 0, 0}, black);
        }
    }

    static byte[] progressiveJpeg(int w, int h) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        javax.imageio.ImageWriteParam param = writer.getDefaultWriteParam();
        param.setProgressiveMode(javax.imageio.ImageWriteParam.MODE_DEFAULT);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(ios);
            writer.write(null, new IIOImage(Images.pattern(w, h, BufferedImage.TYPE_INT_RGB), null, null), param);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    static byte[] writeRaster(Raster r) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(ios);
            writer.write(null, new IIOImage(r, null, null), null);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    /** Inserts an Adobe APP14 segment with the given transform right after SOI. */
    static byte[] withAdobeMarker(byte[] jpeg, int transform) {
        byte[] app14 = {(byte) 0xff, (byte) 0xee, 0, 14, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, (byte) transform};
        byte[] out = new byte[jpeg.length + app14.length];
        System.arraycopy(jpeg, 0, out, 0, 2);
        System.arraycopy(app14, 0, out, 2, app14.length);
        System.arraycopy(jpeg, 2, out, 2 + app14.length, jpeg.length - 2);
        return out;
    }
}

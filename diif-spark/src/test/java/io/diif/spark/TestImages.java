package io.diif.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.diif.Diif;
import io.diif.DiifModel;
import io.diif.ImageRepresentation;
import io.diif.internal.imaging.ImageFiles;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * The test folder: 20 crops of the real photos of the evaluation set (PNG and JPEG, some in a sub-folder)
 * plus files that are not images one can upscale, and reference renders made the way {@code diif upscale}
 * makes them.
 */
final class TestImages {
    /** The photos under src/test/resources/photos, by path relative to the folder. */
    static final List<String> PHOTOS = List.of("00-baboon_512.png", "01-parrot.png", "02-butterfly.png",
            "03-chicky_512.jpg", "05-rubberwhale1.png", "06-ascent_512.png", "07-face_1024x768.jpg",
            "08-astronaut.png", "10-chelsea.png", "11-coffee.jpg", "12-motorcycle_left.png", "13-baboon_512.png",
            "15-butterfly.jpg", "16-chicky_512.png", "17-graf1.png", "18-rubberwhale1.png", "more/04-graf1.png",
            "more/09-camera.png", "more/14-parrot.png", "more/19-ascent_512.jpg");

    /** The bad files {@link #writeFolder} adds, with a word their error message must contain. */
    static final Map<String, String> BAD = new TreeMap<>(Map.of(
            "bad/truncated.png", "truncated",
            "bad/truncated.jpg", "JPEG",
            "bad/corrupt.png", "corrupt",
            "bad/notes.txt", "not an image",
            "bad/empty.jpg", "empty",
            "bad/bomb.png", "more than the limit"));

    private TestImages() {
    }

    /** Writes the photos and the bad files under {@code dir}. */
    static void writeFolder(Path dir) throws IOException {
        for (String p : PHOTOS) {
            Path target = dir.resolve(p);
            Files.createDirectories(target.getParent());
            Files.write(target, photo(p));
        }
        Path bad = Files.createDirectories(dir.resolve("bad"));
        byte[] png = photo("01-parrot.png");
        byte[] jpg = photo("03-chicky_512.jpg");
        Files.write(bad.resolve("truncated.png"), java.util.Arrays.copyOf(png, png.length / 2));
        Files.write(bad.resolve("truncated.jpg"), java.util.Arrays.copyOf(jpg, jpg.length / 2));
        byte[] corrupt = png.clone();
        for (int i = corrupt.length / 3; i < corrupt.length / 3 + 64; i++) {
            corrupt[i] ^= 0x5a; // inside the compressed data: a CRC and inflate failure
        }
        Files.write(bad.resolve("corrupt.png"), corrupt);
        Files.writeString(bad.resolve("notes.txt"), "not a picture, just words\n", StandardCharsets.UTF_8);
        Files.write(bad.resolve("empty.jpg"), new byte[0]);
        Files.write(bad.resolve("bomb.png"), bombPng());
    }

    /** All the relative paths {@link #writeFolder} writes. */
    static List<String> allPaths() {
        List<String> all = new ArrayList<>(PHOTOS);
        all.addAll(BAD.keySet());
        return all;
    }

    static byte[] photo(String relative) {
        try (InputStream in = TestImages.class.getResourceAsStream("/photos/" + relative)) {
            assertNotNull(in, "missing fixture " + relative);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A 300-byte PNG that declares 100000 × 100000 pixels (a decompression bomb): IHDR with its CRC, then one
     * IDAT of zeros deflated.
     */
    static byte[] bombPng() throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        java.nio.ByteBuffer ihdr = java.nio.ByteBuffer.allocate(13).putInt(100_000).putInt(100_000);
        ihdr.put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(out, "IHDR", ihdr.array());
        java.util.zip.Deflater deflater = new java.util.zip.Deflater(9);
        deflater.setInput(new byte[1 << 16]);
        deflater.finish();
        byte[] idat = new byte[1024];
        int n = deflater.deflate(idat);
        chunk(out, "IDAT", java.util.Arrays.copyOf(idat, n));
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(java.io.ByteArrayOutputStream out, String type, byte[] data) throws IOException {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        crc.update(t);
        crc.update(data);
        out.write(java.nio.ByteBuffer.allocate(4).putInt(data.length).array());
        out.write(t);
        out.write(data);
        out.write(java.nio.ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    /** The default model on ONNX, as {@code diif upscale --backend onnx} loads it. */
    static DiifModel defaultModel() {
        return DiifModel.builder().modelResource(Diif.DEFAULT_MODEL_RESOURCE).backend("onnx").build();
    }

    /** What {@code diif upscale IN OUT.png --scale 2} writes: the file read, encoded, rendered to a PNG file. */
    static Path reference(DiifModel model, Path image, int width, int height, Path out) throws IOException {
        BufferedImage in = ImageFiles.read(image, DiifModel.DEFAULT_MAX_INPUT_PIXELS);
        try (ImageRepresentation rep = model.encode(in)) {
            rep.render().size(width, height).toFile(out);
        }
        return out;
    }

    static BufferedImage read(byte[] png) throws IOException {
        return ImageIO.read(new ByteArrayInputStream(png));
    }

    /** Same size and the same 8-bit pixels. */
    static void assertSamePixels(BufferedImage expected, BufferedImage actual, String what) {
        assertEquals(expected.getWidth(), actual.getWidth(), what + ": width");
        assertEquals(expected.getHeight(), actual.getHeight(), what + ": height");
        int w = expected.getWidth();
        int h = expected.getHeight();
        assertArrayEquals(expected.getRGB(0, 0, w, h, null, 0, w), actual.getRGB(0, 0, w, h, null, 0, w),
                what + ": pixels");
    }

    /** Every regular file under {@code dir}, relative, {@code /}-separated. */
    static List<String> files(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString().replace('\\', '/'))
                    .sorted().toList();
        }
    }
}

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import javax.imageio.ImageIO;

/**
 * Writes the bad-inputs corpus under robustness/corpus: hostile model files (models/) and images
 * (images/), each a few kilobytes at most. Run from the repository root:
 * {@code java robustness/MakeCorpus.java}. The argument cases live in corpus/args.tsv (hand-written).
 */
public class MakeCorpus {
    static final Path ROOT = Path.of("robustness/corpus");
    static final String CONFIG = "{\"format\":1,\"name\":\"tiny\",\"encoder\":"
            + "{\"type\":\"edsr-baseline\",\"n_resblocks\":1,\"n_feats\":4,\"res_scale\":1.0},\"decoder\":"
            + "{\"type\":\"diif\",\"coarse_hidden\":[8,8],\"fine_hidden\":[8,8],\"slicing\":\"row\","
            + "\"slice_ensemble\":true,\"ensemble_block\":2,\"coarse_cell\":true,\"fine_cell\":false,"
            + "\"max_scale\":4.0},\"normalization\":{\"mean\":0.5,\"std\":0.5}}";

    public static void main(String[] args) throws IOException {
        models();
        images();
    }

    // ---------------------------------------------------------------- models

    /** A valid tiny EDSR-baseline (F=4, 1 block) + DIIF (widths 8) model, to be broken one rule at a time. */
    static final class Model {
        final Map<String, int[]> shapes = new LinkedHashMap<>();
        final Map<String, float[]> values = new LinkedHashMap<>();
        String config = CONFIG;

        Model() {
            t("encoder.head.0.weight", 4, 3, 3, 3).t("encoder.head.0.bias", 4);
            t("encoder.body.0.body.0.weight", 4, 4, 3, 3).t("encoder.body.0.body.0.bias", 4);
            t("encoder.body.0.body.2.weight", 4, 4, 3, 3).t("encoder.body.0.body.2.bias", 4);
            t("encoder.body.1.weight", 4, 4, 3, 3).t("encoder.body.1.bias", 4);
            t("imnet.layers.0.weight", 8, 22).t("imnet.layers.0.bias", 8);
            t("imnet.layers.2.weight", 8, 8).t("imnet.layers.2.bias", 8);
            t("imnet.tail.0.weight", 8, 10).t("imnet.tail.0.bias", 8);
            t("imnet.tail.2.weight", 8, 8).t("imnet.tail.2.bias", 8);
            t("imnet.tail.4.weight", 3, 8).t("imnet.tail.4.bias", 3);
        }

        Model t(String name, int... shape) {
            int n = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
            float[] v = new float[n];
            for (int i = 0; i < n; i++) {
                v[i] = 0.01f * ((i * 7) % 13 - 6);
            }
            shapes.put(name, shape);
            values.put(name, v);
            return this;
        }

        Model config(String from, String to) {
            if (!config.contains(from)) {
                throw new IllegalArgumentException(from);
            }
            config = config.replace(from, to);
            return this;
        }

        String header() {
            StringBuilder h = new StringBuilder("{");
            if (config != null) {
                h.append("\"__metadata__\":{\"diif\":").append(quote(config)).append("}");
            }
            long offset = 0;
            for (Map.Entry<String, int[]> e : shapes.entrySet()) {
                if (h.length() > 1) {
                    h.append(',');
                }
                long bytes = 4L * values.get(e.getKey()).length;
                h.append(quote(e.getKey())).append(":{\"dtype\":\"F32\",\"shape\":").append(Arrays.toString(e.getValue()))
                        .append(",\"data_offsets\":[").append(offset).append(',').append(offset + bytes).append("]}");
                offset += bytes;
            }
            return h.append('}').toString();
        }

        byte[] data() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (float[] v : values.values()) {
                ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
                for (float f : v) {
                    b.putFloat(f);
                }
                out.writeBytes(b.array());
            }
            return out.toByteArray();
        }

        byte[] build() {
            return file(header(), data());
        }
    }

    static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('"').toString();
    }

    static byte[] file(String header, byte[] data) {
        return file(header.getBytes(StandardCharsets.UTF_8), data);
    }

    static byte[] file(byte[] header, byte[] data) {
        return ByteBuffer.allocate(8 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(header.length).put(header).put(data).array();
    }

    static byte[] withLength(byte[] f, long length) {
        byte[] b = f.clone();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, length);
        return b;
    }

    static String entry(String name, String dtype, String shape, long begin, long end) {
        return quote(name) + ":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" + begin + ","
                + end + "]}";
    }

    static byte[] two(String header) {
        return file(header, new byte[16]);
    }

    static void models() throws IOException {
        Path d = ROOT.resolve("models");
        byte[] good = new Model().build();
        int headerLen = new Model().header().getBytes(StandardCharsets.UTF_8).length;
        String a = entry("a", "F32", "[2]", 0, 8);
        String b = entry("b", "F32", "[2]", 8, 16);
        write(d, "empty.safetensors", new byte[0]);
        write(d, "seven-bytes.safetensors", new byte[7]);
        write(d, "truncated-in-header.safetensors", Arrays.copyOf(good, 8 + headerLen / 2));
        write(d, "truncated-in-data.safetensors", Arrays.copyOf(good, good.length - 100));
        write(d, "header-length-2p63.safetensors", withLength(good, Long.MIN_VALUE));
        write(d, "header-length-2p64-1.safetensors", withLength(good, -1L));
        write(d, "header-length-past-eof.safetensors", withLength(good, good.length));
        write(d, "header-length-zero.safetensors", withLength(good, 0));
        write(d, "header-not-json.safetensors", two("<xml>not json</xml>"));
        write(d, "header-not-utf8.safetensors", file(new byte[] {'{', (byte) 0xc3, (byte) 0x28, '}'}, new byte[0]));
        write(d, "header-json-array.safetensors", two("[{\"a\":1}]"));
        write(d, "header-nested-1000.safetensors", two("[".repeat(1000) + "]".repeat(1000)));
        write(d, "header-number-1e999.safetensors", two("{\"a\":{\"dtype\":\"F32\",\"shape\":[1e999],"
                + "\"data_offsets\":[0,16]}}"));
        write(d, "duplicate-tensor.safetensors", two("{" + a + "," + b + "," + a + "}"));
        write(d, "offsets-overlap.safetensors", two("{" + entry("a", "F32", "[3]", 0, 12) + ","
                + entry("b", "F32", "[2]", 8, 16) + "}"));
        write(d, "offsets-reversed.safetensors", two("{" + entry("a", "F32", "[2]", 8, 0) + "," + b + "}"));
        write(d, "offsets-negative.safetensors", two("{" + entry("a", "F32", "[2]", -8, 0) + "," + b + "}"));
        write(d, "offsets-past-data.safetensors", two("{" + a + "," + entry("b", "F32", "[2]", 4096, 4104) + "}"));
        write(d, "offsets-gap.safetensors", two("{" + a + "," + entry("b", "F32", "[1]", 12, 16) + "}"));
        write(d, "trailing-bytes.safetensors", two("{" + a + "," + entry("b", "F32", "[1]", 8, 12) + "}"));
        write(d, "byte-count-mismatch.safetensors", two("{" + entry("a", "F32", "[3]", 0, 8) + "," + b + "}"));
        write(d, "dtype-i64.safetensors", two("{" + entry("a", "I64", "[2]", 0, 16) + "}"));
        write(d, "dtype-missing.safetensors", two("{\"a\":{\"shape\":[4],\"data_offsets\":[0,16]}}"));
        write(d, "shape-zero-dim.safetensors", two("{" + entry("a", "F32", "[0,4]", 0, 0) + "}"));
        write(d, "shape-negative.safetensors", two("{" + entry("a", "F32", "[-4]", 0, 16) + "}"));
        write(d, "shape-rank-9.safetensors", two("{" + entry("a", "F32", "[1,1,1,1,1,1,1,1,4]", 0, 16) + "}"));
        write(d, "shape-2p62-bytes.safetensors", two("{" + entry("a", "F32", "[2147483647,2147483647]", 0, 16) + "}"));
        write(d, "shape-2GB-claim.safetensors", file("{" + entry("a", "F32", "[500000000]", 0, 2_000_000_000L) + "}",
                new byte[64]));
        Model noConfig = new Model();
        noConfig.config = null;
        write(d, "config-missing.safetensors", noConfig.build());
        write(d, "config-not-json.safetensors", config("edsr, please"));
        write(d, "config-array.safetensors", config("[1, 2]"));
        write(d, "config-format-2.safetensors", new Model().config("\"format\":1", "\"format\":2").build());
        write(d, "config-unknown-encoder.safetensors", new Model().config("edsr-baseline", "swin-transformer").build());
        write(d, "config-unknown-decoder.safetensors", new Model().config("\"type\":\"diif\"", "\"type\":\"meta-sr\"")
                .build());
        write(d, "config-unknown-field.safetensors", new Model().config("\"format\":1", "\"format\":1,\"url\":\"x\"")
                .build());
        write(d, "config-negative-features.safetensors", new Model().config("\"n_feats\":4", "\"n_feats\":-4")
                .build());
        write(d, "config-huge-features.safetensors", new Model().config("\"n_feats\":4", "\"n_feats\":2000000000")
                .build());
        write(d, "config-huge-depth.safetensors", new Model().config("\"n_resblocks\":1", "\"n_resblocks\":999999999")
                .build());
        write(d, "config-huge-width.safetensors", new Model().config("\"fine_hidden\":[8,8]", "\"fine_hidden\":[8,1e12]")
                .build());
        write(d, "config-zero-std.safetensors", new Model().config("\"std\":0.5", "\"std\":0").build());
        write(d, "tensor-missing.safetensors", remove(new Model(), "imnet.tail.4.bias").build());
        write(d, "tensor-unexpected.safetensors", new Model().t("imnet.extra.weight", 2).build());
        write(d, "tensor-wrong-shape.safetensors", new Model().t("imnet.layers.0.weight", 8, 21).build());
        Model nan = new Model();
        nan.values.get("imnet.tail.2.weight")[5] = Float.NaN;
        write(d, "weight-nan.safetensors", nan.build());
        Model inf = new Model();
        inf.values.get("encoder.head.0.bias")[1] = Float.POSITIVE_INFINITY;
        write(d, "weight-inf.safetensors", inf.build());
        Model ninf = new Model();
        ninf.values.get("imnet.layers.0.weight")[100] = Float.NEGATIVE_INFINITY;
        write(d, "weight-minus-inf.safetensors", ninf.build());
        write(d, "escape-in-name.safetensors", new Model().t("imnet.\u001b[31mred\u001b[0m\u0007.weight", 2).build());
        write(d, "png-renamed.safetensors", png(4, 4));
        write(d, "text.safetensors", "This is not a model.\n".getBytes(StandardCharsets.US_ASCII));
    }

    static Model remove(Model m, String name) {
        m.shapes.remove(name);
        m.values.remove(name);
        return m;
    }

    static byte[] config(String json) {
        Model m = new Model();
        m.config = json;
        return m.build();
    }

    // ---------------------------------------------------------------- images

    static void images() throws IOException {
        Path d = ROOT.resolve("images");
        BufferedImage rgb = new BufferedImage(48, 40, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(11);
        for (int y = 0; y < 40; y++) {
            for (int x = 0; x < 48; x++) {
                rgb.setRGB(x, y, (x * 5 << 16) | (y * 6 << 8) | random.nextInt(64));
            }
        }
        BufferedImage indexed = new BufferedImage(48, 40, BufferedImage.TYPE_BYTE_INDEXED);
        indexed.getGraphics().drawImage(rgb, 0, 0, null);
        for (String format : new String[] {"png", "jpg", "bmp", "gif", "tiff"}) {
            byte[] whole = encode(format.equals("gif") ? indexed : rgb, format);
            write(d, "truncated-half." + format, Arrays.copyOf(whole, whole.length / 2));
            write(d, "truncated-header." + format, Arrays.copyOf(whole, Math.min(whole.length, 20)));
        }
        byte[] jpg = encode(rgb, "jpg");
        write(d, "truncated-last-bytes.jpg", Arrays.copyOf(jpg, jpg.length - 40));
        byte[] png = encode(rgb, "png");
        byte[] flipped = png.clone();
        for (int i = png.length / 3; i < png.length / 3 + 40; i++) {
            flipped[i] ^= 0x5a;
        }
        write(d, "corrupt-idat.png", flipped);
        write(d, "empty.png", new byte[0]);
        write(d, "text.png", "GIF89a? no, just text\n".getBytes(StandardCharsets.US_ASCII));
        byte[] noise = new byte[512];
        random.nextBytes(noise);
        write(d, "random-bytes.jpg", noise);
        write(d, "zero-size.png", png(0, 0));
        write(d, "zero-width.png", png(0, 16));
        write(d, "bomb-100000x100000.png", png(100000, 100000));
        write(d, "bomb-65535x65535.gif", gif(65535, 65535));
        write(d, "bomb-60000x60000.jpg", jpeg(jpg, 60000, 60000));
        write(d, "bomb-100000x100000.tif", tiff(100000, 100000));
        write(d, "safetensors-renamed.png", new Model().build());
        write(d, "bmp-rle-claims-2gb.bmp", bmp(1, 0x7fff0000));
        write(d, "bmp-embedded-jpeg.bmp", bmp(4, 0x7fff0000));
        write(d, "jpeg-scan-bomb-2048x2048.jpg", scanBomb(2048, 2000));
        // Garbage between segments makes libjpeg warn while reading the header: under GC pressure the
        // JDK 17 JPEG reader then deadlocks the JVM (see JpegWarningDeadlockTest).
        byte[] small = encode(new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB), "jpg");
        int at = 4 + (((small[4] & 0xff) << 8) | (small[5] & 0xff));
        byte[] garbage = new byte[small.length + 7];
        System.arraycopy(small, 0, garbage, 0, at);
        Arrays.fill(garbage, at, at + 7, (byte) 0x42);
        System.arraycopy(small, at, garbage, at + 7, small.length - at);
        write(d, "jpeg-garbage-before-marker.jpg", garbage);
    }

    /** A 5x5 8-bit BMP header with the given compression whose image size field claims {@code imageSize}. */
    static byte[] bmp(int compression, int imageSize) {
        ByteBuffer b = ByteBuffer.allocate(54 + 1024 + 16).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 'B').put((byte) 'M').putInt(b.capacity()).putInt(0).putInt(54 + 1024).putInt(40).putInt(5)
                .putInt(5).putShort((short) 1).putShort((short) 8).putInt(compression).putInt(imageSize).putInt(2835)
                .putInt(2835).putInt(256).putInt(0);
        return b.array();
    }

    /** A black progressive JPEG whose last scan is repeated: seconds to minutes of decoding. */
    static byte[] scanBomb(int size, int repeats) throws IOException {
        javax.imageio.ImageWriter w = ImageIO.getImageWritersByFormatName("jpeg").next();
        javax.imageio.ImageWriteParam p = w.getDefaultWriteParam();
        p.setProgressiveMode(javax.imageio.ImageWriteParam.MODE_DEFAULT);
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        try (javax.imageio.stream.ImageOutputStream ios = ImageIO.createImageOutputStream(o)) {
            w.setOutput(ios);
            w.write(null, new javax.imageio.IIOImage(new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB), null,
                    null), p);
        }
        byte[] j = o.toByteArray();
        int sos = -1;
        for (int i = 0; i + 1 < j.length; i++) {
            if ((j[i] & 0xff) == 0xff && (j[i + 1] & 0xff) == 0xda) {
                sos = i;
            }
        }
        int eoi = j.length - 2;
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(j, 0, eoi);
        for (int r = 0; r < repeats; r++) {
            b.write(j, sos, eoi - sos);
        }
        b.write(j, eoi, 2);
        return b.toByteArray();
    }

    static byte[] encode(BufferedImage img, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!ImageIO.write(img, format, out)) {
            throw new IllegalStateException(format);
        }
        return out.toByteArray();
    }

    static void chunk(DataOutputStream o, String type, byte[] data) throws IOException {
        byte[] t = type.getBytes(StandardCharsets.ISO_8859_1);
        o.writeInt(data.length);
        o.write(t);
        o.write(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        o.writeInt((int) crc.getValue());
    }

    static byte[] png(int w, int h) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream o = new DataOutputStream(bytes);
            o.write(new byte[] {(byte) 137, 80, 78, 71, 13, 10, 26, 10});
            chunk(o, "IHDR", ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) 8).put((byte) 2).put((byte) 0)
                    .put((byte) 0).put((byte) 0).array());
            ByteArrayOutputStream z = new ByteArrayOutputStream();
            try (DeflaterOutputStream def = new DeflaterOutputStream(z, new Deflater(9))) {
                def.write(new byte[1 << 16]);
            }
            chunk(o, "IDAT", z.toByteArray());
            chunk(o, "IEND", new byte[0]);
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] gif(int w, int h) {
        ByteBuffer b = ByteBuffer.allocate(29).order(ByteOrder.LITTLE_ENDIAN);
        b.put("GIF89a".getBytes(StandardCharsets.US_ASCII)).putShort((short) w).putShort((short) h).put((byte) 0)
                .put((byte) 0).put((byte) 0);
        b.put((byte) 0x2c).putShort((short) 0).putShort((short) 0).putShort((short) w).putShort((short) h)
                .put((byte) 0).put((byte) 2).put((byte) 2).put((byte) 0x44).put((byte) 0x01).put((byte) 0)
                .put((byte) 0x3b);
        return b.array();
    }

    static byte[] jpeg(byte[] real, int w, int h) {
        byte[] j = real.clone();
        for (int i = 0; i < j.length - 9; i++) {
            if ((j[i] & 0xff) == 0xff && (j[i + 1] & 0xff) == 0xc0) {
                j[i + 5] = (byte) (h >> 8);
                j[i + 6] = (byte) h;
                j[i + 7] = (byte) (w >> 8);
                j[i + 8] = (byte) w;
                return j;
            }
        }
        throw new IllegalStateException("no SOF0");
    }

    static byte[] tiff(int w, int h) {
        ByteBuffer b = ByteBuffer.allocate(8 + 2 + 8 * 12 + 4 + 16).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(8);
        b.putShort((short) 8);
        int data = 8 + 2 + 8 * 12 + 4;
        int[][] entries = {{256, 4, 1, w}, {257, 4, 1, h}, {258, 3, 1, 8}, {259, 3, 1, 1}, {262, 3, 1, 1},
            {273, 4, 1, data}, {278, 4, 1, h}, {279, 4, 1, 16}};
        for (int[] e : entries) {
            b.putShort((short) e[0]).putShort((short) e[1]).putInt(e[2]);
            if (e[1] == 3) {
                b.putShort((short) e[3]).putShort((short) 0);
            } else {
                b.putInt(e[3]);
            }
        }
        b.putInt(0);
        return b.array();
    }

    static void write(Path dir, String name, byte[] bytes) throws IOException {
        Files.createDirectories(dir);
        Files.write(dir.resolve(name), bytes);
    }
}

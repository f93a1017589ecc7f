package io.diif.robustness;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import javax.imageio.ImageIO;

/** Image fixtures made in memory: real files written by ImageIO, and hand-made headers that lie. */
final class Images {
    private Images() {
    }

    /** A w × h RGB image with a smooth pattern. */
    static BufferedImage pattern(int w, int h, int type) {
        BufferedImage img = new BufferedImage(w, h, type);
        BufferedImage rgb = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                rgb.setRGB(x, y, ((x * 255 / Math.max(1, w - 1)) << 16) | ((y * 255 / Math.max(1, h - 1)) << 8)
                        | ((x + y) * 37 & 0xff));
            }
        }
        img.getGraphics().drawImage(rgb, 0, 0, null);
        return img;
    }

    /** The image encoded by ImageIO in {@code format} (png, jpg, bmp, gif, tiff). */
    static byte[] encode(BufferedImage img, String format) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (!ImageIO.write(img, format, out)) {
                throw new IllegalArgumentException("no writer for " + format + " and type " + img.getType());
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A PNG chunk: length, type, data, CRC. */
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

    static byte[] deflate(byte[] data, int repeat) {
        ByteArrayOutputStream z = new ByteArrayOutputStream();
        try (DeflaterOutputStream d = new DeflaterOutputStream(z, new Deflater(9))) {
            for (int i = 0; i < repeat; i++) {
                d.write(data);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return z.toByteArray();
    }

    /**
     * A PNG whose header declares {@code w × h} RGB 8-bit pixels, followed by an IDAT of 64 KiB of
     * zeros (a few hundred bytes compressed) and any extra chunks (type + data) before it.
     */
    static byte[] png(int w, int h, String... extraChunks) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream o = new DataOutputStream(bytes);
            o.write(new byte[] {(byte) 137, 80, 78, 71, 13, 10, 26, 10});
            chunk(o, "IHDR", ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) 8).put((byte) 2).put((byte) 0)
                    .put((byte) 0).put((byte) 0).array());
            for (String c : extraChunks) {
                byte[] b = c.getBytes(StandardCharsets.ISO_8859_1);
                chunk(o, c.substring(0, 4), java.util.Arrays.copyOfRange(b, 4, b.length));
            }
            chunk(o, "IDAT", deflate(new byte[1 << 16], 1));
            chunk(o, "IEND", new byte[0]);
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A GIF whose screen and first image declare {@code w × h} (at most 65535). */
    static byte[] gif(int w, int h) {
        ByteBuffer b = ByteBuffer.allocate(29).order(ByteOrder.LITTLE_ENDIAN);
        b.put("GIF89a".getBytes(StandardCharsets.US_ASCII)).putShort((short) w).putShort((short) h).put((byte) 0)
                .put((byte) 0).put((byte) 0);
        b.put((byte) 0x2c).putShort((short) 0).putShort((short) 0).putShort((short) w).putShort((short) h)
                .put((byte) 0).put((byte) 2).put((byte) 2).put((byte) 0x44).put((byte) 0x01).put((byte) 0)
                .put((byte) 0x3b);
        return b.array();
    }

    /** A 24-bit BMP header declaring {@code w × h} with 16 bytes of pixel data. */
    static byte[] bmp(int w, int h) {
        ByteBuffer b = ByteBuffer.allocate(54 + 16).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 'B').put((byte) 'M').putInt(70).putInt(0).putInt(54).putInt(40).putInt(w).putInt(h)
                .putShort((short) 1).putShort((short) 24).putInt(0).putInt(0).putInt(2835).putInt(2835).putInt(0)
                .putInt(0);
        return b.array();
    }

    /**
     * A 5×5 BMP header with the given compression (1 = RLE8, 4 = embedded JPEG) whose "image size" field
     * claims {@code imageSize} bytes of pixel data, followed by 16 bytes.
     */
    static byte[] compressedBmp(int compression, int imageSize) {
        ByteBuffer b = ByteBuffer.allocate(54 + 1024 + 16).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 'B').put((byte) 'M').putInt(b.capacity()).putInt(0).putInt(54 + 1024).putInt(40).putInt(5)
                .putInt(5).putShort((short) 1).putShort((short) 8).putInt(compression).putInt(imageSize).putInt(2835)
                .putInt(2835).putInt(256).putInt(0);
        return b.array();
    }

    /** A real 8×8 JPEG whose SOF is patched to declare {@code w × h} (at most 65535). */
    static byte[] jpeg(int w, int h) {
        byte[] j = encode(pattern(8, 8, BufferedImage.TYPE_INT_RGB), "jpg");
        for (int i = 0; i < j.length - 9; i++) {
            if ((j[i] & 0xff) == 0xff && (j[i + 1] & 0xff) == 0xc0) {
                j[i + 5] = (byte) (h >> 8);
                j[i + 6] = (byte) h;
                j[i + 7] = (byte) (w >> 8);
                j[i + 8] = (byte) w;
                return j;
            }
        }
        throw new IllegalStateException("no SOF0 marker");
    }

    /** A minimal little-endian TIFF header: one IFD declaring {@code w × h}, 8-bit grey, one strip. */
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
}

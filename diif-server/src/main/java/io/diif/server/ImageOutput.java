package io.diif.server;

import io.diif.server.ImageRequest.Format;
import io.diif.server.ImageRequest.Quality;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/** The last IIIF steps, mirroring, rotation by 90s and quality, then the encoded file. */
final class ImageOutput {
    private static final float JPEG_QUALITY = 0.9f;

    private ImageOutput() {
    }

    static byte[] encode(Rgb rgb, boolean mirror, int rotation, Quality quality, Format format) {
        BufferedImage image = image(rgb, mirror, rotation, quality, format);
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName(format.writer);
        if (!writers.hasNext()) {
            throw new IllegalStateException("no ImageIO writer for " + format.writer);
        }
        ImageWriter writer = writers.next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 * 1024);
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            if (format == Format.JPG) {
                param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                param.setCompressionQuality(JPEG_QUALITY);
            }
            writer.write(null, new IIOImage(image, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    /** The output pixels: {@code rgb} mirrored (before rotating, as IIIF orders them), rotated, in quality. */
    static BufferedImage image(Rgb rgb, boolean mirror, int rotation, Quality quality, Format format) {
        int w = rgb.width();
        int h = rgb.height();
        boolean turned = rotation == 90 || rotation == 270;
        int ow = turned ? h : w;
        int oh = turned ? w : h;
        int n = w * h;
        float[] p = rgb.planes();
        boolean binary = quality == Quality.BITONAL && format != Format.JPG;
        int type = switch (quality) {
            case GRAY -> BufferedImage.TYPE_BYTE_GRAY;
            case BITONAL -> binary ? BufferedImage.TYPE_BYTE_BINARY : BufferedImage.TYPE_BYTE_GRAY;
            default -> BufferedImage.TYPE_INT_RGB;
        };
        BufferedImage out = new BufferedImage(ow, oh, type);
        int[] argb = type == BufferedImage.TYPE_INT_RGB
                ? ((DataBufferInt) out.getRaster().getDataBuffer()).getData() : null;
        byte[] gray = type == BufferedImage.TYPE_BYTE_GRAY
                ? ((DataBufferByte) out.getRaster().getDataBuffer()).getData() : null;
        for (int oy = 0; oy < oh; oy++) {
            for (int ox = 0; ox < ow; ox++) {
                int x;
                int y;
                switch (rotation) {
                    case 90 -> {
                        x = oy;
                        y = h - 1 - ox;
                    }
                    case 180 -> {
                        x = w - 1 - ox;
                        y = h - 1 - oy;
                    }
                    case 270 -> {
                        x = w - 1 - oy;
                        y = ox;
                    }
                    default -> {
                        x = ox;
                        y = oy;
                    }
                }
                if (mirror) {
                    x = w - 1 - x;
                }
                int i = y * w + x;
                float r = p[i];
                float g = p[n + i];
                float b = p[2 * n + i];
                if (argb != null) {
                    argb[oy * ow + ox] = to8(r) << 16 | to8(g) << 8 | to8(b);
                    continue;
                }
                float luma = 0.299f * r + 0.587f * g + 0.114f * b;
                if (quality == Quality.BITONAL) {
                    boolean white = luma >= 0.5f;
                    if (binary) {
                        out.getRaster().setSample(ox, oy, 0, white ? 1 : 0);
                    } else {
                        gray[oy * ow + ox] = (byte) (white ? 255 : 0);
                    }
                } else {
                    gray[oy * ow + ox] = (byte) to8(luma);
                }
            }
        }
        return out;
    }

    private static int to8(float v) {
        return Math.max(0, Math.min(255, Math.round(v * 255f)));
    }
}

package io.diif.spark;

import io.diif.Diif;
import io.diif.DiifModel;
import io.diif.FloatImage;
import io.diif.ImageRepresentation;
import io.diif.internal.imaging.ImageFiles;
import io.diif.internal.output.PngStreamWriter;
import io.diif.model.ModelFile;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Every call this module makes into the diif API, in one place: when the API changes, only this class
 * changes. The rest of the module sees models as {@link Model} and images as {@link BufferedImage}.
 */
final class DiifAdapter {
    /** Rows per PNG band: about 4 million pixels, as the API's streamed file writer uses. */
    private static final long BAND_PIXELS = 4L << 20;

    private DiifAdapter() {
    }

    /** A loaded model; thread-safe, as the API's model is. */
    static final class Model implements AutoCloseable {
        private final DiifModel model;

        private Model(DiifModel model) {
            this.model = model;
        }

        String description() {
            return model.toString();
        }

        @Override
        public void close() {
            model.close();
        }
    }

    /** The largest input the API encodes by default, in pixels (8192 × 8192). */
    static long defaultMaxInputPixels() {
        return DiifModel.DEFAULT_MAX_INPUT_PIXELS;
    }

    /** The largest output the API renders, in pixels; the transformer's own limit may only be lower. */
    static long apiMaxOutputPixels() {
        return DiifModel.DEFAULT_MAX_OUTPUT_PIXELS;
    }

    /** Loads a model on {@code backend} (null: the API's choice); fails with the source in the message. */
    static Model load(ModelSource source, byte[] bytes) {
        DiifModel.Builder b = DiifModel.builder().backend(source.backend());
        switch (source.kind()) {
            case DEFAULT -> b.modelResource(Diif.DEFAULT_MODEL_RESOURCE);
            case PATH -> b.model(Path.of(source.path()));
            case BYTES -> b.model(new ByteArrayInputStream(bytes), source.path());
            default -> throw new IllegalStateException("unknown model source " + source.kind());
        }
        return new Model(b.build());
    }

    /** Reads a model file's header and tensors without compiling it, so a bad file fails on the driver. */
    static void checkModel(byte[] bytes, String name) {
        try {
            ModelFile.read(new ByteArrayInputStream(bytes), name);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read model " + name + ": " + e.getMessage(), e);
        }
    }

    /**
     * Decodes an encoded image (PNG, JPEG, BMP, GIF, TIFF). The declared size is checked against
     * {@code maxPixels} before any pixel is decoded, so a decompression bomb costs nothing.
     */
    static BufferedImage decode(byte[] encoded, String name, long maxPixels) throws IOException {
        return ImageFiles.read(encoded, name, maxPixels);
    }

    /**
     * Encodes {@code image} and renders it at exactly {@code width × height} as PNG bytes, band by band as
     * {@code diif upscale} writes its PNG files, so the pixels are the same.
     */
    static byte[] upscaleToPng(Model model, BufferedImage image, int width, int height) throws IOException {
        try (ImageRepresentation rep = model.model.encode(image)) {
            ByteArrayOutputStream png = new ByteArrayOutputStream(Math.max(1024, width * height));
            int bandRows = (int) Math.max(1, Math.min(height, BAND_PIXELS / width));
            try (PngStreamWriter writer = new PngStreamWriter(png, width, height, rep.hasAlpha())) {
                rep.render().size(width, height).toBands(bandRows, (firstRow, band) -> writeRows(writer, band));
            }
            return png.toByteArray();
        }
    }

    private static void writeRows(PngStreamWriter writer, FloatImage band) throws IOException {
        byte[] pixels = band.toInterleaved8();
        int stride = pixels.length / band.height();
        for (int r = 0; r < band.height(); r++) {
            writer.writeRow(Arrays.copyOfRange(pixels, r * stride, (r + 1) * stride));
        }
    }
}

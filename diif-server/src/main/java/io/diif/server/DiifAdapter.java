package io.diif.server;

import io.diif.Diif;
import io.diif.DiifModel;
import io.diif.FloatImage;
import io.diif.ImageRepresentation;
import io.diif.Window;
import io.diif.internal.imaging.AntialiasedBicubicResize;
import io.diif.internal.imaging.ImageCodec;
import io.diif.internal.imaging.ImageFiles;
import io.diif.internal.imaging.Resampler;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;

/**
 * Every call diif-server makes into the diif API, in one class: the API is being reshaped for 1.0, and
 * only this class follows it. The rest of the server speaks {@link Rgb} planes and {@link Box} windows.
 */
final class DiifAdapter implements AutoCloseable {
    private final DiifModel model;

    private DiifAdapter(DiifModel model) {
        this.model = model;
    }

    /**
     * Opens the model file {@code modelFile}, else the class-path resource {@code modelResource}, else the
     * bundled default model, on {@code backend} (null: the best available).
     */
    static DiifAdapter open(Path modelFile, String modelResource, String backend) {
        DiifModel.Builder b = DiifModel.builder().backend(backend)
                // The server bounds what it renders per request (windows, --max-zoom); the grid a window
                // belongs to may be far larger than any one render, and costs nothing by itself.
                .maxOutputPixels(Long.MAX_VALUE);
        if (modelFile != null) {
            b.model(modelFile);
        } else {
            String resource = modelResource != null ? modelResource : Diif.DEFAULT_MODEL_RESOURCE;
            if (DiifAdapter.class.getClassLoader().getResource(resource) == null) {
                throw new IllegalArgumentException("no model given and no model resource " + resource
                        + " on the class path; pass --model FILE");
            }
            b.modelResource(resource);
        }
        return new DiifAdapter(b.build());
    }

    /** Encodes a small image and renders it larger, so the engine's first-run costs are paid now. */
    void warmUp() {
        BufferedImage image = new BufferedImage(24, 24, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 24; y++) {
            for (int x = 0; x < 24; x++) {
                image.setRGB(x, y, (x * 10) << 16 | (y * 10) << 8 | (x + y) * 5);
            }
        }
        try (ImageRepresentation rep = model.encode(image)) {
            rep.render().size(96, 96).toFloatImage();
        }
    }

    /** Model name and backend, for the log and the viewer. */
    String describe() {
        return model.config().name() + " on " + model.backendName();
    }

    /**
     * Reads an image file within {@code maxPixels}, as an opaque 8-bit RGB image (transparent pixels are
     * composed over white): the model only sees colour, and every render path must see the same pixels.
     */
    static BufferedImage readOpaque(Path file, long maxPixels) throws IOException {
        BufferedImage image = ImageFiles.read(file, maxPixels);
        if (image.getType() == BufferedImage.TYPE_INT_RGB) {
            return image;
        }
        BufferedImage rgb = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = rgb.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, rgb.getWidth(), rgb.getHeight());
            g.drawImage(image, 0, 0, null);
        } finally {
            g.dispose();
        }
        return rgb;
    }

    /** The image's colour planes in [0, 1]. */
    static Rgb planes(BufferedImage image) {
        return new Rgb(ImageCodec.read(image).rgb(), image.getWidth(), image.getHeight());
    }

    /**
     * PIL's antialiased bicubic resize (Keys a = -0.5, the kernel widened by the shrink factor), clamped to
     * [0, 1]: the downscale for sizes at or below the source.
     */
    static Rgb resize(Rgb source, int width, int height) {
        if (width == source.width() && height == source.height()) {
            return source;
        }
        float[] out = AntialiasedBicubicResize.resize(source.planes(), 3, source.width(), source.height(), width,
                height);
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.max(0f, Math.min(1f, out[i]));
        }
        return new Rgb(out, width, height);
    }

    /** The Keys cubic kernel (a = -0.5) of the project's bicubic resampler, at distance {@code x}. */
    static double cubic(double x) {
        return Resampler.cubic(x);
    }

    /**
     * Bytes an encoding of a {@code width × height} image holds: the feature map, and for LTE and DLTE the
     * per-latent maps and the input they keep.
     */
    long encodingBytes(int width, int height) {
        return model.encodingBytes(width, height);
    }

    /** Encodes a whole image once; its renders share it. */
    Encoding encode(BufferedImage image) {
        return new Encoding(model.encode(image), encodingBytes(image.getWidth(), image.getHeight()));
    }

    /**
     * {@code window} of the image's DIIF render at {@code gridWidth × gridHeight}, from a whole-image
     * encoding; {@code cancelled} is polled as the decoder makes progress and stops the render.
     */
    Rgb render(Encoding encoding, int gridWidth, int gridHeight, Box window, BooleanSupplier cancelled) {
        FloatImage f = encoding.representation.render().size(gridWidth, gridHeight).window(window(window))
                .progress(pixels -> checkCancelled(cancelled)).toFloatImage();
        return new Rgb(f.toRgb01Array(), f.width(), f.height());
    }

    /**
     * The same pixels as {@link #render}, encoding only the part of {@code image} the window needs (the
     * region-of-interest render): the first tiles of an image need not wait for its whole encoding.
     */
    Rgb render(BufferedImage image, int gridWidth, int gridHeight, Box window, BooleanSupplier cancelled) {
        checkCancelled(cancelled);
        FloatImage f = model.render(image).size(gridWidth, gridHeight).window(window(window))
                .progress(pixels -> checkCancelled(cancelled)).toFloatImage();
        return new Rgb(f.toRgb01Array(), f.width(), f.height());
    }

    private static void checkCancelled(BooleanSupplier cancelled) {
        if (cancelled.getAsBoolean()) {
            throw new RenderCancelledException();
        }
    }

    private static Window window(Box b) {
        return new Window(b.x(), b.y(), b.width(), b.height());
    }

    @Override
    public void close() {
        model.close();
    }

    /** A whole image's encoding and the bytes it holds. */
    static final class Encoding {
        private final ImageRepresentation representation;
        private final long bytes;

        private Encoding(ImageRepresentation representation, long bytes) {
            this.representation = representation;
            this.bytes = bytes;
        }

        long bytes() {
            return bytes;
        }
    }

    /** Thrown through the decoder when a render's request was cancelled (disconnect, timeout, shutdown). */
    static final class RenderCancelledException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RenderCancelledException() {
            super("render cancelled", null, false, false);
        }
    }
}

package io.diif;

import java.awt.image.BufferedImage;
import java.nio.file.Path;

/**
 * The front door: one-call upscaling with the default model, and model loading. It exists so that the
 * first use takes one line; everything else is on {@link DiifModel} and {@link Render}.
 *
 * <pre>{@code
 * BufferedImage big = Diif.upscale(photo, 3.5);                 // default model, best backend
 * try (DiifModel m = Diif.load(Path.of("my.safetensors"))) {   // your own model
 *     BufferedImage poster = m.render(photo).size(4000, 3000).toImage();
 * }
 * }</pre>
 */
public final class Diif {
    /** Where the default model is looked up on the class path (the diif-model-default artifact). */
    public static final String DEFAULT_MODEL_RESOURCE = "io/diif/models/default.safetensors";

    private static volatile DiifModel defaultModel;

    private Diif() {
    }

    /**
     * Loads a model file on the default backend with the default limits.
     *
     * @param path a {@code .safetensors} model file
     * @return the model, to be closed by the caller
     * @throws java.io.UncheckedIOException if the file cannot be read
     * @throws io.diif.model.ModelFormatException if the file is not a valid model
     * @throws IllegalStateException if no backend is available
     */
    public static DiifModel load(Path path) {
        return DiifModel.load(path);
    }

    /**
     * Starts configuring a model (source, backend, precision, limits), for anything {@link #load} does not
     * cover.
     *
     * @return a new builder
     */
    public static DiifModel.Builder model() {
        return DiifModel.builder();
    }

    /**
     * Upscales with the default model to {@code round(scale·W) × round(scale·H)} of the image's
     * {@code W × H}. For an exact size, a window or a file, use {@code defaultModel().render(image)}.
     *
     * @param image the image to upscale (RGB, grey or with alpha)
     * @param scale the factor, finite and positive; below 1 it downscales
     * @return the 8-bit result, with alpha when the input had it
     * @throws IllegalStateException when no default model is on the class path
     * @throws IllegalArgumentException if {@code scale} is not finite and positive, or the input or output
     *     exceeds the model's limits
     * @throws DiifException if the backend fails
     */
    public static BufferedImage upscale(BufferedImage image, double scale) {
        return defaultModel().upscale(image, scale);
    }

    /**
     * The shared default model, loaded on first use from {@value #DEFAULT_MODEL_RESOURCE} and kept for the
     * life of the JVM, so that repeated one-line calls do not reload it.
     *
     * @return the shared model; do not close it
     * @throws IllegalStateException when no default model is on the class path
     */
    public static DiifModel defaultModel() {
        DiifModel m = defaultModel;
        if (m == null) {
            synchronized (Diif.class) {
                m = defaultModel;
                if (m == null) {
                    if (Diif.class.getClassLoader().getResource(DEFAULT_MODEL_RESOURCE) == null
                            && (Thread.currentThread().getContextClassLoader() == null || Thread.currentThread()
                                    .getContextClassLoader().getResource(DEFAULT_MODEL_RESOURCE) == null)) {
                        throw new IllegalStateException("No default model on the class path (" + DEFAULT_MODEL_RESOURCE
                                + "), nor module io.diif.models.defaults on the module path. Load a model file"
                                + " with Diif.load(path), or add the artifact diif-model-default.");
                    }
                    m = DiifModel.builder().modelResource(DEFAULT_MODEL_RESOURCE).build();
                    defaultModel = m;
                }
            }
        }
        return m;
    }
}

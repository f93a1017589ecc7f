package io.diif;

import java.awt.image.BufferedImage;
import java.nio.file.Path;

/**
 * The front door: one-call upscaling with the default model, and model loading.
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

    /** Loads a model file on the default backend. */
    public static DiifModel load(Path path) {
        return DiifModel.load(path);
    }

    /** Starts configuring a model (source, backend, limits). */
    public static DiifModel.Builder model() {
        return DiifModel.builder();
    }

    /** Upscales with the default model to {@code round(scale·W) × round(scale·H)}. */
    public static BufferedImage upscale(BufferedImage image, double scale) {
        return defaultModel().upscale(image, scale);
    }

    /**
     * The shared default model, loaded on first use from {@value #DEFAULT_MODEL_RESOURCE}.
     *
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
                                + "). Load a model file with Diif.load(path), or add the default model artifact.");
                    }
                    m = DiifModel.builder().modelResource(DEFAULT_MODEL_RESOURCE).build();
                    defaultModel = m;
                }
            }
        }
        return m;
    }
}

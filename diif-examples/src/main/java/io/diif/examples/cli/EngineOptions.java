package io.diif.examples.cli;

import io.diif.Diif;
import io.diif.DiifModel;
import io.diif.Precision;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * How a command that renders loads its model: {@code --model}, {@code --backend}, {@code --precision} and
 * {@code --max-pixels}.
 */
public final class EngineOptions {
    /** How a model inside a jar is named where a model FILE goes. */
    public static final String CLASSPATH = "classpath:";
    /** The LIIF of diif-model-liif, what a bare --liif-model means. */
    public static final String BUNDLED_LIIF = CLASSPATH + "io/diif/models/liif.safetensors";
    @Mixin
    private ModelChoice choice;

    @Option(names = "--precision", paramLabel = "fp32|bf16|int8", converter = Values.PrecisionValue.class,
            description = "fp32 (default); int8 on onnx: faster decoder layers, but below x12 it loses more than"
                    + " 0.05 dB PSNR and shifts flat colours (docs/performance.md); bf16: no backend yet.")
    private Precision precision;

    @Option(names = "--max-pixels", paramLabel = "N", converter = Values.LongValue.class,
            description = "Refuse outputs of more pixels than this (default: 268435456).")
    private Long maxPixels;

    /** --model and how it was given. */
    public ModelOption model() {
        return choice.model();
    }

    /** The --precision value, fp32 when absent. */
    public Precision precision() {
        return precision == null ? Precision.FP32 : precision;
    }

    /** The one --model (the bundled default model when none is given), on --backend, within --max-pixels. */
    public DiifModel open() {
        return open(choice.model().file());
    }

    /**
     * The model {@code file} on --backend, within --max-pixels: a path, a {@code classpath:} resource such as
     * {@link #BUNDLED_LIIF}, or null for the bundled default model.
     */
    public DiifModel open(String file) {
        DiifModel.Builder b = DiifModel.builder().backend(choice.backend()).precision(precision());
        if (file == null) {
            b.modelResource(bundled(Diif.DEFAULT_MODEL_RESOURCE, "no --model given and no default model is bundled;"
                    + " pass --model FILE"));
        } else {
            withModel(b, file);
        }
        if (maxPixels != null) {
            b.maxOutputPixels(maxPixels);
        }
        return b.build();
    }

    /** Points {@code builder} at the model {@code name}: a file path or a {@code classpath:} resource. */
    public static DiifModel.Builder withModel(DiifModel.Builder builder, String name) {
        return name.startsWith(CLASSPATH) ? builder.modelResource(resource(name)) : builder.model(Path.of(name));
    }

    /** The resource of a {@code classpath:} model name, refused with a usage message when it is not there. */
    public static String resource(String classpathName) {
        String resource = classpathName.substring(CLASSPATH.length());
        return bundled(resource, BUNDLED_LIIF.equals(classpathName)
                ? "no LIIF model is bundled (diif-model-liif is not on the class path); pass --liif-model FILE"
                : "no class-path resource " + Messages.printable(resource) + "; pass a model FILE");
    }

    private static String bundled(String resource, String missing) {
        if (EngineOptions.class.getClassLoader().getResource(resource) == null) {
            throw new UsageException(missing);
        }
        return resource;
    }
}

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

    /** The model file {@code file} (null: the bundled default model) on --backend, within --max-pixels. */
    public DiifModel open(String file) {
        DiifModel.Builder b = DiifModel.builder().backend(choice.backend()).precision(precision());
        if (file != null) {
            b.model(Path.of(file));
        } else {
            if (EngineOptions.class.getClassLoader().getResource(Diif.DEFAULT_MODEL_RESOURCE) == null) {
                throw new UsageException("no --model given and no default model is bundled; pass --model FILE");
            }
            b.modelResource(Diif.DEFAULT_MODEL_RESOURCE);
        }
        if (maxPixels != null) {
            b.maxOutputPixels(maxPixels);
        }
        return b.build();
    }
}

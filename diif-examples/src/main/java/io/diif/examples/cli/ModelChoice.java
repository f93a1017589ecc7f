package io.diif.examples.cli;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Which model runs where: {@code --model FILE} and {@code --backend NAME}. */
public final class ModelChoice {
    @Mixin
    private ModelOption model;

    @Option(names = "--backend", paramLabel = "NAME", description = "onnx, tensorflow, pytorch or java (default:"
            + " -Ddiif.backend, $DIIF_BACKEND, else the fastest present, in that order).")
    private String backend;

    public ModelOption model() {
        return model;
    }

    /** The backend asked for, or null for the default choice. */
    public String backend() {
        return backend;
    }
}

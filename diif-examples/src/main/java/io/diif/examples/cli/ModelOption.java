package io.diif.examples.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code --model FILE}. Parsed as repeatable so that a command taking one model can say how many it got
 * ({@link #file()}) and one taking several can have them all ({@link #files()}).
 */
public final class ModelOption {
    @Spec(Spec.Target.MIXEE)
    private CommandSpec command;

    @Option(names = "--model", paramLabel = "FILE",
            description = "A .safetensors model (default: the bundled default model, when present).")
    private List<String> given;

    /** The one --model, or null when none was given. */
    public String file() {
        if (given == null || given.isEmpty()) {
            return null;
        }
        if (given.size() > 1) {
            throw new UsageException("--model given " + given.size() + " times; " + command.name() + " takes one");
        }
        return given.get(0);
    }

    /** Every --model, each also split at commas ({@code --model A,B --model C}). */
    public List<String> files() {
        List<String> all = new ArrayList<>();
        if (given != null) {
            for (String v : given) {
                all.addAll(Values.list("--model", v));
            }
        }
        return all;
    }
}

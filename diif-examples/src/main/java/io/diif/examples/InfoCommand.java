package io.diif.examples;

import io.diif.Diif;
import io.diif.examples.cli.CommonOptions;
import io.diif.examples.cli.EngineOptions;
import io.diif.examples.cli.Messages;
import io.diif.examples.cli.ModelChoice;
import io.diif.examples.cli.Positionals;
import io.diif.examples.cli.Streams;
import io.diif.internal.backends.Backends;
import io.diif.model.ModelConfig;
import io.diif.model.ModelFile;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code diif info}: a model's architecture, size and tensors, and the backends that could run it. */
@Command(name = "info", sortOptions = false, customSynopsis = "diif info [--model FILE] [--backend NAME]",
        description = "Architecture, parameter count, tensors, backends and which one would run the model.")
final class InfoCommand implements Callable<Integer> {
    private final Streams streams;

    @Parameters(hidden = true)
    private List<String> args = List.of();

    @Mixin
    private ModelChoice choice;

    @Mixin
    private CommonOptions common;

    InfoCommand(Streams streams) {
        this.streams = streams;
    }

    @Override
    public Integer call() throws IOException {
        Positionals.expect(args, 0, "info");
        PrintStream out = streams.out();
        Backends.Discovery d = Backends.discover();
        String modelPath = choice.model().file();
        ModelFile file = null;
        String resource = modelPath == null ? Diif.DEFAULT_MODEL_RESOURCE
                : modelPath.startsWith(EngineOptions.CLASSPATH) ? EngineOptions.resource(modelPath) : null;
        if (resource == null) {
            file = ModelFile.read(Path.of(modelPath));
        } else {
            try (var in = InfoCommand.class.getClassLoader().getResourceAsStream(resource)) {
                if (in != null) { // no default model bundled: info describes the backends only
                    file = ModelFile.read(in, EngineOptions.CLASSPATH + resource);
                }
            }
        }
        if (file != null) {
            ModelFile f = file;
            ModelConfig c = file.config();
            out.println("model:        " + Messages.printable(file.source()));
            out.println("name:         " + Messages.printable(c.name()));
            out.println("architecture: " + describe(c));
            long used = file.parameterCount();
            long registered = io.diif.model.TensorLayout.moduleParameterCount(c);
            out.printf(Locale.ROOT, "parameters:   %,d%s%n", used, registered == used ? ""
                    : String.format(Locale.ROOT, " (%,d counting EDSR's frozen mean-shift layers, as PyTorch's"
                            + " parameters() does)", registered));
            long decoder = io.diif.model.TensorLayout.decoderParameterCount(c);
            out.printf(Locale.ROOT, "decoder:      %,d parameters (%.1fK in the DIIF paper's Tables 3-4, which count"
                    + " 1,000/1.024 per K)%n", decoder, decoder * 1.024 / 1000);
            Map<String, Object> training = file.training();
            if (!training.isEmpty()) {
                out.println("trained:      " + Messages.printable(describeTraining(training)));
            }
            out.println("tensors:");
            f.parameters().forEach((name, p) -> out.printf(Locale.ROOT, "  %-34s %-18s %s%n", Messages.printable(name),
                    Arrays.toString(p.shape()), f.storedDtypes().get(name)));
            for (Map.Entry<String, String> m : file.metadata().entrySet()) {
                if (!m.getKey().equals(ModelConfig.METADATA_KEY)) {
                    out.println("metadata " + Messages.printable(m.getKey()) + ": " + Messages.printable(m.getValue()));
                }
            }
        } else {
            out.println("model:        none given and no default model bundled (use --model FILE)");
        }
        out.println("backends:     " + (d.available().isEmpty() ? "none" : String.join(", ",
                d.available().stream().map(p -> p.name() + " (priority " + p.priority() + ")").toList())));
        d.unavailable().forEach((n, why) -> out.println("unavailable:  " + n + ": " + why));
        d.broken().forEach(b -> out.println("failed:       " + b));
        Backends.Choice chosen = Backends.choose(choice.backend());
        out.println("would run on: " + chosen.provider().name() + " (" + (chosen.source() == Backends.Source.REQUESTED
                ? "named by --backend" : chosen.reason()) + ")");
        return DiifCli.EXIT_OK;
    }

    /** One line from a model's training record: steps, data, date, final loss, validation. */
    static String describeTraining(Map<String, Object> t) {
        List<String> parts = new ArrayList<>();
        if (t.get("steps") instanceof Number n) {
            parts.add(String.format(Locale.ROOT, "%,d steps", n.longValue()));
        }
        if (t.get("samples") instanceof Number n) {
            parts.add(String.format(Locale.ROOT, "%,d patches", n.longValue()));
        }
        if (t.get("train_seconds") instanceof Number n) {
            parts.add(String.format(Locale.ROOT, "%.1f h on %s", n.doubleValue() / 3600, t.get("devices")));
        }
        if (t.get("data") instanceof Map<?, ?> d) {
            parts.add("data " + d.get("photos") + " photos, " + (d.get("pixels") instanceof Number p
                    ? String.format(Locale.ROOT, "%.0f Mpixels", p.doubleValue() / 1e6) : "?"));
        }
        if (t.get("final_loss") != null) {
            parts.add("final L1 " + t.get("final_loss"));
        }
        if (t.get("date") != null) {
            parts.add("exported " + t.get("date"));
        }
        if (parts.isEmpty()) {
            parts.add(t.toString());
        }
        return String.join("; ", parts);
    }

    /** The architecture in one line: encoder and decoder with their sizes. */
    static String describe(ModelConfig c) {
        return c.encoder().summary() + " + " + c.decoder().summary();
    }
}

package io.diif.examples;

import io.diif.backend.onnx.OnnxModelExporter;
import io.diif.model.ModelFile;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * {@code diif export-onnx --model FILE OUTDIR}: writes the model's networks as standard {@code .onnx}
 * files (one per graph), the glue weights and a README on how to run them, via {@link OnnxModelExporter}.
 * Needs no native code: works where ONNX Runtime cannot run.
 */
final class ExportOnnxCommand {
    private final PrintStream out;
    private final PrintStream err;

    ExportOnnxCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    void run(DiifCli.Arguments a) throws IOException {
        a.expectPositionals(1, "export-onnx OUTDIR");
        String model = a.option("--model");
        if (model == null) {
            throw new DiifCli.UsageException("export-onnx needs --model FILE (the .safetensors model to export)");
        }
        Path dir = Path.of(a.positionals.get(0));
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new DiifCli.UsageException("OUTDIR " + dir + " exists and is not a directory");
        }
        ModelFile file = ModelFile.read(Path.of(model));
        long started = System.nanoTime();
        List<Path> written = OnnxModelExporter.export(file, dir);
        long bytes = 0;
        for (Path p : written) {
            long size = Files.size(p);
            bytes += size;
            out.printf(Locale.ROOT, "%12s  %s%n", String.format(Locale.ROOT, "%,d", size), p);
        }
        if (!a.flag("--quiet")) {
            err.printf(Locale.ROOT, "diif: exported %s (%s) as %d files, %,d bytes, in %.2f s; see %s%n",
                    file.config().name(), file.source(), written.size(), bytes, (System.nanoTime() - started) / 1e9,
                    dir.resolve(OnnxModelExporter.README));
        }
    }
}

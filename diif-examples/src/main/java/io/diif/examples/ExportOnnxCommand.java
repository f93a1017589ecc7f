package io.diif.examples;

import io.diif.backend.onnx.OnnxModelExporter;
import io.diif.examples.cli.CommonOptions;
import io.diif.examples.cli.ModelOption;
import io.diif.examples.cli.Positionals;
import io.diif.examples.cli.Streams;
import io.diif.examples.cli.UsageException;
import io.diif.model.ModelFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code diif export-onnx --model FILE OUTDIR}: writes the model's networks as standard {@code .onnx}
 * files (one per graph), the glue weights and a README on how to run them, via {@link OnnxModelExporter}.
 * Needs no native code: works where ONNX Runtime cannot run.
 */
@Command(name = "export-onnx", sortOptions = false, customSynopsis = "diif export-onnx --model FILE OUTDIR",
        description = "The model's networks as standard .onnx files, its glue weights and a README on running them.")
final class ExportOnnxCommand implements Callable<Integer> {
    private final Streams streams;

    @Parameters(paramLabel = "OUTDIR", description = "Where the files go (created when absent).")
    private List<String> args = List.of();

    @Mixin
    private ModelOption model;

    @Mixin
    private CommonOptions common;

    ExportOnnxCommand(Streams streams) {
        this.streams = streams;
    }

    @Override
    public Integer call() throws IOException {
        Positionals.expect(args, 1, "export-onnx OUTDIR");
        String file = model.file();
        if (file == null) {
            throw new UsageException("export-onnx needs --model FILE (the .safetensors model to export)");
        }
        Path dir = Path.of(args.get(0));
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new UsageException("OUTDIR " + dir + " exists and is not a directory");
        }
        ModelFile read = ModelFile.read(Path.of(file));
        long started = System.nanoTime();
        List<Path> written = OnnxModelExporter.export(read, dir);
        long bytes = 0;
        for (Path p : written) {
            long size = Files.size(p);
            bytes += size;
            streams.out().printf(Locale.ROOT, "%12s  %s%n", String.format(Locale.ROOT, "%,d", size), p);
        }
        if (!common.quiet()) {
            streams.err().printf(Locale.ROOT, "diif: exported %s (%s) as %d files, %,d bytes, in %.2f s; see %s%n",
                    read.config().name(), read.source(), written.size(), bytes, (System.nanoTime() - started) / 1e9,
                    dir.resolve(OnnxModelExporter.README));
        }
        return DiifCli.EXIT_OK;
    }
}

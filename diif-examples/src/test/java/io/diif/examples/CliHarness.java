package io.diif.examples;

import io.diif.tck.Golden;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/** Runs {@link DiifCli} in-process with captured streams, with a valid model and image on disk. */
public final class CliHarness {
    public final Path dir;
    public final Path model;
    public final Path image;

    public CliHarness(Path dir) {
        this.dir = dir;
        try {
            model = dir.resolve("model-diif-row.safetensors");
            try (InputStream in = CliHarness.class.getClassLoader()
                    .getResourceAsStream(Golden.resource("model-diif-row.safetensors"))) {
                Files.copy(in, model);
            }
            image = dir.resolve("input.png");
            ImageIO.write(Golden.input(), "png", image.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One run's exit code and output. */
    public record Run(int exit, String out, String err) {
        public List<String> errLines() {
            return err.isEmpty() ? List.of() : List.of(err.split("\r?\n", -1)).stream().filter(l -> !l.isEmpty())
                    .toList();
        }

        @Override
        public String toString() {
            return "exit " + exit + ", stdout [" + out + "], stderr [" + err + "]";
        }
    }

    public static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            exit = new DiifCli(o, e).run(args);
        }
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Replaces {MODEL}, {IMAGE} and {OUT} in arguments. */
    String[] args(List<String> template, Path out) {
        return template.stream().map(a -> a.replace("{MODEL}", model.toString()).replace("{IMAGE}", image.toString())
                .replace("{OUT}", out.toString())).toArray(String[]::new);
    }
}

package io.diif.examples.modulepath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the packaged application in a fresh JVM with everything on the module path, as a modular user
 * application would: the descriptors must resolve, the backend must be found through {@code uses}/{@code provides}
 * and the default model through its opened package.
 */
class ModulePathIT {
    private static final String MAIN = "io.diif.examples.modulepath/io.diif.examples.modulepath.ModulePathUpscale";

    @TempDir
    Path dir;

    /** A 48×32 crop of the sample photo: the pure-Java backend renders it in seconds. */
    private Path input() throws IOException {
        BufferedImage photo = ImageIO.read(new File(System.getProperty("diif.modulepath.image")));
        Path in = dir.resolve("in.png");
        ImageIO.write(photo.getSubimage(56, 44, 48, 32), "png", in.toFile());
        return in;
    }

    @Test
    void upscalesOnTheModulePathWithTheJavaBackend() throws Exception {
        Path out = dir.resolve("out.png");
        Run run = run(modulePath(path -> true), List.of(), out);

        assertEquals(0, run.exitCode, run.toString());
        assertTrue(run.stdout.contains("model: edsr-baseline-diif\n"), run.toString());
        assertTrue(run.stdout.contains("backend: java\n"), run.toString());
        assertTrue(run.stdout.contains("api module: io.diif\n"), run.toString());
        assertTrue(run.stdout.contains("application module: io.diif.examples.modulepath\n"), run.toString());
        assertTrue(run.stdout.contains("internals exported: false\n"), run.toString());
        assertTrue(run.stdout.contains("size: 48x32 -> 72x48\n"), run.toString());
        BufferedImage image = ImageIO.read(out.toFile());
        assertEquals(72, image.getWidth());
        assertEquals(48, image.getHeight());
    }

    @Test
    void readsTheLiifModelFromTheClassPath() throws Exception {
        // diif-model-liif has no descriptor (its package directory is the default model's), so a modular
        // application keeps it on the class path, where the API's resource lookup still finds it.
        Path out = dir.resolve("liif.png");
        Run run = run(modulePath(path -> true), List.of("-cp", System.getProperty("diif.modulepath.liif")), out,
                "io/diif/models/liif.safetensors");

        assertEquals(0, run.exitCode, run.toString());
        assertTrue(run.stdout.contains("model: edsr-baseline-liif\n"), run.toString());
        assertTrue(run.stdout.contains("size: 48x32 -> 72x48\n"), run.toString());
    }

    @Test
    void withoutABackendModuleNoneIsFound() throws Exception {
        // The same module path less the backend: discovery must come from the module graph, not from a
        // class path that happens to hold the backend.
        Run run = run(modulePath(path -> !path.getFileName().toString().startsWith("diif-backend-java")),
                List.of(), dir.resolve("none.png"));

        assertNotEquals(0, run.exitCode, run.toString());
        assertTrue(run.stderr.contains("available: none"), run.toString());
    }

    private static List<Path> modulePath(Predicate<Path> keep) throws IOException {
        List<Path> path = new ArrayList<>();
        path.add(Path.of(System.getProperty("diif.modulepath.jar")));
        String deps = Files.readString(Path.of(System.getProperty("diif.modulepath.dependencies"))).trim();
        Arrays.stream(deps.split(File.pathSeparator)).map(Path::of).filter(keep).forEach(path::add);
        return path;
    }

    private Run run(List<Path> modulePath, List<String> classPath, Path out, String... model) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String path = modulePath.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator));
        List<String> command = new ArrayList<>(List.of(java, "-Xmx1g", "-Djava.awt.headless=true"));
        command.addAll(classPath);
        command.addAll(List.of("--module-path", path, "--module", MAIN, input().toString(), out.toString(), "1.5"));
        command.addAll(List.of(model));
        Path stdout = dir.resolve("stdout.txt");
        Path stderr = dir.resolve("stderr.txt");
        Process p = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile())
                .start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("the application did not finish in 5 minutes: " + command);
        }
        return new Run(command, p.exitValue(), Files.readString(stdout, StandardCharsets.UTF_8),
                Files.readString(stderr, StandardCharsets.UTF_8));
    }

    private record Run(List<String> command, int exitCode, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exitCode + " of " + String.join(" ", command) + "\n--- stdout\n" + stdout + "--- stderr\n"
                    + stderr;
        }
    }
}

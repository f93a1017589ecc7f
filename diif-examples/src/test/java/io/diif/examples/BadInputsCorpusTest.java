package io.diif.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.diif.examples.CliHarness.Run;
import io.diif.internal.backends.Backends;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed bad-inputs corpus (robustness/corpus, written by robustness/MakeCorpus.java) through the
 * command line: every hostile model, image and argument vector exits non-zero with one line on stderr
 * that names the file or the bad argument. In-process for all of them; a sample also in fresh JVMs,
 * checking that no JVM crash file appears and each takes under 10 s. robustness/run-corpus.sh does the
 * same with ./diif for every entry.
 */
@DisplayName("bad-inputs corpus through the command line")
class BadInputsCorpusTest {
    static final Path CORPUS = Path.of(System.getProperty("diif.corpus", "../robustness/corpus"));

    @TempDir
    static Path dir;
    static CliHarness cli;
    static String previousBackend;

    @BeforeAll
    static void setUp() {
        assertTrue(Files.isDirectory(CORPUS.resolve("models")), "corpus not found at " + CORPUS.toAbsolutePath());
        cli = new CliHarness(dir);
        // In-process runs use the pure-Java backend (no native engine in the test JVM); the fresh JVMs
        // below use the command line's default.
        previousBackend = System.setProperty(Backends.PROPERTY, "java");
    }

    @AfterAll
    static void restore() {
        if (previousBackend == null) {
            System.clearProperty(Backends.PROPERTY);
        } else {
            System.setProperty(Backends.PROPERTY, previousBackend);
        }
    }

    /** One corpus case: arguments (with placeholders), expected exit code (0 = any non-zero), fragment. */
    record Case(String name, List<String> args, int exit, String fragment) {
    }

    static List<Case> cases() throws IOException {
        List<Case> cases = new ArrayList<>();
        for (Path f : list(CORPUS.resolve("models"))) {
            String n = f.getFileName().toString();
            String p = f.toAbsolutePath().toString();
            cases.add(new Case("model " + n + " (upscale)", List.of("upscale", "{IMAGE}", "{OUT}/o.png", "--scale", "2",
                    "--model", p), 1, n));
            cases.add(new Case("model " + n + " (info)", List.of("info", "--model", p), 1, n));
        }
        for (Path f : list(CORPUS.resolve("images"))) {
            String n = f.getFileName().toString();
            cases.add(new Case("image " + n, List.of("upscale", f.toAbsolutePath().toString(), "{OUT}/o.png", "--scale",
                    "2", "--model", "{MODEL}"), 1, n));
        }
        for (String line : Files.readAllLines(CORPUS.resolve("args.tsv"), StandardCharsets.UTF_8)) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] cols = line.split("\t");
            List<String> args = Arrays.asList(cols).subList(2, cols.length);
            cases.add(new Case("args " + String.join(" ", args), args, Integer.parseInt(cols[0]), cols[1]));
        }
        return cases;
    }

    static List<Path> list(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.sorted().toList();
        }
    }

    static void check(Case c, int exit, String out, List<String> errLines) {
        if (c.exit() != 0) {
            assertEquals(c.exit(), exit, () -> c.name() + ": exit code; stderr " + errLines);
        }
        assertTrue(exit != 0, c.name() + " exited 0");
        assertEquals(1, errLines.size(), () -> c.name() + ": stderr must be one line, was " + errLines);
        String line = errLines.get(0);
        assertTrue(line.startsWith("diif: "), line);
        assertTrue(line.contains(c.fragment()), () -> c.name() + ": '" + line + "' lacks '" + c.fragment() + "'");
        assertEquals("", out, c.name() + ": stdout");
    }

    @TestFactory
    @DisplayName("every corpus entry is refused with one clear line (in-process)")
    Stream<DynamicTest> inProcess() throws IOException {
        return cases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            Path out = Files.createTempDirectory(dir, "out");
            Run r = CliHarness.run(cli.args(c.args(), out));
            check(c, r.exit(), r.out(), r.errLines());
        }));
    }

    @Test
    @DisplayName("a sample of the corpus in fresh JVMs: no crash file, under 10 s each")
    void freshJvm() throws Exception {
        List<Case> all = cases();
        List<Case> sample = new ArrayList<>();
        for (String pick : List.of("model header-length-2p63.safetensors (upscale)", "model weight-nan.safetensors (info)",
                "model shape-2GB-claim.safetensors (upscale)", "image bomb-100000x100000.png", "image truncated-half.jpg",
                "image empty.png")) {
            sample.add(all.stream().filter(c -> c.name().equals(pick)).findFirst().orElseThrow(() -> new AssertionError(pick)));
        }
        sample.add(all.stream().filter(c -> c.name().contains("--scale 1e9")).findFirst().orElseThrow());
        String javaExe = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        for (Case c : sample) {
            Path work = Files.createTempDirectory(dir, "jvm");
            List<String> command = new ArrayList<>(List.of(javaExe, "-cp", System.getProperty("java.class.path"),
                    "io.diif.examples.DiifCli"));
            command.addAll(Arrays.asList(cli.args(c.args(), work)));
            Path stdout = work.resolve("stdout");
            Path stderr = work.resolve("stderr");
            long start = System.nanoTime();
            Process p = new ProcessBuilder(command).directory(work.toFile()).redirectOutput(stdout.toFile())
                    .redirectError(stderr.toFile()).start();
            boolean done = p.waitFor(10, TimeUnit.SECONDS);
            if (!done) {
                p.destroyForcibly();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            assertTrue(done, c.name() + " took more than 10 s");
            List<String> errLines = Files.readAllLines(stderr).stream().filter(l -> !l.isEmpty()).toList();
            check(c, p.exitValue(), Files.readString(stdout), errLines);
            try (Stream<Path> files = Files.list(work)) {
                assertFalse(files.anyMatch(f -> f.getFileName().toString().startsWith("hs_err_pid")),
                        c.name() + ": JVM crash file");
            }
            System.out.printf(java.util.Locale.ROOT, "[corpus] %-50s %.2f s  %s%n", c.name(), seconds, errLines.get(0));
        }
        assertTrue(new File(javaExe).canExecute());
    }
}

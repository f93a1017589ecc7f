package io.diif.examples;

import static io.diif.examples.DiifCliErrorsTest.oneLineFailure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.diif.examples.CliHarness.Run;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Generated help on every command, --version, and the shell completion script. */
@DisplayName("diif help, version and completion")
class CliHelpTest {
    static final List<String> COMMANDS = List.of("upscale", "sample", "info", "bench", "export-onnx", "eval", "serve",
            "completion");

    @ParameterizedTest(name = "{0} --help")
    @ValueSource(strings = {"upscale", "sample", "info", "bench", "export-onnx", "eval", "serve", "completion"})
    @DisplayName("--help, -h and 'diif help COMMAND' print the command's usage and options on stdout, exit 0")
    void helpOnEveryCommand(String command) {
        Run r = CliHarness.run(command, "--help");
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().startsWith("usage: diif " + command), r.out());
        assertTrue(r.out().contains("\noptions:\n") && r.out().contains("-h, --help"), r.out());
        assertTrue(r.out().contains("\nexit codes:\n  0   done"), r.out());
        assertEquals("", r.err());
        assertEquals(r.out(), CliHarness.run(command, "-h").out());
        assertEquals(r.out(), CliHarness.run("help", command).out());
    }

    @Test
    @DisplayName("each command's help lists its own options, with the shared ones from one place")
    void optionsPerCommand() {
        String upscale = CliHarness.run("upscale", "--help").out();
        for (String option : List.of("--scale", "--size", "--window", "--model", "--backend", "--precision",
                "--max-pixels", "--quiet", "--verbose")) {
            assertTrue(upscale.contains(option), option + " in " + upscale);
        }
        String serve = CliHarness.run("serve", "--help").out();
        for (String option : List.of("--images", "--port", "--host", "--max-zoom", "--workers", "--queue",
                "--cache-mb", "--max-area", "--timeout", "--model", "--backend")) {
            assertTrue(serve.contains(option), option + " in " + serve);
        }
        assertFalse(serve.contains("--precision"), "serve has no --precision");
        String info = CliHarness.run("info", "--help").out();
        assertFalse(info.contains("--scale") || info.contains("arguments:"), info);
    }

    @Test
    @DisplayName("--version names the project version of the build and the backends present")
    void version() throws IOException {
        Run r = CliHarness.run("--version");
        assertEquals(0, r.exit(), r::toString);
        List<String> lines = r.out().lines().toList();
        assertEquals("diif " + pomVersion(), lines.get(0));
        assertTrue(lines.get(1).startsWith("backends: ") && lines.get(1).contains("java (priority"), r.out());
        assertEquals(r.out(), CliHarness.run("-V").out());
    }

    /** The version Maven built with, from the pom next to the tests' working directory. */
    private static String pomVersion() throws IOException {
        String pom = Files.readString(Path.of("pom.xml"));
        int parent = pom.indexOf("<parent>");
        int start = pom.indexOf("<version>", parent) + "<version>".length();
        return pom.substring(start, pom.indexOf("</version>", start));
    }

    @Test
    @DisplayName("'diif completion' prints picocli's bash/zsh script with every command and its options")
    void completionScript() {
        Run r = CliHarness.run("completion");
        assertEquals(0, r.exit(), r::toString);
        String script = r.out();
        assertTrue(script.startsWith("#!/usr/bin/env bash"), script.substring(0, 80));
        assertTrue(script.contains("complete -F _complete_diif"), "registers the completion function");
        for (String command : COMMANDS) {
            assertTrue(script.contains(command), command);
        }
        for (String option : List.of("--scale", "--size", "--window", "--images", "--port", "--paper-models",
                "--macs-only", "--picture-scales")) {
            assertTrue(script.contains(option), option);
        }
        assertTrue(script.contains("edsr-diif"), "--paper-models completes to the paper models' kinds");
        oneLineFailure(CliHarness.run("completion", "extra"), 2, "completion: expected 0 arguments, got 1");
    }

    @Test
    @DisplayName("bash completes commands and options with the generated script")
    void bashCompletes(@TempDir Path dir) throws Exception {
        Path script = dir.resolve("diif-completion.bash");
        Files.writeString(script, CliHarness.run("completion").out());
        assertEquals("upscale", complete(script, "diif ups"));
        assertEquals("--scale --size", complete(script, "diif upscale in.png out.png --s"));
        assertEquals("--images", complete(script, "diif serve --ima"));
    }

    /** What bash offers for the last word of {@code line}, sorted, space-separated. */
    private static String complete(Path script, String line) throws Exception {
        String words = line.endsWith(" ") ? line + "''" : line;
        String command = "source " + script + "; COMP_WORDS=(" + words + "); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ));"
                + " COMP_LINE='" + line + "'; COMP_POINT=${#COMP_LINE}; _complete_diif;"
                + " printf '%s\\n' \"${COMPREPLY[@]}\" | sort | tr '\\n' ' '";
        Process p = new ProcessBuilder("bash", "-c", command)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "bash finished");
        assertEquals(0, p.exitValue(), out);
        return out.trim();
    }

    @Test
    @DisplayName("no command: the usage on stderr, exit 2; the top-level usage lists every command's synopsis")
    void topLevel() {
        Run r = CliHarness.run();
        assertEquals(2, r.exit());
        assertTrue(r.err().startsWith("usage: diif <command> [options]"), r.err());
        String help = CliHarness.run("--help").out();
        for (String command : List.of("upscale", "sample", "info", "bench", "export-onnx", "batch", "eval", "serve",
                "completion")) {
            assertTrue(help.contains("\n  diif " + command + " ") || help.contains("\n  diif " + command + "\n"),
                    command + " in " + help);
        }
        assertTrue(help.contains("diif upscale IN OUT (--scale S | --scale SXxSY | --size WxH)"), help);
        oneLineFailure(CliHarness.run("batch", "--input", "x"), 2, "batch runs on Apache Spark");
    }
}

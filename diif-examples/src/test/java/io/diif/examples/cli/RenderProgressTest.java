package io.diif.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.diif.examples.CliHarness.Run;
import io.diif.examples.CliHarness;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The render progress bar: drawn on a terminal's stderr, never with --quiet or on a redirected stderr. */
@DisplayName("render progress bar")
class RenderProgressTest {
    @Test
    @DisplayName("on a terminal: one redrawn line that reaches 100%, ended by a newline at close")
    void drawsOnATerminal() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try (RenderProgress progress = new RenderProgress(err, true, 4_000_000, 0, 100)) {
            for (long done = 0; done <= 4_000_000; done += 500_000) {
                progress.accept(done);
            }
        }
        String shown = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(shown.startsWith("\r") && shown.endsWith("\n"), shown);
        assertEquals(1, shown.chars().filter(c -> c == '\n').count(), "redrawn in place: " + shown);
        String last = shown.substring(shown.lastIndexOf('\r') + 1).strip();
        assertTrue(last.startsWith("diif: rendering 100%") && last.contains("4000/4000 kpx"), last);
        assertTrue(last.length() <= 100, "fits the width: " + last);
    }

    @Test
    @DisplayName("quiet, not a terminal, or a render that ends within the delay: nothing at all")
    void silent() {
        for (boolean show : new boolean[] {false, true}) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
            try (RenderProgress progress = new RenderProgress(err, show, 100, 60_000_000_000L, 100)) {
                progress.accept(50);
                progress.accept(100);
            }
            assertEquals("", bytes.toString(StandardCharsets.UTF_8));
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try (RenderProgress progress = RenderProgress.of(new Streams(System.out, err, true), true, 100)) {
            progress.accept(100);
        }
        assertEquals("", bytes.toString(StandardCharsets.UTF_8), "--quiet");
    }

    @Test
    @DisplayName("through diif upscale with stderr captured: only the summary line, no carriage returns")
    void capturedStderr(@TempDir Path dir) {
        CliHarness cli = new CliHarness(dir);
        Run r = CliHarness.run("upscale", cli.image.toString(), dir.resolve("o.png").toString(), "--scale", "3",
                "--model", cli.model.toString(), "--backend", "java");
        assertEquals(0, r.exit(), r::toString);
        assertEquals(1, r.errLines().size(), r::toString);
        assertTrue(r.err().startsWith("diif: 40x32 -> 120x96 with ") && !r.err().contains("\r"), r::toString);
    }
}

package io.diif.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.diif.examples.CliHarness.Run;
import io.diif.examples.cli.Messages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line's failure contract: one line on stderr, a non-zero exit, a stack trace only with --verbose. */
@DisplayName("diif command line failures")
public class DiifCliErrorsTest {
    @TempDir
    static Path dir;
    static CliHarness cli;

    @BeforeAll
    static void files() {
        cli = new CliHarness(dir);
    }

    public static void oneLineFailure(Run r, int exit, String... fragments) {
        assertEquals(exit, r.exit(), r::toString);
        List<String> lines = r.errLines();
        assertEquals(1, lines.size(), () -> "stderr must be one line: " + r);
        assertTrue(lines.get(0).startsWith(exit == 2 ? "diif: " : "diif: error: "), r::toString);
        for (String f : fragments) {
            assertTrue(lines.get(0).contains(f), () -> "'" + lines.get(0) + "' lacks '" + f + "'");
        }
        assertEquals("", r.out(), "nothing on stdout");
    }

    @Test
    @DisplayName("a valid upscale still works, and --help prints usage on stdout with exit 0")
    void successStillWorks() throws Exception {
        Path out = dir.resolve("ok/up.png");
        Run r = CliHarness.run("upscale", cli.image.toString(), out.toString(), "--scale", "1.5", "--model",
                cli.model.toString(), "--backend", "java", "--quiet");
        assertEquals(0, r.exit(), r::toString);
        assertTrue(Files.size(out) > 0);
        r = CliHarness.run("--help");
        assertEquals(0, r.exit());
        assertTrue(r.out().startsWith("usage: diif"));
        r = CliHarness.run();
        assertEquals(2, r.exit(), "no command");
        assertTrue(r.err().startsWith("usage: diif"));
    }

    @Test
    @DisplayName("usage mistakes are one line with exit code 2")
    void usageErrors() {
        oneLineFailure(CliHarness.run("frobnicate"), 2, "unknown command 'frobnicate'", "diif --help");
        oneLineFailure(CliHarness.run("upscale", "--bogus"), 2, "unknown option --bogus");
        oneLineFailure(CliHarness.run("upscale", "a.png", "b.png", "--scale", "NaN"), 2, "was NaN");
        oneLineFailure(CliHarness.run("upscale", "a.png", "b.png", "--size", "-1x5"), 2, "--size");
        oneLineFailure(CliHarness.run("bench", "--paper-models", "edsr-diif", "--warmup", "-1"), 2,
                "--warmup must be between 0 and 3600 seconds, was -1");
    }

    @Test
    @DisplayName("errors are one line and name the file; --verbose adds the stack trace")
    void verbose() throws Exception {
        Path bad = dir.resolve("bad.png");
        Files.write(bad, new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0});
        String[] args = {"upscale", bad.toString(), dir.resolve("o.png").toString(), "--scale", "2", "--model",
            cli.model.toString(), "--backend", "java"};
        oneLineFailure(CliHarness.run(args), 1, bad.toString(), "PNG");
        String[] verbose = java.util.Arrays.copyOf(args, args.length + 1);
        verbose[args.length] = "--verbose";
        Run r = CliHarness.run(verbose);
        assertEquals(1, r.exit());
        assertTrue(r.errLines().get(0).startsWith("diif: error: " + bad), r::toString);
        assertTrue(r.err().contains("\tat io.diif.internal.imaging.ImageFiles"), "stack trace with --verbose: " + r);
    }

    @Test
    @DisplayName("the output path's problems are one line too")
    void badOutput() throws Exception {
        Path file = dir.resolve("plain-file");
        Files.writeString(file, "x");
        Run r = CliHarness.run("upscale", cli.image.toString(), file.resolve("o.png").toString(), "--scale", "1",
                "--model", cli.model.toString(), "--backend", "java", "--quiet");
        oneLineFailure(r, 1, "plain-file");
    }

    @Test
    @DisplayName("control characters from hostile names never reach the terminal")
    void printable() {
        assertEquals("a b \\x1b[31m c\\x07", Messages.printable("a\nb\t\u001b[31m c\u0007"));
        assertEquals("x".repeat(2000) + "...", Messages.printable("x".repeat(5000)));
        String m = Messages.oneLine(new IllegalStateException("line one\nline two"));
        assertFalse(m.contains("\n"), m);
    }

    @Test
    @DisplayName("an OutOfMemoryError or StackOverflowError becomes one line with advice")
    void virtualMachineErrors() {
        assertTrue(Messages.oneLine(new OutOfMemoryError("Java heap space")).contains("DIIF_JAVA_OPTS=-Xmx"));
        assertTrue(Messages.oneLine(new StackOverflowError()).startsWith("stack overflow"));
        assertEquals("NullPointerException", Messages.oneLine(new NullPointerException()));
        assertEquals("ArithmeticException: / by zero", Messages.oneLine(new ArithmeticException("/ by zero")));
    }
}

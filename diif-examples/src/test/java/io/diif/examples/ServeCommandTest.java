package io.diif.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code diif serve}'s arguments: mistakes are one line and exit code 2, before any model loads. */
class ServeCommandTest {
    @TempDir
    Path dir;

    @Test
    void helpListsServe() {
        CliHarness.Run r = CliHarness.run("--help");
        assertTrue(r.out().contains("diif serve --images DIR [--port 8182] [--host 127.0.0.1] [--model FILE]"
                + " [--backend NAME] [--max-zoom Z]"), r.out());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "serve|needs --images",
        "serve --images DIR extra|expected 0 arguments",
        "serve --images DIR/missing|is not a directory",
        "serve --images DIR --port 70000|--port must be 0 to 65535, was 70000",
        "serve --images DIR --port http|--port needs an integer",
        "serve --images DIR --max-zoom 0.5|--max-zoom must be 1 to 64, was 0.5",
        "serve --images DIR --max-zoom x|--max-zoom needs a number",
        "serve --images DIR --workers 0|--workers must be 1 to 256, was 0",
        "serve --images DIR --queue -1|--queue must be 0 to 100000, was -1",
        "serve --images DIR --max-area 0|--max-area must be 1 to 268435456 pixels, was 0",
        "serve --images DIR --timeout 0|--timeout must be > 0 seconds",
    })
    void mistakesAreUsageErrors(String command, String message) throws Exception {
        Files.createDirectories(dir);
        CliHarness.Run r = CliHarness.run(command.replace("DIR", dir.toString()).split(" "));
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().contains(message), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
    }
}

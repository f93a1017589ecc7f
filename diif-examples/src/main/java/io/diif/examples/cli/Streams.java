package io.diif.examples.cli;

import java.io.PrintStream;

/**
 * Where a command writes: results to {@code out}, progress and diagnostics to {@code err}, which shows a
 * progress bar only when it is a terminal.
 */
public record Streams(PrintStream out, PrintStream err, boolean errIsTerminal) {
}

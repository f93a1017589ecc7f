package io.diif.examples.cli;

import picocli.CommandLine.Option;

/** Options every command takes: help, quiet and verbose. */
public final class CommonOptions {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    @Option(names = "--quiet", description = "No progress or summary on stderr.")
    private boolean quiet;

    @Option(names = "--verbose", description = "Stack traces with errors, and the engines' logs.")
    private boolean verbose;

    public boolean quiet() {
        return quiet;
    }
}

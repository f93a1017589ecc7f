package io.diif.examples;

import io.diif.examples.cli.Messages;
import io.diif.examples.cli.Positionals;
import io.diif.examples.cli.Streams;
import io.diif.examples.cli.UsageException;
import io.diif.examples.cli.Values;
import io.diif.examples.eval.EvalCommand;
import io.diif.internal.backends.Backends;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.OverwrittenOptionException;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;
import picocli.CommandLine;

/**
 * The {@code diif} command line: one picocli command per task (upscale, sample, info, bench, eval,
 * export-onnx, serve, batch, completion, help). Every failure is one line on stderr and a non-zero exit
 * code ({@link #EXIT_FAILURE}, or {@link #EXIT_USAGE} for a mistake in the call); {@code --verbose} adds
 * the stack trace and backend logging.
 */
@Command(name = "diif", mixinStandardHelpOptions = true, versionProvider = DiifCli.Version.class,
        customSynopsis = "diif <command> [options]",
        description = "Arbitrary-scale image super-resolution with DIIF: an image is encoded once, then rendered"
                + " at any size.",
        footer = {"", "'diif COMMAND --help' (or 'diif help COMMAND') lists a command's options;"
                + " docs/cli.md has more."})
public final class DiifCli implements Callable<Integer> {
    static final int EXIT_OK = 0;
    static final int EXIT_FAILURE = 1;
    static final int EXIT_USAGE = 2;

    /** Set by the ./diif launcher from the shell's {@code [[ -t 2 ]]}: whether stderr is a terminal. */
    static final String STDERR_TTY_PROPERTY = "diif.stderr.tty";

    private static final String USAGE_HINT = " (run 'diif --help' for usage)";

    private final Streams streams;

    @Spec
    private CommandSpec spec;

    DiifCli(PrintStream out, PrintStream err) {
        this(new Streams(out, err, false));
    }

    private DiifCli(Streams streams) {
        this.streams = streams;
    }

    public static void main(String[] args) {
        boolean verbose = Arrays.asList(args).contains("--verbose");
        // Engines warn about things a user cannot act on (e.g. DJL: "Failed to detect GPU count"); a failure
        // must stay one line, so only errors are logged unless --verbose.
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "info" : "error");
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
        String tty = System.getProperty(STDERR_TTY_PROPERTY);
        boolean errIsTerminal = tty != null ? Boolean.parseBoolean(tty) : System.console() != null;
        System.exit(new DiifCli(new Streams(System.out, System.err, errIsTerminal)).run(args));
    }

    /** Without a command: the usage on stderr, as a usage mistake. */
    @Override
    public Integer call() {
        spec.commandLine().usage(streams.err());
        return EXIT_USAGE;
    }

    /** Runs one command; returns the exit code. */
    int run(String[] args) {
        // Picocli builds a command's model by reflection at every start; a run that names its command first
        // builds only that one (the usage, help and completion need them all).
        CommandLine cl = commandLine(args.length > 0 ? args[0] : null);
        try {
            return cl.execute(args);
        } catch (LinkageError | VirtualMachineError e) {
            // Picocli hands on Errors. An OutOfMemoryError or StackOverflowError from one huge request leaves
            // the JVM able to print a line and exit; anything is better than a stack trace.
            return failure(e, Arrays.asList(args).contains("--verbose"));
        }
    }

    /** Every command, in the order of the usage. */
    private Map<String, Supplier<Object>> commands() {
        Map<String, Supplier<Object>> commands = new LinkedHashMap<>();
        commands.put("upscale", () -> new UpscaleCommand(streams));
        commands.put("sample", () -> new SampleCommand(streams));
        commands.put("info", () -> new InfoCommand(streams));
        commands.put("bench", () -> new BenchCommand(streams));
        commands.put("export-onnx", () -> new ExportOnnxCommand(streams));
        commands.put("batch", BatchCommand::new);
        commands.put("eval", () -> new EvalCommand(streams));
        commands.put("serve", () -> new ServeCommand(streams));
        commands.put("completion", () -> new CompletionCommand(streams));
        commands.put("help", CommandLine.HelpCommand::new);
        return commands;
    }

    /** The whole command tree with its help layout, error handlers and streams. */
    CommandLine commandLine() {
        return commandLine(null);
    }

    /** The command tree; with only {@code first} when that names a command that runs on its own. */
    private CommandLine commandLine(String first) {
        CommandLine cl = new CommandLine(this);
        Map<String, Supplier<Object>> commands = commands();
        if (first != null && commands.containsKey(first) && !first.equals("help") && !first.equals("completion")) {
            cl.addSubcommand(commands.get(first).get());
        } else {
            commands.values().forEach(c -> cl.addSubcommand(c.get()));
        }
        // Options it does not know reach a command as positionals, so that "-0.5,3" is a point; the commands
        // refuse the ones that start with "--" (Positionals).
        cl.setUnmatchedOptionsArePositionalParams(true);
        // "@file" is a file name here, not a file of arguments.
        cl.setExpandAtFiles(false);
        cl.setOut(new PrintWriter(streams.out(), true, StandardCharsets.UTF_8));
        cl.setErr(new PrintWriter(streams.err(), true, StandardCharsets.UTF_8));
        cl.setParameterExceptionHandler((e, args) -> usageMistake(usageMessage(e)));
        cl.setExecutionExceptionHandler((e, command, parsed) -> e instanceof UsageException
                ? usageMistake(e.getMessage()) : failure(e, verbose(parsed)));
        layOut(cl);
        return cl;
    }

    private int usageMistake(String message) {
        streams.err().println("diif: " + Messages.printable(message) + USAGE_HINT);
        return EXIT_USAGE;
    }

    private int failure(Throwable e, boolean verbose) {
        streams.err().println("diif: error: " + Messages.oneLine(e));
        if (verbose) {
            e.printStackTrace(streams.err());
        }
        return EXIT_FAILURE;
    }

    /** Picocli's parse errors in this command line's words, as before picocli. */
    static String usageMessage(ParameterException e) {
        ArgSpec arg = e.getArgSpec();
        String option = arg instanceof OptionSpec o ? o.longestName() : null;
        if (e.getCause() instanceof Values.Refusal r && option != null) {
            return option + r.getMessage();
        }
        if (e instanceof MissingParameterException m && !m.getMissing().isEmpty()
                && m.getMissing().get(0) instanceof OptionSpec o) {
            return o.longestName() + " needs a value";
        }
        if (e instanceof OverwrittenOptionException o && o.getOverwritten() instanceof OptionSpec os) {
            return os.longestName() + " given twice";
        }
        if (e instanceof UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
            String first = u.getUnmatched().get(0);
            if (first.startsWith("--")) {
                return Positionals.unknownOption(first).getMessage();
            }
            if (u.getCommandLine().getParent() == null) {
                return "unknown command '" + first + "'";
            }
        }
        return e.getMessage();
    }

    /** Whether the command that ran was given --verbose. */
    private static boolean verbose(ParseResult parsed) {
        ParseResult last = parsed;
        while (last.hasSubcommand()) {
            last = last.subcommand();
        }
        return last.hasMatchedOption("--verbose");
    }

    /**
     * One help layout for every command: "usage:" with the command's synopsis, its description, its options,
     * the exit codes; the top level lists every command's synopsis and description.
     */
    private static void layOut(CommandLine top) {
        Map<String, String> exitCodes = new LinkedHashMap<>();
        exitCodes.put("0", "done");
        exitCodes.put(String.valueOf(EXIT_FAILURE), "failed (one line on stderr; --verbose adds the stack trace)");
        exitCodes.put(String.valueOf(EXIT_USAGE), "a mistake in the call (one line on stderr)");
        List<CommandLine> all = new ArrayList<>(List.of(top));
        all.addAll(top.getSubcommands().values());
        for (CommandLine c : all) {
            c.setUsageHelpWidth(100);
            CommandSpec spec = c.getCommandSpec();
            spec.usageMessage().synopsisHeading("usage: ").descriptionHeading("%n").optionListHeading("%noptions:%n")
                    .exitCodeListHeading("%nexit codes:%n").exitCodeList(exitCodes);
            if (spec.positionalParameters().stream().anyMatch(p -> !p.hidden())) {
                spec.usageMessage().parameterListHeading("%narguments:%n");
            }
        }
        top.getCommandSpec().usageMessage().commandListHeading("%ncommands:%n");
        top.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_COMMAND_LIST, DiifCli::commandList);
    }

    /** Each command's synopsis, then its description indented below it. */
    private static String commandList(Help help) {
        StringBuilder sb = new StringBuilder();
        int width = help.commandSpec().usageMessage().width();
        for (CommandLine sub : new LinkedHashSet<>(help.commandSpec().subcommands().values())) {
            CommandSpec spec = sub.getCommandSpec();
            if (spec.usageMessage().hidden() || spec.name().equals("help")) {
                continue;
            }
            for (String line : spec.usageMessage().customSynopsis()) {
                sb.append("  ").append(line).append('\n');
            }
            for (String paragraph : spec.usageMessage().description()) {
                Help.TextTable table = Help.TextTable.forColumns(help.colorScheme(),
                        new Help.Column(width, 6, Help.Column.Overflow.WRAP));
                table.addRowValues(paragraph);
                sb.append(table);
            }
        }
        return sb.toString();
    }

    /** {@code --version}: the project version, the Java runtime and the backends present. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            Backends.Discovery d = Backends.discover();
            return new String[] {
                "diif " + projectVersion(),
                "backends: " + (d.available().isEmpty() ? "none" : String.join(", ", d.available().stream()
                        .map(p -> p.name() + " (priority " + p.priority() + ")").toList())),
                String.format(Locale.ROOT, "Java %s (%s) on %s %s", System.getProperty("java.version"),
                        System.getProperty("java.vendor"), System.getProperty("os.name"), System.getProperty("os.arch"))
            };
        }

        /** The Maven project version, written into a resource at build time. */
        static String projectVersion() {
            try (InputStream in = DiifCli.class.getResourceAsStream("version.properties")) {
                if (in == null) {
                    throw new IllegalStateException("version.properties is missing from the diif-examples build");
                }
                Properties p = new Properties();
                p.load(in);
                return p.getProperty("version");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}

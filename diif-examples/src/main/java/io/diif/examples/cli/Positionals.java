package io.diif.examples.cli;

import java.util.List;

/**
 * Checks of positional arguments. The command line takes options it does not know as positionals (so that
 * {@code -0.5,3} is a point, not an option), and this refuses the ones that look like options.
 */
public final class Positionals {
    private Positionals() {
    }

    /** Refuses an unknown {@code --option} among {@code args}. */
    public static void refuseOptions(List<String> args) {
        for (String a : args) {
            if (a.startsWith("--")) {
                throw unknownOption(a);
            }
        }
    }

    /** Refuses unknown options, then any count but {@code n}; {@code what} names the call, e.g. "upscale IN OUT". */
    public static void expect(List<String> args, int n, String what) {
        refuseOptions(args);
        if (args.size() != n) {
            throw new UsageException(what + ": expected " + n + " arguments, got " + args.size());
        }
    }

    /** "unknown option --name", without a value given as {@code --name=value}. */
    public static UsageException unknownOption(String arg) {
        int eq = arg.indexOf('=');
        return new UsageException("unknown option " + (eq > 0 ? arg.substring(0, eq) : arg));
    }
}

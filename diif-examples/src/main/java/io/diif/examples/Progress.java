package io.diif.examples;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongConsumer;

/** A one-line percentage on stderr for renders that take a while; silent for quick ones. */
final class Progress implements LongConsumer {
    private static final long SHOW_AFTER_NANOS = 1_000_000_000L;
    private final PrintStream err;
    private final long total;
    private final boolean quiet;
    private final long started = System.nanoTime();
    private int shownPercent = -1;

    Progress(PrintStream err, long total, boolean quiet) {
        this.err = err;
        this.total = total;
        this.quiet = quiet;
    }

    @Override
    public synchronized void accept(long done) {
        if (quiet || System.nanoTime() - started < SHOW_AFTER_NANOS) {
            return;
        }
        int percent = (int) (100 * done / Math.max(1, total));
        if (percent != shownPercent) {
            shownPercent = percent;
            err.printf(Locale.ROOT, "\rdiif: rendering %3d%%", percent);
            err.flush();
        }
    }

    synchronized void finish() {
        if (shownPercent >= 0) {
            err.print("\r\033[K");
            err.flush();
        }
    }
}

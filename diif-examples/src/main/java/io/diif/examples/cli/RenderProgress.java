package io.diif.examples.cli;

import java.io.PrintStream;
import java.text.DecimalFormat;
import java.time.Duration;
import java.util.function.LongConsumer;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar on stderr for renders that take a while (me.tongfei:progressbar), fed with the output
 * pixels finished so far. Nothing with --quiet, nothing when stderr is not a terminal (a redrawn line would
 * garble a log or break the one-line error contract), and nothing for renders that end within a second.
 */
public final class RenderProgress implements LongConsumer, AutoCloseable {
    private static final long SHOW_AFTER_NANOS = 1_000_000_000L;

    private final PrintStream err;
    private final boolean show;
    private final long total;
    private final long showAfterNanos;
    private final int width;
    private final long started = System.nanoTime();
    private ProgressBar bar;
    private Line line;
    private boolean closed;

    RenderProgress(PrintStream err, boolean show, long total, long showAfterNanos, int width) {
        this.err = err;
        this.show = show;
        this.total = Math.max(1, total);
        this.showAfterNanos = showAfterNanos;
        this.width = width;
    }

    /** Progress of a render of {@code total} pixels, shown on a terminal's stderr unless {@code quiet}. */
    public static RenderProgress of(Streams streams, boolean quiet, long total) {
        // Width 0: the progress bar library asks the terminal.
        return new RenderProgress(streams.err(), !quiet && streams.errIsTerminal(), total, SHOW_AFTER_NANOS, 0);
    }

    @Override
    public synchronized void accept(long done) {
        if (!show || closed) {
            return;
        }
        if (bar == null) {
            long elapsed = System.nanoTime() - started;
            if (elapsed < showAfterNanos) {
                return;
            }
            line = new Line(err, width);
            bar = new ProgressBarBuilder().setTaskName("diif: rendering").setInitialMax(total)
                    .setStyle(ProgressBarStyle.ASCII).setUnit(" kpx", 1000).showSpeed(new DecimalFormat("0.0"))
                    .setUpdateIntervalMillis(200).startsFrom(0, Duration.ofNanos(elapsed))
                    .setConsumer(line).build();
        }
        bar.stepTo(Math.min(done, total));
    }

    /** Ends the bar's line, if one was drawn. */
    @Override
    public synchronized void close() {
        closed = true;
        if (bar != null) {
            bar.close();
            // The library skips ending the line when the bar closes before its first scheduled redraw.
            line.close();
        }
    }

    /** The bar's line on stderr, ended once, by whichever of the library and {@link #close} comes first. */
    private static final class Line extends ConsoleProgressBarConsumer {
        private boolean ended;

        Line(PrintStream err, int width) {
            super(err, width);
        }

        @Override
        public synchronized void accept(String text) {
            if (!ended) {
                super.accept(text);
            }
        }

        @Override
        public synchronized void close() {
            if (!ended) {
                ended = true;
                super.close();
            }
        }
    }
}

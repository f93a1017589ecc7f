package io.diif;

import java.io.IOException;

/**
 * Receives consecutive horizontal bands of a render, top to bottom ({@link Render#toBands}). Handing bands
 * out one at a time keeps memory bounded by one band however large the output, so a sink can write,
 * send or reduce an image that would not fit in memory whole.
 */
@FunctionalInterface
public interface BandSink {
    /**
     * Takes one band; the next band is rendered only after this returns, so the sink sets the pace.
     *
     * @param firstRow the output-grid row of the band's first row
     * @param band the band's pixels, as wide as the render (its window, if one was set)
     * @throws IOException to stop the render; it reaches the caller of {@link Render#toBands}
     */
    void accept(int firstRow, FloatImage band) throws IOException;
}

package io.diif;

import java.io.IOException;

/**
 * Receives consecutive horizontal bands of a render, top to bottom ({@link Render#toBands}).
 */
@FunctionalInterface
public interface BandSink {
    /**
     * Takes one band; the next band is rendered only after this returns.
     *
     * @param firstRow the output-grid row of the band's first row
     * @param band the band's pixels, as wide as the render (its window, if one was set)
     * @throws IOException to stop the render; it reaches the caller of {@link Render#toBands}
     */
    void accept(int firstRow, FloatImage band) throws IOException;
}

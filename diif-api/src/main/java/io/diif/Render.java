package io.diif;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.LongConsumer;

/**
 * What to render and where the pixels go: the one way to render a representation or an image.
 *
 * <pre>{@code
 * BufferedImage big = representation.render().scale(3.5).toImage();
 * FloatImage tile = model.render(photo).size(8000, 6000).window(new Window(0, 0, 512, 512)).toFloatImage();
 * representation.render().size(7680, 4320).progress(done -> log(done)).toFile(Path.of("8k.png"));
 * }</pre>
 *
 * <p>Say the output grid once, with {@link #size} (pixels) or {@link #scale} (a factor of the input): two
 * names, because {@code render(2, 2)} and {@code render(2.0, 2.0)} would read alike and mean a 2×2 image and
 * a doubled one. Then optionally a {@link #window} of that grid and a {@link #progress} listener, then call
 * one terminal: {@link #toImage()}, {@link #toFloatImage()}, {@link #toFile(Path)} or
 * {@link #toBands(int, BandSink)}. Every terminal produces the same pixels for the same grid and window.
 *
 * <p>Immutable: each option returns a new {@code Render}, so one may be shared, reused for several windows
 * or terminals, and used from several threads.
 */
public final class Render {
    /**
     * Output pixels a band of {@link #toFile} aims at: large enough that bands cost no extra work, small
     * enough to keep the float band, its 8-bit copy and the decoder's tiles in any heap.
     */
    static final long FILE_BAND_PIXELS = 4L << 20;

    private final ImageRepresentation representation;
    private final DiifModel model;
    private final BufferedImage image;
    /** How the grid was given, as the call read ({@code size(…)} or {@code scale(…)}); null until then. */
    private final String gridCall;
    private final int width;
    private final int height;
    private final double scaleX;
    private final double scaleY;
    private final Window window;
    private final LongConsumer progress;
    private final long bandPixels;

    private Render(ImageRepresentation representation, DiifModel model, BufferedImage image, String gridCall,
            int width, int height, double scaleX, double scaleY, Window window, LongConsumer progress,
            long bandPixels) {
        this.representation = representation;
        this.model = model;
        this.image = image;
        this.gridCall = gridCall;
        this.width = width;
        this.height = height;
        this.scaleX = scaleX;
        this.scaleY = scaleY;
        this.window = window;
        this.progress = progress;
        this.bandPixels = bandPixels;
    }

    static Render of(ImageRepresentation representation) {
        return new Render(representation, null, null, null, 0, 0, 0, 0, null, null, FILE_BAND_PIXELS);
    }

    static Render of(DiifModel model, BufferedImage image) {
        return new Render(null, model, image, null, 0, 0, 0, 0, null, null, FILE_BAND_PIXELS);
    }

    /**
     * Renders exactly {@code width × height} pixels, whatever the input's aspect ratio.
     *
     * @param width output columns, at least 1
     * @param height output rows, at least 1
     * @return a new render with that grid
     * @throws IllegalArgumentException if {@code width} or {@code height} is below 1, naming both
     * @throws IllegalStateException if a size or scale was already given, naming both calls
     */
    public Render size(int width, int height) {
        String call = "size(" + width + ", " + height + ")";
        checkGridUnset(call);
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("size must be at least 1x1, was " + width + "x" + height);
        }
        return new Render(representation, model, image, call, width, height, 0, 0, window, progress, bandPixels);
    }

    /**
     * Renders at {@code round(scale·W) × round(scale·H)} of the input's {@code W × H}, halves rounded to even,
     * keeping the aspect ratio.
     *
     * @param scale the factor, finite and positive; below 1 it downscales
     * @return a new render with that grid
     * @throws IllegalArgumentException if {@code scale} is not finite and positive, naming it
     * @throws IllegalStateException if a size or scale was already given, naming both calls
     */
    public Render scale(double scale) {
        return withScale("scale(" + scale + ")", scale, scale);
    }

    /**
     * Renders at {@code round(scaleX·W) × round(scaleY·H)} of the input's {@code W × H}: different factors
     * across and down, for anamorphic output.
     *
     * @param scaleX the factor across, finite and positive
     * @param scaleY the factor down, finite and positive
     * @return a new render with that grid
     * @throws IllegalArgumentException if a factor is not finite and positive, naming it
     * @throws IllegalStateException if a size or scale was already given, naming both calls
     */
    public Render scale(double scaleX, double scaleY) {
        return withScale("scale(" + scaleX + ", " + scaleY + ")", scaleX, scaleY);
    }

    private Render withScale(String call, double scaleX, double scaleY) {
        checkGridUnset(call);
        checkFactor("scaleX", scaleX);
        checkFactor("scaleY", scaleY);
        return new Render(representation, model, image, call, 0, 0, scaleX, scaleY, window, progress, bandPixels);
    }

    /**
     * Renders only this rectangle of the output grid, so that a tile of a huge output costs what the tile
     * costs. Its pixels equal the same pixels of the whole render. When rendering straight from an image
     * ({@link DiifModel#render}), only the part of the image the window needs is encoded. Whether the
     * window fits the grid is checked when a terminal runs, before any work.
     *
     * @param window the rectangle, in output pixels; replaces any window given before
     * @return a new render limited to that window
     * @throws NullPointerException if {@code window} is null
     */
    public Render window(Window window) {
        Objects.requireNonNull(window, "window must not be null");
        return new Render(representation, model, image, gridCall, width, height, scaleX, scaleY, window, progress,
                bandPixels);
    }

    /**
     * Reports progress of long renders: the listener is called on the rendering thread with the number of
     * output pixels finished so far, rising to the pixels of the grid (or window). An exception it throws
     * stops the render and reaches the caller unchanged, so it can cancel a render.
     *
     * @param progress the listener; replaces any listener given before
     * @return a new render that reports to it
     * @throws NullPointerException if {@code progress} is null
     */
    public Render progress(LongConsumer progress) {
        Objects.requireNonNull(progress, "progress must not be null");
        return new Render(representation, model, image, gridCall, width, height, scaleX, scaleY, window, progress,
                bandPixels);
    }

    /** Bands of about {@code pixels} for {@link #toFile}, so that tests can stream small renders in many bands. */
    Render bandPixels(long pixels) {
        if (pixels <= 0) {
            throw new IllegalArgumentException("bandPixels must be at least 1, was " + pixels);
        }
        return new Render(representation, model, image, gridCall, width, height, scaleX, scaleY, window, progress,
                pixels);
    }

    /**
     * An 8-bit image of the grid (or window), for Java's imaging APIs and any format ImageIO writes.
     *
     * @return an RGB image, or ARGB when the input had alpha
     * @throws IllegalStateException if no size or scale was given, or the model or representation is closed
     * @throws IllegalArgumentException if the size exceeds the model's limits, the window is not inside the
     *     grid, or the window is too large for one Java array (use {@link #toBands} or {@link #toFile})
     * @throws DiifException if the backend fails
     */
    public BufferedImage toImage() {
        return toFloatImage().toBufferedImage();
    }

    /**
     * The model's output as floats, unrounded, for exact comparisons and float pipelines; convertible to
     * colour in [0, 1] ({@link FloatImage#toRgb01Array()}) or 8 bits.
     *
     * @return the raw output of the grid (or window)
     * @throws IllegalStateException if no size or scale was given, or the model or representation is closed
     * @throws IllegalArgumentException if the size exceeds the model's limits, the window is not inside the
     *     grid, or the window is too large for one Java array (use {@link #toBands} or {@link #toFile})
     * @throws DiifException if the backend fails
     */
    public FloatImage toFloatImage() {
        int[] grid = grid();
        if (representation != null) {
            return representation.renderWindow(grid[0], grid[1], window, progress);
        }
        // Checked before encoding, so that a refused size or window costs no encoder work.
        model.checkOutputSize(grid[0], grid[1]);
        Window win = window != null ? window : Window.of(grid[0], grid[1]);
        win.checkInside(grid[0], grid[1]);
        ImageRepresentation.checkFitsOneImage(win);
        return onRepresentation(grid, rep -> rep.renderWindow(grid[0], grid[1], window, progress));
    }

    /**
     * Streams the grid (or window) into an 8-bit image file band by band, so memory stays bounded by one
     * band however large the output. The extension picks the format: {@code .png}, or {@code .tif} /
     * {@code .tiff} (Deflate; BigTIFF when the file could pass 4 GiB); RGBA when the input had alpha.
     * Pixels equal {@link #toImage()}'s.
     *
     * <p>The file is written next to {@code out} as its name plus {@code .part} and moved onto {@code out}
     * only when complete, so no reader sees half a file; on failure it is deleted and {@code out} is left as
     * it was. Formats that cannot be written row by row (JPEG, BMP) are refused: write {@link #toImage()}
     * with ImageIO for those.
     *
     * @param out the file to write; replaced if it exists
     * @throws NullPointerException if {@code out} is null
     * @throws IllegalArgumentException for another extension (naming it and the supported ones), or a size or
     *     window {@link #toImage()} refuses; no file is created then
     * @throws IllegalStateException if no size or scale was given, or the model or representation is closed;
     *     no file is created then
     * @throws IOException if the file cannot be written
     * @throws DiifException if the backend fails
     */
    public void toFile(Path out) throws IOException {
        // The format is checked first so that a refused file name costs no encoding.
        ImageRepresentation.checkStreamable(out);
        int[] grid = grid();
        onRepresentation(grid, rep -> {
            rep.renderToFile(grid[0], grid[1], window, out, progress, bandPixels);
            return null;
        });
    }

    /**
     * Renders the grid (or window) in horizontal bands of about {@code bandRows} rows, top to bottom,
     * handing each to {@code sink} before rendering the next, so memory stays bounded by one band. Bands are
     * cut where latent rows change, so no work is repeated, and equal the same rows of a whole render.
     *
     * @param bandRows the rows a band aims at, at least 1; a band may be a little taller or shorter
     * @param sink receives each band with its first row in the output grid
     * @throws NullPointerException if {@code sink} is null
     * @throws IllegalArgumentException if {@code bandRows} is below 1, or for a size or window
     *     {@link #toImage()} refuses
     * @throws IllegalStateException if no size or scale was given, or the model or representation is closed
     * @throws IOException what {@code sink} throws
     * @throws DiifException if the backend fails
     */
    public void toBands(int bandRows, BandSink sink) throws IOException {
        Objects.requireNonNull(sink, "sink must not be null");
        ImageRepresentation.checkBandRows(bandRows);
        int[] grid = grid();
        onRepresentation(grid, rep -> {
            rep.renderBands(grid[0], grid[1], window, bandRows, sink, progress);
            return null;
        });
    }

    /** A terminal's work on an encoded image. */
    @FunctionalInterface
    private interface RepresentationWork<T, E extends Exception> {
        T apply(ImageRepresentation representation) throws E;
    }

    /**
     * Runs {@code work} on the representation this render started from, or on an encoding of just what the
     * grid's window needs from the image, closed afterwards.
     */
    private <T, E extends Exception> T onRepresentation(int[] grid, RepresentationWork<T, E> work) throws E {
        if (representation != null) {
            return work.apply(representation);
        }
        try (ImageRepresentation rep = model.encodeFor(image, grid[0], grid[1], window)) {
            return work.apply(rep);
        }
    }

    /** {width, height} of the output grid. */
    private int[] grid() {
        if (width > 0) {
            return new int[] {width, height};
        }
        if (gridCall == null) {
            throw new IllegalStateException("no output grid: call size(width, height) or scale(s) before the terminal");
        }
        int w = representation != null ? representation.width() : image.getWidth();
        int h = representation != null ? representation.height() : image.getHeight();
        return new int[] {scaled("scaleX", scaleX, w), scaled("scaleY", scaleY, h)};
    }

    private void checkGridUnset(String call) {
        if (gridCall != null) {
            throw new IllegalStateException(call + " after " + gridCall
                    + ": give the output grid once, as a size or a scale");
        }
    }

    private static void checkFactor(String name, double scale) {
        if (!Double.isFinite(scale) || scale <= 0) {
            throw new IllegalArgumentException(name + " must be finite and > 0, was " + scale);
        }
    }

    /** round(scale·size), validated. */
    static int scaled(String name, double scale, int size) {
        checkFactor(name, scale);
        double v = Math.rint(scale * size);
        if (v < 1) {
            throw new IllegalArgumentException(name + " " + scale + " turns " + size + " pixels into " + v
                    + "; the output needs at least 1");
        }
        if (v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + " " + scale + " turns " + size + " pixels into " + v
                    + ", more than " + Integer.MAX_VALUE);
        }
        return (int) v;
    }
}

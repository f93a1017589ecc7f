package io.diif;

import io.diif.internal.decoding.AxisGrouping;
import io.diif.internal.decoding.Decoder;
import io.diif.internal.decoding.Latents;
import io.diif.internal.imaging.ImageFiles;
import io.diif.internal.imaging.Resampler;
import io.diif.internal.output.RowWriter;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongConsumer;

/**
 * An image encoded once into latent codes: a continuous image that renders at any size.
 *
 * <h2>Coordinates</h2>
 * DIIF decodes on an output grid (its slices depend on the grid), so every query names a grid
 * {@code width × height}. Points are given in that grid's pixel units: x in [0, width], y in [0, height];
 * pixel (c, r) covers [c, c+1) × [r, r+1) and its centre is (c + 0.5, r + 0.5). Sampling a grid's
 * pixel centres returns that grid's rendered pixels. Points outside the grid, NaN or infinite, are
 * refused (IllegalArgumentException).
 *
 * <h2>Alpha</h2>
 * Only colour goes through the model. An input alpha channel is resampled bicubically to the output
 * size and re-attached; raw renders ({@link FloatImage}) carry it too.
 *
 * <p>Thread-safe and immutable; {@link #close()} releases the latent codes.
 */
public final class ImageRepresentation implements AutoCloseable {
    private final DiifModel model;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Latents latents;
    private final float[] alpha;

    ImageRepresentation(DiifModel model, Latents latents, float[] alpha) {
        this.model = model;
        this.latents = latents;
        this.alpha = alpha;
    }

    /**
     * Width of the encoded image, the {@code W} that {@link Render#scale} multiplies.
     *
     * @return columns of the input
     * @throws IllegalStateException if this representation or its model is closed
     */
    public int width() {
        return latents().width();
    }

    /**
     * Height of the encoded image, the {@code H} that {@link Render#scale} multiplies.
     *
     * @return rows of the input
     * @throws IllegalStateException if this representation or its model is closed
     */
    public int height() {
        return latents().height();
    }

    /**
     * Whether renders carry alpha, so that callers can pick an output format that keeps it.
     *
     * @return true when the encoded image had an alpha channel
     */
    public boolean hasAlpha() {
        return alpha != null;
    }

    /**
     * Starts a render of this image: say the size or scale, optionally a window and progress, then where
     * the pixels go ({@link Render}). Rendering does not change the representation, so it may be rendered
     * many times and from many threads.
     *
     * @return a render with no output grid yet
     */
    public Render render() {
        return Render.of(this);
    }

    /**
     * The raw model output for a window of the {@code width × height} grid (null = the whole grid). The
     * window's pixels equal the same pixels of a whole render; the cost is in proportion to the window.
     *
     * @param progress receives the number of pixels finished so far (may be null)
     */
    FloatImage renderWindow(int width, int height, Window window, LongConsumer progress) {
        Latents feat = latents();
        model.checkOutputSize(width, height);
        Window win = window == null ? Window.of(width, height) : window;
        win.checkInside(width, height);
        checkFitsOneImage(win);
        float[] out = new float[3 * (int) win.pixels()];
        Decoder.Progress sink = Decoder.Progress.NONE;
        if (progress != null) {
            long[] done = {0};
            sink = pixels -> {
                done[0] += pixels;
                try {
                    progress.accept(done[0]);
                } catch (RuntimeException e) {
                    throw new ListenerFailure(e);
                }
            };
        }
        try {
            model.decoder().render(feat, height, width, win, out, sink);
        } catch (ListenerFailure e) {
            // The caller's own exception (a cancellation, say), not a backend failure: hand it back as it was.
            throw e.getCause();
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new DiifException("backend " + model.backendName() + " failed to render " + width + "x" + height
                    + ": " + e.getMessage(), e);
        }
        float[] a = null;
        if (alpha != null) {
            float[] rowsOfAlpha = Resampler.bicubicRows(alpha, feat.width(), feat.height(), width, height, win.y(),
                    win.height());
            a = crop(rowsOfAlpha, width, new Window(win.x(), 0, win.width(), win.height()));
            for (int i = 0; i < a.length; i++) {
                a[i] = Math.max(0f, Math.min(1f, a[i]));
            }
        }
        return new FloatImage(out, a, win.width(), win.height(), model.config().mean(), model.config().std());
    }

    /**
     * Renders a window of {@code width × height} (null = all of it) band by band (about {@code bandRows}
     * rows each, cut at latent-row boundaries so no work is repeated), handing each band to {@code sink}
     * before rendering the next.
     */
    void renderBands(int width, int height, Window window, int bandRows, BandSink sink, LongConsumer progress)
            throws IOException {
        Latents feat = latents();
        model.checkOutputSize(width, height);
        Window win = window == null ? Window.of(width, height) : window;
        win.checkInside(width, height);
        checkBandRows(bandRows);
        AxisGrouping rows = new AxisGrouping(feat.height(), height);
        int bottom = win.y() + win.height();
        long[] done = {0};
        int y0 = win.y();
        while (y0 < bottom) {
            // Extend to the next latent-row boundary at or past y0 + bandRows.
            int target = Math.min(bottom, y0 + bandRows);
            int y1 = target >= bottom ? bottom : rows.start(rows.latentOf(target - 1));
            if (y1 <= y0) {
                int i = rows.latentOf(target - 1);
                y1 = i + 1 < feat.height() ? Math.min(bottom, rows.start(i + 1)) : bottom;
            }
            final long before = done[0];
            FloatImage band = renderWindow(width, height, new Window(win.x(), y0, win.width(), y1 - y0),
                    progress == null ? null : p -> progress.accept(before + p));
            done[0] += (long) win.width() * (y1 - y0);
            sink.accept(y0, band);
            y0 = y1;
        }
    }

    /** Refuses a window whose three float planes cannot be one Java array (possible with a raised pixel limit). */
    static void checkFitsOneImage(Window win) {
        if (3 * win.pixels() > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a window of " + win.width() + "x" + win.height() + " = " + win.pixels()
                    + " pixels is too large for one FloatImage (3 x pixels must fit in a Java array); render it in"
                    + " windows, or with toBands or toFile");
        }
    }

    /** Carries an exception the progress listener threw through the decoder, to be told from a backend failure. */
    private static final class ListenerFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ListenerFailure(RuntimeException cause) {
            super(cause);
        }

        @Override
        public synchronized RuntimeException getCause() {
            return (RuntimeException) super.getCause();
        }
    }

    static void checkBandRows(int bandRows) {
        if (bandRows <= 0) {
            throw new IllegalArgumentException("bandRows must be at least 1, was " + bandRows);
        }
    }

    /** The extension of {@code out} if a render can be streamed into it row by row, else refuses it. */
    static String checkStreamable(Path out) {
        Objects.requireNonNull(out, "out must not be null");
        String ext = ImageFiles.extension(out);
        if (!RowWriter.EXTENSIONS.contains(ext)) {
            throw new IllegalArgumentException("cannot stream a render to " + out + ": the extension must be ."
                    + String.join(", .", RowWriter.EXTENSIONS) + (ext.isEmpty() ? "" : ", not ." + ext)
                    + " (for other formats, write render().toImage() with ImageIO)");
        }
        return ext;
    }

    /** Streams a window of {@code width × height} (null = all of it) into an 8-bit file ({@link Render#toFile}). */
    void renderToFile(int width, int height, Window window, Path out, LongConsumer progress, long bandPixels)
            throws IOException {
        String ext = checkStreamable(out);
        // Refused sizes and a closed representation fail before any file is created.
        latents();
        model.checkOutputSize(width, height);
        Window win = window == null ? Window.of(width, height) : window;
        win.checkInside(width, height);
        int bandRows = (int) Math.max(1, Math.min(win.height(), bandPixels / win.width()));
        Path partial = out.resolveSibling(out.getFileName() + ".part");
        try {
            try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
                    RowWriter writer = RowWriter.open(ext, channel, win.width(), win.height(), hasAlpha())) {
                renderBands(width, height, win, bandRows, (firstRow, band) -> {
                    byte[] pixels = band.toInterleaved8();
                    int stride = pixels.length / band.height();
                    for (int r = 0; r < band.height(); r++) {
                        writer.writeRow(Arrays.copyOfRange(pixels, r * stride, (r + 1) * stride));
                    }
                }, progress);
            }
            moveIntoPlace(partial, out);
        } catch (IOException | RuntimeException | Error e) {
            try {
                Files.deleteIfExists(partial);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    /** Replaces {@code out} in one step where the file system can, so no reader sees half a file. */
    private static void moveIntoPlace(Path partial, Path out) throws IOException {
        try {
            Files.move(partial, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(partial, out, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * Colour at one continuous point of the {@code width × height} grid: what an implicit image function
     * offers beyond a pixel grid, e.g. for warps and sub-pixel lookups.
     *
     * @param width columns of the grid the point is measured in, at least 1
     * @param height rows of the grid, at least 1
     * @param x the point's column coordinate, in [0, width]
     * @param y the point's row coordinate, in [0, height]
     * @return {r, g, b} in [0, 1], clamped
     * @throws IllegalArgumentException if the grid is below 1×1 or above the model's output limit, or the
     *     point is outside it, NaN or infinite, naming the point and the grid
     * @throws IllegalStateException if this representation or its model is closed
     * @throws DiifException if the backend fails
     */
    public float[] sample(int width, int height, double x, double y) {
        float[] raw = sampleRaw(width, height, new double[] {x, y});
        float mean = model.config().mean();
        float std = model.config().std();
        for (int i = 0; i < 3; i++) {
            raw[i] = Math.max(0f, Math.min(1f, raw[i] * std + mean));
        }
        return raw;
    }

    /**
     * Raw model output at many points of the {@code width × height} grid in one call, since a call per
     * point would pay the backend's overhead each time.
     *
     * @param width columns of the grid the points are measured in, at least 1
     * @param height rows of the grid, at least 1
     * @param xy interleaved x, y pairs in output-pixel units, x in [0, width], y in [0, height]
     * @return interleaved r, g, b per point, in the model's normalised space
     * @throws NullPointerException if {@code xy} is null
     * @throws IllegalArgumentException if the grid is below 1×1 or above the model's output limit, {@code xy}
     *     has an odd length, or a point is outside the grid, NaN or infinite (naming the point and the grid)
     * @throws IllegalStateException if this representation or its model is closed
     * @throws DiifException if the backend fails
     */
    public float[] sampleRaw(int width, int height, double[] xy) {
        Latents feat = latents();
        Objects.requireNonNull(xy, "xy must not be null");
        model.checkOutputSize(width, height);
        if (xy.length % 2 != 0) {
            throw new IllegalArgumentException("xy must hold x, y pairs; got " + xy.length + " values");
        }
        int n = xy.length / 2;
        double[] xs = new double[n];
        double[] ys = new double[n];
        for (int p = 0; p < n; p++) {
            double x = xy[2 * p];
            double y = xy[2 * p + 1];
            if (!(x >= 0 && x <= width) || !(y >= 0 && y <= height)) {
                throw new IllegalArgumentException("point " + p + " (" + x + ", " + y + ") is outside the " + width
                        + "x" + height + " grid: x must be in [0, " + width + "], y in [0, " + height + "]");
            }
            xs[p] = x;
            ys[p] = y;
        }
        try {
            return model.decoder().sample(feat, height, width, ys, xs);
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new DiifException("backend " + model.backendName() + " failed to sample: " + e.getMessage(), e);
        }
    }

    /**
     * The decoder's arithmetic per output pixel for a {@code width × height} render, which depends on the
     * scale; for comparing architectures and sizing hardware.
     *
     * @param width output columns, at least 1
     * @param height output rows, at least 1
     * @return multiply-accumulates per output pixel
     * @throws IllegalArgumentException if the size is below 1×1 or above the model's output limit
     * @throws IllegalStateException if this representation or its model is closed
     */
    public double decoderMacsPerPixel(int width, int height) {
        model.checkOutputSize(width, height);
        return model.decoder().macsPerPixel(latents(), height, width);
    }

    private Latents latents() {
        Latents f = latents;
        if (f == null || closed.get()) {
            throw new IllegalStateException("this ImageRepresentation is closed");
        }
        model.ensureOpen();
        return f;
    }

    private static float[] crop(float[] plane, int width, Window win) {
        if (win.x() == 0 && win.y() == 0 && win.width() == width) {
            return java.util.Arrays.copyOf(plane, (int) win.pixels());
        }
        float[] out = new float[(int) win.pixels()];
        for (int r = 0; r < win.height(); r++) {
            System.arraycopy(plane, (win.y() + r) * width + win.x(), out, r * win.width(), win.width());
        }
        return out;
    }

    /** Releases the latent codes, which can be large for large images. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            latents = null;
        }
    }
}

package io.diif.internal.decoding;

import io.diif.Window;
import io.diif.graph.Graph;
import io.diif.internal.encoding.BandedEncoder;
import io.diif.internal.networks.Networks;
import io.diif.model.ModelConfig;
import io.diif.model.ModelFile;
import io.diif.spi.Backend;
import io.diif.spi.Executable;
import java.util.Arrays;

/**
 * A model without a decoder: EDSR-baseline's own upsampler ({@link Networks#edsrUpsampler}) renders the
 * image at its one scale s (baselines §3). Only the s·W × s·H grid exists; other sizes are refused.
 *
 * <p>A window is rendered from the latent rows and columns it covers plus the upsampler's receptive radius,
 * clipped to the image (where each convolution's own zero padding is the model's), in bands of latent rows,
 * so that windows, tiles and bands equal the same pixels of the whole render. Sampling returns the pixel that
 * holds each point: the reference samples its s× image with the nearest rule, the identity on its own grid.
 */
public final class FixedScaleDecoder implements Decoder {
    private final int scale;
    private final int tileRows;
    private final Graph graph;
    private final Executable upsampler;
    /** Latent rows (and columns) beyond a window whose features the window's pixels depend on. */
    private final int radius;

    /**
     * @param tileRows the working-set bound: latent pixels per band, halo included
     */
    public FixedScaleDecoder(ModelFile model, Backend backend, int tileRows) {
        this.scale = ((ModelConfig.EdsrBaseline) model.config().encoder()).upsampleScale();
        this.tileRows = tileRows;
        this.graph = Networks.edsrUpsampler(model);
        this.radius = BandedEncoder.receptiveRadius(graph);
        this.upsampler = backend.compile(graph);
    }

    private void checkGrid(Latents latents, int outHeight, int outWidth) {
        int h = latents.height();
        int w = latents.width();
        if (outHeight != (long) scale * h || outWidth != (long) scale * w) {
            throw new IllegalArgumentException("this model upsamples by exactly " + scale + " (EDSR-baseline x"
                    + scale + ", no arbitrary-scale decoder): a " + w + "x" + h + " input renders only at "
                    + (long) scale * w + "x" + (long) scale * h + ", not " + outWidth + "x" + outHeight);
        }
    }

    @Override
    public void render(Latents latents, int outHeight, int outWidth, Window window, float[] out, Progress progress) {
        checkGrid(latents, outHeight, outWidth);
        int h = latents.height();
        int w = latents.width();
        // Latents [ly0, ly1) × [lx0, lx1) hold the window's pixels; each band adds the radius, clipped.
        int ly0 = window.y() / scale;
        int ly1 = (window.y() + window.height() + scale - 1) / scale;
        int lx0 = window.x() / scale;
        int lx1 = (window.x() + window.width() + scale - 1) / scale;
        int c0 = Math.max(0, lx0 - radius);
        int c1 = Math.min(w, lx1 + radius);
        int bandRows = Math.max(1, tileRows / (c1 - c0) - 2 * radius);
        int plane = window.width() * window.height();
        for (int b0 = ly0; b0 < ly1; b0 += bandRows) {
            int b1 = Math.min(ly1, b0 + bandRows);
            int a0 = Math.max(0, b0 - radius);
            int a1 = Math.min(h, b1 + radius);
            float[] rgb = upsampler.run(latents.feat().window(a0, a1, c0, c1), graph.input().channels(), a1 - a0,
                    c1 - c0);
            int bandHeight = (a1 - a0) * scale;
            int bandWidth = (c1 - c0) * scale;
            int y0 = Math.max(window.y(), b0 * scale);
            int y1 = Math.min(window.y() + window.height(), b1 * scale);
            for (int c = 0; c < 3; c++) {
                for (int y = y0; y < y1; y++) {
                    System.arraycopy(rgb, (c * bandHeight + y - a0 * scale) * bandWidth + window.x() - c0 * scale,
                            out, c * plane + (y - window.y()) * window.width(), window.width());
                }
            }
            progress.advance((long) (y1 - y0) * window.width());
        }
    }

    /** Points whose pixel rows lie within this many rows are rendered in one window. */
    private int sampleBandRows() {
        return 8 * scale;
    }

    @Override
    public float[] sample(Latents latents, int outHeight, int outWidth, double[] ys, double[] xs) {
        checkGrid(latents, outHeight, outWidth);
        int n = ys.length;
        int[] row = new int[n];
        int[] col = new int[n];
        Integer[] order = new Integer[n];
        for (int p = 0; p < n; p++) {
            row[p] = Math.min(outHeight - 1, (int) Math.floor(ys[p]));
            col[p] = Math.min(outWidth - 1, (int) Math.floor(xs[p]));
            order[p] = p;
        }
        Arrays.sort(order, (a, b) -> Integer.compare(row[a], row[b]));
        float[] result = new float[3 * n];
        int at = 0;
        while (at < n) {
            int first = row[order[at]];
            int end = at;
            int left = Integer.MAX_VALUE;
            int right = Integer.MIN_VALUE;
            while (end < n && row[order[end]] - first < sampleBandRows()) {
                left = Math.min(left, col[order[end]]);
                right = Math.max(right, col[order[end]]);
                end++;
            }
            Window band = new Window(left, first, right - left + 1, row[order[end - 1]] - first + 1);
            float[] pixels = new float[3 * (int) band.pixels()];
            render(latents, outHeight, outWidth, band, pixels, Progress.NONE);
            for (int k = at; k < end; k++) {
                int p = order[k];
                int i = (row[p] - band.y()) * band.width() + col[p] - band.x();
                for (int c = 0; c < 3; c++) {
                    result[3 * p + c] = pixels[c * (int) band.pixels() + i];
                }
            }
            at = end;
        }
        return result;
    }

    /** The upsampler's multiply-accumulates per output pixel (there is no other decoder). */
    @Override
    public double macsPerPixel(Latents latents, int outHeight, int outWidth) {
        checkGrid(latents, outHeight, outWidth);
        return (double) graph.macs(graph.input().channels(), latents.height(), latents.width()) / outHeight
                / outWidth;
    }

    @Override
    public void close() {
        upsampler.close();
    }
}

package io.diif.internal.encoding;

import io.diif.graph.Graph;
import io.diif.graph.Node;
import io.diif.spi.Executable;

/**
 * Runs a size-preserving encoder on horizontal bands of the image, each widened by the encoder's
 * receptive radius, so that peak memory follows the band and not the image. Outside the halo the
 * band's result equals the whole-image result: every conv is local, and at the true image border the
 * band's zero padding is the image's zero padding.
 */
public final class BandedEncoder {
    private final Graph graph;
    private final Executable executable;
    private final int radius;
    private final long bandPixels;

    /**
     * @param bandPixels image pixels per band (before the halo); images up to this size run whole
     */
    public BandedEncoder(Graph graph, Executable executable, long bandPixels) {
        this.graph = graph;
        this.executable = executable;
        this.radius = receptiveRadius(graph);
        this.bandPixels = bandPixels;
    }

    /**
     * How many input rows (or columns) away an output value can depend on the input. After a {@link
     * Node.PixelShuffle} a convolution's reach counts in the finer grid, a fraction of an input row.
     */
    public static int receptiveRadius(Graph graph) {
        double[] r = new double[graph.nodes().size()];
        int[] scale = new int[graph.nodes().size()];
        for (Node n : graph.nodes()) {
            double v = 0;
            int s = 1;
            if (n instanceof Node.Conv2d c) {
                int kh = c.kernelH();
                int kw = c.kernelW();
                int reach = Math.max(Math.max(c.padH(), kh - 1 - c.padH()), Math.max(c.padW(), kw - 1 - c.padW()));
                s = scale[c.input().id()];
                v = r[c.input().id()] + (double) reach / s;
            } else if (n instanceof Node.PixelShuffle p) {
                v = r[p.input().id()];
                s = scale[p.input().id()] * p.factor();
            } else if (n instanceof Node.Linear l) {
                v = r[l.input().id()];
                s = scale[l.input().id()];
            } else if (n instanceof Node.Relu x) {
                v = r[x.input().id()];
                s = scale[x.input().id()];
            } else if (n instanceof Node.Scale x) {
                v = r[x.input().id()];
                s = scale[x.input().id()];
            } else if (n instanceof Node.Add a) {
                v = Math.max(r[a.left().id()], r[a.right().id()]);
                s = scale[a.left().id()];
            } else if (n instanceof Node.Concat c) {
                for (Node in : c.inputs()) {
                    v = Math.max(v, r[in.id()]);
                }
                s = scale[c.inputs().get(0).id()];
            }
            r[n.id()] = v;
            scale[n.id()] = s;
        }
        return (int) Math.ceil(r[graph.output().id()] - 1e-9);
    }

    public int radius() {
        return radius;
    }

    /** Encodes a normalised {@code [3, height, width]} image into {@code [F, height, width]}. */
    public float[] encode(float[] image, int height, int width) {
        int channels = graph.input().channels();
        long pixels = (long) height * width;
        if (pixels <= bandPixels) {
            return executable.run(image, channels, height, width);
        }
        // Bands at least 4 halos high keep the recomputed halo rows below a third of the work.
        int bandRows = (int) Math.max(4L * radius, Math.max(1, bandPixels / width));
        int features = graph.output().channels();
        float[] out = new float[Math.multiplyExact(features, Math.toIntExact(pixels))];
        for (int y0 = 0; y0 < height; y0 += bandRows) {
            int y1 = Math.min(height, y0 + bandRows);
            int a0 = Math.max(0, y0 - radius);
            int a1 = Math.min(height, y1 + radius);
            int rows = a1 - a0;
            float[] band = new float[channels * rows * width];
            for (int c = 0; c < channels; c++) {
                System.arraycopy(image, (c * height + a0) * width, band, c * rows * width, rows * width);
            }
            float[] result = executable.run(band, channels, rows, width);
            for (int f = 0; f < features; f++) {
                System.arraycopy(result, (f * rows + (y0 - a0)) * width, out, (f * height + y0) * width,
                        (y1 - y0) * width);
            }
        }
        return out;
    }
}

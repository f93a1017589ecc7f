package io.diif.backend.java;

import io.diif.graph.Graph;
import io.diif.graph.Node;
import io.diif.spi.Executable;
import java.util.stream.IntStream;

/** Evaluates a graph node by node on float arrays. Stateless between calls, hence thread-safe. */
final class GraphInterpreter implements Executable {
    /** Rows per parallel task: large enough to amortise scheduling, small enough to use both cores. */
    private static final int ROW_CHUNK = 64;

    private final Graph graph;
    private final float[][] transposedWeights;
    private volatile boolean closed;

    GraphInterpreter(Graph graph) {
        this.graph = graph;
        this.transposedWeights = new float[graph.nodes().size()][];
        for (Node n : graph.nodes()) {
            if (n instanceof Node.Linear l) {
                transposedWeights[n.id()] = transpose(l.weight().values(), l.weight().dim(0), l.weight().dim(1));
            }
        }
    }

    @Override
    public Graph graph() {
        return graph;
    }

    @Override
    public float[] run(float[] input, int... shape) {
        if (closed) {
            throw new IllegalStateException("executable for graph " + graph.name() + " is closed");
        }
        graph.checkRun(input, shape);
        boolean image = graph.layout() == Graph.Layout.IMAGE;
        int n = graph.nodes().size();
        float[][] values = new float[n][];
        int[][] hw = new int[n][];
        int rows = image ? 0 : shape[0];
        values[0] = input;
        hw[0] = image ? new int[] {shape[1], shape[2]} : new int[] {rows, 1};
        for (Node node : graph.nodes()) {
            int id = node.id();
            if (node instanceof Node.Input) {
                continue;
            } else if (node instanceof Node.Conv2d c) {
                int[] in = hw[c.input().id()];
                int oh = in[0] + 2 * c.padH() - c.kernelH() + 1;
                int ow = in[1] + 2 * c.padW() - c.kernelW() + 1;
                values[id] = conv2d(values[c.input().id()], c, in[0], in[1], oh, ow);
                hw[id] = new int[] {oh, ow};
            } else if (node instanceof Node.Linear l) {
                values[id] = linear(values[l.input().id()], rows, l, transposedWeights[id]);
                hw[id] = hw[l.input().id()];
            } else if (node instanceof Node.Relu r) {
                float[] x = values[r.input().id()];
                float[] y = new float[x.length];
                for (int i = 0; i < x.length; i++) {
                    y[i] = Math.max(x[i], 0f);
                }
                values[id] = y;
                hw[id] = hw[r.input().id()];
            } else if (node instanceof Node.Scale s) {
                float[] x = values[s.input().id()];
                float[] y = new float[x.length];
                for (int i = 0; i < x.length; i++) {
                    y[i] = x[i] * s.factor();
                }
                values[id] = y;
                hw[id] = hw[s.input().id()];
            } else if (node instanceof Node.Add a) {
                float[] x = values[a.left().id()];
                float[] z = values[a.right().id()];
                float[] y = new float[x.length];
                for (int i = 0; i < x.length; i++) {
                    y[i] = x[i] + z[i];
                }
                values[id] = y;
                hw[id] = hw[a.left().id()];
            } else if (node instanceof Node.Concat c) {
                values[id] = concat(values, c, image, hw[c.inputs().get(0).id()], rows);
                hw[id] = hw[c.inputs().get(0).id()];
            } else if (node instanceof Node.PixelShuffle p) {
                int[] in = hw[p.input().id()];
                values[id] = pixelShuffle(values[p.input().id()], p, in[0], in[1]);
                hw[id] = new int[] {in[0] * p.factor(), in[1] * p.factor()};
            }
        }
        return values[graph.output().id()];
    }

    /** out[c, r·y + a, r·x + b] = in[c·r² + a·r + b, y, x]. */
    private static float[] pixelShuffle(float[] x, Node.PixelShuffle p, int h, int w) {
        int r = p.factor();
        int ow = w * r;
        float[] y = new float[x.length];
        for (int c = 0; c < p.channels(); c++) {
            for (int a = 0; a < r; a++) {
                for (int b = 0; b < r; b++) {
                    int plane = ((c * r + a) * r + b) * h * w;
                    for (int iy = 0; iy < h; iy++) {
                        int row = (c * h * r + iy * r + a) * ow + b;
                        for (int ix = 0; ix < w; ix++) {
                            y[row + ix * r] = x[plane + iy * w + ix];
                        }
                    }
                }
            }
        }
        return y;
    }

    private static float[] concat(float[][] values, Node.Concat c, boolean image, int[] hw, int rows) {
        int total = c.channels();
        if (image) {
            int plane = hw[0] * hw[1];
            float[] y = new float[total * plane];
            int offset = 0;
            for (Node in : c.inputs()) {
                float[] x = values[in.id()];
                System.arraycopy(x, 0, y, offset, x.length);
                offset += x.length;
            }
            return y;
        }
        float[] y = new float[rows * total];
        int col = 0;
        for (Node in : c.inputs()) {
            float[] x = values[in.id()];
            int w = in.channels();
            for (int r = 0; r < rows; r++) {
                System.arraycopy(x, r * w, y, r * total + col, w);
            }
            col += w;
        }
        return y;
    }

    /** y[r, o] = b[o] + Σ_k x[r, k] w[o, k], accumulated in k order with wT[k, o] rows (vectorisable). */
    private static float[] linear(float[] x, int rows, Node.Linear l, float[] wT) {
        int in = l.weight().dim(1);
        int out = l.weight().dim(0);
        float[] bias = l.bias() == null ? null : l.bias().values();
        float[] y = new float[rows * out];
        int chunks = (rows + ROW_CHUNK - 1) / ROW_CHUNK;
        IntStream.range(0, chunks).parallel().forEach(chunk -> {
            int end = Math.min(rows, (chunk + 1) * ROW_CHUNK);
            for (int r = chunk * ROW_CHUNK; r < end; r++) {
                int yo = r * out;
                if (bias != null) {
                    System.arraycopy(bias, 0, y, yo, out);
                }
                int xo = r * in;
                for (int k = 0; k < in; k++) {
                    float xv = x[xo + k];
                    if (xv == 0f) {
                        continue;
                    }
                    int wo = k * out;
                    for (int o = 0; o < out; o++) {
                        y[yo + o] += xv * wT[wo + o];
                    }
                }
            }
        });
        return y;
    }

    /** Direct convolution: for each output channel, accumulate shifted input rows (vectorisable inner loop). */
    private static float[] conv2d(float[] x, Node.Conv2d c, int h, int w, int oh, int ow) {
        int out = c.weight().dim(0);
        int in = c.weight().dim(1);
        int kh = c.kernelH();
        int kw = c.kernelW();
        int padH = c.padH();
        int padW = c.padW();
        float[] wv = c.weight().values();
        float[] bias = c.bias() == null ? null : c.bias().values();
        float[] y = new float[out * oh * ow];
        IntStream.range(0, out).parallel().forEach(o -> {
            int yBase = o * oh * ow;
            if (bias != null) {
                java.util.Arrays.fill(y, yBase, yBase + oh * ow, bias[o]);
            }
            for (int ci = 0; ci < in; ci++) {
                int xBase = ci * h * w;
                for (int dy = 0; dy < kh; dy++) {
                    for (int dx = 0; dx < kw; dx++) {
                        float wk = wv[((o * in + ci) * kh + dy) * kw + dx];
                        if (wk == 0f) {
                            continue;
                        }
                        // Output columns whose input column ox + dx - padW lies inside [0, w).
                        int oxStart = Math.max(0, padW - dx);
                        int oxEnd = Math.min(ow, w + padW - dx);
                        for (int oy = 0; oy < oh; oy++) {
                            int iy = oy + dy - padH;
                            if (iy < 0 || iy >= h) {
                                continue;
                            }
                            int yRow = yBase + oy * ow;
                            int xRow = xBase + iy * w + dx - padW;
                            for (int ox = oxStart; ox < oxEnd; ox++) {
                                y[yRow + ox] += wk * x[xRow + ox];
                            }
                        }
                    }
                }
            }
        });
        return y;
    }

    private static float[] transpose(float[] w, int out, int in) {
        float[] t = new float[w.length];
        for (int o = 0; o < out; o++) {
            for (int k = 0; k < in; k++) {
                t[k * out + o] = w[o * in + k];
            }
        }
        return t;
    }

    @Override
    public void close() {
        closed = true;
    }
}

package io.diif.backend.tensorflow;

import io.diif.graph.Graph;
import io.diif.graph.Node;
import io.diif.graph.Parameter;
import java.util.List;
import java.util.Random;

/**
 * Builders of random test graphs. Weights are LeCun-scaled (variance 1/fan-in) so activations stay
 * around 1: an absolute tolerance of 1e-5 is then about 100 float32 ulps, room for a different
 * summation order, while values near 10 or 20 would already differ by that much from rounding alone.
 */
final class RandomGraphs {
    private final Random random;
    private int counter;

    RandomGraphs(long seed) {
        this.random = new Random(seed);
    }

    float[] values(int n, float scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (random.nextGaussian() * scale);
        }
        return v;
    }

    int nextInt(int bound) {
        return random.nextInt(bound);
    }

    Parameter convWeight(int out, int in, int kh, int kw) {
        float scale = (float) Math.sqrt(1.0 / (in * kh * kw));
        return new Parameter("conv" + (counter++) + ".weight", new int[] {out, in, kh, kw},
                values(out * in * kh * kw, scale));
    }

    Parameter linearWeight(int out, int in) {
        float scale = (float) Math.sqrt(1.0 / in);
        return new Parameter("linear" + (counter++) + ".weight", new int[] {out, in}, values(out * in, scale));
    }

    Parameter bias(int out) {
        return new Parameter("bias" + (counter++), new int[] {out}, values(out, 0.1f));
    }

    Node conv(Graph.Builder b, Node x, int out, int k, int pad, boolean bias) {
        return b.conv2d(x, convWeight(out, x.channels(), k, k), bias ? bias(out) : null, pad, pad);
    }

    /**
     * EDSR-like: head conv3x3, {@code blocks} residual blocks (conv-relu-conv, scaled by {@code resScale},
     * added back), body conv, global skip, and a tail conv.
     */
    Graph edsr(String name, int inChannels, int features, int blocks, float resScale, int outChannels) {
        Graph.Builder b = Graph.builder(name, Graph.Layout.IMAGE, inChannels);
        Node head = conv(b, b.input(), features, 3, 1, true);
        Node x = head;
        for (int i = 0; i < blocks; i++) {
            Node r = conv(b, x, features, 3, 1, true);
            r = b.relu(r);
            r = conv(b, r, features, 3, 1, true);
            r = b.scale(r, resScale);
            x = b.add(x, r);
        }
        x = conv(b, x, features, 3, 1, true);
        x = b.add(x, head);
        Node tail = conv(b, x, outChannels, 3, 1, true);
        return b.build(tail);
    }

    /** A small image graph mixing all image operations and padding/kernel variants. */
    Graph mixedImage(String name) {
        Graph.Builder b = Graph.builder(name, Graph.Layout.IMAGE, 3);
        Node a = conv(b, b.input(), 8, 3, 1, true);
        Node r = b.relu(a);
        // Asymmetric padding: 3x3 kernel, pad rows 0, cols 1 -> height shrinks by 2.
        Node asym = b.conv2d(r, convWeight(8, 8, 3, 3), bias(8), 0, 1);
        // Back to full size with the opposite asymmetric padding.
        Node back = b.conv2d(asym, convWeight(8, 8, 1, 3), null, 1, 1);
        Node sum = b.add(a, back);
        // Even kernels: 2x2 pad 1 grows by one, 4x4 pad 2 grows by one more... then 4x4 pad 1 shrinks.
        Node k2 = conv(b, sum, 6, 2, 1, false);        // H+1
        Node k4 = conv(b, k2, 6, 4, 2, true);          // H+2
        Node k4b = conv(b, k4, 6, 4, 1, true);         // H+1
        Node k2b = conv(b, k4b, 6, 2, 0, true);        // H
        Node scaled = b.scale(k2b, -0.5f);
        Node cat = b.concat(List.of(sum, scaled, b.input()));
        Node mixed = b.conv2d(cat, convWeight(4, cat.channels(), 5, 3), bias(4), 2, 1);
        Node valid = b.conv2d(b.relu(mixed), convWeight(5, 4, 3, 3), null, 0, 0); // H-2, W-2
        Node big = b.conv2d(valid, convWeight(5, 5, 1, 1), bias(5), 2, 1); // padding bigger than the kernel
        return b.build(big);
    }

    /** A random image graph: a chain of random ops with occasional skips and concatenations. */
    Graph randomImage(String name, int inChannels, int ops) {
        Graph.Builder b = Graph.builder(name, Graph.Layout.IMAGE, inChannels);
        Node x = b.input();
        Node skip = null;
        for (int i = 0; i < ops; i++) {
            int choice = random.nextInt(6);
            switch (choice) {
                case 0, 1 -> {
                    int kh = 1 + random.nextInt(4);
                    int kw = 1 + random.nextInt(4);
                    int ph = random.nextInt(kh); // keeps the size >= input size - kh + 1 ...
                    int pw = random.nextInt(kw);
                    // ... and restore roughly: pad up to the kernel half so the image never vanishes
                    ph = Math.max(ph, (kh - 1) / 2);
                    pw = Math.max(pw, (kw - 1) / 2);
                    int out = 1 + random.nextInt(8);
                    x = b.conv2d(x, convWeight(out, x.channels(), kh, kw), random.nextBoolean() ? bias(out) : null,
                            ph, pw);
                    skip = null;
                }
                case 2 -> x = b.relu(x);
                case 3 -> x = b.scale(x, (float) (random.nextDouble() * 2 - 1));
                case 4 -> {
                    if (skip != null && skip.channels() == x.channels()) {
                        x = b.add(x, skip);
                    } else {
                        skip = x;
                        x = b.conv2d(x, convWeight(x.channels(), x.channels(), 3, 3), bias(x.channels()), 1, 1);
                    }
                }
                default -> {
                    Node y = b.conv2d(x, convWeight(2, x.channels(), 1, 1), null, 0, 0);
                    x = b.concat(List.of(x, y));
                    skip = null;
                }
            }
        }
        return b.build(x);
    }

    /** Linear stack: {@code widths[0]} inputs, then one linear layer per following width, ReLU between. */
    Graph mlp(String name, boolean biases, int... widths) {
        Graph.Builder b = Graph.builder(name, Graph.Layout.ROWS, widths[0]);
        Node x = b.input();
        for (int i = 1; i < widths.length; i++) {
            x = b.linear(x, linearWeight(widths[i], x.channels()), biases ? bias(widths[i]) : null);
            if (i < widths.length - 1) {
                x = b.relu(x);
            }
        }
        return b.build(x);
    }

    /** A row graph with every row operation: linear with/without bias, relu, scale, add, concat. */
    Graph mixedRows(String name) {
        Graph.Builder b = Graph.builder(name, Graph.Layout.ROWS, 7);
        Node in = b.input();
        Node a = b.relu(b.linear(in, linearWeight(16, 7), bias(16)));
        Node c = b.linear(a, linearWeight(16, 16), null);
        Node s = b.add(a, b.scale(c, 0.25f));
        Node cat = b.concat(List.of(s, in, b.relu(c)));
        Node d = b.relu(b.linear(cat, linearWeight(9, cat.channels()), bias(9)));
        Node single = b.concat(List.of(d));
        Node out = b.linear(single, linearWeight(3, 9), bias(3));
        return b.build(out);
    }
}

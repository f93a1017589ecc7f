package io.diif.backend.pytorch;

import io.diif.graph.Graph;
import io.diif.graph.Node;
import io.diif.graph.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Random graphs and inputs for comparing backends. Weights are scaled by 1/sqrt(fan-in) to keep values O(1). */
final class TestGraphs {
    private TestGraphs() {
    }

    /** EDSR-like: head conv, residual blocks (conv, relu, conv, scale, add), body conv + global skip, concat, tail. */
    static Graph edsr(String name, Random rnd, int inChannels, int features, int blocks, int outChannels,
            float resScale) {
        Graph.Builder b = Graph.builder(name, Graph.Layout.IMAGE, inChannels);
        Node head = conv(b, rnd, b.input(), features, 3, 3, 1, 1, true);
        Node h = head;
        for (int i = 0; i < blocks; i++) {
            Node r = conv(b, rnd, h, features, 3, 3, 1, 1, true);
            r = b.relu(r);
            r = conv(b, rnd, r, features, 3, 3, 1, 1, true);
            r = b.scale(r, resScale);
            h = b.add(h, r);
        }
        Node body = conv(b, rnd, h, features, 3, 3, 1, 1, true);
        Node res = b.add(body, head);
        Node cat = b.concat(List.of(res, head));
        Node tail = conv(b, rnd, cat, outChannels, 3, 3, 1, 1, true);
        return b.build(tail);
    }

    /**
     * Odd convolutions: asymmetric padding (0,1), 2x2 kernel pad 1, 4x4 kernel pad 2, 1x3 kernel without bias,
     * 3x3 without bias, concat with the input, relu, negative scale, residual add. Needs H >= 2.
     */
    static Graph oddConvs(String name, Random rnd, int inChannels) {
        Graph.Builder b = Graph.builder(name, Graph.Layout.IMAGE, inChannels);
        Node x = b.input();
        Node a = conv(b, rnd, x, 6, 3, 3, 0, 1, true);      // H-2, W
        Node c2 = conv(b, rnd, a, 5, 2, 2, 1, 1, true);     // H-1, W+1
        Node c4 = conv(b, rnd, c2, 7, 4, 4, 2, 2, true);    // H,   W+2
        Node d = conv(b, rnd, c4, 4, 1, 3, 0, 0, false);    // H,   W
        Node e = conv(b, rnd, x, 3, 3, 3, 1, 1, false);     // H,   W
        Node cat = b.concat(List.of(d, e, x));
        Node f = b.scale(b.relu(cat), -0.5f);
        Node g = conv(b, rnd, f, cat.channels(), 3, 3, 1, 1, true);
        Node sum = b.add(g, cat);
        Node out = conv(b, rnd, sum, 3, 1, 1, 0, 0, true);
        return b.build(out);
    }

    /** A single convolution. */
    static Graph singleConv(String name, Random rnd, int in, int out, int kh, int kw, int padH, int padW,
            boolean bias) {
        Graph.Builder b = Graph.builder(name, Graph.Layout.IMAGE, in);
        return b.build(conv(b, rnd, b.input(), out, kh, kw, padH, padW, bias));
    }

    /** Linear stack with relu between layers; {@code withoutBias} marks layers without bias. */
    static Graph mlp(String name, Random rnd, int in, int[] widths, boolean[] withoutBias) {
        Graph.Builder b = Graph.builder(name, Graph.Layout.ROWS, in);
        Node x = b.input();
        for (int i = 0; i < widths.length; i++) {
            x = linear(b, rnd, x, widths[i], withoutBias == null || !withoutBias[i]);
            if (i < widths.length - 1) {
                x = b.relu(x);
            }
        }
        return b.build(x);
    }

    /** Rows with concat of several branches (one without bias, one the raw input), scale and residual add. */
    static Graph rowsWithConcat(String name, Random rnd, int in) {
        Graph.Builder b = Graph.builder(name, Graph.Layout.ROWS, in);
        Node x = b.input();
        Node a = b.relu(linear(b, rnd, x, 16, true));
        Node c = linear(b, rnd, x, 8, false);
        Node cat = b.concat(List.of(a, c, x));
        Node h = b.relu(linear(b, rnd, cat, 24, true));
        Node h2 = b.scale(linear(b, rnd, h, 24, false), 0.25f);
        Node sum = b.add(h, h2);
        Node out = linear(b, rnd, b.concat(List.of(sum, cat)), 5, true);
        return b.build(out);
    }

    static Node conv(Graph.Builder b, Random rnd, Node x, int out, int kh, int kw, int padH, int padW, boolean bias) {
        int in = x.channels();
        float std = (float) (1.0 / Math.sqrt(in * kh * kw));
        Parameter w = new Parameter("conv" + x.id() + "_" + out + ".weight", new int[] {out, in, kh, kw},
                gaussian(rnd, out * in * kh * kw, std));
        Parameter bb = bias ? new Parameter("conv" + x.id() + "_" + out + ".bias", new int[] {out},
                gaussian(rnd, out, 0.1f)) : null;
        return b.conv2d(x, w, bb, padH, padW);
    }

    static Node linear(Graph.Builder b, Random rnd, Node x, int out, boolean bias) {
        int in = x.channels();
        float std = (float) (1.0 / Math.sqrt(in));
        Parameter w = new Parameter("fc" + x.id() + "_" + out + ".weight", new int[] {out, in},
                gaussian(rnd, out * in, std));
        Parameter bb = bias ? new Parameter("fc" + x.id() + "_" + out + ".bias", new int[] {out},
                gaussian(rnd, out, 0.1f)) : null;
        return b.linear(x, w, bb);
    }

    static float[] gaussian(Random rnd, int n, float std) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) rnd.nextGaussian() * std;
        }
        return v;
    }

    static float[] uniform(Random rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = rnd.nextFloat();
        }
        return v;
    }

    static List<int[]> shapes(int... flat) {
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < flat.length; i += 3) {
            out.add(new int[] {flat[i], flat[i + 1], flat[i + 2]});
        }
        return out;
    }

    static int count(int... shape) {
        int c = 1;
        for (int d : shape) {
            c *= d;
        }
        return c;
    }
}

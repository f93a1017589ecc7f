package io.diif.backend.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.diif.graph.Graph;
import io.diif.graph.Node;
import io.diif.graph.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Random graphs and inputs for the tests: weights scaled so activations stay of order one. */
final class TestGraphs {
    private final Random random;
    private int params;

    TestGraphs(long seed) {
        this.random = new Random(seed);
    }

    Parameter param(int... shape) {
        int count = 1;
        for (int d : shape) {
            count *= d;
        }
        int fanIn = shape.length == 1 ? 1 : count / shape[0];
        float bound = (float) Math.sqrt(3.0 / fanIn);
        float[] v = new float[count];
        for (int i = 0; i < count; i++) {
            v[i] = (random.nextFloat() * 2 - 1) * bound;
        }
        return new Parameter("p" + params++, shape, v);
    }

    float[] input(int count) {
        float[] v = new float[count];
        for (int i = 0; i < count; i++) {
            v[i] = random.nextFloat() * 2 - 1;
        }
        return v;
    }

    Node conv(Graph.Builder b, Node x, int out, int kh, int kw, int padH, int padW, boolean bias) {
        return b.conv2d(x, param(out, x.channels(), kh, kw), bias ? param(out) : null, padH, padW);
    }

    Node conv3(Graph.Builder b, Node x, int out) {
        return conv(b, x, out, 3, 3, 1, 1, true);
    }

    Node linear(Graph.Builder b, Node x, int out, boolean bias) {
        return b.linear(x, param(out, x.channels()), bias ? param(out) : null);
    }

    /** EDSR: head conv, residual blocks (conv, relu, conv, scale, add), body conv, global skip, tail conv. */
    Graph edsr(int colors, int features, int blocks, float resScale) {
        Graph.Builder b = Graph.builder("edsr" + features + "x" + blocks, Graph.Layout.IMAGE, colors);
        Node head = conv3(b, b.input(), features);
        Node x = head;
        for (int i = 0; i < blocks; i++) {
            Node r = conv3(b, b.relu(conv3(b, x, features)), features);
            x = b.add(x, b.scale(r, resScale));
        }
        x = b.add(conv3(b, x, features), head);
        return b.build(conv3(b, x, colors));
    }

    /** EDSR-like, plus a concat of branches with different kernels and asymmetric padding. */
    Graph edsrWithBranches() {
        Graph.Builder b = Graph.builder("branches", Graph.Layout.IMAGE, 3);
        Node head = conv3(b, b.input(), 8);
        Node r = conv3(b, b.relu(conv3(b, head, 8)), 8);
        Node x = b.add(head, b.scale(r, 0.5f));
        Node a = conv(b, x, 4, 1, 1, 0, 0, true);
        Node c = conv(b, x, 5, 1, 3, 0, 1, false);  // padH = 0, padW = 1 keeps the size of a 1x3 kernel
        Node d = conv(b, x, 3, 5, 5, 2, 2, true);
        Node cat = b.concat(List.of(a, c, d, x));
        Node y = b.relu(conv3(b, cat, 6));
        return b.build(b.scale(y, -1.5f));
    }

    /** Convolutions that change the spatial size: asymmetric padding, even kernels, no bias. */
    Graph oddConvolutions() {
        Graph.Builder b = Graph.builder("odd", Graph.Layout.IMAGE, 2);
        Node x = conv(b, b.input(), 4, 3, 3, 0, 1, true);   // H - 2, W
        x = b.relu(x);
        x = conv(b, x, 5, 2, 2, 1, 1, true);               // H - 1, W + 1
        x = conv(b, x, 3, 4, 4, 2, 2, false);              // H, W + 2
        x = conv(b, x, 6, 4, 4, 1, 1, true);               // H - 1, W + 1
        x = conv(b, x, 2, 1, 2, 1, 0, false);              // H + 1, W
        return b.build(x);
    }

    /** A stack of linear layers with relus, a bias-free layer, a concat skip, a scale and an add. */
    Graph mlp(int in, int hidden, int out) {
        Graph.Builder b = Graph.builder("mlp", Graph.Layout.ROWS, in);
        Node h1 = b.relu(linear(b, b.input(), hidden, true));
        Node h2 = b.relu(linear(b, h1, hidden, false));
        Node cat = b.concat(List.of(h2, b.input(), h1));
        Node h3 = b.relu(linear(b, cat, hidden, true));
        Node h4 = b.add(h3, b.scale(h1, 0.25f));
        return b.build(linear(b, h4, out, true));
    }

    /** {@code layers} linear layers of width {@code width}, relu between them. */
    Graph linearStack(int in, int width, int layers, int out) {
        Graph.Builder b = Graph.builder("stack", Graph.Layout.ROWS, in);
        Node x = b.input();
        for (int i = 0; i < layers - 1; i++) {
            x = b.relu(linear(b, x, width, true));
        }
        return b.build(linear(b, x, out, true));
    }

    static void assertClose(float[] expected, float[] actual, double tolerance, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        double max = maxDiff(expected, actual);
        if (!(max <= tolerance)) {
            fail(what + ": max |difference| " + max + " > " + tolerance);
        }
    }

    static double maxDiff(float[] a, float[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            double d = Math.abs((double) a[i] - b[i]);
            if (!(d <= max)) {
                max = Double.isNaN(d) ? Double.POSITIVE_INFINITY : d;
            }
        }
        return max;
    }

    static List<int[]> imageShapes(int channels) {
        List<int[]> shapes = new ArrayList<>();
        shapes.add(new int[] {channels, 1, 1});
        shapes.add(new int[] {channels, 5, 9});
        shapes.add(new int[] {channels, 17, 23});
        shapes.add(new int[] {channels, 64, 48});
        return shapes;
    }
}

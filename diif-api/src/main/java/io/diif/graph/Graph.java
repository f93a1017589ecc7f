package io.diif.graph;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A tiny, engine-neutral network description: the only thing a backend has to understand.
 *
 * <p>The pure-Java core expresses every neural part of a model (encoders, MLP stages of decoders,
 * per-latent projections) as a graph of a handful of operations ({@link Node}); a backend compiles it
 * once per model into an {@link io.diif.spi.Executable}. Graphs are immutable and have exactly one input
 * and one output.
 */
public final class Graph {

    /** How the single input and output tensors are laid out. */
    public enum Layout {
        /** One image, {@code [C, H, W]} (batch of one, channel-major). */
        IMAGE,
        /** A matrix {@code [N, C]}: N independent rows. */
        ROWS
    }

    private final String name;
    private final Layout layout;
    private final List<Node> nodes;
    private final Node output;

    Graph(String name, Layout layout, List<Node> nodes, Node output) {
        this.name = name;
        this.layout = layout;
        this.nodes = List.copyOf(nodes);
        this.output = output;
    }

    /** Starts a graph whose input has {@code inputChannels} channels (or columns). */
    public static Builder builder(String name, Layout layout, int inputChannels) {
        return new Builder(name, layout, inputChannels);
    }

    public String name() {
        return name;
    }

    public Layout layout() {
        return layout;
    }

    /** All nodes in topological order; the first is the {@link Node.Input}. */
    public List<Node> nodes() {
        return nodes;
    }

    public Node.Input input() {
        return (Node.Input) nodes.get(0);
    }

    public Node output() {
        return output;
    }

    /** Multiply-accumulates of one run, for the given input shape. */
    public long macs(int... inputShape) {
        checkInputShape(inputShape);
        long total = 0;
        int h = layout == Layout.IMAGE ? inputShape[1] : 1;
        int w = layout == Layout.IMAGE ? inputShape[2] : 1;
        long rows = layout == Layout.ROWS ? inputShape[0] : 1;
        int[][] spatial = spatialSizes(h, w);
        for (Node n : nodes) {
            if (n instanceof Node.Conv2d c) {
                long pixels = (long) spatial[n.id()][0] * spatial[n.id()][1];
                total += pixels * c.weight().values().length;
            } else if (n instanceof Node.Linear l) {
                total += rows * l.weight().values().length;
            }
        }
        return total;
    }

    /** The output shape for an input of the given shape ({@code [C,H,W]} or {@code [N,C]}). */
    public int[] outputShape(int... inputShape) {
        checkInputShape(inputShape);
        if (layout == Layout.ROWS) {
            return new int[] {inputShape[0], output.channels()};
        }
        int[][] spatial = spatialSizes(inputShape[1], inputShape[2]);
        int[] hw = spatial[output.id()];
        return new int[] {output.channels(), hw[0], hw[1]};
    }

    /**
     * Validates one run's input for a backend: the shape fits the graph, {@code input} holds exactly that
     * many values, and the output fits in a Java array.
     *
     * @return the number of output values (0 means there is nothing to compute)
     */
    public int checkRun(float[] input, int... shape) {
        int[] out = outputShape(shape);
        long expected = 1;
        for (int d : shape) {
            expected *= d;
        }
        if (input == null || input.length != expected) {
            throw new IllegalArgumentException("input of graph " + name + " has "
                    + (input == null ? "no" : String.valueOf(input.length)) + " values, shape "
                    + Arrays.toString(shape) + " needs " + expected);
        }
        long count = 1;
        for (int d : out) {
            count *= d;
        }
        if (count > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("output of graph " + name + " for input " + Arrays.toString(shape)
                    + " would have " + count + " values, more than a Java array holds");
        }
        return (int) count;
    }

    /** Checks that a shape fits this graph's input; throws naming the mismatch. */
    public void checkInputShape(int... shape) {
        int rank = layout == Layout.IMAGE ? 3 : 2;
        if (shape == null || shape.length != rank) {
            throw new IllegalArgumentException("graph " + name + " takes a rank-" + rank + " input, got "
                    + Arrays.toString(shape));
        }
        int channels = layout == Layout.IMAGE ? shape[0] : shape[1];
        if (channels != input().channels()) {
            throw new IllegalArgumentException("graph " + name + " takes " + input().channels()
                    + " input channels, got shape " + Arrays.toString(shape));
        }
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("graph " + name + ": negative dimension in "
                        + Arrays.toString(shape));
            }
        }
    }

    private int[][] spatialSizes(int h, int w) {
        int[][] sizes = new int[nodes.size()][];
        for (Node n : nodes) {
            int[] hw;
            if (n instanceof Node.Input) {
                hw = new int[] {h, w};
            } else if (n instanceof Node.Conv2d c) {
                int[] in = sizes[c.input().id()];
                hw = new int[] {in[0] + 2 * c.padH() - c.kernelH() + 1, in[1] + 2 * c.padW() - c.kernelW() + 1};
                if (hw[0] < 0 || hw[1] < 0) {
                    throw new IllegalArgumentException("graph " + name + ": input " + h + "x" + w
                            + " is too small for convolution " + c.weight().name());
                }
            } else if (n instanceof Node.Linear l) {
                hw = sizes[l.input().id()];
            } else if (n instanceof Node.Relu r) {
                hw = sizes[r.input().id()];
            } else if (n instanceof Node.Scale s) {
                hw = sizes[s.input().id()];
            } else if (n instanceof Node.Add a) {
                hw = sizes[a.left().id()];
            } else if (n instanceof Node.Concat c) {
                hw = sizes[c.inputs().get(0).id()];
            } else if (n instanceof Node.PixelShuffle p) {
                int[] in = sizes[p.input().id()];
                hw = new int[] {in[0] * p.factor(), in[1] * p.factor()};
            } else {
                throw new IllegalStateException("unknown node " + n);
            }
            sizes[n.id()] = hw;
        }
        return sizes;
    }

    @Override
    public String toString() {
        return "Graph[" + name + ", " + layout + ", " + nodes.size() + " nodes]";
    }

    /** Adds nodes in topological order; each method returns the node it added. */
    public static final class Builder {
        private final String name;
        private final Layout layout;
        private final List<Node> nodes = new ArrayList<>();

        private Builder(String name, Layout layout, int inputChannels) {
            this.name = Objects.requireNonNull(name, "name");
            this.layout = Objects.requireNonNull(layout, "layout");
            if (inputChannels <= 0) {
                throw new IllegalArgumentException("inputChannels must be > 0, was " + inputChannels);
            }
            nodes.add(new Node.Input(0, inputChannels));
        }

        public Node input() {
            return nodes.get(0);
        }

        public Node conv2d(Node x, Parameter weight, Parameter bias, int padH, int padW) {
            requireLayout(Layout.IMAGE, "conv2d");
            owned(x);
            if (weight.rank() != 4 || weight.dim(1) != x.channels()) {
                throw new IllegalArgumentException("conv2d " + weight + " does not take " + x.channels()
                        + " input channels");
            }
            checkBias(weight, bias);
            if (padH < 0 || padW < 0) {
                throw new IllegalArgumentException("conv2d padding must be >= 0, was " + padH + "," + padW);
            }
            return add(new Node.Conv2d(nodes.size(), x, weight, bias, padH, padW));
        }

        public Node linear(Node x, Parameter weight, Parameter bias) {
            requireLayout(Layout.ROWS, "linear");
            owned(x);
            if (weight.rank() != 2 || weight.dim(1) != x.channels()) {
                throw new IllegalArgumentException("linear " + weight + " does not take " + x.channels()
                        + " input columns");
            }
            checkBias(weight, bias);
            return add(new Node.Linear(nodes.size(), x, weight, bias));
        }

        public Node relu(Node x) {
            owned(x);
            return add(new Node.Relu(nodes.size(), x));
        }

        public Node add(Node a, Node b) {
            owned(a);
            owned(b);
            if (a.channels() != b.channels()) {
                throw new IllegalArgumentException("add of " + a.channels() + " and " + b.channels() + " channels");
            }
            return add(new Node.Add(nodes.size(), a, b));
        }

        public Node scale(Node x, float factor) {
            owned(x);
            return add(new Node.Scale(nodes.size(), x, factor));
        }

        /** {@link Node.PixelShuffle}: channels must be a multiple of factor². */
        public Node pixelShuffle(Node x, int factor) {
            requireLayout(Layout.IMAGE, "pixelShuffle");
            owned(x);
            if (factor < 1 || x.channels() % (factor * factor) != 0) {
                throw new IllegalArgumentException("pixelShuffle(" + factor + ") of " + x.channels()
                        + " channels: the factor must be >= 1 and its square divide the channels");
            }
            return add(new Node.PixelShuffle(nodes.size(), x, factor));
        }

        public Node concat(List<Node> inputs) {
            if (inputs.isEmpty()) {
                throw new IllegalArgumentException("concat of nothing");
            }
            inputs.forEach(this::owned);
            return add(new Node.Concat(nodes.size(), inputs));
        }

        /** Finishes the graph with {@code output} as its result. */
        public Graph build(Node output) {
            owned(output);
            return new Graph(name, layout, nodes, output);
        }

        private Node add(Node n) {
            nodes.add(n);
            return n;
        }

        private void owned(Node n) {
            if (n == null || n.id() >= nodes.size() || nodes.get(n.id()) != n) {
                throw new IllegalArgumentException("node " + n + " does not belong to graph " + name);
            }
        }

        private void requireLayout(Layout wanted, String op) {
            if (layout != wanted) {
                throw new IllegalArgumentException(op + " needs a " + wanted + " graph; " + name + " is " + layout);
            }
        }

        private static void checkBias(Parameter weight, Parameter bias) {
            if (bias != null && (bias.rank() != 1 || bias.dim(0) != weight.dim(0))) {
                throw new IllegalArgumentException("bias " + bias + " does not match weight " + weight);
            }
        }
    }
}

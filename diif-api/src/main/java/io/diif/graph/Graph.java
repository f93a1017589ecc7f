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

    /**
     * Starts a graph.
     *
     * @param name the graph's name, shown in errors and logs (and the file name of an ONNX export)
     * @param layout how the input and output are laid out
     * @param inputChannels channels (image graphs) or columns (row graphs) of the input
     * @return a builder holding only the input node
     * @throws NullPointerException if {@code name} or {@code layout} is null
     * @throws IllegalArgumentException if {@code inputChannels} is not positive
     */
    public static Builder builder(String name, Layout layout, int inputChannels) {
        return new Builder(name, layout, inputChannels);
    }

    /**
     * The graph's name.
     *
     * @return the name given to {@link #builder}
     */
    public String name() {
        return name;
    }

    /**
     * How the input and output are laid out.
     *
     * @return the layout
     */
    public Layout layout() {
        return layout;
    }

    /**
     * All nodes in topological order.
     *
     * @return an unmodifiable list whose first node is the {@link Node.Input}
     */
    public List<Node> nodes() {
        return nodes;
    }

    /**
     * The input node.
     *
     * @return the first node
     */
    public Node.Input input() {
        return (Node.Input) nodes.get(0);
    }

    /**
     * The node whose value the graph returns.
     *
     * @return the output node
     */
    public Node output() {
        return output;
    }

    /**
     * Counts the multiply-accumulates of one run.
     *
     * @param inputShape {@code [C, H, W]} or {@code [N, C]}
     * @return the multiply-accumulates of the convolutions and dense layers for that input
     * @throws IllegalArgumentException if the shape does not fit the graph (see {@link #checkInputShape})
     */
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

    /**
     * The output shape for an input shape.
     *
     * @param inputShape {@code [C, H, W]} or {@code [N, C]}
     * @return {@code [C', H', W']} or {@code [N, C']}, in a new array
     * @throws IllegalArgumentException if the shape does not fit the graph, or is too small for a
     *     convolution
     */
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
     * @param input the input values
     * @param shape the input's shape, {@code [C, H, W]} or {@code [N, C]}
     * @return the number of output values (0 means there is nothing to compute)
     * @throws IllegalArgumentException naming the mismatch, if any of the three does not hold
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

    /**
     * Checks that a shape fits this graph's input: its rank, its channel count, no negative dimension.
     *
     * @param shape {@code [C, H, W]} or {@code [N, C]}
     * @throws IllegalArgumentException naming the mismatch
     */
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

    /**
     * Adds nodes in topological order; each method returns the node it added. Every method throws
     * {@link IllegalArgumentException} for a node of another graph, or an operation the layout does not
     * have.
     */
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

        /**
         * The input node, where a graph starts.
         *
         * @return the input node
         */
        public Node input() {
            return nodes.get(0);
        }

        /**
         * Adds a {@link Node.Conv2d} (image graphs).
         *
         * @param x the input node
         * @param weight {@code [out, in, kh, kw]}, {@code in} equal to the channels of {@code x}
         * @param bias {@code [out]}, or null for none
         * @param padH zero rows added above and below
         * @param padW zero columns added left and right
         * @return the new node
         * @throws IllegalArgumentException if the graph is a row graph, a shape does not match, or a padding
         *     is negative
         */
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

        /**
         * Adds a {@link Node.Linear} (row graphs).
         *
         * @param x the input node
         * @param weight {@code [out, in]}, {@code in} equal to the columns of {@code x}
         * @param bias {@code [out]}, or null for none
         * @return the new node
         * @throws IllegalArgumentException if the graph is an image graph or a shape does not match
         */
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

        /**
         * Adds a {@link Node.Relu}.
         *
         * @param x the input node
         * @return the new node
         */
        public Node relu(Node x) {
            owned(x);
            return add(new Node.Relu(nodes.size(), x));
        }

        /**
         * Adds a {@link Node.Add}.
         *
         * @param a one summand
         * @param b the other, with as many channels as {@code a}
         * @return the new node
         * @throws IllegalArgumentException if the channel counts differ
         */
        public Node add(Node a, Node b) {
            owned(a);
            owned(b);
            if (a.channels() != b.channels()) {
                throw new IllegalArgumentException("add of " + a.channels() + " and " + b.channels() + " channels");
            }
            return add(new Node.Add(nodes.size(), a, b));
        }

        /**
         * Adds a {@link Node.Scale}.
         *
         * @param x the input node
         * @param factor the constant to multiply by
         * @return the new node
         */
        public Node scale(Node x, float factor) {
            owned(x);
            return add(new Node.Scale(nodes.size(), x, factor));
        }

        /**
         * Adds a {@link Node.PixelShuffle} (image graphs).
         *
         * @param x the input node, whose channels are a multiple of {@code factor²}
         * @param factor how much each side grows, at least 1
         * @return the new node
         * @throws IllegalArgumentException if the graph is a row graph or the factor does not fit
         */
        public Node pixelShuffle(Node x, int factor) {
            requireLayout(Layout.IMAGE, "pixelShuffle");
            owned(x);
            if (factor < 1 || x.channels() % (factor * factor) != 0) {
                throw new IllegalArgumentException("pixelShuffle(" + factor + ") of " + x.channels()
                        + " channels: the factor must be >= 1 and its square divide the channels");
            }
            return add(new Node.PixelShuffle(nodes.size(), x, factor));
        }

        /**
         * Adds a {@link Node.Concat}.
         *
         * @param inputs the nodes to concatenate, in order, at least one
         * @return the new node
         * @throws IllegalArgumentException if {@code inputs} is empty
         */
        public Node concat(List<Node> inputs) {
            if (inputs.isEmpty()) {
                throw new IllegalArgumentException("concat of nothing");
            }
            inputs.forEach(this::owned);
            return add(new Node.Concat(nodes.size(), inputs));
        }

        /**
         * Finishes the graph.
         *
         * @param output the node whose value the graph returns
         * @return the immutable graph
         * @throws IllegalArgumentException if {@code output} is not a node of this graph
         */
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

package io.diif.graph;

import java.util.List;

/**
 * One operation of a {@link Graph}. Image graphs work on one image laid out {@code [C, H, W]}; row
 * graphs work on a matrix {@code [N, C]}. Every node knows its channel count; spatial sizes follow
 * from the input shape at run time.
 */
public sealed interface Node {

    /**
     * Position of this node in its graph's topological order.
     *
     * @return the index in {@link Graph#nodes()}
     */
    int id();

    /**
     * What this node produces.
     *
     * @return channels (image graphs) or columns (row graphs)
     */
    int channels();

    /**
     * The single input of the graph.
     *
     * @param id position in the graph, 0
     * @param channels channels or columns of the input
     */
    record Input(int id, int channels) implements Node {
    }

    /**
     * 2-D cross-correlation, stride 1, zero padding {@code padH} rows above and below and {@code padW}
     * columns left and right.
     *
     * @param id position in the graph
     * @param input the node convolved
     * @param weight {@code [out, in, kh, kw]}
     * @param bias {@code [out]}, or null for none
     * @param padH zero rows above and below
     * @param padW zero columns left and right
     */
    record Conv2d(int id, Node input, Parameter weight, Parameter bias, int padH, int padW) implements Node {
        @Override
        public int channels() {
            return weight.dim(0);
        }

        /**
         * The kernel's height.
         *
         * @return {@code kh} of the weight
         */
        public int kernelH() {
            return weight.dim(2);
        }

        /**
         * The kernel's width.
         *
         * @return {@code kw} of the weight
         */
        public int kernelW() {
            return weight.dim(3);
        }
    }

    /**
     * {@code y = x Wᵀ + b} on a row graph.
     *
     * @param id position in the graph
     * @param input the node transformed
     * @param weight {@code [out, in]}
     * @param bias {@code [out]}, or null for none
     */
    record Linear(int id, Node input, Parameter weight, Parameter bias) implements Node {
        @Override
        public int channels() {
            return weight.dim(0);
        }
    }

    /**
     * {@code max(x, 0)}, element-wise.
     *
     * @param id position in the graph
     * @param input the node rectified
     */
    record Relu(int id, Node input) implements Node {
        @Override
        public int channels() {
            return input.channels();
        }
    }

    /**
     * Element-wise sum of two nodes of equal shape.
     *
     * @param id position in the graph
     * @param left one summand
     * @param right the other
     */
    record Add(int id, Node left, Node right) implements Node {
        @Override
        public int channels() {
            return left.channels();
        }
    }

    /**
     * Multiplication by a constant.
     *
     * @param id position in the graph
     * @param input the node scaled
     * @param factor the constant
     */
    record Scale(int id, Node input, float factor) implements Node {
        @Override
        public int channels() {
            return input.channels();
        }
    }

    /**
     * PyTorch's PixelShuffle(r) on an image graph ("depth to space", ONNX DepthToSpace mode CRD):
     * {@code out[c, r·y + a, r·x + b] = in[c·r² + a·r + b, y, x]}. Channels shrink by r², each side grows r×.
     *
     * @param id position in the graph
     * @param input the node rearranged
     * @param factor r
     */
    record PixelShuffle(int id, Node input, int factor) implements Node {
        @Override
        public int channels() {
            return input.channels() / (factor * factor);
        }
    }

    /**
     * Concatenation along the channel axis (image graphs) or the column axis (row graphs).
     *
     * @param id position in the graph
     * @param inputs the nodes concatenated, in order
     */
    record Concat(int id, List<Node> inputs) implements Node {
        /**
         * Keeps an unmodifiable copy of the inputs.
         *
         * @param id position in the graph
         * @param inputs the nodes concatenated, in order
         */
        public Concat {
            inputs = List.copyOf(inputs);
        }

        @Override
        public int channels() {
            int c = 0;
            for (Node n : inputs) {
                c += n.channels();
            }
            return c;
        }
    }
}

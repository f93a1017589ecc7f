package io.diif.graph;

import java.util.List;

/**
 * One operation of a {@link Graph}. Image graphs work on one image laid out {@code [C, H, W]}; row
 * graphs work on a matrix {@code [N, C]}. Every node knows its channel count; spatial sizes follow
 * from the input shape at run time.
 */
public sealed interface Node {

    /** Position of this node in its graph's topological order. */
    int id();

    /** Channels (image graphs) or columns (row graphs) this node produces. */
    int channels();

    /** The single input of the graph. */
    record Input(int id, int channels) implements Node {
    }

    /**
     * 2-D cross-correlation, stride 1, zero padding {@code padH} rows above and below and {@code padW}
     * columns left and right; {@code weight} is {@code [out, in, kh, kw]}, {@code bias} may be null.
     */
    record Conv2d(int id, Node input, Parameter weight, Parameter bias, int padH, int padW) implements Node {
        @Override
        public int channels() {
            return weight.dim(0);
        }

        public int kernelH() {
            return weight.dim(2);
        }

        public int kernelW() {
            return weight.dim(3);
        }
    }

    /** {@code y = x Wᵀ + b} on a row graph; {@code weight} is {@code [out, in]}, {@code bias} may be null. */
    record Linear(int id, Node input, Parameter weight, Parameter bias) implements Node {
        @Override
        public int channels() {
            return weight.dim(0);
        }
    }

    /** {@code max(x, 0)}. */
    record Relu(int id, Node input) implements Node {
        @Override
        public int channels() {
            return input.channels();
        }
    }

    /** Element-wise sum of two nodes of equal shape. */
    record Add(int id, Node left, Node right) implements Node {
        @Override
        public int channels() {
            return left.channels();
        }
    }

    /** Multiplication by a constant. */
    record Scale(int id, Node input, float factor) implements Node {
        @Override
        public int channels() {
            return input.channels();
        }
    }

    /**
     * PyTorch's PixelShuffle(r) on an image graph ("depth to space", ONNX DepthToSpace mode CRD):
     * {@code out[c, r·y + a, r·x + b] = in[c·r² + a·r + b, y, x]}. Channels shrink by r², each side grows r×.
     */
    record PixelShuffle(int id, Node input, int factor) implements Node {
        @Override
        public int channels() {
            return input.channels() / (factor * factor);
        }
    }

    /** Concatenation along the channel axis (image graphs) or the column axis (row graphs). */
    record Concat(int id, List<Node> inputs) implements Node {
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

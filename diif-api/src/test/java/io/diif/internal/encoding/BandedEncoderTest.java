package io.diif.internal.encoding;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.diif.graph.Graph;
import io.diif.graph.Node;
import io.diif.graph.Parameter;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The receptive radius the banded encoder and fixed-scale windows widen by. */
class BandedEncoderTest {
    private static Node conv3x3(Graph.Builder g, Node x, int out) {
        return g.conv2d(x, new Parameter("w", new int[] {out, x.channels(), 3, 3}, new float[out * x.channels() * 9]),
                null, 1, 1);
    }

    @Test
    @DisplayName("3x3 convolutions reach one row each; after a PixelShuffle(r) one row of the finer grid is 1/r input row")
    void receptiveRadius() {
        Graph.Builder g = Graph.builder("convs", Graph.Layout.IMAGE, 4);
        assertEquals(3, BandedEncoder.receptiveRadius(g.build(conv3x3(g, conv3x3(g, conv3x3(g, g.input(), 4), 4), 4))));
        // EDSR's x4 tail: conv, shuffle 2, conv, shuffle 2, conv: 1 + 1/2 + 1/4 input rows, so 2.
        Graph.Builder x4 = Graph.builder("x4", Graph.Layout.IMAGE, 4);
        Node a = x4.pixelShuffle(conv3x3(x4, x4.input(), 16), 2);
        Node b = x4.pixelShuffle(conv3x3(x4, a, 16), 2);
        Graph tail = x4.build(conv3x3(x4, b, 3));
        assertEquals(2, BandedEncoder.receptiveRadius(tail));
        assertEquals(3, tail.output().channels());
        assertEquals(40, tail.outputShape(4, 10, 7)[1]);
        assertEquals(28, tail.outputShape(4, 10, 7)[2]);
        // x3: conv, shuffle 3, conv: 1 + 1/3, so 2; a shuffle alone reaches nothing.
        Graph.Builder x3 = Graph.builder("x3", Graph.Layout.IMAGE, 4);
        assertEquals(2, BandedEncoder.receptiveRadius(x3.build(conv3x3(x3, x3.pixelShuffle(conv3x3(x3, x3.input(), 36), 3),
                3))));
        Graph.Builder alone = Graph.builder("alone", Graph.Layout.IMAGE, 8);
        assertEquals(0, BandedEncoder.receptiveRadius(alone.build(alone.pixelShuffle(alone.input(), 2))));
    }
}

package io.diif.backend.onnx;

import static io.diif.backend.onnx.TestGraphs.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.diif.backend.java.JavaBackend;
import io.diif.graph.Graph;
import io.diif.graph.Node;
import io.diif.graph.Parameter;
import io.diif.spi.Backend;
import io.diif.spi.Executable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The ONNX backend against the pure-Java reference, on random graphs. */
class OnnxBackendTest {
    private static final double TOLERANCE = 1e-5;

    private static Backend onnx;
    private static Backend reference;

    @BeforeAll
    static void create() {
        onnx = new OnnxBackendProvider().create();
        reference = new JavaBackend();
    }

    @AfterAll
    static void close() {
        onnx.close();
        reference.close();
    }

    /** Runs both backends on the same input and checks they agree; returns the ONNX output. */
    private static float[] compare(Graph graph, float[] input, int... shape) {
        try (Executable o = onnx.compile(graph); Executable j = reference.compile(graph)) {
            float[] expected = j.run(input, shape);
            float[] actual = o.run(input, shape);
            assertClose(expected, actual, TOLERANCE, graph.name() + " on " + Arrays.toString(shape));
            return actual;
        }
    }

    @Test
    void edsrMatchesJava() {
        TestGraphs t = new TestGraphs(1);
        Graph g = t.edsr(3, 16, 4, 0.1f);
        for (int[] shape : TestGraphs.imageShapes(3)) {
            compare(g, t.input(shape[0] * shape[1] * shape[2]), shape);
        }
    }

    @Test
    void branchesWithConcatAndAsymmetricPaddingMatchJava() {
        TestGraphs t = new TestGraphs(2);
        Graph g = t.edsrWithBranches();
        for (int[] shape : TestGraphs.imageShapes(3)) {
            compare(g, t.input(shape[0] * shape[1] * shape[2]), shape);
        }
    }

    @Test
    void convolutionsThatChangeTheSizeMatchJava() {
        TestGraphs t = new TestGraphs(3);
        Graph g = t.oddConvolutions();
        for (int[] shape : List.of(new int[] {2, 3, 2}, new int[] {2, 7, 5}, new int[] {2, 31, 40})) {
            float[] out = compare(g, t.input(shape[0] * shape[1] * shape[2]), shape);
            int[] outShape = g.outputShape(shape);
            assertEquals(outShape[0] * outShape[1] * outShape[2], out.length);
            assertArrayEquals(new int[] {2, shape[1] + 1, shape[2]}, outShape);
        }
    }

    @Test
    void singleConvolutionsOfEveryKindMatchJava() {
        int[][] kernels = {{1, 1, 0, 0}, {3, 3, 1, 1}, {3, 3, 0, 1}, {3, 3, 1, 0}, {2, 2, 1, 1}, {4, 4, 2, 2},
            {4, 4, 1, 1}, {2, 3, 0, 2}, {5, 1, 2, 0}};
        TestGraphs t = new TestGraphs(4);
        for (int[] k : kernels) {
            for (boolean bias : new boolean[] {true, false}) {
                Graph.Builder b = Graph.builder("conv" + Arrays.toString(k) + bias, Graph.Layout.IMAGE, 3);
                Graph g = b.build(t.conv(b, b.input(), 5, k[0], k[1], k[2], k[3], bias));
                compare(g, t.input(3 * 9 * 11), 3, 9, 11);
            }
        }
    }

    @Test
    void sharedParametersAndElementwiseOpsMatchJava() {
        TestGraphs t = new TestGraphs(5);
        Graph.Builder b = Graph.builder("shared", Graph.Layout.IMAGE, 16);
        Parameter w = t.param(16, 16, 3, 3);
        Parameter bias = t.param(16);
        Node x = b.conv2d(b.input(), w, bias, 1, 1);
        Node y = b.conv2d(b.relu(x), w, bias, 1, 1); // the same weights again
        Node z = b.add(b.scale(y, 0f), b.add(x, b.input()));
        Graph g = b.build(b.concat(List.of(z, b.scale(b.input(), 2f))));
        compare(g, t.input(16 * 6 * 7), 16, 6, 7);
        int oneCopy = 4 * w.values().length;
        assertTrue(OnnxExport.toBytes(g).length < 2 * oneCopy, "a shared weight is stored once");
    }

    @Test
    void graphWhoseOutputIsItsInputCopiesTheInput() {
        Graph.Builder b = Graph.builder("identity", Graph.Layout.ROWS, 3);
        Graph g = b.build(b.input());
        float[] in = {1, -2, 3, 4, 5, -6};
        assertArrayEquals(in, compare(g, in, 2, 3));
    }

    @Test
    void rowGraphsMatchJava() {
        TestGraphs t = new TestGraphs(6);
        Graph g = t.mlp(13, 32, 3);
        for (int n : new int[] {0, 1, 2, 7, 1000}) {
            float[] out = compare(g, t.input(n * 13), n, 13);
            assertEquals(n * 3, out.length);
        }
    }

    @Test
    void linearStacksWithAndWithoutBiasMatchJava() {
        TestGraphs t = new TestGraphs(7);
        for (boolean bias : new boolean[] {true, false}) {
            Graph.Builder b = Graph.builder("lin" + bias, Graph.Layout.ROWS, 20);
            Node x = b.input();
            for (int i = 0; i < 4; i++) {
                x = b.relu(t.linear(b, x, 64, bias));
            }
            Graph g = b.build(t.linear(b, x, 5, bias));
            compare(g, t.input(1000 * 20), 1000, 20);
            compare(g, t.input(20), 1, 20);
        }
    }

    @Test
    void emptyInputsGiveEmptyOutputs() {
        TestGraphs t = new TestGraphs(8);
        try (Executable rows = onnx.compile(t.mlp(4, 8, 2)); Executable image = onnx.compile(t.edsr(3, 4, 1, 1f))) {
            assertEquals(0, rows.run(new float[0], 0, 4).length);
            assertEquals(0, image.run(new float[0], 3, 0, 5).length);
            assertEquals(0, image.run(new float[0], 3, 4, 0).length);
        }
    }

    @Test
    void badShapesAreRejected() {
        TestGraphs t = new TestGraphs(9);
        try (Executable rows = onnx.compile(t.mlp(4, 8, 2)); Executable image = onnx.compile(t.oddConvolutions())) {
            assertThrows(IllegalArgumentException.class, () -> rows.run(new float[8], 2, 5));
            assertThrows(IllegalArgumentException.class, () -> rows.run(new float[7], 2, 4));
            assertThrows(IllegalArgumentException.class, () -> rows.run(new float[8], 2, 2, 2));
            assertThrows(IllegalArgumentException.class, () -> image.run(new float[2], 2, 1, 1)); // too small
            assertThrows(IllegalArgumentException.class, () -> image.run(new float[2 * 9], 3, 3, 2));
        }
    }

    @Test
    void closedExecutablesThrow() {
        TestGraphs t = new TestGraphs(10);
        Executable e = onnx.compile(t.mlp(4, 8, 2));
        assertEquals(2, e.run(new float[4], 1, 4).length);
        e.close();
        e.close(); // idempotent
        assertThrows(IllegalStateException.class, () -> e.run(new float[4], 1, 4));
    }

    @Test
    void prefersBigTilesOnlyWhereTheArenaKeepsRunOutputs() {
        for (OnnxSettings.Arena arena : OnnxSettings.Arena.values()) {
            OnnxBackend backend = new OnnxBackend(new OnnxSettings(1, "all", arena, false, 0, Map.of()));
            try {
                assertEquals(arena == OnnxSettings.Arena.NONE ? 1 << 14 : 1 << 16, backend.preferredTileRows(),
                        "arena " + arena);
            } finally {
                backend.close();
            }
        }
    }

    @Test
    void closedBackendRefusesToCompile() {
        Backend b = new OnnxBackendProvider().create();
        b.close();
        assertThrows(IllegalStateException.class, () -> b.compile(new TestGraphs(11).mlp(4, 8, 2)));
    }

    @Test
    void concurrentRunsGiveIdenticalResults() throws Exception {
        TestGraphs t = new TestGraphs(12);
        Graph image = t.edsr(3, 16, 2, 0.1f);
        Graph rows = t.mlp(10, 64, 3);
        float[] imageIn = t.input(3 * 40 * 30);
        float[] rowsIn = t.input(500 * 10);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try (Executable ei = onnx.compile(image); Executable er = onnx.compile(rows)) {
            float[] imageRef = ei.run(imageIn, 3, 40, 30);
            float[] rowsRef = er.run(rowsIn, 500, 10);
            List<Future<?>> futures = new ArrayList<>();
            for (int thread = 0; thread < 8; thread++) {
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < 10; i++) {
                        assertArrayEquals(imageRef, ei.run(imageIn, 3, 40, 30));
                        assertArrayEquals(rowsRef, er.run(rowsIn, 500, 10));
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void describesItself() {
        assertEquals("onnx", onnx.name());
        assertTrue(onnx.description().contains("ONNX Runtime"), onnx.description());
    }

    /** The Rows behaviour itself is in the kit's "rows in engine memory" tests. */
    @Test
    void rowGraphsKeepTheirRowsInDirectBuffers() {
        TestGraphs t = new TestGraphs(31);
        try (Executable a = onnx.compile(t.mlp(12, 32, 8))) {
            assertTrue(a.allocatesEngineRows());
        }
    }
}

package io.diif.backend.tensorflow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.diif.backend.java.JavaBackendProvider;
import io.diif.graph.Graph;
import io.diif.graph.Node;
import io.diif.internal.backends.Backends;
import io.diif.spi.Backend;
import io.diif.spi.Executable;
import io.diif.spi.Rows;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.RewriterConfig;

/** Compares the TensorFlow backend with the pure-Java reference backend. */
class TensorFlowBackendTest {
    private static final double TOLERANCE = 1e-5;

    private static Backend tf;
    private static Backend java;

    @BeforeAll
    static void createBackends() {
        tf = new TensorFlowBackendProvider().create();
        java = new JavaBackendProvider().create();
    }

    @AfterAll
    static void closeBackends() {
        tf.close();
        java.close();
    }

    private static void assertSameAsJava(Graph graph, float[] input, int... shape) {
        float[] expected;
        try (Executable reference = java.compile(graph)) {
            expected = reference.run(input, shape);
        }
        float[] actual;
        try (Executable exe = tf.compile(graph)) {
            actual = exe.run(input, shape);
            // A second run on the same executable must give the same bits.
            assertArrayEquals(actual, exe.run(input, shape), graph.name() + ": second run differs");
        }
        assertClose(graph.name() + " " + Arrays.toString(shape), expected, actual);
        long count = 1;
        for (int d : graph.outputShape(shape)) {
            count *= d;
        }
        assertEquals(count, actual.length, "output length");
    }

    static void assertClose(String what, float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length, what + ": length");
        double worst = 0;
        int worstAt = -1;
        double largest = 0;
        for (int i = 0; i < expected.length; i++) {
            largest = Math.max(largest, Math.abs(expected[i]));
            double d = Math.abs((double) expected[i] - actual[i]);
            if (!(d <= worst)) { // also catches NaN
                worst = d;
                worstAt = i;
            }
        }
        if (Boolean.getBoolean("diif.test.verbose")) {
            System.out.printf("%s: max abs diff %.3g, largest |value| %.3g%n", what, worst, largest);
        }
        if (worstAt >= 0 && !(worst <= TOLERANCE)) {
            fail(what + ": max abs difference " + worst + " at " + worstAt + " (expected " + expected[worstAt]
                    + ", got " + actual[worstAt] + "; largest |value| " + largest + ")");
        }
    }

    @Test
    void providerIsCheapAndAvailable() {
        TensorFlowBackendProvider p = new TensorFlowBackendProvider();
        assertEquals("tensorflow", p.name());
        assertEquals(90, p.priority());
        assertTrue(p.unavailableReason().isEmpty(), () -> p.unavailableReason().get());
    }

    @Test
    void serviceLoaderFindsIt() {
        Backend selected = Backends.select("tensorflow");
        assertInstanceOf(TensorFlowBackend.class, selected);
        assertEquals("tensorflow", selected.name());
        assertTrue(selected.description().contains("TensorFlow"), selected.description());
        assertTrue(Backends.discover().availableNames().contains("tensorflow"));
        assertTrue(Backends.discover().broken().isEmpty(), () -> Backends.discover().broken().toString());
    }

    @Test
    void edsrLikeGraph() {
        RandomGraphs g = new RandomGraphs(1);
        Graph graph = g.edsr("edsr-small", 3, 16, 4, 0.1f, 8);
        assertSameAsJava(graph, g.values(3 * 23 * 17, 0.5f), 3, 23, 17);
        assertSameAsJava(graph, g.values(3 * 1 * 1, 1f), 3, 1, 1);
    }

    @Test
    void edsrLikeGraph64Channels() {
        RandomGraphs g = new RandomGraphs(2);
        Graph graph = g.edsr("edsr-64", 3, 64, 2, 0.1f, 64);
        // Pixel-like input scale keeps the outputs near 1, where 1e-5 absolute leaves room for summation order.
        assertSameAsJava(graph, g.values(3 * 24 * 20, 0.5f), 3, 24, 20);
    }

    @Test
    void mixedImageGraph() {
        RandomGraphs g = new RandomGraphs(3);
        Graph graph = g.mixedImage("mixed-image");
        assertSameAsJava(graph, g.values(3 * 11 * 9, 1f), 3, 11, 9);
        assertSameAsJava(graph, g.values(3 * 4 * 16, 1f), 3, 4, 16);
    }

    @ParameterizedTest
    @ValueSource(ints = {10, 11, 12, 13, 14, 15, 16, 17, 18, 19})
    void randomImageGraphs(int seed) {
        RandomGraphs g = new RandomGraphs(seed);
        int c = 1 + g.nextInt(4);
        Graph graph = g.randomImage("random-image-" + seed, c, 12);
        int h = 6 + g.nextInt(10);
        int w = 6 + g.nextInt(10);
        assertSameAsJava(graph, g.values(c * h * w, 1f), c, h, w);
    }

    @Test
    void paddingAndKernelVariants() {
        int[][] cases = { // kh, kw, padH, padW
            {3, 3, 1, 1}, {3, 3, 0, 1}, {3, 3, 1, 0}, {3, 3, 0, 0}, {2, 2, 1, 1}, {4, 4, 2, 2}, {4, 4, 1, 1},
            {2, 2, 0, 0}, {1, 1, 0, 0}, {1, 1, 1, 2}, {5, 3, 2, 1}, {3, 5, 0, 2}, {2, 4, 1, 2}, {3, 3, 2, 2},
            {1, 3, 0, 1}, {7, 7, 3, 3},
        };
        RandomGraphs g = new RandomGraphs(4);
        for (int[] k : cases) {
            for (boolean bias : new boolean[] {true, false}) {
                Graph.Builder b = Graph.builder("conv" + Arrays.toString(k) + (bias ? "+b" : ""), Graph.Layout.IMAGE, 5);
                Node y = b.conv2d(b.input(), g.convWeight(7, 5, k[0], k[1]), bias ? g.bias(7) : null, k[2], k[3]);
                Graph graph = b.build(y);
                assertSameAsJava(graph, g.values(5 * 9 * 8, 1f), 5, 9, 8);
            }
        }
    }

    @Test
    void imageGraphWithoutOps() {
        Graph.Builder b = Graph.builder("identity-image", Graph.Layout.IMAGE, 2);
        Graph graph = b.build(b.input());
        RandomGraphs g = new RandomGraphs(5);
        float[] x = g.values(2 * 3 * 4, 1f);
        try (Executable exe = tf.compile(graph)) {
            assertArrayEquals(x, exe.run(x, 2, 3, 4));
        }
    }

    @Test
    void emptyImages() {
        RandomGraphs g = new RandomGraphs(6);
        Graph graph = g.edsr("edsr-empty", 3, 8, 1, 0.1f, 4);
        assertSameAsJava(graph, new float[0], 3, 0, 5);
        assertSameAsJava(graph, new float[0], 3, 4, 0);
        // Padding larger than the kernel turns an empty input into a non-empty output (bias only).
        Graph.Builder b = Graph.builder("grow", Graph.Layout.IMAGE, 2);
        Graph grow = b.build(b.conv2d(b.input(), g.convWeight(3, 2, 1, 1), g.bias(3), 1, 1));
        assertSameAsJava(grow, new float[0], 2, 0, 0);
    }

    @Test
    void mlpGraphs() {
        RandomGraphs g = new RandomGraphs(7);
        Graph withBias = g.mlp("mlp", true, 12, 32, 32, 5);
        Graph noBias = g.mlp("mlp-nobias", false, 12, 32, 32, 5);
        for (int rows : new int[] {0, 1, 2, 17, 1000}) {
            assertSameAsJava(withBias, g.values(rows * 12, 1f), rows, 12);
            assertSameAsJava(noBias, g.values(rows * 12, 1f), rows, 12);
        }
    }

    @Test
    void liifLikeMlp() {
        RandomGraphs g = new RandomGraphs(8);
        Graph graph = g.mlp("liif-mlp", true, 580, 256, 256, 256, 256, 3);
        assertSameAsJava(graph, g.values(300 * 580, 1f), 300, 580);
    }

    @Test
    void mixedRowGraph() {
        RandomGraphs g = new RandomGraphs(9);
        Graph graph = g.mixedRows("mixed-rows");
        for (int rows : new int[] {0, 1, 1000}) {
            assertSameAsJava(graph, g.values(rows * 7, 1f), rows, 7);
        }
    }

    @Test
    void zeroRowsDoNotNeedTensorFlow() {
        RandomGraphs g = new RandomGraphs(10);
        Graph graph = g.mlp("mlp-empty", true, 4, 8, 2);
        try (Executable exe = tf.compile(graph)) {
            assertEquals(0, exe.run(new float[0], 0, 4).length);
        }
    }

    @Test
    void rejectsBadInput() {
        RandomGraphs g = new RandomGraphs(11);
        Graph graph = g.mlp("mlp-bad", true, 4, 8, 2);
        try (Executable exe = tf.compile(graph)) {
            assertThrows(IllegalArgumentException.class, () -> exe.run(new float[8], 2, 5));
            assertThrows(IllegalArgumentException.class, () -> exe.run(new float[7], 2, 4));
            assertThrows(IllegalArgumentException.class, () -> exe.run(new float[8], 2, 2, 2));
        }
        Graph image = g.edsr("edsr-bad", 3, 4, 0, 0.1f, 3);
        try (Executable exe = tf.compile(image)) {
            assertThrows(IllegalArgumentException.class, () -> exe.run(new float[12], 4, 1, 3));
        }
    }

    /** The Rows behaviour itself is in the kit's "rows in engine memory" tests. */
    @Test
    void rowGraphsKeepTheirRowsInTensors() {
        RandomGraphs g = new RandomGraphs(21);
        try (Executable a = tf.compile(g.mlp("rows-first", true, 12, 32, 8))) {
            assertTrue(a.allocatesEngineRows());
        }
    }

    @Test
    void aClosedInputTensorIsReusedForTheNextInputOfItsShapeOnly() {
        RandomGraphs g = new RandomGraphs(22);
        Executable a = tf.compile(g.mlp("rows-kept", true, 12, 32, 8));
        TensorRows first = (TensorRows) a.allocate(100, 12);
        org.tensorflow.types.TFloat32 tensor = first.tensor();
        first.close();
        TensorRows same = (TensorRows) a.allocate(100, 12);
        assertTrue(same.tensor() == tensor, "same shape: the kept tensor");
        TensorRows other = (TensorRows) a.allocate(101, 12);
        assertTrue(other.tensor() != tensor, "another shape: a new tensor");
        float[] input = g.values(101 * 12, 1f);
        other.write(0, 101, input);
        try (Executable reference = java.compile(a.graph()); Rows out = a.run(other)) {
            assertClose("kept rows run", reference.run(input, 101, 12), out.toArray());
        }
        same.close();
        other.close(); // replaces the kept tensor, which is freed
        a.close(); // frees the kept one
        TensorRows late = (TensorRows) a.allocate(100, 12);
        late.close(); // after the executable: freed at once, not kept
        assertThrows(IllegalStateException.class, late::tensor);
    }

    @Test
    void closedExecutableThrowsNamingTheGraph() {
        RandomGraphs g = new RandomGraphs(12);
        Graph graph = g.mlp("the-closed-graph", true, 4, 8, 2);
        Executable exe = tf.compile(graph);
        assertEquals(2 * 2, exe.run(g.values(2 * 4, 1f), 2, 4).length);
        exe.close();
        exe.close(); // idempotent
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> exe.run(new float[4], 1, 4));
        assertTrue(e.getMessage().contains("the-closed-graph"), e.getMessage());
        // Zero rows too: closed is checked before the shortcut.
        assertThrows(IllegalStateException.class, () -> exe.run(new float[0], 0, 4));
    }

    @Test
    void threadSafeImage() throws Exception {
        RandomGraphs g = new RandomGraphs(13);
        Graph graph = g.edsr("edsr-threads", 3, 16, 2, 0.1f, 3);
        List<float[]> inputs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            inputs.add(g.values(3 * 20 * 18, 1f));
        }
        try (Executable exe = tf.compile(graph)) {
            hammer(exe, inputs, new int[] {3, 20, 18});
        }
    }

    @Test
    void threadSafeRows() throws Exception {
        RandomGraphs g = new RandomGraphs(14);
        Graph graph = g.mlp("mlp-threads", true, 20, 64, 64, 3);
        List<float[]> inputs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            inputs.add(g.values(500 * 20, 1f));
        }
        try (Executable exe = tf.compile(graph)) {
            hammer(exe, inputs, new int[] {500, 20});
        }
    }

    /** 8 threads, each running every input several times; all results must equal the single-threaded ones. */
    private static void hammer(Executable exe, List<float[]> inputs, int[] shape) throws Exception {
        List<float[]> expected = new ArrayList<>();
        for (float[] in : inputs) {
            expected.add(exe.run(in, shape));
        }
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<Void>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int offset = t;
                Callable<Void> task = () -> {
                    start.await();
                    for (int rep = 0; rep < 5; rep++) {
                        for (int i = 0; i < inputs.size(); i++) {
                            int k = (i + offset) % inputs.size();
                            assertArrayEquals(expected.get(k), exe.run(inputs.get(k), shape),
                                    "thread " + offset + " input " + k);
                        }
                    }
                    return null;
                };
                futures.add(pool.submit(task));
            }
            start.countDown();
            for (Future<Void> f : futures) {
                f.get(5, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void closeWaitsForRunningCalls() throws Exception {
        RandomGraphs g = new RandomGraphs(15);
        Graph graph = g.mlp("mlp-close-race", true, 32, 256, 256, 3);
        float[] in = g.values(5000 * 32, 1f);
        Executable exe = tf.compile(graph);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> futures = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                futures.add(pool.submit(() -> {
                    int done = 0;
                    try {
                        while (true) {
                            assertEquals(5000 * 3, exe.run(in, 5000, 32).length);
                            done++;
                        }
                    } catch (IllegalStateException closed) {
                        assertTrue(closed.getMessage().contains("mlp-close-race"), closed.getMessage());
                    }
                    return done;
                }));
            }
            Thread.sleep(300);
            exe.close();
            for (Future<Integer> f : futures) {
                f.get(1, TimeUnit.MINUTES); // every runner ends with the closed exception, none crashes
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void rowGraphsRunWithoutTheRemapperImageGraphsWithIt() {
        TensorFlowBackend backend = (TensorFlowBackend) tf;
        ConfigProto rows = backend.sessionConfig(Graph.Layout.ROWS);
        ConfigProto image = backend.sessionConfig(Graph.Layout.IMAGE);
        // The fused MatMul + BiasAdd of the remapper ran at a third of MatMul's speed with oneDNN.
        assertEquals(RewriterConfig.Toggle.OFF, rows.getGraphOptions().getRewriteOptions().getRemapping());
        assertEquals(RewriterConfig.Toggle.DEFAULT, image.getGraphOptions().getRewriteOptions().getRemapping());
        assertEquals(image.getIntraOpParallelismThreads(), rows.getIntraOpParallelismThreads());
        assertEquals(image.getInterOpParallelismThreads(), rows.getInterOpParallelismThreads());
    }
}

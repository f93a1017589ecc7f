package io.diif.backend.pytorch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.djl.pytorch.jni.JniUtils;
import io.diif.backend.java.JavaBackend;
import io.diif.graph.Graph;
import io.diif.internal.backends.Backends;
import io.diif.spi.Backend;
import io.diif.spi.Executable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Compares the PyTorch backend with the pure-Java reference on random graphs, and checks its contract. */
class PyTorchBackendTest {
    private static final float TOLERANCE = 1e-5f;

    private static Backend pytorch;
    private static Backend java;
    private static double maxError;
    private static long compared;

    @BeforeAll
    static void load() {
        pytorch = new PyTorchBackendProvider().create();
        java = new JavaBackend();
    }

    @AfterAll
    static void unload() {
        System.out.printf("pytorch vs java: %d values compared, largest absolute difference %.3g%n", compared, maxError);
        pytorch.close();
        java.close();
    }

    @Test
    void edsrLikeGraphsMatchJava() {
        Random rnd = new Random(1);
        Graph small = TestGraphs.edsr("edsr-small", rnd, 3, 8, 2, 3, 0.1f);
        Graph wide = TestGraphs.edsr("edsr-wide", rnd, 3, 32, 4, 16, 1.0f);
        for (Graph g : List.of(small, wide)) {
            for (int[] shape : TestGraphs.shapes(3, 1, 1, 3, 5, 7, 3, 24, 17, 3, 32, 32, 3, 2, 40)) {
                compare(g, shape, rnd);
            }
        }
    }

    @Test
    void oddConvolutionsMatchJava() {
        Random rnd = new Random(2);
        Graph g = TestGraphs.oddConvs("odd", rnd, 3);
        // 2 rows: the first (0,1)-padded convolution leaves an empty tensor, the next one pads it back.
        for (int[] shape : TestGraphs.shapes(3, 2, 1, 3, 2, 9, 3, 3, 3, 3, 9, 4, 3, 17, 23)) {
            compare(g, shape, rnd);
        }
    }

    @Test
    void singleConvolutionsMatchJava() {
        Random rnd = new Random(3);
        int[][] cases = {
            // in, out, kh, kw, padH, padW, bias
            {3, 4, 3, 3, 1, 1, 1},
            {3, 4, 3, 3, 0, 1, 1},
            {3, 4, 3, 3, 1, 0, 0},
            {2, 3, 2, 2, 1, 1, 1},
            {2, 3, 4, 4, 2, 2, 1},
            {2, 3, 4, 4, 1, 1, 0},
            {5, 2, 1, 1, 0, 0, 0},
            {4, 6, 5, 3, 2, 0, 1},
            {64, 64, 3, 3, 1, 1, 1},
        };
        for (int[] c : cases) {
            Graph g = TestGraphs.singleConv("conv" + Arrays.toString(c), rnd, c[0], c[1], c[2], c[3], c[4], c[5],
                    c[6] == 1);
            for (int[] hw : new int[][] {{6, 6}, {7, 11}, {13, 5}}) {
                compare(g, new int[] {c[0], hw[0], hw[1]}, rnd);
            }
        }
    }

    @Test
    void emptyImageInputIsPaddedLikeJava() {
        Random rnd = new Random(4);
        Graph g = TestGraphs.singleConv("pad-only", rnd, 2, 3, 2, 2, 1, 1, true);
        compare(g, new int[] {2, 0, 3}, rnd);  // output 1 x 4: bias only
        compare(g, new int[] {2, 0, 0}, rnd);  // output 1 x 1
        Graph noPad = TestGraphs.singleConv("no-pad", rnd, 2, 3, 1, 1, 0, 0, true);
        compare(noPad, new int[] {2, 0, 5}, rnd);  // empty output
    }

    @Test
    void rowGraphsMatchJava() {
        Random rnd = new Random(5);
        Graph mlp = TestGraphs.mlp("mlp", rnd, 10, new int[] {64, 64, 32, 3}, null);
        Graph noBias = TestGraphs.mlp("mlp-nobias", rnd, 7, new int[] {16, 16, 4},
                new boolean[] {true, false, true});
        Graph single = TestGraphs.mlp("linear", rnd, 5, new int[] {1}, new boolean[] {true});
        Graph concat = TestGraphs.rowsWithConcat("rows-concat", rnd, 9);
        for (Graph g : List.of(mlp, noBias, single, concat)) {
            int in = g.input().channels();
            for (int n : new int[] {0, 1, 2, 7, 1000}) {
                compare(g, new int[] {n, in}, rnd);
            }
        }
    }

    @Test
    void threadsShareOneExecutable() throws Exception {
        Random rnd = new Random(6);
        Graph image = TestGraphs.edsr("edsr-threads", rnd, 3, 16, 3, 3, 0.1f);
        Graph rows = TestGraphs.rowsWithConcat("rows-threads", rnd, 12);
        int[] imageShape = {3, 33, 29};
        int[] rowShape = {300, 12};
        List<float[]> imageInputs = new ArrayList<>();
        List<float[]> rowInputs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            imageInputs.add(TestGraphs.uniform(rnd, TestGraphs.count(imageShape)));
            rowInputs.add(TestGraphs.uniform(rnd, TestGraphs.count(rowShape)));
        }
        int threads = 8;
        int rounds = 6;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (Executable im = pytorch.compile(image); Executable rw = pytorch.compile(rows)) {
            List<float[]> imageExpected = new ArrayList<>();
            List<float[]> rowExpected = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                imageExpected.add(im.run(imageInputs.get(i), imageShape));
                rowExpected.add(rw.run(rowInputs.get(i), rowShape));
            }
            CyclicBarrier start = new CyclicBarrier(threads);
            List<Future<Integer>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                Callable<Integer> task = () -> {
                    start.await(30, TimeUnit.SECONDS);
                    int checked = 0;
                    for (int r = 0; r < rounds; r++) {
                        int i = (thread + r) % 4;
                        assertArrayEquals(imageExpected.get(i), im.run(imageInputs.get(i), imageShape),
                                "image run " + r + " of thread " + thread);
                        assertArrayEquals(rowExpected.get(i), rw.run(rowInputs.get(i), rowShape),
                                "row run " + r + " of thread " + thread);
                        checked += 2;
                    }
                    return checked;
                };
                futures.add(pool.submit(task));
            }
            int total = 0;
            for (Future<Integer> f : futures) {
                total += f.get(5, TimeUnit.MINUTES);
            }
            assertEquals(threads * rounds * 2, total);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void runAfterCloseNamesTheGraph() {
        Graph g = TestGraphs.mlp("closed-mlp", new Random(7), 4, new int[] {3}, null);
        Executable e = pytorch.compile(g);
        float[] y = e.run(new float[8], 2, 4);
        assertEquals(6, y.length);
        e.close();
        e.close();  // idempotent
        IllegalStateException ex = assertThrows(IllegalStateException.class, () -> e.run(new float[8], 2, 4));
        assertTrue(ex.getMessage().contains("closed-mlp"), ex.getMessage());
    }

    @Test
    void closingTheBackendClosesItsExecutables() {
        Backend own = new PyTorchBackend();
        Graph g = TestGraphs.mlp("orphan", new Random(8), 4, new int[] {3}, null);
        Executable e = own.compile(g);
        own.close();
        assertThrows(IllegalStateException.class, () -> e.run(new float[4], 1, 4));
        IllegalStateException ex = assertThrows(IllegalStateException.class, () -> own.compile(g));
        assertTrue(ex.getMessage().contains("orphan"), ex.getMessage());
    }

    @Test
    void badInputsAreRejected() {
        Random rnd = new Random(9);
        try (Executable img = pytorch.compile(TestGraphs.oddConvs("odd-bad", rnd, 3));
                Executable rows = pytorch.compile(TestGraphs.mlp("mlp-bad", rnd, 4, new int[] {2}, null))) {
            assertThrows(IllegalArgumentException.class, () -> img.run(new float[2 * 5 * 5], 2, 5, 5));
            assertThrows(IllegalArgumentException.class, () -> img.run(new float[10], 3, 5, 5));
            assertThrows(IllegalArgumentException.class, () -> img.run(new float[3], 3, 1, 1));  // too small
            assertThrows(IllegalArgumentException.class, () -> rows.run(new float[8], 2, 4, 1));
            assertThrows(IllegalArgumentException.class, () -> rows.run(new float[7], 2, 4));
        }
    }

    @Test
    void providerDiscoveryIsCheapAndAvailableHere() {
        PyTorchBackendProvider provider = new PyTorchBackendProvider();
        assertEquals("pytorch", provider.name());
        assertEquals(80, provider.priority());
        assertEquals(Optional.empty(), provider.unavailableReason());
    }

    @Test
    void intraOpThreadsNeverExceedTheProcessors() throws Exception {
        int[] seen = new int[1];
        Thread t = new Thread(() -> seen[0] = JniUtils.getNumThreads());
        t.start();
        t.join();
        int cores = Runtime.getRuntime().availableProcessors();
        assertTrue(seen[0] >= 1 && seen[0] <= cores, seen[0] + " intra-op threads on " + cores + " processors");
    }

    @Test
    void runLeavesTheCallersGradModeAlone() {
        Graph g = TestGraphs.mlp("grad", new Random(10), 3, new int[] {2}, null);
        boolean before = JniUtils.isGradMode();
        try (Executable e = pytorch.compile(g)) {
            JniUtils.setGradMode(true);
            e.run(new float[3], 1, 3);
            assertTrue(JniUtils.isGradMode());
            JniUtils.setGradMode(false);
            e.run(new float[3], 1, 3);
            assertFalse(JniUtils.isGradMode());
        } finally {
            JniUtils.setGradMode(before);
        }
    }

    @Test
    void discoveredThroughServiceLoader() {
        Backends.Discovery d = Backends.discover();
        assertTrue(d.availableNames().contains("pytorch"), d.toString());
        assertEquals("pytorch", d.available().get(0).name(), "highest priority among " + d.availableNames());
        assertEquals(80, d.available().get(0).priority());
        Backend selected = Backends.select("pytorch");
        assertTrue(selected instanceof PyTorchBackend, String.valueOf(selected));
        assertEquals("pytorch", selected.name());
        assertTrue(selected.description().contains("PyTorch 2.7.1"), selected.description());
        assertEquals("true", System.getProperty("ai.djl.offline"));
    }

    private static void compare(Graph g, int[] shape, Random rnd) {
        float[] input = TestGraphs.uniform(rnd, TestGraphs.count(shape));
        float[] expected;
        float[] actual;
        try (Executable ref = java.compile(g); Executable pt = pytorch.compile(g)) {
            expected = ref.run(input, shape);
            actual = pt.run(input, shape);
        }
        int[] outShape = g.outputShape(shape);
        String what = g.name() + " on " + Arrays.toString(shape);
        assertEquals(TestGraphs.count(outShape), actual.length, what);
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            maxError = Math.max(maxError, Math.abs(expected[i] - actual[i]));
            compared++;
            if (!(Math.abs(expected[i] - actual[i]) <= TOLERANCE)) {
                fail(what + ": element " + i + " of " + Arrays.toString(outShape) + " is " + actual[i]
                        + ", java says " + expected[i]);
            }
        }
    }

    /** The Rows behaviour itself is in the kit's "rows in engine memory" tests. */
    @Test
    void rowGraphsKeepTheirRowsInTensorsAndRefuseNewOnesAfterClose() {
        Random rnd = new Random(41);
        Executable exe = pytorch.compile(TestGraphs.mlp("rows-first", rnd, 12, new int[] {32, 8}, null));
        assertTrue(exe.allocatesEngineRows());
        exe.close();
        assertThrows(IllegalStateException.class, () -> exe.allocate(1, 12));
    }
}

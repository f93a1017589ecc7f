package io.diif.backend.tensorflow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import io.diif.backend.java.JavaBackendProvider;
import io.diif.graph.Graph;
import io.diif.spi.Backend;
import io.diif.spi.Executable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * DJL's PyTorch engine (what diif-backend-pytorch uses) and TensorFlow Java in one JVM: no Java
 * dependency clash (protobuf, JavaCPP, slf4j) and no native clash (both bundle their own libraries).
 *
 * <p>Surefire runs this class in two fresh JVMs, once loading PyTorch first and once TensorFlow first
 * (system property {@value #ORDER_PROPERTY}), because whichever native runtime loads first could
 * shadow symbols of the second.
 */
class PyTorchCoexistenceTest {
    static final String ORDER_PROPERTY = "diif.coexistence.order";

    private static final String TF_LIB = "libtensorflow_framework.so";
    private static final String TORCH_LIB = "libtorch_cpu.so";

    private static Backend tf;
    private static boolean tensorFlowFirst;

    /** Loads both native runtimes, in the order asked for, before any test runs. */
    @BeforeAll
    static void loadInOrder() {
        System.setProperty("ai.djl.offline", "true");
        tensorFlowFirst = "tensorflow-first".equals(
                System.getProperty(ORDER_PROPERTY, "pytorch-first").toLowerCase(Locale.ROOT));
        if (tensorFlowFirst) {
            assertFalse(mapped(TORCH_LIB) || mapped(TF_LIB), "a native runtime was loaded before the test");
            tf = new TensorFlowBackendProvider().create();
            runTensorFlow(tf);
            assertFalse(mapped(TORCH_LIB), "PyTorch natives loaded by TensorFlow?");
            runPyTorch();
        } else {
            assertFalse(mapped(TORCH_LIB) || mapped(TF_LIB), "a native runtime was loaded before the test");
            runPyTorch();
            assertFalse(mapped(TF_LIB), "TensorFlow natives loaded by PyTorch?");
            tf = new TensorFlowBackendProvider().create();
            runTensorFlow(tf);
        }
        assertTrue(mapped(TORCH_LIB) && mapped(TF_LIB), "both native runtimes are mapped");
        System.out.println("coexistence (" + (tensorFlowFirst ? "tensorflow" : "pytorch") + " loaded first): "
                + tf.description() + " | DJL " + Engine.getEngine("PyTorch").getEngineName() + " "
                + Engine.getEngine("PyTorch").getVersion());
    }

    @Test
    void bothEnginesConcurrently() throws Exception {
        // Both engines busy at the same time, from several threads.
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                boolean torch = t % 2 == 0;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < 5; i++) {
                        if (torch) {
                            runPyTorch();
                        } else {
                            runTensorFlow(tf);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(5, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Whether a shared library of that name is mapped into this process (Linux). */
    private static boolean mapped(String library) {
        try {
            return Files.readAllLines(Path.of("/proc/self/maps")).stream().anyMatch(l -> l.contains(library));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void runPyTorch() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            NDArray a = manager.create(new float[] {1, 2, 3, 4}, new Shape(2, 2));
            NDArray y = a.matMul(a).add(1f).sub(10f).maximum(0f);
            // [[7, 10], [15, 22]] + 1 - 10, relu
            assertArrayEquals(new float[] {0, 1, 6, 13}, y.toFloatArray());
        }
    }

    /** The same convolution (asymmetric padding) in PyTorch and TensorFlow, in one process. */
    @Test
    void sameConvolutionInBothEngines() {
        RandomGraphs g = new RandomGraphs(7);
        int c = 4;
        int o = 6;
        int h = 10;
        int w = 9;
        io.diif.graph.Parameter weight = g.convWeight(o, c, 3, 3);
        io.diif.graph.Parameter bias = g.bias(o);
        float[] x = g.values(c * h * w, 1f);
        Graph.Builder b = Graph.builder("conv-pt-vs-tf", Graph.Layout.IMAGE, c);
        Graph graph = b.build(b.relu(b.conv2d(b.input(), weight, bias, 0, 1)));
        float[] torch;
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            NDArray in = manager.create(x, new Shape(1, c, h, w));
            NDArray wt = manager.create(weight.values(), new Shape(o, c, 3, 3));
            NDArray bs = manager.create(bias.values(), new Shape(o));
            torch = Conv2d.conv2d(in, wt, bs, new Shape(1, 1), new Shape(0, 1)).singletonOrThrow()
                    .maximum(0f).toFloatArray();
        }
        try (Executable exe = tf.compile(graph)) {
            TensorFlowBackendTest.assertClose("pytorch vs tensorflow conv", torch, exe.run(x, c, h, w));
        }
    }

    private static void runTensorFlow(Backend tf) {
        RandomGraphs g = new RandomGraphs(42);
        Graph image = g.edsr("coexist-edsr", 3, 8, 1, 0.1f, 3);
        Graph rows = g.mlp("coexist-mlp", true, 6, 16, 2);
        float[] x = g.values(3 * 9 * 7, 1f);
        float[] r = g.values(10 * 6, 1f);
        Backend java = new JavaBackendProvider().create();
        try (Executable a = tf.compile(image); Executable b = java.compile(image);
             Executable c = tf.compile(rows); Executable d = java.compile(rows)) {
            TensorFlowBackendTest.assertClose("coexist image", b.run(x, 3, 9, 7), a.run(x, 3, 9, 7));
            TensorFlowBackendTest.assertClose("coexist rows", d.run(r, 10, 6), c.run(r, 10, 6));
            assertEquals(20, c.run(r, 10, 6).length);
        }
    }
}

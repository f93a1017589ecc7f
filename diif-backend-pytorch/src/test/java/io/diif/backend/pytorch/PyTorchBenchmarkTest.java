package io.diif.backend.pytorch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.diif.backend.java.JavaBackend;
import io.diif.graph.Graph;
import io.diif.graph.Node;
import io.diif.spi.Backend;
import io.diif.spi.Executable;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Prints timings; asserts nothing about speed. Off by default: {@code mvn -pl diif-backend-pytorch test
 * -Dtest=PyTorchBenchmarkTest -Ddiif.benchmark=true} (add {@code -Ddiif.benchmark.java=true} to time the
 * pure-Java backend on the same graphs).
 */
@EnabledIfSystemProperty(named = "diif.benchmark", matches = "true")
class PyTorchBenchmarkTest {

    @Test
    void timings() {
        Random rnd = new Random(42);
        Graph edsr = edsrBaseline(rnd, 64, 16);
        Graph mlp = TestGraphs.mlp("mlp-4x256", rnd, 256, new int[] {256, 256, 256, 256}, null);
        Graph tiny = TestGraphs.mlp("tiny", rnd, 4, new int[] {4}, null);
        int[] imageShape = {3, 256, 256};
        int[] rowShape = {100_000, 256};
        float[] image = TestGraphs.uniform(rnd, TestGraphs.count(imageShape));
        float[] rows = TestGraphs.uniform(rnd, TestGraphs.count(rowShape));
        System.out.printf("EDSR-like 64ch x 16 resblocks on %s: %.1f GMAC; MLP 4x256 on %s: %.1f GMAC%n",
                Arrays.toString(imageShape), edsr.macs(imageShape) / 1e9, Arrays.toString(rowShape),
                mlp.macs(rowShape) / 1e9);
        try (Backend pytorch = new PyTorchBackend()) {
            System.out.println(pytorch.description());
            time(pytorch, edsr, image, imageShape, 3);
            time(pytorch, mlp, rows, rowShape, 3);
            try (Executable e = pytorch.compile(tiny)) {
                float[] x = {1, 2, 3, 4};
                for (int i = 0; i < 2000; i++) {
                    e.run(x, 1, 4);
                }
                int n = 20000;
                long t0 = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    e.run(x, 1, 4);
                }
                System.out.printf("pytorch per-run overhead (1 row, 4->4 linear): %.1f us%n",
                        (System.nanoTime() - t0) / 1e3 / n);
            }
        }
        if (Boolean.getBoolean("diif.benchmark.java")) {
            try (Backend java = new JavaBackend()) {
                time(java, edsr, image, imageShape, 1);
                time(java, mlp, rows, rowShape, 1);
            }
        }
    }

    private static void time(Backend backend, Graph g, float[] input, int[] shape, int runs) {
        try (Executable e = backend.compile(g)) {
            long t0 = System.nanoTime();
            float[] y = e.run(input, shape);
            double first = (System.nanoTime() - t0) / 1e6;
            assertEquals(TestGraphs.count(g.outputShape(shape)), y.length);
            double best = Double.MAX_VALUE;
            double sum = 0;
            for (int i = 0; i < runs; i++) {
                long t = System.nanoTime();
                e.run(input, shape);
                double ms = (System.nanoTime() - t) / 1e6;
                best = Math.min(best, ms);
                sum += ms;
            }
            System.out.printf("%s %s on %s: first run %.0f ms, then best %.0f ms, mean %.0f ms over %d runs%n",
                    backend.name(), g.name(), Arrays.toString(shape), first, best, sum / runs, runs);
        }
    }

    /** LIIF's EDSR-baseline encoder without upsampler: head conv, resblocks, body conv, global skip. */
    private static Graph edsrBaseline(Random rnd, int features, int blocks) {
        Graph.Builder b = Graph.builder("edsr-" + features + "x" + blocks, Graph.Layout.IMAGE, 3);
        Node head = TestGraphs.conv(b, rnd, b.input(), features, 3, 3, 1, 1, true);
        Node h = head;
        for (int i = 0; i < blocks; i++) {
            Node r = TestGraphs.conv(b, rnd, h, features, 3, 3, 1, 1, true);
            r = TestGraphs.conv(b, rnd, b.relu(r), features, 3, 3, 1, 1, true);
            h = b.add(h, b.scale(r, 1f));
        }
        Node body = TestGraphs.conv(b, rnd, h, features, 3, 3, 1, 1, true);
        return b.build(b.add(body, head));
    }
}

package io.diif.backend.tensorflow;

import io.diif.graph.Graph;
import io.diif.spi.Backend;
import io.diif.spi.Executable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Prints timings; asserts nothing about them. Runs only when asked:
 * {@code mvn -q -pl diif-backend-tf test -Ddiif.bench=true -Dtest=TensorFlowBenchmark}, or as a plain
 * main on the test class path.
 */
class TensorFlowBenchmark {

    @Test
    @EnabledIfSystemProperty(named = "diif.bench", matches = "true")
    void benchmark() {
        main(new String[0]);
    }

    public static void main(String[] args) {
        int repeats = Integer.getInteger("diif.bench.repeats", 3);
        Backend tf = new TensorFlowBackendProvider().create();
        System.out.println("backend: " + tf.description());
        RandomGraphs g = new RandomGraphs(2024);

        Graph edsr = g.edsr("edsr-64x16", 3, 64, 16, 0.1f, 64);
        float[] image = g.values(3 * 256 * 256, 1f);
        time(tf, edsr, image, repeats, 3, 256, 256);

        Graph mlp = g.mlp("mlp-4x256", true, 256, 256, 256, 256, 256);
        float[] rows = g.values(100_000 * 256, 1f);
        time(tf, mlp, rows, repeats, 100_000, 256);
    }

    private static void time(Backend backend, Graph graph, float[] input, int repeats, int... shape) {
        long t0 = System.nanoTime();
        try (Executable exe = backend.compile(graph)) {
            long t1 = System.nanoTime();
            exe.run(input, shape); // first run: graph optimisation, kernel selection
            long t2 = System.nanoTime();
            long best = Long.MAX_VALUE;
            long total = 0;
            for (int i = 0; i < repeats; i++) {
                long s = System.nanoTime();
                exe.run(input, shape);
                long d = System.nanoTime() - s;
                best = Math.min(best, d);
                total += d;
            }
            double gmac = graph.macs(shape) / 1e9;
            System.out.printf("%s %s: compile %.0f ms, first run %.0f ms, steady run best %.0f ms / mean %.0f ms"
                    + " (%.1f GMAC, %.1f GMAC/s)%n", graph.name(), java.util.Arrays.toString(shape),
                    (t1 - t0) / 1e6, (t2 - t1) / 1e6, best / 1e6, total / 1e6 / Math.max(1, repeats),
                    gmac, gmac / (best / 1e9));
        }
    }
}
